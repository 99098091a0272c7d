// 社区服务 (the services subpackage, mocked backend): the community's services by category with the
// 免费 badge, booking a slot (full slots not bookable, the price and cancellation fees quoted before
// booking, a slot taken meanwhile refused and the slots reloaded), an order followed live with the
// actions the server offers (模拟支付, WeChat Pay, cancelling with its fee, confirming, a dispute with
// its reason, no-show, rating), my orders by state a page at a time, and 长者助餐 with the subsidy, for
// myself and for 王爷爷 (代办). Every irreversible step asks first; 长辈模式 on every page.
const fs = require('fs')
const path = require('path')
const { installWx, until } = require('./helpers/wx')
const { installSockets } = require('./helpers/socket')
const { fakeBackend, ELDER } = require('./helpers/fakeBackend')
const { APP_PAGES, openPage, renderPage, textOf, choose, hasClass, bannerText } = require('./helpers/pages')
const tokenStore = require('../utils/tokenStore')
const session = require('../utils/session')
const { setElderMode } = require('../utils/elderMode')
const liveDocuments = require('../utils/liveDocuments')
const { shanghaiDays } = require('../services/services')

const SERVICES_PAGES = APP_PAGES.filter((p) => p.startsWith('services/'))
const page = (name) => `services/pages/${name}/index`

let backend
let live
const calls = (name) => backend.calls.filter((c) => c.operationName === name)
const lastCall = (name) => calls(name).at(-1)
const toasted = (title) => expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title }))
const idle = (p) => until(() => expect(p.instance.data.busy).toBeFalsy())
const texts = (p, selector) => p.querySelectorAll(selector).map(textOf)
const text = (p, selector) => textOf(p.querySelector(selector))
const tap = (p, selector, index = 0) => p.querySelectorAll(selector)[index].dispatchEvent('tap')
const type = (p, selector, value) => p.querySelector(selector).dispatchEvent('input', { detail: { value } })
const modals = () => wx.showModal.mock.calls.map(([options]) => options)
const declineNextModal = () => wx.showModal.mockImplementationOnce((options) => options.success({ confirm: false, cancel: true }))
const navigated = (api = 'navigateTo') => wx[api].mock.calls.map(([{ url }]) => url)
const connection = (nodes, hasNextPage = false) => ({
  nodes, pageInfo: { hasNextPage, endCursor: nodes.length ? `cursor-${nodes.at(-1).id}` : null },
})
const refused = (code, field, message) => [{ code, field, message }]

const PROVIDER = { id: 'pv-1', name: '幸福家政' }
const item = (overrides) => ({
  id: 's-1', category: 'HOUSEKEEPING', categoryLabel: '家政保洁', name: '日常保洁', description: '日常保洁，幸福家政提供',
  unit: 'HOUR', unitLabel: '小时', unitPriceFen: 5000, minQuantity: 2, durationMinutes: 60, active: true, paid: true,
  provider: PROVIDER, ...overrides,
})
const CLEANING = item({})
const LAUNDRY = item({ id: 's-2', category: 'LAUNDRY', categoryLabel: '洗衣', name: '衣物洗护', unit: 'ITEM', unitLabel: '件', unitPriceFen: 1250, minQuantity: 1 })
const ERRAND = item({ id: 's-3', category: 'ERRANDS', categoryLabel: '跑腿代办', name: '跑腿代办', unitPriceFen: 1000, minQuantity: 1, paid: false })
const MEAL_ITEM = item({ id: 's-4', category: 'MEALS', categoryLabel: '助餐', name: '助餐', unit: 'MEAL', unitLabel: '份' })

const [TODAY, TOMORROW, AFTER] = shanghaiDays(3).map((d) => d.value)
// A time of the phone's day (the resident's phone is in China): as the server sends it, in UTC.
const at = (day, hour, minute = 0) => new Date(`${day}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00`).toISOString()
const slot = (id, day, hour, left) => ({ id, startsAt: at(day, hour), endsAt: at(day, hour + 3), capacity: 3, booked: 3 - left, left })
const SLOTS = [slot('sl-1', TOMORROW, 9, 0), slot('sl-2', TOMORROW, 14, 2), slot('sl-3', AFTER, 9, 3)]
const TIERS = [{ hoursBefore: 24, feeBp: 0 }, { hoursBefore: 2, feeBp: 2000 }, { hoursBefore: 0, feeBp: 5000 }]

