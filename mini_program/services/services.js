// The 社区服务 subpackage's shared words and rules: its pages' urls, a service as a card, the
// cancellation fee tiers in one sentence, an order as its page shows it (state, timeline, lines with
// who pays them, the actions the server offers), days in Asia/Shanghai, and a form's errors by the
// input the server names.
const { formatDate, formatDateTime } = require('../utils/format')
const { yuanText } = require('../utils/money')
const { formErrors } = require('../utils/forms')

const INDEX_PAGE = '/services/pages/index/index'
const SERVICE_PAGE = '/services/pages/service/index'
const ORDER_PAGE = '/services/pages/service-order/index'
const ORDERS_PAGE = '/services/pages/service-orders/index'
const MEALS_PAGE = '/services/pages/meals/index'

// The categories a resident books (助餐 has its own page), in the order the index lists them.
const CATEGORY_LABELS = { HOUSEKEEPING: '家政保洁', LAUNDRY: '洗衣', ERRANDS: '跑腿代办' }

// The states my orders can be filtered by (the server's own labels, states.py).
const STATE_LABELS = {
  PENDING_PAYMENT: '待支付',
  PAID: '待接单',
  ACCEPTED: '已接单',
  EN_ROUTE: '上门途中',
  IN_SERVICE: '服务中',
  COMPLETED: '待确认',
  SETTLED: '已结算',
  REVIEWED: '已评价',
  CANCELLED: '已取消',
  DISPUTED: '有争议',
  REFUNDED: '已退款',
}

// The resident's actions (ServiceOrderAction) as the order page's buttons, in the order shown.
const ACTION_LABELS = { PAY: '支付', CONFIRM: '确认完成', RATE: '评价', DISPUTE: '申请售后', NO_SHOW: '未上门', CANCEL: '取消订单' }
const PAYER_LABELS = { SUBSIDY: '补贴', RESIDENT: '自付' }
const FULFILMENT_LABELS = { ON_SITE: '上门服务', PICKUP: '到店自取', DELIVERY: '送餐上门' }

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000
const DAY_MS = 24 * 3600 * 1000
const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六']

// The next `count` days from today in Asia/Shanghai (the server's days), as {value: 'YYYY-MM-DD', label}.
function shanghaiDays(count, now = Date.now()) {
  return Array.from({ length: count }, (_, n) => {
    const day = new Date(now + SHANGHAI_OFFSET_MS + n * DAY_MS)
    const value = day.toISOString().slice(0, 10)
    const prefix = n === 0 ? '今天' : n === 1 ? '明天' : `周${WEEKDAYS[day.getUTCDay()]}`
    return { value, label: `${prefix} ${value.slice(5)}` }
  })
}

const choices = (labels) => Object.entries(labels).map(([value, label]) => ({ value, label }))
const withAll = (labels) => [{ value: '', label: '全部' }, ...choices(labels)]

// A service as a card: ¥50/小时，2 小时起, and 免费 where the community makes its category free.
function serviceCard(item) {
  return {
    id: item.id,
    name: item.name,
    category: item.category,
    categoryLabel: item.categoryLabel,
    provider: item.provider.name,
    description: item.description,
    free: item.paid === false,
    price: `${yuanText(item.unitPriceFen)}/${item.unitLabel}`,
    minimum: `${item.minQuantity} ${item.unitLabel}起`,
    unitLabel: item.unitLabel,
    minQuantity: item.minQuantity,
  }
}

// The cards grouped by category, in CATEGORY_LABELS' order (others after), for the index's sections.
function byCategory(cards) {
  const order = Object.keys(CATEGORY_LABELS)
  const rank = (category) => (order.includes(category) ? order.indexOf(category) : order.length)
  const sections = []
  for (const card of [...cards].sort((a, b) => rank(a.category) - rank(b.category))) {
    let section = sections.at(-1)
    if (!section || section.category !== card.category) {
      section = { category: card.category, label: card.categoryLabel, free: card.free, services: [] }
      sections.push(section)
    }
    section.services.push(card)
  }
  return sections
}

