const pad = (n) => String(n).padStart(2, '0')

/** An ISO timestamp as local "2026-03-01 14:05". */
export function formatTime(iso) {
  const t = new Date(iso)
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${pad(t.getHours())}:${pad(t.getMinutes())}`
}

/** An ISO timestamp as its local date, "2026-03-01". */
export const formatDate = (iso) => formatTime(iso).slice(0, 10)


/** A file size in bytes as "12.3 KB" or "1.5 MB". */
export function formatSize(bytes) {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

// The fields audit entries record (backend: every audit.record call) and their coded values, in words.
const FIELD_LABELS = {
  agent: '代办人',
  channels: '消息渠道',
  grid: '网格',
  notice: '通知',
  person: '居民',
  principal: '委托人',
  reason: '原因',
  role: '身份',
  room: '房号',
  rows: '导入行数',
  scopes: '代办范围',
  skipped: '跳过行数',
  state: '状态',
  status: '状态',
  title: '标题',
  until: '迁出时间',
}
const VALUE_LABELS = {
  APPROVED: '已通过',
  ARCHIVED: '已归档',
  CO_RESIDENT: '同住人',
  DRAFT: '草稿',
  OWNER: '业主',
  PENDING: '待审核',
  PUBLISHED: '已发布',
  REJECTED: '已驳回',
  SCHEDULED: '定时',
  TENANT: '租户',
}
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d/

/** A recorded value in words; `names` maps the ids of people the entry mentions to their names. */
function valueText(value, names) {
  if (value == null) return null
  if (typeof value === 'boolean') return value ? '是' : '否'
  if (Array.isArray(value)) return value.map((v) => valueText(v, names)).join('、')
  if (typeof value === 'object') {
    return Object.entries(value).map(([k, v]) => `${VALUE_LABELS[k] ?? k}：${valueText(v, names)}`).join('，')
  }
  if (typeof value === 'string' && ISO_TIME.test(value)) return formatTime(value)
  return names[value] ?? VALUE_LABELS[value] ?? String(value)
}

/** What changed between an audit entry's before and after: [{field, label, before, after}] in words,
 * a value of null where the field was not there; people by name (`mentioned`: [{id, displayName}]). */
export function changesBetween(before, after, mentioned = []) {
  const names = Object.fromEntries(mentioned.map((person) => [person.id, person.displayName]))
  const fields = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])]
  return fields
    .map((field) => ({
      field,
      label: FIELD_LABELS[field] ?? field,
      before: valueText(before?.[field], names),
      after: valueText(after?.[field], names),
    }))
    .filter((change) => change.before !== change.after)
}
