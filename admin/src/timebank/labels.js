// The time bank's words, shared by its console pages.
export const KIND_LABELS = { COMPANY: '陪伴', SHOPPING: '代购', CLINIC: '陪诊', ERRAND: '跑腿', OTHER: '其他' }
export const STATE_LABELS = { OPEN: '待接单', BOOKED: '已预约', COMPLETED: '已完成', CANCELLED: '已取消' }
export const STATE_TAGS = { OPEN: 'warning', BOOKED: 'primary', COMPLETED: 'success', CANCELLED: 'info' }
export const HOLD_LABELS = {
  PENDING: '时长已冻结，待确认',
  POSTED: '时长已转给帮助者',
  VOIDED: '冻结已撤销，时长已退回',
  EXPIRED: '冻结已过期，时长已退回',
}
export const OFFER_LABELS = { OPEN: '可接单', WITHDRAWN: '已撤回' }
const WEEKDAYS = ['周一', '周二', '周三', '周四', '周五', '周六', '周日']

const clock = (minute) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`

/** 周三 09:00–11:30 */
export function formatWindow(w) {
  return `${WEEKDAYS[w.weekday]} ${clock(w.start)}–${clock(w.end)}`
}

/** 1 小时 30 分钟 */
export function formatMinutes(minutes) {
  const hours = Math.floor(minutes / 60)
  const rest = minutes % 60
  if (!hours) return `${rest} 分钟`
  return rest ? `${hours} 小时 ${rest} 分钟` : `${hours} 小时`
}
