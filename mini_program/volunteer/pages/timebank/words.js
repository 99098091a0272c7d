// The time bank's words and small helpers, shared by its four pages (timebank, request, offer, donate).
const { communityOf: communityIn } = require('../../../utils/community')

const KIND_CHOICES = [
  { value: 'COMPANY', label: '陪伴' }, { value: 'SHOPPING', label: '代购' }, { value: 'CLINIC', label: '陪诊' },
  { value: 'ERRAND', label: '跑腿' }, { value: 'OTHER', label: '其他' },
]
const KIND_LABELS = Object.fromEntries(KIND_CHOICES.map((c) => [c.value, c.label]))
const STATE_LABELS = { OPEN: '待接单', BOOKED: '已预约', COMPLETED: '已完成', CANCELLED: '已取消' }
const HOLD_LABELS = {
  PENDING: '时长已冻结，确认完成后转给帮助者',
  POSTED: '时长已转给帮助者',
  VOIDED: '冻结已撤销，时长已退回',
  EXPIRED: '冻结已过期，时长已退回',
}

function formatMinutes(minutes) {
  const hours = Math.floor(minutes / 60)
  const rest = minutes % 60
  if (!hours) return `${rest} 分钟`
  return rest ? `${hours} 小时 ${rest} 分钟` : `${hours} 小时`
}

// 12月3日 09:00, in China's time whatever the phone's zone.
function formatStart(iso) {
  const local = new Date(new Date(iso).getTime() + 8 * 3600 * 1000)
  const pad = (n) => String(n).padStart(2, '0')
  return `${local.getUTCMonth() + 1}月${local.getUTCDate()}日 ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`
}

// The community a time-bank page works in (utils/community.js).
const communityOf = (options) => communityIn(options, '时间银行')

function requestRow(r) {
  return {
    id: r.id,
    title: r.title,
    kind: KIND_LABELS[r.kind] || r.kind,
    state: STATE_LABELS[r.state] || r.state,
    line: `${formatStart(r.startsAt)} · ${formatMinutes(r.minutes)} · ${r.placeName}`,
    who: r.helperName ? `${r.requesterName} · 帮助者 ${r.helperName}` : r.requesterName,
  }
}

module.exports = {
  KIND_CHOICES, KIND_LABELS, STATE_LABELS, HOLD_LABELS, formatMinutes, formatStart, communityOf, requestRow,
}
