// 跳蚤市场 (the market subpackage, mocked backend): browsing and searching with filters and sorts, a
// listing's page for a neighbour and for its seller (reserve, lottery, favourite, contact, report,
// edit, renew, withdraw), publishing with photos and the server's refusals beside their inputs, my
// listings and deals, favourites and saved searches, the conversations (live), and a deal from both
// sides (the handover code, a wrong code, the lock, cancel, no-show, ratings). Every irreversible step
// asks first; every refused one shows the server's words and goes nowhere. 长辈模式 on every page.
const { installWx, until, PICKED_PHOTO } = require('./helpers/wx')
const { installSockets } = require('./helpers/socket')
const { fakeBackend, ELDER } = require('./helpers/fakeBackend')
const { APP_PAGES, openPage, renderPage, textOf, choose, hasClass, bannerText } = require('./helpers/pages')
const tokenStore = require('../utils/tokenStore')
const session = require('../utils/session')
const { setElderMode } = require('../utils/elderMode')

const MARKET_PAGES = APP_PAGES.filter((p) => p.startsWith('market/'))
const page = (name) => `market/pages/${name}/index`

let backend
let live
const calls = (name) => backend.calls.filter((c) => c.operationName === name)
const lastCall = (name) => calls(name).at(-1)
const toasted = (title) => expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title }))
const idle = (p) => until(() => expect(p.instance.data.busy).toBeFalsy())
const texts = (p, selector) => p.querySelectorAll(selector).map(textOf)
const text = (p, selector) => textOf(p.querySelector(selector))
const tap = (p, selector) => p.querySelector(selector).dispatchEvent('tap')
const type = (p, selector, value) => p.querySelector(selector).dispatchEvent('input', { detail: { value } })
const modals = () => wx.showModal.mock.calls.map(([options]) => options.title)
const declineNextModal = () => wx.showModal.mockImplementationOnce((options) => options.success({ confirm: false, cancel: true }))
const navigated = () => wx.navigateTo.mock.calls.map(([{ url }]) => url)
const connection = (nodes, hasNextPage = false) => ({
  nodes, pageInfo: { hasNextPage, endCursor: nodes.length ? `cursor-${nodes.at(-1).id}` : null }, totalCount: nodes.length,
})
const refused = (field, message, code = 'INVALID_INPUT') => [{ code, field, message }]

const T = '2026-11-05T02:00:00+00:00'
const PHOTO = { displayUrl: '/media/public/bike.webp', thumbnailUrl: '/media/public/bike-t.webp' }
const BIKE = {
  id: 'l-1', kind: 'SELL', category: 'KIDS', condition: 'GOOD', title: '儿童自行车 16寸', description: '八成新，小区门口交接',
  priceFen: 12000, giveawayMode: null, drawAt: null, drawnAt: null, drawSeed: null, state: 'PUBLISHED', stateLabel: '在售',
  publishedAt: T, expiresAt: '2026-12-05T02:00:00+00:00', createdAt: T, hidden: false, mine: false,
  sellerName: '志愿者 小林', sellerVerified: true, pickupPlace: '阳光花园 1栋', pickupRoom: null, favourited: false,
  photos: [PHOTO, { displayUrl: '/media/public/bike-2.webp', thumbnailUrl: '/media/public/bike-2-t.webp' }],
  sellerRating: { average: 4.5, count: 2, handovers: 3, noShows: 0 },
  entered: false, entryCount: 0, lotteryResult: null, reservation: null,
}
const CRIB = { ...BIKE, id: 'l-2', kind: 'FREE', category: 'KIDS', title: '九成新婴儿床，免费送', priceFen: null, giveawayMode: 'FIRST_COME', sellerVerified: false, photos: [] }
const PLANT = {
  ...BIKE, id: 'l-3', kind: 'FREE', category: 'PLANTS', title: '多肉植物一盆（抽签）', priceFen: null, giveawayMode: 'LOTTERY',
  drawAt: '2026-11-07T12:00:00+00:00', entryCount: 4,
}
const SWAP = { ...BIKE, id: 'l-4', kind: 'SWAP', title: '电饭煲换一盆绿萝', priceFen: null }
const WANTED = { ...BIKE, id: 'l-5', kind: 'WANTED', condition: null, title: '求购：二手钢琴凳', priceFen: 10000 }
const MY_DESK = { ...BIKE, id: 'l-6', title: '实木书桌 120 厘米', priceFen: 20050, mine: true, pickupRoom: '2单元 101', favourited: false }

const RESERVATION = {
  id: 'r-1', buyerName: '张阿姨', sellerName: '志愿者 小林', iAmBuyer: true, state: 'ACTIVE', stateLabel: '待交接',
  handoverCode: '482913', locked: false, giveaway: false, createdAt: T, endedAt: null, endReason: null,
  myRating: null, theirRating: null, canRate: false,
}

beforeEach(() => {
  backend = fakeBackend()
  installWx(backend.serve)
  live = installSockets()
  tokenStore.setTokens(backend.issueTokens())
})

afterEach(() => {
  session.setActingFor(null)
  setElderMode(false)
})

// The listing page of `listing`, answered from `current()` so a test may change it.
async function listingPage(listing) {
  let current = listing
  backend.answer('Listing', () => ({ listing: current }))
  const p = await openPage('listing', { id: listing ? listing.id : 'l-x' })
  await idle(p)
  return { p, update: (next) => { current = next } }
}

