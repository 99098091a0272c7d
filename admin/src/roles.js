const ROLE_LABELS = {
  COMMITTEE_STAFF: '居委会',
  GRID_WORKER: '网格员',
  HOUSEHOLD_HEAD: '户主',
  OWNER: '业主',
  PROPERTY_STAFF: '物业',
  PROVIDER_ADMIN: '服务商管理员',
  PROVIDER_WORKER: '服务人员',
  RESIDENT: '居民',
  VOLUNTEER: '志愿者',
  VOLUNTEER_COORDINATOR: '志愿者协调员',
}

const RESIDENT_ROLE_LABELS = { OWNER: '业主', TENANT: '租户', CO_RESIDENT: '同住人' }

/** The zh-CN name of a membership role; an unknown role shows its code rather than nothing. */
export const roleLabel = (role) => ROLE_LABELS[role] ?? role

/** How a resident lives in a room: 业主, 租户 or 同住人. */
export const residentRoleLabel = (role) => RESIDENT_ROLE_LABELS[role] ?? role
