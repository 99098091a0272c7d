// zh-CN labels of the membership roles (the GraphQL Role enum) and of the roles in a home
// (ResidentRole: OWNER, TENANT, CO_RESIDENT).
const ROLE_LABELS = {
  RESIDENT: '居民',
  HOUSEHOLD_HEAD: '户主',
  OWNER: '业主',
  COMMITTEE_STAFF: '居委会',
  GRID_WORKER: '网格员',
  PROPERTY_STAFF: '物业',
  VOLUNTEER_COORDINATOR: '志愿者协调员',
  VOLUNTEER: '志愿者',
  PROVIDER_ADMIN: '服务商管理员',
  PROVIDER_WORKER: '服务人员',
  TENANT: '租户',
  CO_RESIDENT: '同住人',
}

// A role added to the server before the client learns it still shows, as its code.
function roleLabel(role) {
  return ROLE_LABELS[role] || role
}

// The roles one can live in a home with, as choices to tap.
const RESIDENT_ROLE_CHOICES = ['OWNER', 'TENANT', 'CO_RESIDENT'].map((value) => ({ value, label: roleLabel(value) }))

module.exports = { roleLabel, RESIDENT_ROLE_CHOICES }