describe('browse and search (index)', () => {
  const search = (nodes, hasNextPage = false) => backend.answer('MarketSearch', () => ({ marketSearch: connection(nodes, hasNextPage) }))

  test('my community\'s newest listings as cards: thumbnail, title, what each asks, the badge, where', async () => {
    search([BIKE, CRIB, SWAP, WANTED, PLANT])
    const index = await openPage(page('index'))
    expect(lastCall('MarketSearch').variables).toEqual({
      communityId: 'c-1', query: null, category: null, kind: null, free: null, minPriceFen: null, maxPriceFen: null,
      sort: 'NEWEST', first: 20, after: null,
    })
    expect(texts(index, '.listing-title')).toEqual(['儿童自行车 16寸', '九成新婴儿床，免费送', '电饭煲换一盆绿萝', '求购：二手钢琴凳', '多肉植物一盆（抽签）'])
    expect(texts(index, '.listing-price')).toEqual(['¥120', '免费', '交换', '求购 · 预算 ¥100', '免费抽签'])
    expect(texts(index, '.listing-place')).toEqual(Array(5).fill('').map((_, i) => (i === 1 ? '阳光花园 1栋' : '已认证住户阳光花园 1栋')))
    expect(index.querySelectorAll('.verified-badge')).toHaveLength(4)
    expect(index.querySelectorAll('.thumbnail').map((n) => n.dom.getAttribute('src'))).toHaveLength(4) // the crib has no photo
    expect(index.querySelector('.empty')).toBeUndefined()
    index.querySelectorAll('.listing-card')[0].dispatchEvent('tap')
    await until(() => expect(navigated()).toEqual(['/market/pages/listing/index?id=l-1']))
  })

  test('an empty market says so, and an empty search offers to subscribe', async () => {
    search([])
    const index = await openPage(page('index'))
    expect(text(index, '.empty')).toBe('小区里暂时没有在售的闲置')
    expect(index.querySelector('.save-search')).toBeUndefined()
    type(index, '.search-input', '钢琴')
    tap(index, '.search')
    await until(() => expect(calls('MarketSearch')).toHaveLength(2))
    await idle(index)
    expect(text(index, '.empty')).toBe('没有符合条件的闲置，可订阅此搜索，有新的会通知您')
    expect(text(index, '.total')).toBe('找到 0 件')
  })

  test('words, category, kind, free only, a price range in 元 and each sort reach marketSearch', async () => {
    search([BIKE])
    const index = await openPage(page('index'))
    type(index, '.search-input', ' 自行 ')
    tap(index, '.toggle-filters')
    await until(() => expect(index.querySelector('.filters')).toBeTruthy())
    type(index, '.min-price', '10')
    type(index, '.max-price', '150.5')
    choose(index, '.categories', '母婴童装玩具')
    await until(() => expect(calls('MarketSearch')).toHaveLength(2))
    await idle(index)
    choose(index, '.kinds', '出售')
    await until(() => expect(calls('MarketSearch')).toHaveLength(3))
    await idle(index)
    expect(lastCall('MarketSearch').variables).toMatchObject({
      query: '自行', category: 'KIDS', kind: 'SELL', free: null, minPriceFen: 1000, maxPriceFen: 15050, sort: 'NEWEST',
    })
    for (const [label, sort] of [['价格从低到高', 'PRICE_ASC'], ['价格从高到低', 'PRICE_DESC'], ['离我最近的小区', 'NEAREST'], ['最新', 'NEWEST']]) {
      const before = calls('MarketSearch').length
      choose(index, '.sorts', label)
      await until(() => expect(calls('MarketSearch')).toHaveLength(before + 1))
      await idle(index)
      expect(lastCall('MarketSearch').variables.sort).toBe(sort)
    }
    index.querySelector('.free-switch').dispatchEvent('change', { detail: { value: true } })
    await until(() => expect(lastCall('MarketSearch').variables.free).toBe(true))
    await idle(index)
    choose(index, '.kinds', '全部')
    await until(() => expect(lastCall('MarketSearch').variables.kind).toBeNull())
    await idle(index)
    tap(index, '.clear-filters')
    await until(() => expect(lastCall('MarketSearch').variables).toMatchObject({
      query: null, category: null, kind: null, free: null, minPriceFen: null, maxPriceFen: null,
    }))
  })

  test('a price that is no amount of 元 is refused beside the prices and searches nothing', async () => {
    search([BIKE])
    const index = await openPage(page('index'))
    tap(index, '.toggle-filters')
    await until(() => expect(index.querySelector('.filters')).toBeTruthy())
    type(index, '.min-price', '12.345')
    tap(index, '.apply-filters')
    await until(() => expect(text(index, '.price-error')).toBe('请输入正确的金额（元），最多两位小数'))
    expect(calls('MarketSearch')).toHaveLength(1)
  })

  test('the next page comes when the user reaches the bottom, after the last cursor', async () => {
    const first = Array.from({ length: 20 }, (_, i) => ({ ...BIKE, id: `l-${i + 10}`, title: `闲置 ${i}` }))
    backend.answer('MarketSearch', ({ after }) => ({ marketSearch: after ? connection([SWAP]) : connection(first, true) }))
    const index = await openPage(page('index'))
    expect(index.querySelectorAll('.listing-card')).toHaveLength(20)
    await index.instance.onReachBottom()
    expect(lastCall('MarketSearch').variables.after).toBe('cursor-l-29')
    expect(index.querySelectorAll('.listing-card')).toHaveLength(21)
    expect(text(index, '.list-end')).toBe('没有更多了')
  })

  test('订阅此搜索 keeps the words and filters; the server\'s refusal shows in its words', async () => {
    search([])
    backend.answer('SavedSearchCreate', ({ input }) => ({
      savedSearchCreate: { savedSearch: { id: 's-1', ...input, createdAt: T }, errors: [] },
    }))
    const index = await openPage(page('index'))
    type(index, '.search-input', '自行车')
    tap(index, '.toggle-filters')
    await until(() => expect(index.querySelector('.filters')).toBeTruthy())
    type(index, '.max-price', '200')
    choose(index, '.categories', '母婴童装玩具')
    await until(() => expect(index.querySelector('.save-search')).toBeTruthy())
    await idle(index)
    tap(index, '.save-search')
    await until(() => toasted('已订阅'))
    expect(lastCall('SavedSearchCreate').variables.input).toEqual({
      communityId: 'c-1', query: '自行车', category: 'KIDS', kind: null, free: null, minPriceFen: null, maxPriceFen: 20000,
    })

    backend.answer('SavedSearchCreate', () => ({
      savedSearchCreate: { savedSearch: null, errors: refused(null, '最多保存 10 个订阅，请先删除不需要的订阅') },
    }))
    wx.showToast.mockClear()
    tap(index, '.save-search')
    await until(() => expect(index.instance.data.error).toBe('最多保存 10 个订阅，请先删除不需要的订阅'))
    expect(wx.showToast).not.toHaveBeenCalled()
  })

  test('its links lead to publishing, my listings, favourites and messages in my community', async () => {
    search([])
    const index = await openPage(page('index'))
    for (const selector of ['.go-publish', '.go-mine', '.go-favourites', '.go-chats']) tap(index, selector)
    await until(() => expect(navigated()).toEqual([
      '/market/pages/publish/index?communityId=c-1', '/market/pages/mine/index?communityId=c-1',
      '/market/pages/favourites/index?communityId=c-1', '/market/pages/chats/index?communityId=c-1',
    ]))
  })
})

