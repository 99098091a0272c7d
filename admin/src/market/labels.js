// The market (backend/market) in words staff read: kinds, categories and states of listings, prices.
export const KIND_LABELS = { SELL: '出售', FREE: '赠送', SWAP: '交换', WANTED: '求购' }
export const CATEGORY_LABELS = {
  FURNITURE: '家具',
  APPLIANCES: '家电',
  ELECTRONICS: '数码',
  KIDS: '母婴童装玩具',
  BOOKS: '图书文具',
  CLOTHING: '服饰',
  SPORTS: '运动户外',
  KITCHEN: '厨具日用',
  PLANTS: '花草绿植',
  OTHER: '其他',
}
// Drafts are their sellers' alone: staff never see them, so the filter does not offer them.
export const STATE_LABELS = {
  PUBLISHED: '在售',
  RESERVED: '已预订',
  HANDED_OVER: '已交接',
  CLOSED: '已结束',
  EXPIRED: '已过期',
}
/** Every state's name, the draft's too (a listing's history starts from it). */
export const STATE_NAMES = { DRAFT: '草稿', ...STATE_LABELS }
export const STATE_TAGS = { PUBLISHED: 'success', RESERVED: 'warning', HANDED_OVER: 'primary', CLOSED: 'info', EXPIRED: 'info' }

/** Fen as "¥120" or "¥12.50"; null (a giveaway, a swap, a want without budget) as "—". */
export function priceText(fen) {
  if (fen === null || fen === undefined) return '—'
  return `¥${fen % 100 ? (fen / 100).toFixed(2) : fen / 100}`
}

/** What a listing asks: its price, 免费 for a giveaway, 以物换物 for a swap, 预算 for a want. */
export function askText(listing) {
  if (listing.kind === 'FREE') return listing.giveawayMode === 'LOTTERY' ? '免费（抽签）' : '免费（先到先得）'
  if (listing.kind === 'SWAP') return '以物换物'
  if (listing.kind === 'WANTED') return listing.priceFen === null ? '面议' : `预算 ${priceText(listing.priceFen)}`
  return priceText(listing.priceFen)
}