const event = (toState, label, reason = null) => ({ toState, label, at: at('2026-11-05', 10), reason })
const order = (overrides = {}) => ({
  id: 'o-1', state: 'PENDING_PAYMENT', stateLabel: '待支付', category: 'HOUSEKEEPING', categoryLabel: '家政保洁',
  provider: PROVIDER, service: { id: 's-1', name: '日常保洁', unit: 'HOUR' }, scheduledAt: at('2026-11-06', 14),
  fulfilment: 'ON_SITE', note: null,
  lines: [{ description: '日常保洁', unitPriceFen: 5000, quantity: 2, amountFen: 10000, payers: [{ kind: 'RESIDENT', tier: null, amountFen: 10000 }] }],
  amountFen: 10000, residentFen: 10000, subsidyFen: 0, refundedFen: 0, commissionFen: 1000,
  cancellationTiers: TIERS, cancellationFeeNowFen: 0, worker: null, checkedInAt: null, checkInPhotoUrl: null, completedAt: null,
  confirmBy: null, acceptBy: null, payBy: at('2026-11-05', 10, 15), gateway: 'SANDBOX',
  events: [event('PENDING_PAYMENT', '已下单')], rating: null, dispute: null, actions: ['PAY', 'CANCEL'], ...overrides,
})
const PAID = { state: 'PAID', stateLabel: '待接单', payBy: null, actions: ['CANCEL'], events: [event('PENDING_PAYMENT', '已下单'), event('PAID', '待接单')] }

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

describe('the services (index)', () => {
  test('by category, each card with its provider, price per unit and minimum; 免费 where the community makes it free', async () => {
    backend.answer('CommunityServices', () => ({ communityServices: connection([ERRAND, LAUNDRY, CLEANING, MEAL_ITEM]) }))
    const p = await openPage(page('index'))
    expect(lastCall('CommunityServices').variables).toEqual({ communityId: 'c-1', category: null, first: 20, after: null })
    expect(texts(p, '.category-title')).toEqual(['家政保洁', '洗衣', '跑腿代办免费'])
    expect(texts(p, '.service-name')).toEqual(['日常保洁', '衣物洗护', '跑腿代办']) // 助餐 has its own page
    expect(texts(p, '.service-provider')).toEqual(['幸福家政', '幸福家政', '幸福家政'])
    expect(texts(p, '.service-price')).toEqual(['¥50/小时 · 2 小时起', '¥12.50/件 · 1 件起', '免费 · 1 小时起'])
    tap(p, '.service-card')
    await until(() => expect(navigated()).toEqual(['/services/pages/service/index?id=s-1&communityId=c-1']))
    tap(p, '.go-meals')
    tap(p, '.go-orders')
    await until(() => expect(navigated()).toHaveLength(3))
    expect(navigated().slice(1)).toEqual(['/services/pages/meals/index?communityId=c-1', '/services/pages/service-orders/index?communityId=c-1'])
  })

  test('a category narrows the list; the next page comes at the bottom; nothing to book says so', async () => {
    backend.answer('CommunityServices', ({ category, after }) => ({
      communityServices: category ? connection([]) : after ? connection([LAUNDRY]) : connection([CLEANING], true),
    }))
    const p = await openPage(page('index'))
    await p.instance.onReachBottom()
    expect(texts(p, '.service-name')).toEqual(['日常保洁', '衣物洗护'])
    expect(lastCall('CommunityServices').variables.after).toBe('cursor-s-1')
    choose(p, '.categories', '跑腿代办')
    await until(() => expect(lastCall('CommunityServices').variables).toMatchObject({ category: 'ERRANDS', after: null }))
    await idle(p)
    expect(text(p, '.empty')).toBe('暂时没有可预约的服务')
  })

  test('a resident without a verified address is told so', async () => {
    backend.answer('Viewer', () => ({ viewer: { ...backend.viewer, memberships: [] } }))
    const p = await openPage(page('index'))
    expect(text(p, '.error')).toBe('请先认证住址，再使用社区服务')
  })
})