describe('a listing\'s page', () => {
  test('photos, description, the seller with badge and ratings, where, its state', async () => {
    const { p } = await listingPage(BIKE)
    expect(p.querySelectorAll('.photo')).toHaveLength(2)
    expect(text(p, '.listing-title')).toBe('儿童自行车 16寸')
    expect(text(p, '.listing-price')).toBe('¥120')
    expect(text(p, '.listing-facts')).toBe('出售 · 母婴童装玩具 · 轻微使用痕迹')
    expect(text(p, '.state-label')).toBe('在售')
    expect(text(p, '.description')).toBe('八成新，小区门口交接')
    expect(text(p, '.seller-name')).toBe('志愿者 小林')
    expect(text(p, '.verified-badge')).toBe('已认证住户')
    expect(text(p, '.seller-rating')).toBe('4.5 分（2 次评价） · 成交 3 次')
    expect(text(p, '.pickup-place')).toBe('阳光花园 1栋')
    expect(p.querySelector('.pickup-room')).toBeUndefined()
    expect(p.querySelector('.reserve')).toBeTruthy()
    expect(p.querySelector('.contact')).toBeTruthy()
    expect(p.querySelector('.report-listing')).toBeTruthy()
    expect(p.querySelector('.withdraw')).toBeUndefined()
  })

  test('a listing that is gone (withdrawn, hidden, another\'s draft) says so', async () => {
    const { p } = await listingPage(null)
    expect(text(p, '.missing')).toBe('找不到这件闲置，它可能已下架')
    expect(p.querySelector('.reserve')).toBeUndefined()
  })

  test('预订 asks first; declined, nothing is reserved; confirmed, it is reserved, toasted and the deal opens', async () => {
    backend.answer('ListingReserve', () => ({ listingReserve: { reservation: { ...RESERVATION, listing: BIKE }, errors: [] } }))
    const { p } = await listingPage(BIKE)
    declineNextModal()
    tap(p, '.reserve')
    await until(() => expect(modals()).toEqual(['预订这件闲置']))
    await idle(p)
    expect(calls('ListingReserve')).toHaveLength(0)

    tap(p, '.reserve')
    await until(() => expect(navigated()).toEqual(['/market/pages/deal/index?listingId=l-1']))
    expect(modals()).toEqual(['预订这件闲置', '预订这件闲置'])
    expect(lastCall('ListingReserve').variables).toEqual({ listingId: 'l-1' })
    toasted('已预订')
  })

  test('a reservation refused (someone was quicker) shows the server\'s words and opens nothing', async () => {
    backend.answer('ListingReserve', () => ({ listingReserve: { reservation: null, errors: refused(null, '手慢了，该闲置已被预订', 'CONFLICT') } }))
    const { p } = await listingPage(BIKE)
    tap(p, '.reserve')
    await until(() => expect(p.instance.data.error).toBe('手慢了，该闲置已被预订'))
    expect(wx.navigateTo).not.toHaveBeenCalled()
    expect(wx.showToast).not.toHaveBeenCalled()
  })

  test('a giveaway first come is reserved; a swap too; a 求购 and a lottery are not', async () => {
    for (const [listing, reservable] of [[CRIB, true], [SWAP, true], [WANTED, false], [PLANT, false]]) {
      const { p } = await listingPage(listing)
      expect({ title: listing.title, reservable: !!p.querySelector('.reserve') }).toEqual({ title: listing.title, reservable })
    }
  })

  test('a lottery: 参加抽签 with how many entered, 退出抽签, each toasted', async () => {
    const { p, update } = await listingPage(PLANT)
    expect(text(p, '.entry-count')).toBe('已有 4 人参加')
    backend.answer('LotteryEnter', () => {
      update({ ...PLANT, entered: true, entryCount: 5 })
      return { lotteryEnter: { entered: true, entryCount: 5, errors: [] } }
    })
    tap(p, '.enter-lottery')
    await until(() => expect(text(p, '.entry-count')).toBe('已有 5 人参加'))
    toasted('已参加抽签')
    expect(text(p, '.entered')).toBe('您已参加，开奖后会通知您')
    backend.answer('LotteryLeave', () => {
      update({ ...PLANT, entered: false, entryCount: 4 })
      return { lotteryLeave: { entered: false, entryCount: 4, errors: [] } }
    })
    tap(p, '.leave-lottery')
    await until(() => expect(text(p, '.entry-count')).toBe('已有 4 人参加'))
    toasted('已退出抽签')
  })

  test('entering a lottery twice shows the server\'s words', async () => {
    backend.answer('LotteryEnter', () => ({ lotteryEnter: { entered: true, entryCount: 4, errors: refused('listingId', '您已参加过抽签') } }))
    const { p } = await listingPage(PLANT)
    tap(p, '.enter-lottery')
    await until(() => expect(p.instance.data.error).toBe('您已参加过抽签'))
  })

  test('after the draw: the seed anyone can re-run it from, and 您抽中了 or 未中签', async () => {
    const result = { seed: 'a1b2c3', entryIds: ['e-1', 'e-2', 'e-3'], winnerEntryId: 'e-2', iWon: true, drawnAt: '2026-11-07T12:00:00+00:00' }
    const { p, update } = await listingPage({ ...PLANT, state: 'RESERVED', stateLabel: '已预订', entered: true, lotteryResult: result })
    expect(text(p, '.lottery-outcome')).toBe('您抽中了')
    expect(text(p, '.lottery-seed')).toBe('随机种子：a1b2c3（任何人都可以用它复核抽签结果）')
    expect(text(p, '.drawn-at')).toContain('共 3 人参加')
    expect(p.querySelector('.enter-lottery')).toBeUndefined()
    update({ ...PLANT, state: 'RESERVED', entered: true, lotteryResult: { ...result, iWon: false } })
    await p.instance.onShow()
    expect(text(p, '.lottery-outcome')).toBe('未中签')
  })

  test('收藏 and 取消收藏, each toasted', async () => {
    const { p, update } = await listingPage(BIKE)
    backend.answer('ListingFavourite', ({ favourite }) => {
      update({ ...BIKE, favourited: favourite })
      return { listingFavourite: { listing: { id: 'l-1', favourited: favourite }, errors: [] } }
    })
    tap(p, '.favourite')
    await until(() => expect(text(p, '.favourite')).toBe('取消收藏'))
    toasted('已收藏')
    tap(p, '.favourite')
    await until(() => expect(text(p, '.favourite')).toBe('收藏'))
    toasted('已取消收藏')
    expect(calls('ListingFavourite').map((c) => c.variables.favourite)).toEqual([true, false])
  })

  test('联系卖家 opens the conversation about it; my deal on it opens the deal', async () => {
    const { p } = await listingPage({ ...BIKE, state: 'RESERVED', stateLabel: '已预订', pickupRoom: '2单元 101', reservation: RESERVATION })
    expect(text(p, '.pickup-room')).toBe('房号：2单元 101')
    expect(p.querySelector('.reserve')).toBeUndefined()
    tap(p, '.contact')
    tap(p, '.open-deal')
    await until(() => expect(navigated()).toEqual(['/market/pages/chat/index?listingId=l-1', '/market/pages/deal/index?listingId=l-1']))
  })

  test('举报 is the shared report button, for LISTING, with moderation\'s reasons', async () => {
    backend.answer('ContentReport', () => ({ contentReport: { ok: true, errors: [] } }))
    const { p } = await listingPage(BIKE)
    const button = p.querySelector('.report-listing')
    button.querySelector('.report-toggle').dispatchEvent('tap')
    await until(() => expect(button.querySelector('.report-form')).toBeTruthy())
    choose(button, '.report-reasons', '诈骗')
    button.querySelector('.report-submit').dispatchEvent('tap')
    await until(() => toasted('已举报'))
    expect(modals()).toEqual(['确认举报'])
    expect(lastCall('ContentReport').variables).toEqual({ kind: 'LISTING', targetId: 'l-1', reason: 'FRAUD', note: '' })
  })

  test('its seller: 编辑, 续期 (toasted) and 下架 after a confirmation; no reserve, favourite or report', async () => {
    const { p, update } = await listingPage(MY_DESK)
    expect(p.querySelector('.reserve')).toBeUndefined()
    expect(p.querySelector('.favourite')).toBeUndefined()
    expect(p.querySelector('.report-listing')).toBeUndefined()
    expect(text(p, '.pickup-room')).toBe('房号：2单元 101')
    tap(p, '.edit')
    await until(() => expect(navigated()).toEqual(['/market/pages/publish/index?id=l-6']))

    backend.answer('ListingRenew', ({ id }) => ({ listingRenew: { listing: { id, state: 'PUBLISHED', stateLabel: '在售', publishedAt: T, expiresAt: T }, errors: [] } }))
    tap(p, '.renew')
    await until(() => toasted('已续期'))

    backend.answer('ListingWithdraw', ({ id }) => {
      update({ ...MY_DESK, state: 'CLOSED', stateLabel: '已结束' })
      return { listingWithdraw: { listing: { id, state: 'CLOSED', stateLabel: '已结束' }, errors: [] } }
    })
    declineNextModal()
    tap(p, '.withdraw')
    await until(() => expect(modals()).toEqual(['下架这件闲置']))
    await idle(p)
    expect(calls('ListingWithdraw')).toHaveLength(0)
    tap(p, '.withdraw')
    await until(() => expect(text(p, '.state-label')).toBe('已结束'))
    toasted('已下架')
    expect(lastCall('ListingWithdraw').variables).toEqual({ id: 'l-6', reason: null })
    expect(p.querySelector('.withdraw')).toBeUndefined()
  })

  test('a reserved listing cannot be withdrawn: the server says why', async () => {
    backend.answer('ListingWithdraw', () => ({ listingWithdraw: { listing: null, errors: refused('id', '已被预订，请先取消预订再下架') } }))
    const { p } = await listingPage(MY_DESK)
    tap(p, '.withdraw')
    await until(() => expect(p.instance.data.error).toBe('已被预订，请先取消预订再下架'))
  })

  test('its seller sees that moderation hid it', async () => {
    const { p } = await listingPage({ ...MY_DESK, hidden: true })
    expect(text(p, '.hidden-note')).toBe('已被举报隐藏，正在审核，邻居暂时看不到')
  })

  test('acting for 王爷爷, the banner says so and the reservation is his', async () => {
    session.setActingFor({ id: ELDER.id, name: ELDER.displayName })
    backend.answer('ListingReserve', () => ({ listingReserve: { reservation: { ...RESERVATION, listing: BIKE }, errors: [] } }))
    const { p } = await listingPage(BIKE)
    expect(bannerText(p)).toBe('正在为 王爷爷 代办')
    expect(text(p, '.acting-for')).toBe('代 王爷爷 预订')
    tap(p, '.reserve')
    await until(() => expect(calls('ListingReserve')).toHaveLength(1))
    expect(lastCall('ListingReserve').actingFor).toBe(ELDER.id)
  })
})

