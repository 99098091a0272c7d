// 服务商工作台 (the provider subpackage, mocked backend): the home entry for people who work for a
// provider, the orders in their tabs a page at a time, an order's steps as the server lists them —
// accept (the admin assigns a worker, a worker takes it), decline (a reason, a confirmation naming the
// full refund), depart, the check-in photo taken and uploaded, start, complete (a confirmation) — each
// toasted, a refused step's message shown, the order followed live; the schedule; 服务商入驻 with the
// server's errors beside their inputs. 长辈模式 on every page.
const { installWx, until, PICKED_PHOTO } = require('./helpers/wx')
const { installSockets } = require('./helpers/socket')
const { fakeBackend, ELDER } = require('./helpers/fakeBackend')
const { APP_PAGES, openPage, renderPage, textOf, choose, hasClass } = require('./helpers/pages')
const tokenStore = require('../utils/tokenStore')
const session = require('../utils/session')
const { setElderMode } = require('../utils/elderMode')
const liveDocuments = require('../utils/liveDocuments')

const PROVIDER_PAGES = APP_PAGES.filter((p) => p.startsWith('provider/'))

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
const modals = () => wx.showModal.mock.calls.map(([options]) => options)
const declineNextModal = () => wx.showModal.mockImplementationOnce((options) => options.success({ confirm: false, cancel: true }))
const navigated = () => wx.navigateTo.mock.calls.map(([{ url }]) => url)
const connection = (nodes, hasNextPage = false) => ({
  nodes, pageInfo: { hasNextPage, endCursor: nodes.length ? `cursor-${nodes.at(-1).id}` : null }, totalCount: nodes.length,
})
const payload = (order, errors = []) => ({ order, errors })

const XINGFU = { id: 'pv-1', name: '幸福家政', state: 'VERIFIED', stateLabel: '已认证', categories: ['HOUSEKEEPING'] }
const ADMIN = [{ role: 'ADMIN', provider: XINGFU }]
const WORKER = [{ role: 'WORKER', provider: XINGFU }]
const MEMBERS = [
  { id: 'm-1', personId: 'u-1', name: '吴老板', role: 'ADMIN', roleLabel: '管理员' },
  { id: 'm-2', personId: 'u-7', name: '小何', role: 'WORKER', roleLabel: '服务人员' },
]

const ORDER = {
  id: 'o-1', state: 'PAID', stateLabel: '待接单', category: 'HOUSEKEEPING', categoryLabel: '家政保洁',
  provider: { id: 'pv-1', name: '幸福家政' }, service: { id: 's-1', name: '日常保洁', unit: '小时' },
  scheduledAt: '2026-11-06T01:00:00+00:00', fulfilment: 'ON_SITE', note: '家里有猫，请轻敲门',
  lines: [{ description: '日常保洁', unitPriceFen: 5000, quantity: 2, amountFen: 10000, payers: [] }],
  amountFen: 10000, residentFen: 10000, subsidyFen: 0, refundedFen: 0, commissionFen: 800,
  cancellationTiers: [], cancellationFeeNowFen: 0, worker: null, checkedInAt: null, checkInPhotoUrl: null,
  completedAt: null, confirmBy: null, acceptBy: '2026-11-05T04:00:00+00:00', payBy: null, gateway: 'SANDBOX',
  events: [{ toState: 'PENDING_PAYMENT', label: '已下单', at: '2026-11-05T01:00:00+00:00', reason: null },
    { toState: 'PAID', label: '已支付', at: '2026-11-05T01:05:00+00:00', reason: null }],
  rating: null, dispute: null, actions: ['ACCEPT', 'DECLINE'],
}