describe('booking a service (service)', () => {
  async function servicePage({ slots = SLOTS, book } = {}) {
    let current = slots
    backend.answer('CommunityServices', () => ({ communityServices: connection([CLEANING, LAUNDRY]) }))
    backend.answer('ServiceSlots', () => ({ serviceSlots: current }))
    backend.answer('ServiceOrderQuote', ({ quantity }) => ({
      serviceOrderQuote: {
        amountFen: 5000 * quantity, unitPriceFen: 5000, quantity, paid: true,
        cancellationTiers: TIERS.map((t) => ({ ...t, feeFen: (5000 * quantity * t.feeBp) / 10000 })),
      },
    }))
    if (book) backend.answer('ServiceOrderBook', book)
    const p = await openPage(page('service'), { id: 's-1', communityId: 'c-1' })
    await idle(p)
    return { p, setSlots: (next) => { current = next } }
  }

  test('days with slots, a full slot says 已约满 and cannot be picked, the quote with the cancellation fees before booking', async () => {
    const { p } = await servicePage()
    expect(text(p, '.service-title')).toBe('日常保洁')
    expect(text(p, '.service-price')).toBe('¥50/小时 · 2 小时起')
    expect(lastCall('ServiceSlots').variables).toEqual({ serviceId: 's-1', from: TODAY, days: 7 })
    expect(texts(p, '.day')).toEqual([`明天 ${TOMORROW.slice(5)}`, expect.stringContaining(AFTER.slice(5))])
    expect(texts(p, '.slot')).toEqual(['09:00–12:00 已约满', '14:00–17:00 剩 2 个名额'])
    expect(p.querySelectorAll('.slot').map((n) => hasClass(n, 'slot-full'))).toEqual([true, false])
    expect(p.querySelector('.quote')).toBeUndefined()
    tap(p, '.slot', 0) // full: nothing happens
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(calls('ServiceOrderQuote')).toHaveLength(0)
    expect(p.instance.data.slotId).toBe('')

    tap(p, '.slot', 1)
    await until(() => expect(p.querySelector('.quote')).toBeTruthy())
    expect(lastCall('ServiceOrderQuote').variables).toEqual({ serviceId: 's-1', slotId: 'sl-2', quantity: 2 })
    expect(text(p, '.quote-amount')).toBe('合计 ¥100 （¥50 × 2）')
    expect(text(p, '.quote-tiers')).toBe('取消规则：服务开始前 24 小时以上取消免费，2–24 小时收取 20%（¥20），不足 2 小时收取 50%（¥50）；服务商接单前取消免费')

    tap(p, '.more')
    await until(() => expect(text(p, '.quote-amount')).toBe('合计 ¥150 （¥50 × 3）'))
    tap(p, '.less')
    await until(() => expect(p.instance.data.quantity).toBe(2))
    await idle(p)
    tap(p, '.less')
    await until(() => expect(text(p, '.quantity-error')).toBe('至少 2 小时'))
    expect(p.instance.data.quantity).toBe(2)

    tap(p, '.day', 1)
    await until(() => expect(texts(p, '.slot')).toEqual(['09:00–12:00 剩 3 个名额']))
  })

  test('预约 books the slot and opens the order', async () => {
    const { p } = await servicePage({ book: () => ({ serviceOrderBook: { order: order(), errors: [] } }) })
    tap(p, '.slot', 1)
    await idle(p)
    type(p, '.note-input', ' 家里有猫 ')
    tap(p, '.book')
    await until(() => expect(navigated('redirectTo')).toEqual(['/services/pages/service-order/index?id=o-1']))
    expect(lastCall('ServiceOrderBook').variables).toEqual({ serviceId: 's-1', slotId: 'sl-2', quantity: 2, note: '家里有猫', roomId: null })
    toasted('预约成功')
  })

  test('a slot taken meanwhile is refused beside the slots, which are loaded again; nothing else is lost', async () => {
    const { p, setSlots } = await servicePage({
      book: () => ({ serviceOrderBook: { order: null, errors: refused('CONFLICT', 'slotId', '该时段已约满，请选择其他时段') } }),
    })
    tap(p, '.slot', 1)
    await idle(p)
    type(p, '.note-input', '上午也可以')
    setSlots([slot('sl-1', TOMORROW, 9, 0), slot('sl-2', TOMORROW, 14, 0), slot('sl-3', AFTER, 9, 3)])
    tap(p, '.book')
    await until(() => expect(text(p, '.slot-error')).toBe('该时段已约满，请选择其他时段'))
    await idle(p)
    expect(calls('ServiceSlots')).toHaveLength(2)
    expect(texts(p, '.slot')).toEqual(['09:00–12:00 已约满', '14:00–17:00 已约满'])
    expect(p.instance.data.slotId).toBe('')
    expect(p.instance.data.note).toBe('上午也可以')
    expect(navigated('redirectTo')).toEqual([])
  })

  test('a service no longer offered says so', async () => {
    backend.answer('CommunityServices', () => ({ communityServices: connection([LAUNDRY]) }))
    const p = await openPage(page('service'), { id: 's-1', communityId: 'c-1' })
    expect(text(p, '.missing')).toBe('找不到这项服务，它可能已下架')
  })
})