describe('publishing (publish)', () => {
  const HOMES = [{ roomId: 'room-1', buildingId: 'b-1', label: '阳光花园 1栋 1单元 101' }, { roomId: 'room-2', buildingId: 'b-2', label: '翠竹苑 2栋 1单元 202' }]
  let saved

  beforeEach(() => {
    saved = null
    backend.answer('MarketHomes', () => ({ marketHomes: HOMES }))
    backend.answer('MarketBuildings', () => ({ marketBuildings: [{ id: 'b-1', label: '阳光花园 1栋' }] }))
    backend.answer('ListingSave', ({ input }) => {
      saved = { ...BIKE, ...input, id: input.id || 'l-new', state: 'DRAFT', stateLabel: '草稿', mine: true }
      return { listingSave: { listing: saved, errors: [] } }
    })
    backend.answer('ListingPublish', ({ id }) => ({ listingPublish: { listing: { id, state: 'PUBLISHED', stateLabel: '在售', publishedAt: T, expiresAt: T }, errors: [] } }))
  })

  async function form() {
    const p = await openPage('publish', { communityId: 'c-1' })
    await idle(p)
    return p
  }

  async function fill(p, { kind = '出售', title = '儿童自行车 16寸', price = '120' } = {}) {
    choose(p, '.kinds', kind)
    await until(() => expect(p.instance.data.form.kind).toBeTruthy())
    choose(p, '.categories', '母婴童装玩具')
    if (kind !== '求购') choose(p, '.conditions', '轻微使用痕迹')
    type(p, '.title-input', title)
    type(p, '.description-input', '八成新')
    type(p, '.price-input', price)
    choose(p, '.places', '阳光花园 1栋 1单元 101')
    await until(() => expect(p.instance.data.form.place).toBe('room:room-1'))
  }

  test('a new listing with a photo: saved, published, toasted and opened', async () => {
    const p = await form()
    expect(texts(p.querySelector('.places'), '.choice')).toEqual(['阳光花园 1栋 1单元 101', '翠竹苑 2栋 1单元 202'])
    await fill(p)
    tap(p, '.choose-photos')
    await until(() => expect(p.querySelectorAll('.photo')).toHaveLength(1))
    await idle(p)
    const upload = backend.calls.find((c) => c.upload)
    expect(upload.url).toBe('http://linli.test/uploads?kind=listing_photo')
    expect(upload.upload.filePath).toBe(PICKED_PHOTO)
    tap(p, '.publish')
    await until(() => expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/market/pages/listing/index?id=l-new' }))
    toasted('已发布')
    expect(lastCall('ListingSave').variables.input).toEqual({
      communityId: 'c-1', kind: 'SELL', category: 'KIDS', condition: 'GOOD', title: '儿童自行车 16寸', description: '八成新',
      priceFen: 12000, giveawayMode: null, drawAt: null, roomId: 'room-1', buildingId: null, photoIds: ['upload-1'],
    })
    expect(lastCall('ListingPublish').variables).toEqual({ id: 'l-new' })
  })

  test('存草稿 keeps it to finish later: toasted, no publication, still on the form', async () => {
    const p = await form()
    await fill(p)
    tap(p, '.save-draft')
    await until(() => toasted('已存草稿'))
    expect(calls('ListingPublish')).toHaveLength(0)
    expect(wx.redirectTo).not.toHaveBeenCalled()
    tap(p, '.publish') // the same draft, published now
    await until(() => expect(wx.redirectTo).toHaveBeenCalled())
    expect(lastCall('ListingSave').variables.input.id).toBe('l-new')
  })

  test('a price on a giveaway: the server\'s words beside the price, nothing published, no navigation', async () => {
    backend.answer('ListingSave', () => ({ listingSave: { listing: null, errors: refused('priceFen', '赠送的闲置不能标价') } }))
    const p = await form()
    await fill(p, { kind: '赠送', price: '20' })
    expect(texts(p.querySelector('.giveaway-modes'), '.choice')).toEqual(['先到先得', '到点抽签'])
    tap(p, '.publish')
    await until(() => expect(text(p, '.price-error')).toBe('赠送的闲置不能标价'))
    expect(lastCall('ListingSave').variables.input).toMatchObject({ kind: 'FREE', priceFen: 2000, giveawayMode: 'FIRST_COME' })
    expect(calls('ListingPublish')).toHaveLength(0)
    expect(wx.redirectTo).not.toHaveBeenCalled()
    type(p, '.price-input', '')
    await until(() => expect(p.querySelector('.price-error')).toBeUndefined()) // the error goes as the input changes
  })

  test('10 photos: the server\'s words beside the photos, no navigation', async () => {
    backend.answer('ListingSave', ({ input }) => ({
      listingSave: { listing: null, errors: input.photoIds.length > 9 ? refused('photoIds', '最多上传 9 张照片') : [] },
    }))
    wx.chooseMedia = jest.fn((options) => options.success({
      tempFiles: Array.from({ length: 10 }, (_, i) => ({ tempFilePath: `wxfile://tmp/p${i}.jpg` })),
    }))
    const p = await form()
    await fill(p)
    tap(p, '.choose-photos')
    await until(() => expect(p.querySelectorAll('.photo')).toHaveLength(10))
    await idle(p)
    expect(wx.chooseMedia.mock.calls[0][0].count).toBe(9)
    expect(p.querySelector('.choose-photos')).toBeUndefined()
    tap(p, '.publish')
    await until(() => expect(text(p, '.photos-error')).toBe('最多上传 9 张照片'))
    expect(wx.redirectTo).not.toHaveBeenCalled()
    p.querySelectorAll('.remove-photo')[0].dispatchEvent('tap')
    await until(() => expect(p.querySelectorAll('.photo')).toHaveLength(9))
  })

  test('a prohibited item at publication: the reason beside the title, the draft kept, no navigation', async () => {
    backend.answer('ListingPublish', () => ({ listingPublish: { listing: null, errors: refused('title', '平台禁止发布药品（处方药、保健品等）：请删去后再发布') } }))
    const p = await form()
    await fill(p, { title: '家庭常备处方药' })
    tap(p, '.publish')
    await until(() => expect(text(p, '.title-error')).toBe('平台禁止发布药品（处方药、保健品等）：请删去后再发布'))
    expect(wx.redirectTo).not.toHaveBeenCalled()
    expect(p.instance.data.listingId).toBe('l-new')
  })

  test('a refusal about the whole listing (the daily limit) is a toast', async () => {
    backend.answer('ListingPublish', () => ({ listingPublish: { listing: null, errors: refused('id', '每人每天最多发布 10 条闲置，请明天再发布') } }))
    const p = await form()
    await fill(p)
    tap(p, '.publish')
    await until(() => expect(wx.showToast).toHaveBeenCalledWith({ title: '每人每天最多发布 10 条闲置，请明天再发布', icon: 'none' }))
    expect(wx.redirectTo).not.toHaveBeenCalled()
  })

  test('a price that is no amount of 元 is refused beside the price before anything is sent; no category, beside the categories', async () => {
    const p = await form()
    type(p, '.title-input', '书桌')
    tap(p, '.publish')
    await until(() => expect(text(p, '.category-error')).toBe('请选择分类'))
    await fill(p, { price: '十块' })
    tap(p, '.publish')
    await until(() => expect(text(p, '.price-error')).toBe('请输入正确的金额（元），最多两位小数'))
    expect(calls('ListingSave')).toHaveLength(0)
  })

  test('a lottery giveaway sends its draw time in China\'s time; 求购 asks for no condition', async () => {
    const p = await form()
    await fill(p, { kind: '赠送', price: '' })
    choose(p, '.giveaway-modes', '到点抽签')
    await until(() => expect(p.querySelector('.draw-date')).toBeTruthy())
    p.querySelector('.draw-date').dispatchEvent('change', { detail: { value: '2026-11-08' } })
    p.querySelector('.draw-time').dispatchEvent('change', { detail: { value: '19:30' } })
    tap(p, '.save-draft')
    await until(() => toasted('已存草稿'))
    expect(lastCall('ListingSave').variables.input).toMatchObject({
      kind: 'FREE', priceFen: null, giveawayMode: 'LOTTERY', drawAt: '2026-11-08T19:30:00+08:00',
    })
    choose(p, '.kinds', '求购')
    await until(() => expect(p.querySelector('.conditions')).toBeUndefined())
    expect(text(p, '.price-label')).toBe('预算（元，可不填）')
  })

  test('without a verified home, the pickup is my building', async () => {
    backend.answer('MarketHomes', () => ({ marketHomes: [] }))
    const p = await form()
    expect(texts(p.querySelector('.places'), '.choice')).toEqual(['阳光花园 1栋'])
    expect(p.instance.data.form.place).toBe('building:b-1')
  })

  test('an edit: the form filled from the listing, saved without resending its photos, and reopened', async () => {
    backend.answer('Listing', () => ({ listing: { ...MY_DESK, pickupPlace: '阳光花园 1栋', pickupRoom: '1单元 101' } }))
    const p = await openPage('publish', { id: 'l-6' })
    await idle(p)
    expect(text(p, '.title')).toBe('编辑闲置')
    expect(p.instance.data.form).toMatchObject({ kind: 'SELL', category: 'KIDS', title: '实木书桌 120 厘米', priceYuan: '200.5', place: 'room:room-1' })
    expect(p.querySelectorAll('.photo')).toHaveLength(2)
    expect(p.querySelector('.save-draft')).toBeUndefined()
    expect(text(p, '.publish')).toBe('保存修改')
    backend.answer('ListingSave', ({ input }) => ({ listingSave: { listing: { ...MY_DESK, ...input }, errors: [] } }))
    type(p, '.price-input', '180')
    tap(p, '.publish')
    await until(() => expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/market/pages/listing/index?id=l-6' }))
    toasted('已保存')
    const { input } = lastCall('ListingSave').variables
    expect(input).toMatchObject({ id: 'l-6', priceFen: 18000 })
    expect(input).not.toHaveProperty('photoIds')
    expect(calls('ListingPublish')).toHaveLength(0)
  })

  test('acting for 王爷爷, it is published for him from his home', async () => {
    session.setActingFor({ id: ELDER.id, name: ELDER.displayName })
    const p = await form()
    expect(text(p, '.acting-for')).toBe('代 王爷爷 发布，在 王爷爷 的住址交接')
    await fill(p)
    tap(p, '.publish')
    await until(() => expect(wx.redirectTo).toHaveBeenCalled())
    expect(calls('MarketHomes')[0].actingFor).toBe(ELDER.id)
    expect(lastCall('ListingPublish').actingFor).toBe(ELDER.id)
  })
})

describe('my listings and deals (mine)', () => {
  const MINE_ROW = { ...MY_DESK, photos: [PHOTO] }
  const mine = () => openPage(page('mine'), { communityId: 'c-1' })

  test('my listings with what I may do to each; the state filter reaches myListings', async () => {
    backend.answer('MyListings', ({ state }) => ({
      myListings: connection(state === 'RESERVED' ? [] : [MINE_ROW, { ...MINE_ROW, id: 'l-7', title: '旧沙发', state: 'RESERVED', stateLabel: '已预订' }]),
    }))
    const p = await mine()
    expect(texts(p, '.row-title')).toEqual(['实木书桌 120 厘米', '旧沙发'])
    expect(texts(p, '.row-price')).toEqual(['¥200.50', '¥200.50'])
    expect(texts(p, '.row-state')).toEqual(['在售', '已预订'])
    expect(texts(p, '.row-action')).toEqual(['编辑', '续期', '下架']) // the reserved sofa: none
    expect(lastCall('MyListings').variables).toEqual({ state: null, first: 20, after: null })
    choose(p, '.states', '已预订')
    await until(() => expect(lastCall('MyListings').variables.state).toBe('RESERVED'))
    await idle(p)
    expect(text(p, '.empty')).toBe('还没有发布过闲置')
  })

  test('下架 from the list asks first, then toasts and reloads; 续期 toasts; 编辑 opens the form', async () => {
    backend.answer('MyListings', () => ({ myListings: connection([MINE_ROW]) }))
    backend.answer('ListingWithdraw', ({ id }) => ({ listingWithdraw: { listing: { id, state: 'CLOSED', stateLabel: '已结束' }, errors: [] } }))
    backend.answer('ListingRenew', ({ id }) => ({ listingRenew: { listing: { id, state: 'PUBLISHED', stateLabel: '在售', publishedAt: T, expiresAt: T }, errors: [] } }))
    const p = await mine()
    declineNextModal()
    tap(p, '.withdraw')
    await until(() => expect(modals()).toEqual(['下架这件闲置']))
    expect(calls('ListingWithdraw')).toHaveLength(0)
    tap(p, '.withdraw')
    await until(() => toasted('已下架'))
    await until(() => expect(calls('MyListings')).toHaveLength(2))
    await idle(p)
    tap(p, '.renew')
    await until(() => toasted('已续期'))
    tap(p, '.edit')
    await until(() => expect(navigated()).toEqual(['/market/pages/publish/index?id=l-6']))
  })

  test('my deals as buyer and as seller, from myReservations, each opening its deal', async () => {
    backend.answer('MyListings', () => ({ myListings: connection([]) }))
    backend.answer('MyReservations', ({ role }) => ({
      myReservations: connection(role === 'BUYER'
        ? [{ ...RESERVATION, listing: BIKE }]
        : [{ ...RESERVATION, id: 'r-2', iAmBuyer: false, locked: true, listing: MY_DESK }, { ...RESERVATION, id: 'r-3', iAmBuyer: false, state: 'HANDED_OVER', stateLabel: '已交接', canRate: true, listing: MY_DESK }]),
    }))
    const p = await mine()
    expect(text(p, '.empty')).toBe('还没有发布过闲置')
    choose(p, '.views', '我买到的')
    await until(() => expect(texts(p, '.row-title')).toEqual(['儿童自行车 16寸']))
    expect(lastCall('MyReservations').variables).toEqual({ communityId: 'c-1', role: 'BUYER', first: 20, after: null })
    expect(texts(p, '.row-line')).toEqual(['卖家 志愿者 小林'])
    expect(p.querySelector('.states')).toBeUndefined()
    await idle(p)
    choose(p, '.views', '我卖出的')
    await until(() => expect(texts(p, '.row-line')).toEqual(['买家 张阿姨', '买家 张阿姨']))
    expect(texts(p, '.row-state')).toEqual(['待交接 · 交接已锁定', '已交接 · 待评价'])
    p.querySelectorAll('.mine-row')[1].dispatchEvent('tap')
    await until(() => expect(navigated()).toEqual(['/market/pages/deal/index?listingId=l-6&reservationId=r-3']))
  })

  test('no deals yet says so', async () => {
    backend.answer('MyListings', () => ({ myListings: connection([]) }))
    backend.answer('MyReservations', () => ({ myReservations: connection([]) }))
    const p = await mine()
    choose(p, '.views', '我卖出的')
    await until(() => expect(text(p, '.empty')).toBe('还没有人预订您的闲置'))
  })
})

describe('favourites and saved searches', () => {
  const SEARCH = { id: 's-1', communityId: 'c-1', query: '自行车', category: 'KIDS', kind: null, free: true, minPriceFen: null, maxPriceFen: 20000, createdAt: T }

  test('my favourites as cards with their state, my saved searches in words; delete asks first', async () => {
    backend.answer('MarketFavourites', () => ({ marketFavourites: connection([{ ...BIKE, state: 'RESERVED', stateLabel: '已预订' }]) }))
    let searches = [SEARCH]
    backend.answer('SavedSearches', () => ({ savedSearches: searches }))
    backend.answer('SavedSearchDelete', ({ id }) => {
      searches = searches.filter((s) => s.id !== id)
      return { savedSearchDelete: { ok: true, errors: [] } }
    })
    const p = await openPage('favourites')
    expect(texts(p, '.listing-title')).toEqual(['儿童自行车 16寸'])
    expect(texts(p, '.listing-state')).toEqual(['已预订'])
    expect(texts(p, '.search-text')).toEqual(['「自行车」 · 母婴童装玩具 · 只看免费 · 不限 至 ¥200'])
    p.querySelector('.listing-card').dispatchEvent('tap')
    await until(() => expect(navigated()).toEqual(['/market/pages/listing/index?id=l-1']))

    declineNextModal()
    tap(p, '.delete-search')
    await until(() => expect(modals()).toEqual(['删除订阅']))
    expect(calls('SavedSearchDelete')).toHaveLength(0)
    tap(p, '.delete-search')
    await until(() => toasted('已删除'))
    expect(lastCall('SavedSearchDelete').variables).toEqual({ id: 's-1' })
    expect(p.querySelectorAll('.saved-search')).toHaveLength(0)
    expect(text(p, '.no-searches')).toContain('还没有订阅搜索')
  })

  test('nothing kept says so', async () => {
    backend.answer('MarketFavourites', () => ({ marketFavourites: connection([]) }))
    backend.answer('SavedSearches', () => ({ savedSearches: [] }))
    const p = await openPage('favourites')
    expect(text(p, '.empty')).toBe('还没有收藏闲置')
    expect(p.querySelector('.no-searches')).toBeTruthy()
  })
})

describe('messages (chats, chat)', () => {
  const CONVERSATION = { id: 'cv-1', listing: { ...BIKE, id: 'l-1' }, otherName: '志愿者 小林', lastMessage: '可以', lastMessageAt: T, unread: 2, mine: false }
  const message = (id, body, mine) => ({ id, conversationId: 'cv-1', body, mine, senderName: mine ? '张阿姨' : '志愿者 小林', createdAt: T })
  const acknowledge = (socket) => { socket.open(); socket.push({ type: 'connection_ack' }) }

  test('my conversations with unread counts, each opening; none says so', async () => {
    backend.answer('MarketConversations', () => ({ marketConversations: connection([CONVERSATION, { ...CONVERSATION, id: 'cv-2', unread: 0 }]) }))
    const p = await openPage('chats', { communityId: 'c-1' })
    expect(texts(p, '.conversation-other')).toEqual(['志愿者 小林', '志愿者 小林'])
    expect(texts(p, '.unread-badge')).toEqual(['2'])
    expect(texts(p, '.conversation-listing')).toEqual(['儿童自行车 16寸', '儿童自行车 16寸'])
    expect(lastCall('MarketConversations').variables).toEqual({ communityId: 'c-1', first: 20, after: null })
    p.querySelector('.conversation-row').dispatchEvent('tap')
    await until(() => expect(navigated()).toEqual(['/market/pages/chat/index?id=cv-1']))

    backend.answer('MarketConversations', () => ({ marketConversations: connection([]) }))
    const empty = await openPage('chats', { communityId: 'c-1' })
    expect(text(empty, '.empty')).toBe('还没有留言：在闲置详情里点“联系卖家”即可留言')
  })

  test('a conversation: its messages, the phone notice, a reply sent (toasted) and the other\'s arriving live', async () => {
    backend.answer('MarketConversation', () => ({
      marketConversation: { conversation: CONVERSATION, messages: [message('m-1', '今晚七点可以来取吗？', true), message('m-2', '可以', false)], hasEarlier: false },
    }))
    backend.answer('MarketMessageSend', ({ input }) => ({ marketMessageSend: { message: message('m-3', input.body, true), errors: [] } }))
    const p = await openPage('chat', { id: 'cv-1' })
    expect(text(p, '.chat-title')).toBe('儿童自行车 16寸')
    expect(text(p, '.phone-notice')).toBe('为保护隐私，留言里的手机号会显示为[手机号已隐藏]，请在小区内当面交接')
    expect(texts(p, '.message-body')).toEqual(['今晚七点可以来取吗？', '可以'])
    expect(p.querySelectorAll('.message').map((m) => hasClass(m, 'message-mine'))).toEqual([true, false])

    const socket = live.latest()
    acknowledge(socket)
    expect(socket.frames('subscribe')[0].payload).toEqual({
      query: require('../utils/liveDocuments').MarketMessages, variables: { conversationId: 'cv-1' },
    })
    type(p, '.body-input', '好的，七点见')
    tap(p, '.send')
    await until(() => toasted('已发送'))
    expect(lastCall('MarketMessageSend').variables).toEqual({ input: { conversationId: 'cv-1', body: '好的，七点见' } })
    socket.push({ type: 'next', id: '1', payload: { data: { marketMessages: message('m-3', '好的，七点见', true) } } }) // mine, echoed
    socket.push({ type: 'next', id: '1', payload: { data: { marketMessages: message('m-4', '[手机号已隐藏] 到了打给我', false) } } })
    await until(() => expect(texts(p, '.message-body')).toEqual(['今晚七点可以来取吗？', '可以', '好的，七点见', '[手机号已隐藏] 到了打给我']))
    p.instance.onUnload()
    expect(socket.closedWith).toBe(1000)
  })

  test('earlier messages come before the oldest shown', async () => {
    backend.answer('MarketConversation', ({ before }) => ({
      marketConversation: before
        ? { conversation: CONVERSATION, messages: [message('m-0', '还在吗？', true)], hasEarlier: false }
        : { conversation: CONVERSATION, messages: [message('m-1', '在的', false)], hasEarlier: true },
    }))
    const p = await openPage('chat', { id: 'cv-1' })
    tap(p, '.load-earlier')
    await until(() => expect(texts(p, '.message-body')).toEqual(['还在吗？', '在的']))
    expect(lastCall('MarketConversation').variables).toEqual({ id: 'cv-1', before: 'm-1', last: 30 })
    expect(p.querySelector('.load-earlier')).toBeUndefined()
  })

  test('the first words to a seller open the conversation with the listing; then it is live', async () => {
    backend.answer('MarketConversations', () => ({ marketConversations: connection([]) }))
    backend.answer('Listing', () => ({ listing: BIKE }))
    backend.answer('MarketMessageSend', ({ input }) => ({ marketMessageSend: { message: message('m-1', input.body, true), errors: [] } }))
    const p = await openPage('chat', { listingId: 'l-1', communityId: 'c-1' })
    expect(text(p, '.chat-title')).toBe('儿童自行车 16寸')
    expect(text(p, '.empty')).toBe('还没有留言，说说您想什么时候来取吧')
    expect(live.sockets).toHaveLength(0)
    type(p, '.body-input', '还在吗？')
    tap(p, '.send')
    await until(() => expect(texts(p, '.message-body')).toEqual(['还在吗？']))
    expect(lastCall('MarketMessageSend').variables).toEqual({ input: { listingId: 'l-1', body: '还在吗？' } })
    await until(() => expect(live.sockets).toHaveLength(1))
    acknowledge(live.latest())
    expect(live.latest().frames('subscribe')[0].payload.variables).toEqual({ conversationId: 'cv-1' })
  })

  test('the conversation I already have about a listing is the one 联系卖家 opens', async () => {
    backend.answer('MarketConversations', () => ({ marketConversations: connection([CONVERSATION]) }))
    backend.answer('MarketConversation', () => ({ marketConversation: { conversation: CONVERSATION, messages: [message('m-1', '在的', false)], hasEarlier: false } }))
    const p = await openPage('chat', { listingId: 'l-1' })
    expect(calls('MarketConversations')[0].variables).toEqual({ communityId: 'c-1', first: 50, after: null })
    expect(lastCall('MarketConversation').variables.id).toBe('cv-1')
    expect(texts(p, '.message-body')).toEqual(['在的'])
  })

  test('a message about a closed listing is refused in the server\'s words and kept in the box', async () => {
    backend.answer('MarketConversation', () => ({ marketConversation: { conversation: CONVERSATION, messages: [], hasEarlier: false } }))
    backend.answer('MarketMessageSend', () => ({ marketMessageSend: { message: null, errors: refused(null, '该闲置已下架，不能再留言') } }))
    const p = await openPage('chat', { id: 'cv-1' })
    type(p, '.body-input', '还有吗')
    tap(p, '.send')
    await until(() => expect(text(p, '.error')).toBe('该闲置已下架，不能再留言'))
    expect(p.instance.data.body).toBe('还有吗')
    expect(wx.showToast).not.toHaveBeenCalled()
  })
})

describe('a deal (deal)', () => {
  let listing
  beforeEach(() => {
    listing = { ...BIKE, state: 'RESERVED', stateLabel: '已预订', pickupRoom: '2单元 101', reservation: RESERVATION }
    backend.answer('Listing', () => ({ listing }))
  })
  const asSeller = (changes = {}) => {
    listing = { ...listing, mine: true, reservation: { ...RESERVATION, iAmBuyer: false, handoverCode: null, ...changes } }
  }
  const payload = (name) => ({ [name]: { reservation: { ...listing.reservation, listing }, errors: [] } })
  const deal = async (query = { listingId: 'l-1' }) => {
    const p = await openPage('deal', query)
    await idle(p)
    return p
  }

  test('the buyer: the 6-digit code in large type, the room, 取消预订 after a confirmation', async () => {
    const p = await deal()
    expect(text(p, '.handover-code')).toBe('482913')
    expect(text(p, '.deal-state')).toBe('待交接')
    expect(text(p, '.deal-other')).toBe('卖家 志愿者 小林')
    expect(text(p, '.deal-room')).toBe('2单元 101')
    expect(p.querySelector('.code-input')).toBeUndefined()
    expect(p.querySelector('.no-show')).toBeUndefined()
    expect(p.querySelector('.reason-input')).toBeUndefined()
    backend.answer('ReservationCancel', () => {
      listing = { ...listing, reservation: { ...RESERVATION, state: 'CANCELLED', stateLabel: '已取消', handoverCode: null, endedAt: T } }
      return payload('reservationCancel')
    })
    declineNextModal()
    tap(p, '.cancel')
    await until(() => expect(modals()).toEqual(['取消预订']))
    expect(calls('ReservationCancel')).toHaveLength(0)
    tap(p, '.cancel')
    await until(() => expect(text(p, '.deal-state')).toBe('已取消'))
    toasted('已取消')
    expect(lastCall('ReservationCancel').variables).toEqual({ reservationId: 'r-1', reason: null })
    expect(p.querySelector('.handover-code')).toBeUndefined()
  })

  test('the seller: a wrong code shows the server\'s words with the tries left; the fifth locks it', async () => {
    asSeller()
    let wrong = 0
    backend.answer('HandoverConfirm', () => {
      wrong += 1
      if (wrong < 5) return { handoverConfirm: { reservation: null, errors: refused('code', `交接码不正确，还可尝试 ${5 - wrong} 次`) } }
      listing = { ...listing, reservation: { ...listing.reservation, locked: true } }
      return { handoverConfirm: { reservation: null, errors: refused('code', '交接码错误次数过多，交接已锁定') } }
    })
    const p = await deal()
    expect(p.querySelector('.handover-code')).toBeUndefined()
    expect(text(p, '.deal-other')).toBe('买家 张阿姨')
    type(p, '.code-input', '123')
    tap(p, '.confirm-handover')
    await until(() => expect(text(p, '.deal-error')).toBe('请输入买家出示的 6 位交接码'))
    expect(calls('HandoverConfirm')).toHaveLength(0)
    type(p, '.code-input', '111111')
    tap(p, '.confirm-handover')
    await until(() => expect(text(p, '.deal-error')).toBe('交接码不正确，还可尝试 4 次'))
    expect(wx.showToast).not.toHaveBeenCalled()
    for (let i = 0; i < 4; i += 1) {
      await idle(p)
      tap(p, '.confirm-handover')
      await until(() => expect(calls('HandoverConfirm')).toHaveLength(i + 2))
    }
    await until(() => expect(text(p, '.deal-error')).toBe('交接码错误次数过多，交接已锁定'))
    expect(text(p, '.locked')).toBe('交接码错误次数过多，交接已锁定。如需继续，请取消预订后重新预订。')
    expect(p.querySelector('.code-input')).toBeUndefined()
    expect(p.querySelector('.cancel')).toBeTruthy() // cancelling releases it
  })

  test('the seller: the right code hands it over (toasted), then both rate and see each other\'s rating', async () => {
    asSeller()
    backend.answer('HandoverConfirm', () => {
      listing = { ...listing, state: 'HANDED_OVER', reservation: { ...listing.reservation, state: 'HANDED_OVER', stateLabel: '已交接', endedAt: T, canRate: true } }
      return payload('handoverConfirm')
    })
    const p = await deal()
    type(p, '.code-input', '482913')
    tap(p, '.confirm-handover')
    await until(() => expect(text(p, '.deal-state')).toBe('已交接'))
    toasted('交接成功')
    expect(lastCall('HandoverConfirm').variables).toEqual({ reservationId: 'r-1', code: '482913' })
    expect(p.querySelector('.cancel')).toBeUndefined()
    expect(texts(p.querySelector('.stars'), '.choice')).toEqual(['★★★★★ 5 星', '★★★★☆ 4 星', '★★★☆☆ 3 星', '★★☆☆☆ 2 星', '★☆☆☆☆ 1 星'])

    tap(p, '.send-rating')
    await until(() => expect(text(p, '.deal-error')).toBe('请选择星级'))
    backend.answer('MarketRate', ({ stars, comment }) => {
      listing = { ...listing, reservation: { ...listing.reservation, canRate: false, myRating: { stars, comment, createdAt: T } } }
      return payload('marketRate')
    })
    choose(p, '.stars', '★★★★☆ 4 星')
    type(p, '.comment-input', '买家很准时')
    tap(p, '.send-rating')
    await until(() => toasted('评价成功'))
    expect(lastCall('MarketRate').variables).toEqual({ reservationId: 'r-1', stars: 4, comment: '买家很准时' })
    await until(() => expect(texts(p, '.rating-stars')).toEqual(['★★★★☆']))
    expect(texts(p, '.rating-comment')).toEqual(['买家很准时'])
    expect(p.querySelector('.send-rating')).toBeUndefined()
    expect(text(p, '.rating-hidden')).toBe('对方评价后（或交接 7 天后）可以看到对方的评价')

    listing = { ...listing, reservation: { ...listing.reservation, theirRating: { stars: 5, comment: '东西很好', createdAt: T } } }
    await p.instance.refresh()
    expect(texts(p, '.rating-stars')).toEqual(['★★★★☆', '★★★★★'])
    expect(texts(p, '.rating-comment')).toEqual(['买家很准时', '东西很好'])
    expect(text(p, '.their-rating')).toContain('对方的评价')
    expect(p.querySelector('.rating-hidden')).toBeUndefined()
  })

  test('rating twice is refused in the server\'s words', async () => {
    listing = { ...listing, reservation: { ...RESERVATION, state: 'HANDED_OVER', stateLabel: '已交接', handoverCode: null, canRate: true } }
    backend.answer('MarketRate', () => ({ marketRate: { reservation: null, errors: refused(null, '您已评价过') } }))
    const p = await deal()
    choose(p, '.stars', '★★★★★ 5 星')
    tap(p, '.send-rating')
    await until(() => expect(text(p, '.deal-error')).toBe('您已评价过'))
    expect(wx.showToast).not.toHaveBeenCalled()
  })

  test('the seller cancels only with a reason, after a confirmation', async () => {
    asSeller()
    backend.answer('ReservationCancel', () => payload('reservationCancel'))
    const p = await deal()
    tap(p, '.cancel') // without a reason: nothing asked, nothing sent
    await until(() => expect(text(p, '.deal-error')).toBe('请填写取消原因'))
    expect(modals()).toEqual([])
    type(p, '.reason-input', '东西已经坏了')
    await until(() => expect(p.instance.data.reason).toBe('东西已经坏了'))
    tap(p, '.cancel')
    await until(() => toasted('已取消'))
    expect(modals()).toEqual(['取消预订'])
    expect(lastCall('ReservationCancel').variables).toEqual({ reservationId: 'r-1', reason: '东西已经坏了' })
  })

  test('未到场 asks first, then records it', async () => {
    asSeller()
    backend.answer('ReservationNoShow', () => {
      listing = { ...listing, state: 'PUBLISHED', reservation: { ...listing.reservation, state: 'NO_SHOW', stateLabel: '未到场', endedAt: T } }
      return payload('reservationNoShow')
    })
    const p = await deal()
    declineNextModal()
    tap(p, '.no-show')
    await until(() => expect(modals()).toEqual(['买家未到场']))
    expect(calls('ReservationNoShow')).toHaveLength(0)
    tap(p, '.no-show')
    await until(() => expect(text(p, '.deal-state')).toBe('未到场'))
    toasted('已记录')
    expect(p.querySelector('.no-show')).toBeUndefined()
  })

  test('a deal that is over, or gone, says so', async () => {
    listing = { ...listing, reservation: { ...RESERVATION, id: 'r-9' } }
    const p = await deal({ listingId: 'l-1', reservationId: 'r-1' })
    expect(text(p, '.missing')).toBe('这次预订已结束，闲置已重新上架或由他人预订')
    backend.answer('Listing', () => ({ listing: null }))
    const gone = await deal()
    expect(text(gone, '.missing')).toBe('找不到这笔交易')
  })

  test('acting for 王爷爷, his code and his handover', async () => {
    session.setActingFor({ id: ELDER.id, name: ELDER.displayName })
    asSeller()
    const p = await deal()
    expect(bannerText(p)).toBe('正在为 王爷爷 代办')
    expect(text(p, '.acting-for')).toBe('代 王爷爷 交接')
    expect(lastCall('Listing').actingFor).toBe(ELDER.id)
  })
})

describe('长辈模式 on every market page', () => {
  test('the market has its eight pages, home links to it', () => {
    expect(MARKET_PAGES).toEqual(['index', 'listing', 'publish', 'mine', 'favourites', 'chats', 'chat', 'deal'].map(page))
    const fs = require('fs')
    const path = require('path')
    expect(fs.readFileSync(path.join(__dirname, '../pages/home/index.wxml'), 'utf8')).toContain('url="/market/pages/index/index"')
  })

  test.each(MARKET_PAGES)('%s takes the elder class when elder mode is on', (name) => {
    expect(hasClass(renderPage(name).querySelector('.page'), 'elder')).toBe(false)
    setElderMode(true)
    expect(hasClass(renderPage(name).querySelector('.page'), 'elder')).toBe(true)
  })
})