// The order's next states and the steps each allows, as the server moves it.
const STEPS = {
  ServiceOrderAccept: ['ACCEPTED', '已接单', ['DEPART']],
  ServiceOrderDepart: ['EN_ROUTE', '已出发', ['CHECK_IN']],
  ServiceOrderCheckIn: ['CHECKED_IN', '已签到', ['START']],
  ServiceOrderStart: ['IN_SERVICE', '服务中', ['COMPLETE']],
  ServiceOrderComplete: ['COMPLETED', '待确认', []],
  ServiceOrderDecline: ['DECLINED', '已拒单', []],
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

// The order page of `order` as `mine` (ADMIN or WORKER), the server moving it as each step asks.
async function orderPage(order = ORDER, mine = ADMIN) {
  let current = { ...order }
  backend.answer('MyProviders', () => ({ myProviders: mine }))
  backend.answer('ProviderMembers', () => ({ serviceProvider: { id: 'pv-1', members: mine === ADMIN ? MEMBERS : [] } }))
  backend.answer('ServiceOrder', () => ({ serviceOrder: current }))
  for (const [operation, [state, stateLabel, actions]] of Object.entries(STEPS)) {
    const field = operation[0].toLowerCase() + operation.slice(1)
    backend.answer(operation, (variables) => {
      current = { ...current, state, stateLabel, actions }
      if (operation === 'ServiceOrderAccept') current.worker = { id: variables.workerId || 'u-7', name: variables.workerId === 'u-1' ? '吴老板' : '小何' }
      if (operation === 'ServiceOrderCheckIn') Object.assign(current, { checkedInAt: '2026-11-06T01:02:00+00:00', checkInPhotoUrl: '/media/proof.webp' })
      if (operation === 'ServiceOrderDecline') current.refundedFen = current.amountFen
      return { [field]: payload(current) }
    })
  }
  const p = await openPage('provider/pages/work-order/index', { id: order.id })
  await idle(p)
  return { p, set: (next) => { current = next } }
}

describe('home', () => {
  test('someone who works for a provider finds 服务商工作台 on home; a resident only 服务商入驻', async () => {
    backend.answer('MyProviders', () => ({ myProviders: WORKER }))
    const home = await openPage('pages/home/index')
    home.instance.onShow()
    await until(() => expect(home.querySelector('.provider-entry')).toBeDefined())
    tap(home, '.provider-entry')
    await until(() => expect(navigated()).toEqual(['/provider/pages/workbench/index']))
    tap(home, '.provider-apply-entry')
    await until(() => expect(navigated().at(-1)).toBe('/provider/pages/provider-apply/index'))

    backend.answer('MyProviders', () => ({ myProviders: [] }))
    const resident = await openPage('pages/home/index')
    await resident.instance.onShow()
    await until(() => expect(calls('MyProviders')).toHaveLength(2))
    expect(resident.querySelector('.provider-entry')).toBeUndefined()
    expect(resident.querySelector('.provider-apply-entry')).toBeDefined()
  })

  test('acting for a relative, home offers no workbench: it is one\'s own work', async () => {
    backend.answer('MyProviders', () => ({ myProviders: WORKER }))
    session.setActingFor(ELDER)
    const home = await openPage('pages/home/index')
    await home.instance.onShow()
    expect(calls('MyProviders')).toHaveLength(0)
    expect(home.querySelector('.provider-entry')).toBeUndefined()
  })
})

describe('the orders (workbench)', () => {
  const row = (id, changes = {}) => ({ ...ORDER, id, ...changes })

  test('tabs by state, a page at a time, each row opening its order', async () => {
    backend.answer('MyProviders', () => ({ myProviders: ADMIN }))
    backend.answer('ProviderOrders', ({ states, after }) => {
      if (states.includes('PAID')) return { providerOrders: after ? connection([row('o-3')]) : connection([row('o-1'), row('o-2', { note: '' })], true) }
      if (states.includes('IN_SERVICE')) return { providerOrders: connection([row('o-4', { stateLabel: '服务中', worker: { id: 'u-7', name: '小何' } })]) }
      return { providerOrders: connection([]) }
    })
    const p = await openPage('provider/pages/workbench/index')
    await idle(p)
    expect(text(p, '.provider-name')).toBe('幸福家政')
    expect(text(p, '.provider-role')).toBe('我的身份：服务商管理员')
    expect(lastCall('ProviderOrders').variables).toEqual({ providerId: 'pv-1', states: ['PAID'], from: null, to: null, first: 20, after: null })
    expect(texts(p, '.order-title')).toEqual(['日常保洁', '日常保洁'])
    expect(texts(p, '.order-worker')[0]).toBe('未指派 · ¥100')
    expect(texts(p, '.order-note')).toEqual(['备注：家里有猫，请轻敲门'])

    await p.instance.onReachBottom()
    await idle(p)
    expect(lastCall('ProviderOrders').variables.after).toBe('cursor-o-2')
    expect(p.querySelectorAll('.order-row')).toHaveLength(3)
    expect(p.querySelector('.list-end')).toBeDefined()

    choose(p, '.tabs', '进行中')
    await until(() => expect(lastCall('ProviderOrders').variables.states).toEqual(['ACCEPTED', 'EN_ROUTE', 'CHECKED_IN', 'IN_SERVICE']))
    await idle(p)
    expect(texts(p, '.order-state')).toEqual(['服务中'])
    expect(texts(p, '.order-worker')).toEqual(['服务人员 小何 · ¥100'])

    choose(p, '.tabs', '已完成')
    await until(() => expect(lastCall('ProviderOrders').variables.states).toContain('COMPLETED'))
    await idle(p)
    expect(text(p, '.empty')).toBe('还没有完成的订单')

    choose(p, '.tabs', '待接单')
    await until(() => expect(p.querySelectorAll('.order-row')).toHaveLength(2))
    p.querySelectorAll('.order-row')[0].dispatchEvent('tap')
    await until(() => expect(navigated()).toEqual(['/provider/pages/work-order/index?id=o-1']))
    tap(p, '.schedule-entry')
    await until(() => expect(navigated().at(-1)).toBe('/provider/pages/work-schedule/index?providerId=pv-1'))
  })

  test('someone who works for no provider is offered to apply', async () => {
    backend.answer('MyProviders', () => ({ myProviders: [] }))
    const p = await openPage('provider/pages/workbench/index')
    await idle(p)
    expect(text(p, '.empty')).toBe('您还不是任何服务商的成员')
    expect(calls('ProviderOrders')).toHaveLength(0)
    tap(p, '.apply')
    await until(() => expect(navigated()).toEqual(['/provider/pages/provider-apply/index']))
  })
})

describe('an order (work-order)', () => {
  test('what was booked, the resident\'s note, the money and the history', async () => {
    const { p } = await orderPage()
    expect(text(p, '.order-title')).toBe('日常保洁')
    expect(text(p, '.order-state')).toBe('待接单')
    expect(text(p, '.order-fulfilment')).toBe('服务方式：上门服务')
    expect(text(p, '.order-note')).toBe('居民备注：家里有猫，请轻敲门')
    expect(text(p, '.order-amount')).toBe('¥100')
    expect(text(p, '.order-commission')).toBe('¥8')
    expect(texts(p, '.event-label')).toEqual(['已下单', '已支付'])
    expect(p.querySelector('.depart')).toBeUndefined()
  })

  test('the admin assigns 小何 and accepts, then he departs, checks in with a photo, starts and completes', async () => {
    const { p } = await orderPage()
    expect(texts(p.querySelector('.workers'), '.choice')).toEqual(['暂不指派', '吴老板（管理员）', '小何（服务人员）'])
    choose(p, '.workers', '小何（服务人员）')
    tap(p, '.accept')
    await until(() => toasted('已接单'))
    expect(lastCall('ServiceOrderAccept').variables).toEqual({ orderId: 'o-1', workerId: 'u-7' })
    await idle(p)
    expect(text(p, '.order-worker')).toBe('服务人员：小何')

    tap(p, '.depart')
    await until(() => toasted('已出发'))
    await idle(p)

    tap(p, '.check-in-button')
    await until(() => toasted('已签到'))
    expect(wx.chooseMedia).toHaveBeenCalledWith(expect.objectContaining({ sourceType: ['camera'], mediaType: ['image'] }))
    const upload = backend.calls.find((c) => c.upload)
    expect(upload.url).toBe('http://linli.test/uploads?kind=proof_photo')
    expect(upload.upload.filePath).toBe(PICKED_PHOTO)
    expect(lastCall('ServiceOrderCheckIn').variables).toEqual({ orderId: 'o-1', photoUploadId: 'upload-1' })
    await idle(p)
    expect(text(p, '.checked-in-at')).toMatch(/到达签到$/)
    expect(p.querySelector('.check-in-photo')).toBeDefined()
    expect(p.instance.data.view.photo).toBe('/media/proof.webp')

    tap(p, '.start')
    await until(() => toasted('已开始服务'))
    await idle(p)

    declineNextModal()
    tap(p, '.complete')
    await until(() => expect(modals().at(-1).title).toBe('完成服务'))
    await idle(p)
    expect(calls('ServiceOrderComplete')).toHaveLength(0)
    tap(p, '.complete')
    await until(() => toasted('服务已完成'))
    await idle(p)
    expect(text(p, '.order-state')).toBe('待确认')
    expect(p.querySelector('.actions')).toBeUndefined()
  })

  test('a worker takes the order for themselves: no one to pick', async () => {
    const { p } = await orderPage(ORDER, WORKER)
    expect(p.querySelector('.workers')).toBeUndefined()
    expect(calls('ProviderMembers')).toHaveLength(0)
    tap(p, '.accept')
    await until(() => toasted('已接单'))
    expect(lastCall('ServiceOrderAccept').variables).toEqual({ orderId: 'o-1', workerId: null })
  })

  test('declining needs a reason and a confirmation that names the full refund', async () => {
    const { p } = await orderPage()
    tap(p, '.decline')
    await until(() => expect(text(p, '.reason-error')).toBe('请填写拒单原因，居民会看到'))
    expect(wx.showModal).not.toHaveBeenCalled()

    type(p, '.reason', '当天人手不足')
    declineNextModal()
    tap(p, '.decline')
    await until(() => expect(modals()).toHaveLength(1))
    await idle(p)
    expect(modals()[0]).toEqual(expect.objectContaining({
      title: '拒绝这个订单', content: '居民支付的 ¥100 将全额退还，预约时段会重新开放。', confirmText: '拒单',
    }))
    expect(calls('ServiceOrderDecline')).toHaveLength(0)

    tap(p, '.decline')
    await until(() => toasted('已拒单'))
    expect(lastCall('ServiceOrderDecline').variables).toEqual({ orderId: 'o-1', reason: '当天人手不足' })
    await idle(p)
    expect(text(p, '.order-state')).toBe('已拒单')
    expect(text(p, '.order-refunded')).toBe('¥100')
  })

  test('a refused step shows the server\'s words and the order as it is now', async () => {
    const { p, set } = await orderPage()
    backend.answer('ServiceOrderAccept', () => {
      set({ ...ORDER, state: 'CANCELLED', stateLabel: '已取消', actions: [] })
      return { serviceOrderAccept: payload(null, [{ code: 'CONFLICT', field: null, message: '订单已被居民取消' }]) }
    })
    tap(p, '.accept')
    await until(() => expect(text(p, '.action-error')).toBe('订单已被居民取消'))
    await idle(p)
    expect(wx.showToast).not.toHaveBeenCalled()
    expect(text(p, '.order-state')).toBe('已取消')
    expect(p.querySelector('.accept')).toBeUndefined()
  })

  test('closing the camera checks nobody in', async () => {
    const { p } = await orderPage({ ...ORDER, state: 'EN_ROUTE', stateLabel: '已出发', actions: ['CHECK_IN'] }, WORKER)
    wx.chooseMedia.mockImplementationOnce((options) => options.fail({ errMsg: 'chooseMedia:fail cancel' }))
    tap(p, '.check-in-button')
    await idle(p)
    expect(backend.calls.find((c) => c.upload)).toBeUndefined()
    expect(calls('ServiceOrderCheckIn')).toHaveLength(0)
    expect(p.querySelector('.action-error')).toBeUndefined()
  })

  test('a change made elsewhere shows live', async () => {
    const { p, set } = await orderPage()
    const socket = live.latest()
    socket.open()
    socket.push({ type: 'connection_ack' })
    expect(socket.frames('subscribe')[0].payload).toEqual({ query: liveDocuments.ProviderOrderUpdated, variables: { orderId: 'o-1' } })
    set({ ...ORDER, state: 'CANCELLED', stateLabel: '已取消', actions: [] })
    socket.push({ type: 'next', id: '1', payload: { data: { serviceOrderUpdated: { id: 'o-1', state: 'CANCELLED' } } } })
    await until(() => expect(text(p, '.order-state')).toBe('已取消'))
    p.instance.onUnload()
    expect(socket.closedWith).toBe(1000)
  })

  test('an order out of reach is not found', async () => {
    backend.answer('MyProviders', () => ({ myProviders: WORKER }))
    backend.answer('ServiceOrder', () => ({ serviceOrder: null }))
    const p = await openPage('provider/pages/work-order/index', { id: 'o-x' })
    await idle(p)
    expect(text(p, '.missing')).toBe('找不到这个订单')
  })
})

test('the schedule: the next 7 days\' slots, day by day, booked of capacity', async () => {
  backend.answer('MyProviders', () => ({ myProviders: WORKER }))
  const slot = (id, startsAt, endsAt, booked, capacity) => ({ id, startsAt, endsAt, booked, capacity, left: capacity - booked })
  backend.answer('ProviderSlots', () => ({
    providerSlots: [
      slot('sl-2', '2026-11-06T06:00:00Z', '2026-11-06T08:00:00Z', 2, 2),
      slot('sl-1', '2026-11-06T01:00:00Z', '2026-11-06T03:00:00Z', 1, 2),
      slot('sl-3', '2026-11-07T01:00:00Z', '2026-11-07T03:00:00Z', 0, 1),
    ],
  }))
  const p = await openPage('provider/pages/work-schedule/index', { providerId: 'pv-1' })
  await idle(p)
  expect(lastCall('ProviderSlots').variables).toEqual(expect.objectContaining({ providerId: 'pv-1', days: 7 }))
  expect(lastCall('ProviderSlots').variables.from).toMatch(/^\d{4}-\d{2}-\d{2}$/)
  expect(p.querySelectorAll('.day')).toHaveLength(2)
  expect(texts(p, '.slot-booked')).toEqual(['已约 1 / 2', '已约 2 / 2（已满）', '已约 0 / 1'])
  expect(texts(p, '.slot-time')[0]).toMatch(/^\d{2}:\d{2}–\d{2}:\d{2}$/)
})

describe('服务商入驻 (provider-apply)', () => {
  async function applyPage() {
    const p = await openPage('provider/pages/provider-apply/index')
    await idle(p)
    type(p, '.name', '安心洗衣')
    p.querySelectorAll('.category')[1].dispatchEvent('tap')
    type(p, '.contact-name', '陈师傅')
    type(p, '.contact-phone', '1380000')
    return p
  }

  test('the licence is uploaded as chosen; the server\'s refusal shows beside its input, nothing typed lost', async () => {
    const p = await applyPage()
    expect(text(p, '.community')).toBe('阳光社区')
    tap(p, '.submit')
    await until(() => expect(text(p, '.licence-error')).toBe('请上传营业执照照片'))
    expect(calls('ProviderApply')).toHaveLength(0)

    tap(p, '.licence-button')
    await until(() => expect(p.querySelector('.licence')).toBeDefined())
    await idle(p)
    expect(backend.calls.find((c) => c.upload).url).toBe('http://linli.test/uploads?kind=provider_licence')
    expect(p.querySelector('.licence-error')).toBeUndefined()

    backend.answer('ProviderApply', () => ({ providerApply: { provider: null, errors: [{ code: 'INVALID_INPUT', field: 'contactPhone', message: '请填写 11 位手机号' }] } }))
    tap(p, '.submit')
    await until(() => expect(text(p, '.contact-phone-error')).toBe('请填写 11 位手机号'))
    await idle(p)
    expect(lastCall('ProviderApply').variables).toEqual({
      input: {
        name: '安心洗衣', categories: ['LAUNDRY'], contactName: '陈师傅', contactPhone: '1380000',
        licenceUploadId: 'upload-1', communityIds: ['c-1'],
      },
    })
    expect(p.instance.data.name).toBe('安心洗衣')

    type(p, '.contact-phone', '13800001234')
    await until(() => expect(p.querySelector('.contact-phone-error')).toBeUndefined())
    backend.answer('ProviderApply', ({ input }) => ({ providerApply: { provider: { id: 'pv-9', name: input.name, state: 'APPLIED', stateLabel: '待审核' }, errors: [] } }))
    tap(p, '.submit')
    await until(() => toasted('已提交申请'))
    await idle(p)
    expect(text(p, '.applied-state')).toBe('申请已提交，状态：待审核')
  })

  test('acting for a relative, one is asked to apply in person', async () => {
    session.setActingFor(ELDER)
    const p = await openPage('provider/pages/provider-apply/index')
    expect(text(p, '.error')).toBe('请切换回本人后再申请服务商入驻')
    expect(p.querySelector('.submit')).toBeUndefined()
    expect(calls('Viewer')).toHaveLength(0)
  })

  test('a refusal about no input in particular is a toast', async () => {
    const p = await applyPage()
    tap(p, '.licence-button')
    await until(() => expect(p.querySelector('.licence')).toBeDefined())
    await idle(p)
    backend.answer('ProviderApply', () => ({ providerApply: { provider: null, errors: [{ code: 'CONFLICT', field: null, message: '您已有一个待审核的申请' }] } }))
    tap(p, '.submit')
    await until(() => expect(wx.showToast).toHaveBeenCalledWith({ title: '您已有一个待审核的申请', icon: 'none' }))
  })
})

test.each(PROVIDER_PAGES)('%s takes the elder class when elder mode is on', (name) => {
  expect(hasClass(renderPage(name).querySelector('.page'), 'elder')).toBe(false)
  setElderMode(true)
  expect(hasClass(renderPage(name).querySelector('.page'), 'elder')).toBe(true)
})