describe('an order (service-order)', () => {
  async function orderPage(initial, answers = {}) {
    let current = initial
    backend.answer('ServiceOrder', () => ({ serviceOrder: current }))
    for (const [name, respond] of Object.entries(answers)) backend.answer(name, respond)
    const p = await openPage(page('service-order'), { id: 'o-1' })
    await idle(p)
    return { p, update: (next) => { current = next } }
  }

  test('its state, times, lines with who pays, the cancellation rules, the timeline and the actions offered', async () => {
    const { p } = await orderPage(order())
    expect(text(p, '.order-title')).toBe('日常保洁')
    expect(text(p, '.order-state')).toBe('待支付')
    expect(text(p, '.order-time')).toBe('时间：2026-11-06 14:00')
    expect(text(p, '.pay-by')).toBe('请在 2026-11-05 10:15 前支付，逾期自动取消')
    expect(texts(p, '.line-detail')).toEqual(['¥50 × 2 · 自付 ¥100'])
    expect(text(p, '.order-amount')).toBe('合计 ¥100')
    expect(text(p, '.order-tiers')).toBe('取消规则：服务开始前 24 小时以上取消免费，2–24 小时收取 20%，不足 2 小时收取 50%；服务商接单前取消免费')
    expect(texts(p, '.event-label')).toEqual(['已下单'])
    expect(texts(p, '.order-action')).toEqual(['支付', '取消订单'])
    expect(p.querySelector('.send-rating')).toBeUndefined()
  })

  test('模拟支付: asked first, then paid and waiting for the provider', async () => {
    const { p } = await orderPage(order(), {
      ServiceOrderPay: () => ({ serviceOrderPay: { order: order(), gateway: 'SANDBOX', clientParams: '{}', errors: [] } }),
      ServiceOrderSandboxPay: () => ({ serviceOrderSandboxPay: { order: order(PAID), errors: [] } }),
    })
    declineNextModal()
    tap(p, '.action-PAY')
    await until(() => expect(modals()).toHaveLength(1))
    await idle(p)
    expect(modals()[0]).toMatchObject({ title: '模拟支付', content: expect.stringContaining('¥100') })
    expect(calls('ServiceOrderSandboxPay')).toHaveLength(0)
    tap(p, '.action-PAY')
    await until(() => toasted('支付成功'))
    await idle(p)
    expect(lastCall('ServiceOrderPay').variables).toEqual({ orderId: 'o-1', gateway: null })
    expect(lastCall('ServiceOrderSandboxPay').variables).toEqual({ orderId: 'o-1' })
    expect(text(p, '.order-state')).toBe('待接单')
    expect(texts(p, '.event-label')).toEqual(['已下单', '待接单'])
    expect(texts(p, '.order-action')).toEqual(['取消订单'])
  })

  test('WeChat Pay: wx.requestPayment with the server\'s parameters; a payment left unfinished says so', async () => {
    const params = { timeStamp: '1700000000', nonceStr: 'n', package: 'prepay_id=wx1', signType: 'RSA', paySign: 'sig' }
    const { p, update } = await orderPage(order({ gateway: 'WECHAT' }), {
      ServiceOrderPay: () => ({ serviceOrderPay: { order: order({ gateway: 'WECHAT' }), gateway: 'WECHAT', clientParams: JSON.stringify(params), errors: [] } }),
    })
    wx.requestPayment = jest.fn((options) => options.fail({ errMsg: 'requestPayment:fail cancel' }))
    tap(p, '.action-PAY')
    await until(() => expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '支付未完成' })))
    wx.requestPayment = jest.fn((options) => options.success({}))
    update(order({ ...PAID, gateway: 'WECHAT' }))
    tap(p, '.action-PAY')
    await until(() => toasted('支付成功'))
    await until(() => expect(text(p, '.order-state')).toBe('待接单'))
    expect(wx.requestPayment).toHaveBeenCalledWith(expect.objectContaining(params))
    expect(calls('ServiceOrderSandboxPay')).toHaveLength(0)
  })

  test('cancelling shows the fee it costs now first; declined, nothing is sent', async () => {
    const accepted = order({ state: 'ACCEPTED', stateLabel: '已接单', payBy: null, actions: ['CANCEL'], cancellationFeeNowFen: 2000 })
    const { p } = await orderPage(accepted, {
      ServiceOrderCancel: () => ({ serviceOrderCancel: { order: order({ state: 'CANCELLED', stateLabel: '已取消', actions: [], refundedFen: 8000, payBy: null }), errors: [] } }),
    })
    declineNextModal()
    tap(p, '.action-CANCEL')
    await until(() => expect(modals()).toHaveLength(1))
    expect(modals()[0]).toMatchObject({ title: '取消订单', content: '现在取消将收取取消费 ¥20，其余款项原路退回。' })
    expect(calls('ServiceOrderCancel')).toHaveLength(0)
    type(p, '.reason-input', '临时有事')
    tap(p, '.action-CANCEL')
    await until(() => toasted('已取消'))
    expect(lastCall('ServiceOrderCancel').variables).toEqual({ orderId: 'o-1', reason: '临时有事' })
    expect(text(p, '.order-state')).toBe('已取消')
    expect(text(p, '.order-refunded')).toBe('已退款 ¥80')
    expect(p.querySelector('.order-action')).toBeUndefined()
  })

  test('a free cancellation says it is free', async () => {
    const { p } = await orderPage(order(PAID))
    declineNextModal()
    tap(p, '.action-CANCEL')
    await until(() => expect(modals()).toHaveLength(1))
    expect(modals()[0].content).toBe('现在取消不收取费用，已付款项原路退回。')
  })

  test('确认完成 asks first; 申请售后 needs a reason, asks, and shows the server\'s refusal beside the reason', async () => {
    const completed = order({ state: 'COMPLETED', stateLabel: '待确认', payBy: null, actions: ['CONFIRM', 'DISPUTE'] })
    const { p } = await orderPage(completed, {
      ServiceOrderConfirm: () => ({ serviceOrderConfirm: { order: order({ state: 'CONFIRMED', stateLabel: '已确认', payBy: null, actions: [] }), errors: [] } }),
      ServiceOrderDispute: () => ({ serviceOrderDispute: { order: null, errors: refused('INVALID_INPUT', 'reason', '原因须为 2–200 个字') } }),
    })
    expect(texts(p, '.order-action')).toEqual(['确认完成', '申请售后'])
    tap(p, '.action-DISPUTE')
    await until(() => expect(text(p, '.reason-error')).toBe('请填写申请售后的原因'))
    expect(modals()).toHaveLength(0)
    type(p, '.reason-input', '脏')
    tap(p, '.action-DISPUTE')
    await until(() => expect(text(p, '.reason-error')).toBe('原因须为 2–200 个字'))
    await idle(p)
    expect(modals()[0].title).toBe('申请售后')
    expect(lastCall('ServiceOrderDispute').variables).toEqual({ orderId: 'o-1', reason: '脏' })
    expect(p.instance.data.reason).toBe('脏')
    expect(text(p, '.order-state')).toBe('待确认')

    tap(p, '.action-CONFIRM')
    await until(() => toasted('已确认'))
    expect(modals()[1].title).toBe('确认完成')
    expect(text(p, '.order-state')).toBe('已确认')
  })

  test('未上门 asks first and is reported', async () => {
    const late = order({ state: 'ACCEPTED', stateLabel: '已接单', payBy: null, actions: ['CANCEL', 'NO_SHOW'] })
    const { p } = await orderPage(late, {
      ServiceOrderNoShow: () => ({ serviceOrderNoShow: { order: order({ state: 'NO_SHOW', stateLabel: '未上门', payBy: null, actions: [] }), errors: [] } }),
    })
    tap(p, '.action-NO_SHOW')
    await until(() => toasted('已报告'))
    expect(modals()[0].title).toBe('服务人员未上门')
    expect(text(p, '.order-state')).toBe('未上门')
  })

  test('评价: stars and a comment, then shown', async () => {
    const settled = order({ state: 'SETTLED', stateLabel: '已结算', payBy: null, actions: ['RATE'] })
    const { p } = await orderPage(settled, {
      ServiceOrderRate: ({ stars, comment }) => ({
        serviceOrderRate: { order: order({ state: 'REVIEWED', stateLabel: '已评价', payBy: null, actions: [], rating: { stars, comment } }), errors: [] },
      }),
    })
    expect(p.querySelector('.order-action')).toBeUndefined()
    tap(p, '.send-rating')
    await until(() => expect(text(p, '.stars-error')).toBe('请选择星级'))
    choose(p, '.stars', '★★★★☆ 4 星')
    type(p, '.comment-input', '很干净')
    tap(p, '.send-rating')
    await until(() => toasted('评价成功'))
    expect(lastCall('ServiceOrderRate').variables).toEqual({ orderId: 'o-1', stars: 4, comment: '很干净' })
    expect(text(p, '.rating-stars')).toBe('★★★★☆')
    expect(text(p, '.rating-comment')).toBe('很干净')
    expect(p.querySelector('.send-rating')).toBeUndefined()
  })

  test('followed live: the provider accepting shows at once; leaving the page closes the socket', async () => {
    const { p } = await orderPage(order(PAID))
    const socket = live.latest()
    socket.open()
    socket.push({ type: 'connection_ack' })
    expect(socket.frames('subscribe')[0].payload).toEqual({ query: liveDocuments.ServiceOrderUpdated, variables: { orderId: 'o-1' } })
    const accepted = order({
      state: 'ACCEPTED', stateLabel: '已接单', payBy: null, actions: ['CANCEL'], worker: { id: 'w-1', name: '幸福家政 小何' },
      events: [...PAID.events, event('ACCEPTED', '已接单')],
    })
    socket.push({ type: 'next', id: '1', payload: { data: { serviceOrderUpdated: accepted } } })
    await until(() => expect(text(p, '.order-state')).toBe('已接单'))
    expect(text(p, '.order-worker')).toBe('服务人员：幸福家政 小何')
    expect(texts(p, '.event-label')).toEqual(['已下单', '待接单', '已接单'])
    p.instance.onUnload()
    expect(socket.closedWith).toBe(1000)
  })

  test('a meal with its subsidy: each line\'s payers, and the split', async () => {
    const meal = order({
      category: 'MEALS', categoryLabel: '助餐', service: null, fulfilment: 'DELIVERY', ...PAID,
      lines: [
        { description: '红烧肉套餐', unitPriceFen: 1500, quantity: 1, amountFen: 1500, payers: [{ kind: 'SUBSIDY', tier: 'AGE_80', amountFen: 500 }, { kind: 'RESIDENT', tier: null, amountFen: 1000 }] },
        { description: '配送费', unitPriceFen: 200, quantity: 1, amountFen: 200, payers: [{ kind: 'RESIDENT', tier: null, amountFen: 200 }] },
      ],
      amountFen: 1700, residentFen: 1200, subsidyFen: 500,
    })
    const { p } = await orderPage(meal)
    expect(text(p, '.order-title')).toBe('助餐')
    expect(text(p, '.order-fulfilment')).toBe('方式：送餐上门')
    expect(texts(p, '.line-detail')).toEqual(['¥15 × 1 · 补贴 ¥5 · 自付 ¥10', '¥2 × 1 · 自付 ¥2'])
    expect(text(p, '.order-split')).toBe('补贴 ¥5 · 自付 ¥12')
  })

  test('acting for 王爷爷: whose order it is, and the requests are his', async () => {
    session.setActingFor({ id: ELDER.id, name: ELDER.displayName })
    const { p } = await orderPage(order())
    expect(bannerText(p)).toBe('正在为 王爷爷 代办')
    expect(text(p, '.order-for')).toBe('王爷爷的订单（代办）')
    expect(lastCall('ServiceOrder').actingFor).toBe(ELDER.id)
  })

  test('an order out of reach says so', async () => {
    const { p } = await orderPage(null)
    expect(text(p, '.missing')).toBe('找不到这个订单')
    expect(live.sockets).toHaveLength(0)
  })
})

