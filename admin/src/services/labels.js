// The paid services (backend/services) in words the operator and the committee read; the server
// sends a label beside most enums (stateLabel, categoryLabel, tierLabel, kindLabel), these are for
// the filters and the values it sends bare.
export const CATEGORY_LABELS = { HOUSEKEEPING: '家政保洁', LAUNDRY: '洗衣', ERRANDS: '跑腿代办', MEALS: '助餐' }
export const PROVIDER_STATE_LABELS = { APPLIED: '待审核', VERIFIED: '已认证', REJECTED: '已驳回', SUSPENDED: '已暂停' }
export const PROVIDER_STATE_TAGS = { APPLIED: 'warning', VERIFIED: 'success', REJECTED: 'info', SUSPENDED: 'danger' }
export const TIER_LABELS = { AGE_60: '60 周岁以上', AGE_80: '80 周岁以上（高龄）', LOW_INCOME: '低保、特困', DISABLED: '失能、残疾' }
export const GATEWAY_LABELS = { SANDBOX: '沙箱', WECHAT: '微信支付', STRIPE: 'Stripe' }
export const ORDER_STATE_LABELS = {
  PENDING_PAYMENT: '待支付',
  PAID: '待接单',
  ACCEPTED: '已接单',
  EN_ROUTE: '上门途中',
  CHECKED_IN: '已到达',
  IN_SERVICE: '服务中',
  COMPLETED: '待确认',
  CONFIRMED: '已确认',
  SETTLED: '已结算',
  REVIEWED: '已评价',
  DECLINED: '已拒单',
  CANCELLED: '已取消',
  NO_SHOW: '未上门',
  DISPUTED: '有争议',
  REFUNDED: '已退款',
}

/** Fen as "¥120.00"; null as "—". */
export const yuanText = (fen) => (fen === null || fen === undefined ? '—' : `¥${(fen / 100).toFixed(2)}`)

/** Basis points as "8.5%". */
export const percentText = (bp) => `${Number((bp / 100).toFixed(2))}%`

/** Yuan typed by staff (a number or '') as fen, null when empty. */
export const toFen = (yuan) => (yuan === '' || yuan === null || yuan === undefined ? null : Math.round(Number(yuan) * 100))

/** Fen as a yuan number for an input, '' for null. */
export const toYuan = (fen) => (fen === null || fen === undefined ? '' : fen / 100)
