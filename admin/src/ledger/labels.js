// The ledger in words staff read: ledgers, amounts in their unit, holds' and alerts' states.
export const LEDGER_LABELS = { TIME: '时长', POINTS: '积分', CNY: '资金' }
export const HOLD_STATE_LABELS = { PENDING: '冻结中', POSTED: '已入账', VOIDED: '已取消', EXPIRED: '已过期' }
export const HOLD_STATE_TAGS = { PENDING: 'warning', POSTED: 'success', VOIDED: 'info', EXPIRED: 'info' }
export const TRANSFER_KIND_LABELS = { POSTED: '入账', HOLD: '冻结', POST: '解冻入账', VOID: '解冻退回' }
export const ALERT_STATE_LABELS = { OPEN: '待处理', DISMISSED: '已处理' }
// The transfer codes of backend/wallets/codes.py, for the 流水 filter.
export const CODE_LABELS = {
  volunteer_hours: '志愿服务时长',
  volunteer_points: '志愿服务积分',
  overflow: '超出存储上限转入互助池',
  timebank_service: '时间银行互助',
  donation_family: '赠与家人',
  donation_pool: '捐入互助池',
  pool_grant: '互助池划拨',
  participation: '参与社区活动积分',
  redemption: '积分兑换',
  expiry: '到期清零',
  correction: '更正冲销',
}

/** An amount in its ledger's unit: minutes as hours ("1.5 小时"), points, fen as yuan. */
export function amountText(ledger, amount) {
  if (amount === '' || amount === null || amount === undefined) return ''
  if (ledger === 'TIME') return `${Math.round((amount / 60) * 100) / 100} 小时`
  if (ledger === 'POINTS') return `${amount} 积分`
  return `¥${(amount / 100).toFixed(2)}`
}

/** Today in Asia/Shanghai as YYYY-MM-DD, the day a statement is as of by default. */
export function todayInShanghai(now = new Date()) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(now)
}
