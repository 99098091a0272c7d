// The 服务商工作台 subpackage's shared words and rules: its pages' urls, the tabs of the order list,
// the order as the provider's pages show it, and which provider a page works for.
const { execute } = require('../utils/graphql')
const { formatDateTime } = require('../utils/format')
const { yuanText } = require('../utils/money')

const ORDERS_PAGE = '/provider/pages/workbench/index'
const ORDER_PAGE = '/provider/pages/work-order/index'
const SCHEDULE_PAGE = '/provider/pages/work-schedule/index'
const APPLY_PAGE = '/provider/pages/provider-apply/index'

const TABS = [
  { value: 'waiting', label: '待接单', states: ['PAID'], empty: '暂时没有待接的订单' },
  { value: 'active', label: '进行中', states: ['ACCEPTED', 'EN_ROUTE', 'CHECKED_IN', 'IN_SERVICE'], empty: '没有进行中的订单' },
  {
    value: 'done',
    label: '已完成',
    states: ['COMPLETED', 'CONFIRMED', 'SETTLED', 'REVIEWED', 'DISPUTED', 'REFUNDED'],
    empty: '还没有完成的订单',
  },
]

const CATEGORY_LABELS = { HOUSEKEEPING: '家政保洁', LAUNDRY: '洗衣', ERRANDS: '跑腿', MEALS: '助餐' }
const FULFILMENT_LABELS = { ON_SITE: '上门服务', PICKUP: '到店自取', DELIVERY: '送餐上门' }

// The provider's own steps, in the order they come; the resident's (PAY, CONFIRM…) are not shown here.
const PROVIDER_ACTIONS = ['ACCEPT', 'DECLINE', 'DEPART', 'CHECK_IN', 'START', 'COMPLETE']

// An order as a row of the list.
function orderRow(o) {
  return {
    id: o.id,
    title: o.service ? o.service.name : o.categoryLabel,
    at: formatDateTime(o.scheduledAt),
    state: o.stateLabel,
    amount: yuanText(o.amountFen),
    worker: o.worker ? `服务人员 ${o.worker.name}` : '未指派',
    note: o.note,
  }
}

// An order as its page shows it: what was booked, where and when, the resident's note, the money,
// who does it, the check-in, its history and the steps I may take now.
function orderView(o) {
  const actions = PROVIDER_ACTIONS.filter((a) => o.actions.includes(a))
  return {
    ...orderRow(o),
    provider: o.provider.name,
    workerName: o.worker ? o.worker.name : '未指派',
    fulfilment: FULFILMENT_LABELS[o.fulfilment] || o.fulfilment,
    lines: o.lines.map((l, i) => ({ key: String(i), text: `${l.description} × ${l.quantity}`, amount: yuanText(l.amountFen) })),
    residentPaid: yuanText(o.residentFen),
    subsidy: o.subsidyFen ? yuanText(o.subsidyFen) : '',
    refunded: o.refundedFen ? yuanText(o.refundedFen) : '',
    commission: o.commissionFen === null || o.commissionFen === undefined ? '' : yuanText(o.commissionFen),
    acceptBy: o.acceptBy ? formatDateTime(o.acceptBy) : '',
    checkedInAt: o.checkedInAt ? formatDateTime(o.checkedInAt) : '',
    photo: o.checkInPhotoUrl || '',
    completedAt: o.completedAt ? formatDateTime(o.completedAt) : '',
    events: o.events.map((e, i) => ({ key: String(i), label: e.label, at: formatDateTime(e.at), reason: e.reason || '' })),
    may: Object.fromEntries(actions.map((a) => [a, true])),
    anyAction: actions.length > 0,
  }
}

// The providers I work for ({provider, role}), and the one a page is for: the url's, else the first.
async function myProviders(providerId) {
  const { myProviders: mine } = await execute('MyProviders')
  const current = mine.find((m) => m.provider.id === providerId) || mine[0] || null
  return { mine, current }
}

module.exports = {
  ORDERS_PAGE, ORDER_PAGE, SCHEDULE_PAGE, APPLY_PAGE, TABS, CATEGORY_LABELS, FULFILMENT_LABELS, PROVIDER_ACTIONS,
  orderRow, orderView, myProviders,
}
