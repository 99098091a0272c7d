// The 跳蚤市场 subpackage's shared words and rules: its pages' urls, a listing's kind, category,
// condition and price in Chinese, prices typed in 元 sent in fen, a listing as a card, a seller's
// ratings and a reservation's stars, and a form's errors by the input the server names.
const { formatDateTime } = require('../utils/format')
const { yuanText } = require('../utils/money')
const { formErrors } = require('../utils/forms')

const INDEX_PAGE = '/market/pages/index/index'
const LISTING_PAGE = '/market/pages/listing/index'
const PUBLISH_PAGE = '/market/pages/publish/index'
const MINE_PAGE = '/market/pages/mine/index'
const FAVOURITES_PAGE = '/market/pages/favourites/index'
const CHATS_PAGE = '/market/pages/chats/index'
const CHAT_PAGE = '/market/pages/chat/index'
const DEAL_PAGE = '/market/pages/deal/index'

const KIND_LABELS = { SELL: '出售', FREE: '赠送', SWAP: '交换', WANTED: '求购' }
const CATEGORY_LABELS = {
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
const CONDITION_LABELS = { NEW: '全新', LIKE_NEW: '几乎全新', GOOD: '轻微使用痕迹', FAIR: '明显使用痕迹' }
const GIVEAWAY_LABELS = { FIRST_COME: '先到先得', LOTTERY: '到点抽签' }
const SORT_LABELS = { NEWEST: '最新', PRICE_ASC: '价格从低到高', PRICE_DESC: '价格从高到低', NEAREST: '离我最近的小区' }

const choices = (labels) => Object.entries(labels).map(([value, label]) => ({ value, label }))
// A filter's choices, led by 全部 (the value '': no filter).
const withAll = (labels) => [{ value: '', label: '全部' }, ...choices(labels)]

// Kinds whose first taker reserves it (a lottery's winner is drawn; a 求购 is answered by message).
const RESERVABLE = ['SELL', 'SWAP']

// What a listing asks, as a card shows it: ¥120, 免费, 交换, 求购 (with its budget, if any).
function priceText(listing) {
  if (listing.kind === 'FREE') return '免费'
  if (listing.kind === 'SWAP') return '交换'
  if (listing.kind === 'WANTED') return listing.priceFen === null ? '求购' : `求购 · 预算 ${yuanText(listing.priceFen)}`
  return listing.priceFen === null ? '' : yuanText(listing.priceFen)
}

// A price typed in 元 ('12', '12.5') in fen; '' is no price (null). Anything else is refused in the
// user's words before it reaches the server, which checks the range.
function yuanToFen(text, field = 'priceFen') {
  const value = String(text === null || text === undefined ? '' : text).trim()
  if (!value) return null
  if (!/^-?\d+(\.\d{1,2})?$/.test(value)) {
    throw Object.assign(new Error('请输入正确的金额（元），最多两位小数'), { field })
  }
  return Math.round(Number(value) * 100)
}

function fenToYuan(fen) {
  return fen === null || fen === undefined ? '' : String(fen / 100)
}

// A listing as a card of a list: its first thumbnail, title, what it asks, the badge, where.
function listingCard(listing) {
  return {
    id: listing.id,
    title: listing.title,
    price: priceText(listing),
    thumbnail: listing.photos.length ? listing.photos[0].thumbnailUrl : '',
    verified: !!listing.sellerVerified,
    seller: listing.sellerName || '',
    place: listing.pickupPlace || '',
    state: listing.stateLabel,
    lottery: listing.giveawayMode === 'LOTTERY',
  }
}

// A seller's ratings in one line: 4.5 分（2 次评价）· 成交 3 次, and how often they did not come as a buyer.
function sellerRatingText(rating) {
  if (!rating) return ''
  const parts = [rating.count ? `${rating.average.toFixed(1)} 分（${rating.count} 次评价）` : '暂无评价']
  parts.push(`成交 ${rating.handovers} 次`)
  if (rating.noShows) parts.push(`爽约 ${rating.noShows} 次`)
  return parts.join(' · ')
}

const starsText = (stars) => `${'★'.repeat(stars)}${'☆'.repeat(5 - stars)}`

function ratingView(rating) {
  return rating && { stars: starsText(rating.stars), comment: rating.comment, at: formatDateTime(rating.createdAt) }
}

module.exports = {
  INDEX_PAGE, LISTING_PAGE, PUBLISH_PAGE, MINE_PAGE, FAVOURITES_PAGE, CHATS_PAGE, CHAT_PAGE, DEAL_PAGE,
  KIND_LABELS, CATEGORY_LABELS, CONDITION_LABELS, GIVEAWAY_LABELS, SORT_LABELS, RESERVABLE,
  choices, withAll, yuanText, priceText, yuanToFen, fenToYuan, listingCard, sellerRatingText, starsText, ratingView,
  formErrors,
}
