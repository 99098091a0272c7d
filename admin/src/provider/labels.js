// Words and numbers of the paid services as provider admins read them.

// The categories, order states and amounts read as the operator's pages read them (one copy).
export { CATEGORY_LABELS, ORDER_STATE_LABELS, yuanText as yuan } from '../services/labels'

export const UNIT_LABELS = { HOUR: '小时', ITEM: '件', MEAL: '份' }
export const ROLE_LABELS = { ADMIN: '管理员', WORKER: '服务人员' }

export const FULFILMENT_LABELS = { ON_SITE: '上门服务', PICKUP: '自取', DELIVERY: '送餐上门' }

const SHANGHAI = 'Asia/Shanghai'

/** Today in Asia/Shanghai, "2026-12-03". */
export const todayInShanghai = (now = new Date()) => new Intl.DateTimeFormat('en-CA', { timeZone: SHANGHAI }).format(now)

/** The day `days` after a "YYYY-MM-DD" day. */
export function addDays(day, days) {
  const t = new Date(`${day}T00:00:00Z`)
  t.setUTCDate(t.getUTCDate() + days)
  return t.toISOString().slice(0, 10)
}

/** A day and "HH:MM" in Asia/Shanghai as an ISO timestamp with its offset. */
export const shanghaiTime = (day, hhmm) => `${day}T${hhmm}:00+08:00`

/** An ISO timestamp's "HH:MM" in Asia/Shanghai. */
export const clockText = (iso) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: SHANGHAI, hour: '2-digit', minute: '2-digit' }).format(new Date(iso))

/** An ISO timestamp's day in Asia/Shanghai. */
export const dayOf = (iso) => todayInShanghai(new Date(iso))

/** An ISO timestamp as "2026-12-09 14:00" in Asia/Shanghai, where the services happen (not the browser's zone). */
export const shanghaiText = (iso) => `${dayOf(iso)} ${clockText(iso)}`