describe('my orders (service-orders)', () => {
  test('newest first, a page at a time, by state; each opens its order', async () => {
    const orders = [order({ id: 'o-3', ...PAID }), order({ id: 'o-2' }), order({ id: 'o-1', gateway: 'NONE', amountFen: 1000, state: 'COMPLETED', stateLabel: '待确认', service: { id: 's-3', name: '跑腿代办', unit: 'HOUR' } })]
    backend.answer('MyServiceOrders', ({ state, after }) => ({
      myServiceOrders: state ? connection(orders.filter((o) => o.state === state)) : after ? connection(orders.slice(2)) : connection(orders.slice(0, 2), true),
    }))
    const p = await openPage(page('service-orders'))
    expect(lastCall('MyServiceOrders').variables).toEqual({ state: null, first: 20, after: null })
    expect(texts(p, '.order-state')).toEqual(['待接单', '待支付'])
    await p.instance.onReachBottom()
    expect(lastCall('MyServiceOrders').variables.after).toBe('cursor-o-2')
    expect(texts(p, '.order-title')).toEqual(['日常保洁', '日常保洁', '跑腿代办'])
    expect(texts(p, '.order-amount')).toEqual(['¥100', '¥100', '免费'])
    expect(text(p, '.list-end')).toBe('没有更多了')
    choose(p, '.states', '待支付')
    await until(() => expect(lastCall('MyServiceOrders').variables.state).toBe('PENDING_PAYMENT'))
    await idle(p)
    expect(texts(p, '.order-title')).toEqual(['日常保洁'])
    tap(p, '.order-card')
    await until(() => expect(navigated()).toHaveLength(1))
    expect(navigated()).toEqual(['/services/pages/service-order/index?id=o-2'])
    choose(p, '.states', '已退款')
    await until(() => expect(text(p, '.empty')).toBe('没有这个状态的订单'))
  })
})

