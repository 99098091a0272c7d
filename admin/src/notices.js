// What the notice pages share: the zh-CN names of states and importance, and the audience picker's model.

export const STATE_LABELS = { DRAFT: '草稿', SCHEDULED: '定时', PUBLISHED: '已发布', ARCHIVED: '已归档' }

export const IMPORTANCE = {
  NORMAL: { label: '普通', tag: 'info' },
  IMPORTANT: { label: '重要', tag: 'warning' },
  URGENT: { label: '紧急', tag: 'danger' },
}

/** Suggested categories; the server takes any 1–32 characters. */
export const CATEGORIES = ['社区公告', '物业通知', '活动', '安全', '其他']

/** The reminder times the editor offers (hours after publication); the server takes up to 3, each 1–168. */
export const REMINDER_HOURS = [2, 6, 24, 48, 72]
export const MAX_REMINDERS = 3
/** What a new notice gets when none are chosen: one reminder a day after publication. */
export const DEFAULT_REMINDER_HOURS = [24]

/** The roles a notice can be sent to by role. */
export const AUDIENCE_ROLES = [
  'RESIDENT',
  'HOUSEHOLD_HEAD',
  'OWNER',
  'COMMITTEE_STAFF',
  'GRID_WORKER',
  'PROPERTY_STAFF',
  'VOLUNTEER_COORDINATOR',
  'VOLUNTEER',
]

/** The picker offers one kind of target at a time. */
export const AUDIENCE_KINDS = { COMMUNITY: '全社区', ESTATE: '按小区', BUILDING: '按楼栋', GRID: '按网格', ROLE: '按角色' }

/** The picker's state for a notice's stored audience (a list of {kind, ids?, roles?}); a new notice
 * goes to the whole community. An audience of several kinds (made elsewhere) shows its first. */
export function audienceSelection(audience) {
  const target = audience?.[0] ?? { kind: 'COMMUNITY' }
  return { kind: target.kind, ids: [...(target.ids ?? [])], roles: [...(target.roles ?? [])] }
}

/** The NoticeInput audience for the picker's state. */
export function audienceInput({ kind, ids, roles }) {
  if (kind === 'COMMUNITY') return [{ kind }]
  if (kind === 'ROLE') return [{ kind, roles }]
  return [{ kind, ids }]
}

/** An ISO timestamp for a date picker's Date, or null when none is chosen. */
export const isoOrNull = (date) => (date ? new Date(date).toISOString() : null)