const percentText = (bp) => `${bp / 100}%`

// The tiers ({hoursBefore, feeBp, feeFen?}) in one sentence: 服务开始前 24 小时以上取消免费，2–24 小时
// 收取 20%（¥20），不足 2 小时收取 50%（¥50）.
function tiersText(tiers) {
  const sorted = [...tiers].sort((a, b) => b.hoursBefore - a.hoursBefore)
  const parts = sorted.map((tier, i) => {
    const upper = i > 0 ? sorted[i - 1].hoursBefore : null
    const when = upper === null ? `${tier.hoursBefore} 小时以上` : tier.hoursBefore === 0 ? `不足 ${upper} 小时` : `${tier.hoursBefore}–${upper} 小时`
    const amount = tier.feeFen ? `（${yuanText(tier.feeFen)}）` : ''
    return tier.feeBp ? `${when}收取 ${percentText(tier.feeBp)}${amount}` : `${when}取消免费`
  })
  return parts.length ? `服务开始前 ${parts.join('，')}` : ''
}

function payersText(payers) {
  return payers.map((p) => `${PAYER_LABELS[p.kind] || p.kind} ${yuanText(p.amountFen)}`).join(' · ')
}

// An order as its page and my list show it.
function orderView(order) {
  const actions = Object.keys(ACTION_LABELS).filter((a) => order.actions.includes(a))
  return {
    id: order.id,
    state: order.state,
    stateLabel: order.stateLabel,
    title: order.service ? order.service.name : order.categoryLabel,
    categoryLabel: order.categoryLabel,
    provider: order.provider.name,
    scheduled: order.scheduledAt ? formatDateTime(order.scheduledAt) : '',
    fulfilment: FULFILMENT_LABELS[order.fulfilment] || '',
    note: order.note || '',
    worker: order.worker ? order.worker.name : '',
    lines: order.lines.map((line, i) => ({
      key: String(i),
      description: line.description,
      quantity: `${yuanText(line.unitPriceFen)} × ${line.quantity}`,
      amount: yuanText(line.amountFen),
      payers: payersText(line.payers),
    })),
    amount: yuanText(order.amountFen),
    resident: yuanText(order.residentFen),
    subsidy: order.subsidyFen ? yuanText(order.subsidyFen) : '',
    refunded: order.refundedFen ? yuanText(order.refundedFen) : '',
    free: order.gateway === 'NONE' && !order.subsidyFen,
    tiers: order.cancellationTiers.length ? tiersText(order.cancellationTiers) : '',
    cancelFeeFen: order.cancellationFeeNowFen,
    payBy: order.payBy && order.state === 'PENDING_PAYMENT' ? formatDateTime(order.payBy) : '',
    events: order.events.map((e, i) => ({ key: String(i), label: e.label, at: formatDateTime(e.at), reason: e.reason || '' })),
    rating: order.rating && { stars: `${'★'.repeat(order.rating.stars)}${'☆'.repeat(5 - order.rating.stars)}`, comment: order.rating.comment || '' },
    dispute: order.dispute && { reason: order.dispute.reason, note: order.dispute.decisionNote || '' },
    // 评价 is its own form; the others are buttons.
    buttons: actions.filter((a) => a !== 'RATE').map((value) => ({ value, label: ACTION_LABELS[value] })),
    mayRate: actions.includes('RATE'),
    mayDispute: actions.includes('DISPUTE'),
    mayCancel: actions.includes('CANCEL'),
  }
}

module.exports = {
  INDEX_PAGE, SERVICE_PAGE, ORDER_PAGE, ORDERS_PAGE, MEALS_PAGE,
  CATEGORY_LABELS, STATE_LABELS, ACTION_LABELS, FULFILMENT_LABELS,
  choices, withAll, shanghaiDays, serviceCard, byCategory, tiersText, orderView, formErrors, yuanText, formatDate,
}