describe('长者助餐 (meals)', () => {
  const MENU = {
    id: 'm-1', day: TOMORROW, cutoffAt: at(TOMORROW, 10), pickup: true, delivery: true, deliveryFeeFen: 200,
    provider: { id: 'pv-2', name: '社区长者食堂' }, community: { id: 'c-1', name: '阳光社区' },
    dishes: [
      { id: 'd-1', name: '红烧肉套餐', priceFen: 1500, portions: 50, left: 2 },
      { id: 'd-2', name: '清蒸鱼套餐', priceFen: 1800, portions: 50, left: 0 },
    ],
  }
  const ELIGIBLE = { eligible: true, tier: 'AGE_80', tierLabel: '80 周岁以上（高龄）', subsidyFen: 500, funder: '街道助餐补贴', reason: '' }
  const NOT_ELIGIBLE = { eligible: false, tier: null, tierLabel: null, subsidyFen: 0, funder: null, reason: '未满 60 周岁，暂不享受助餐补贴' }

  async function mealsPage(eligibility, place) {
    backend.answer('MealEligibility', () => ({ mealEligibility: eligibility }))
    backend.answer('MealMenus', ({ day }) => ({ mealMenus: day === TODAY ? [] : [MENU] }))
    if (place) backend.answer('MealOrderPlace', place)
    const p = await openPage(page('meals'))
    await idle(p)
    return p
  }

  test('the subsidy for an eligible elder, a day\'s menu, dishes and delivery with its fee, ordered with the subsidy', async () => {
    const p = await mealsPage(ELIGIBLE, () => ({ mealOrderPlace: { order: order({ id: 'o-9', category: 'MEALS' }), errors: [] } }))
    expect(text(p, '.eligibility')).toBe('80 周岁以上（高龄） 每餐补贴 ¥5（每天一份，街道助餐补贴）')
    expect(lastCall('MealMenus').variables).toEqual({ communityId: 'c-1', day: TODAY })
    expect(text(p, '.empty')).toBe('这一天没有助餐菜单')
    tap(p, '.day', 1)
    await until(() => expect(texts(p, '.dish-name')).toEqual(['红烧肉套餐', '清蒸鱼套餐']))
    expect(texts(p, '.dish-price')).toEqual(['¥15 · 剩 2 份', '¥18 · 已售罄'])
    expect(text(p, '.cutoff')).toBe(`${TOMORROW} 10:00 前下单`)
    expect(texts(p, '.fulfilment')).toEqual(['到店自取', '送餐上门（配送费 ¥2）'])
    tap(p, '.place')
    await until(() => expect(text(p, '.dishes-error')).toBe('请至少选择一份菜品'))
    for (let i = 0; i < 3; i += 1) tap(p, '.more', 0) // only 2 left
    tap(p, '.more', 1) // sold out
    tap(p, '.fulfilment', 1)
    await until(() => expect(texts(p, '.dish-count')).toEqual(['2', '0']))
    await until(() => expect(text(p, '.meal-total')).toBe('菜品 ¥30 + 配送费 ¥2，补贴后的金额见订单'))
    expect(p.querySelector('.subsidy-switch')).toBeTruthy()
    tap(p, '.place')
    await until(() => expect(navigated('redirectTo')).toEqual(['/services/pages/service-order/index?id=o-9']))
    toasted('下单成功')
    expect(lastCall('MealOrderPlace').variables).toEqual({
      menuId: 'm-1', dishes: [{ dishId: 'd-1', quantity: 2 }], fulfilment: 'DELIVERY', subsidised: true, note: null,
    })
  })

  test('not eligible: the reason, no subsidy switch, ordered without it; a refusal is shown and nothing is lost', async () => {
    const p = await mealsPage(NOT_ELIGIBLE, () => ({ mealOrderPlace: { order: null, errors: refused('INVALID_INPUT', null, '已过下单截止时间') } }))
    expect(text(p, '.eligibility')).toBe('未满 60 周岁，暂不享受助餐补贴')
    tap(p, '.day', 1)
    await until(() => expect(texts(p, '.dish-name')).toHaveLength(2))
    expect(p.querySelector('.subsidy-switch')).toBeUndefined()
    tap(p, '.more', 0)
    await until(() => expect(texts(p, '.dish-count')).toEqual(['1', '0']))
    tap(p, '.place')
    await until(() => expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已过下单截止时间' })))
    await idle(p)
    expect(lastCall('MealOrderPlace').variables).toMatchObject({ fulfilment: 'PICKUP', subsidised: false })
    expect(texts(p, '.dish-count')).toEqual(['1', '0'])
    expect(navigated('redirectTo')).toEqual([])
  })

  test('acting for 王爷爷: his subsidy, his order', async () => {
    session.setActingFor({ id: ELDER.id, name: ELDER.displayName })
    const p = await mealsPage(ELIGIBLE)
    expect(bannerText(p)).toBe('正在为 王爷爷 代办')
    expect(text(p, '.eligibility')).toBe('王爷爷：80 周岁以上（高龄） 每餐补贴 ¥5（每天一份，街道助餐补贴）')
    expect(lastCall('MealEligibility').actingFor).toBe(ELDER.id)
    tap(p, '.day', 1)
    await until(() => expect(text(p, '.acting-for')).toBe('代 王爷爷 订餐'))
  })
})

describe('长辈模式 and the 代办 banner on every services page', () => {
  test('the subpackage has its five pages, home links to it', () => {
    expect(SERVICES_PAGES).toEqual(['index', 'service', 'service-order', 'service-orders', 'meals'].map(page))
    expect(fs.readFileSync(path.join(__dirname, '../pages/home/index.wxml'), 'utf8')).toContain('url="/services/pages/index/index"')
  })

  test.each(SERVICES_PAGES)('%s takes the elder class when elder mode is on', (name) => {
    expect(hasClass(renderPage(name).querySelector('.page'), 'elder')).toBe(false)
    setElderMode(true)
    expect(hasClass(renderPage(name).querySelector('.page'), 'elder')).toBe(true)
  })

  test.each(SERVICES_PAGES)('%s shows whom I act for', (name) => {
    session.setActingFor({ id: ELDER.id, name: ELDER.displayName })
    expect(bannerText(renderPage(name))).toBe('正在为 王爷爷 代办')
  })
})
