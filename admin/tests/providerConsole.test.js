import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { connection, fakeGraphQLServer, payload, refusal, tokens } from './fakeServer'
import { all, answerConfirmations, choose, find, openApp, textOf, toasts } from './ui'
import { storeTokens } from '../src/graphql/client'

// 幸福家政's admin: no community role at all, only the provider (and a second one, to switch to).
const viewer = {
  id: 'u9',
  displayName: '幸福家政 吴老板',
  phone: '139****0009',
  memberships: [],
  platformPermissions: [],
  supervisedStreets: [],
  permissions: [],
}
const brief = (id, name, categories) => ({ id, name, categories, state: 'VERIFIED', stateLabel: '已认证' })
const myProviders = [
  { role: 'ADMIN', provider: brief('p1', '幸福家政', ['HOUSEKEEPING', 'ERRANDS']) },
  { role: 'ADMIN', provider: brief('p2', '社区长者食堂', ['MEALS']) },
  { role: 'WORKER', provider: brief('p3', '别家保洁', ['HOUSEKEEPING']) },
]

const members = [
  { id: 'm1', personId: 'u9', name: '幸福家政 吴老板', role: 'ADMIN', roleLabel: '管理员' },
  { id: 'm2', personId: 'u10', name: '幸福家政 小何', role: 'WORKER', roleLabel: '服务人员' },
]
const provider = {
  id: 'p1',
  name: '幸福家政',
  state: 'VERIFIED',
  stateLabel: '已认证',
  categories: ['HOUSEKEEPING', 'ERRANDS'],
  contactName: '吴老板',
  contactPhone: '139****0009',
  licenceUrl: null,
  stripeAccountId: null,
  wechatSubMchid: '12345678',
  verifiedAt: '2026-11-01T02:00:00Z',
  decisionNote: null,
  communities: [{ id: 'c1', name: '阳光社区' }],
  members,
}

const order = (overrides) => ({
  id: 'o1',
  state: 'PAID',
  stateLabel: '待接单',
  category: 'HOUSEKEEPING',
  categoryLabel: '家政保洁',
  provider: { id: 'p1', name: '幸福家政' },
  service: { id: 's1', name: '日常保洁', unit: 'HOUR' },
  scheduledAt: '2026-12-05T01:00:00Z',
  fulfilment: 'ON_SITE',
  note: '家里有猫，请轻声',
  address: '阳光花园 1栋 1单元 101',
  lines: [{ description: '日常保洁 × 2 小时', unitPriceFen: 5000, quantity: 2, amountFen: 10000, payers: [{ kind: 'RESIDENT', tier: null, amountFen: 10000 }] }],
  amountFen: 10000,
  residentFen: 10000,
  subsidyFen: 0,
  refundedFen: 0,
  commissionFen: 800,
  cancellationTiers: [],
  cancellationFeeNowFen: 0,
  worker: null,
  checkedInAt: null,
  checkInPhotoUrl: null,
  completedAt: null,
  confirmBy: null,
  acceptBy: '2026-12-03T12:30:00Z',
  payBy: null,
  gateway: 'SANDBOX',
  events: [
    { toState: 'PENDING_PAYMENT', label: '下单', at: '2026-12-03T11:50:00Z', reason: null },
    { toState: 'PAID', label: '支付', at: '2026-12-03T11:55:00Z', reason: null },
  ],
  rating: null,
  dispute: null,
  actions: ['ACCEPT', 'DECLINE'],
  ...overrides,
})

const service = (id, overrides) => ({
  id,
  category: 'HOUSEKEEPING',
  categoryLabel: '家政保洁',
  name: '日常保洁',
  description: '',
  unit: 'HOUR',
  unitLabel: '小时',
  unitPriceFen: 5000,
  minQuantity: 2,
  durationMinutes: 60,
  active: true,
  paid: null,
  provider: { id: 'p1', name: '幸福家政' },
  ...overrides,
})

const slot = (id, startsAt, booked) => ({ id, startsAt, endsAt: startsAt.replace('T01', 'T03'), capacity: 2, booked, left: 2 - booked })

function signedInProviderAdmin(handlers) {
  storeTokens(tokens('provider'))
  return fakeGraphQLServer({
    Viewer: () => ({ data: { viewer, myProviders } }),
    ServiceProvider: ({ id }) => ({ data: { serviceProvider: { ...provider, id } } }),
    ...handlers,
  })
}

const tomorrow = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() + 86_400_000))

// Each page compiles on its first opening, and the machine is shared: allow for it.
const SLOW = 30_000
const opened = (testid) => vi.waitFor(() => expect(all(testid).length).toBeGreaterThan(0), { timeout: 15_000 })

let wrapper
beforeEach(() => localStorage.clear())
afterEach(() => {
  wrapper?.unmount()
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

describe('服务商后台', () => {
  it("opens the provider's pages to its admin without a community role, and switches provider", async () => {
    signedInProviderAdmin({
      ProviderOrders: ({ providerId }) => ({ data: { providerOrders: { ...connection(providerId === 'p1' ? [order()] : []), totalCount: providerId === 'p1' ? 1 : 0 } } }),
    })
    wrapper = await openApp('/provider/orders')
    await opened('provider-orders')

    for (const page of ['provider-orders', 'provider-slots', 'provider-services', 'provider-menus', 'provider-statement', 'provider-account']) {
      await find(`nav-${page}`)
    }
    expect(all('nav-registry')).toHaveLength(0)
    await vi.waitFor(() => expect(all('provider-order-open')).toHaveLength(1))
    expect(await textOf('provider-orders')).toMatch(/日常保洁[\s\S]*¥100\.00[\s\S]*未指派[\s\S]*待接单/)

    // Only the providers they administer are offered (a worker's one is not).
    await choose('provider-switch', '社区长者食堂')
    const options = [...document.querySelectorAll('.el-select-dropdown__item')].map((o) => o.textContent.trim())
    expect(options).toContain('幸福家政')
    expect(options).not.toContain('别家保洁')
    await vi.waitFor(() => expect(localStorage.getItem('providerId')).toBe('p2'))
    await vi.waitFor(() => expect(all('provider-order-open')).toHaveLength(0))
  }, SLOW)

  it('filters orders by state and days, accepts one for a worker and declines another after a reason and a confirmation', async () => {
    const received = signedInProviderAdmin({
      ProviderOrders: () => ({ data: { providerOrders: { ...connection([order(), order({ id: 'o2' })], 'c2'), totalCount: 30 } } }),
      ServiceOrder: ({ id }) => ({ data: { serviceOrder: order({ id }) } }),
      ServiceOrderAccept: ({ workerId }) =>
        payload('serviceOrderAccept', { order: order({ state: 'ACCEPTED', stateLabel: '已接单', worker: { id: workerId, name: '幸福家政 小何' }, actions: [] }) }),
      ServiceOrderDecline: ({ reason }) =>
        payload('serviceOrderDecline', {
          order: order({ id: 'o2', state: 'DECLINED', stateLabel: '已拒单', actions: [], events: [{ toState: 'DECLINED', label: '拒单', at: '2026-12-03T12:00:00Z', reason }] }),
        }),
    })
    const asked = answerConfirmations(true)
    wrapper = await openApp('/provider/orders')
    await opened('provider-orders')
    await vi.waitFor(() => expect(all('provider-order-open')).toHaveLength(2))
    expect(await textOf('list-total')).toBe('共 30 条')
    expect(await textOf('provider-orders')).toContain('2026-12-05 09:00') // Beijing time, whatever the browser's zone

    await (await find('provider-orders-state')).find('.el-select__wrapper').trigger('click')
    const paid = [...document.querySelectorAll('.el-select-dropdown__item')].find((o) => o.textContent.trim() === '待接单')
    paid.click()
    await vi.waitFor(() =>
      expect(received.filter((r) => r.operation === 'ProviderOrders').at(-1).variables).toMatchObject({ providerId: 'p1', states: ['PAID'], first: 20 }),
    )
    await vi.waitFor(() => expect(all('page-next')[0].attributes('disabled')).toBeUndefined())
    await (await find('page-next')).trigger('click')
    await vi.waitFor(() => expect(received.filter((r) => r.operation === 'ProviderOrders').at(-1).variables.after).toBe('c2'))

    // The drawer: the lines, the note, the history; 接单 for 小何.
    all('provider-order-open')[0].trigger('click')
    await vi.waitFor(async () => expect(await textOf('order-state')).toBe('待接单'))
    expect(await textOf('order-lines')).toContain('日常保洁 × 2 小时')
    expect(await textOf('order-lines')).toContain('居民 ¥100.00')
    expect(await textOf('order-note')).toBe('家里有猫，请轻声')
    expect(await textOf('order-address')).toBe('阳光花园 1栋 1单元 101')
    expect(all('order-event').map((e) => e.text())).toEqual([expect.stringContaining('下单'), expect.stringContaining('支付')])
    await (await find('order-worker')).find('.el-select__wrapper').trigger('click')
    ;[...document.querySelectorAll('.el-select-dropdown__item')].find((o) => o.textContent.includes('小何')).click()
    await (await find('order-accept')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('已接单，派给 幸福家政 小何'))
    expect(received.find((r) => r.operation === 'ServiceOrderAccept').variables).toEqual({ orderId: 'o1', workerId: 'u10' })
    expect(await textOf('order-worker-name')).toBe('幸福家政 小何')
    expect(all('order-accept')).toHaveLength(0)

    // 拒单: a reason, then a confirmation saying the resident is refunded.
    wrapper.unmount()
    wrapper = await openApp('/provider/orders')
    await opened('provider-orders')
    await vi.waitFor(() => expect(all('provider-order-open')).toHaveLength(2))
    all('provider-order-open')[1].trigger('click')
    await (await find('order-decline')).trigger('click')
    await (await find('order-decline-reason')).find('textarea').setValue('当天人手不足')
    await (await find('order-decline-reason-submit')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('已拒单，款项将退回居民'))
    expect(asked.mock.calls.at(-1)[0]).toContain('全额退回')
    expect(received.find((r) => r.operation === 'ServiceOrderDecline').variables).toEqual({ orderId: 'o2', reason: '当天人手不足' })
  }, SLOW)

  it("adds a day's slots, changes a capacity and shows why a booked slot cannot be deleted", async () => {
    let slots = [slot('t1', '2026-12-05T01:00:00Z', 1)]
    const received = signedInProviderAdmin({
      ProviderSlots: () => ({ data: { providerSlots: slots } }),
      ServiceSlotsCreate: ({ starts }) => {
        const created = starts.slice(1).map((s, i) => slot(`n${i}`, new Date(s).toISOString().replace('.000', ''), 0))
        slots = [...slots, ...created]
        return payload('serviceSlotsCreate', { slots: created, skipped: [starts[0]] })
      },
      ServiceSlotCapacitySet: ({ capacity }) =>
        capacity < 1 ? refusal('serviceSlotCapacitySet', '名额不能少于已预约数', 'capacity') : payload('serviceSlotCapacitySet', { slot: { ...slots[0], capacity, left: capacity - 1 } }),
      ServiceSlotDelete: () => refusal('serviceSlotDelete', '该时段已有预约，不能删除', 'slotId'),
    })
    const asked = answerConfirmations(true)
    wrapper = await openApp('/provider/slots')
    await opened('slots-create')
    await vi.waitFor(() => expect(all('slot-delete')).toHaveLength(1))

    await (await find('slots-times')).setValue('09:00 14:00')
    await (await find('slots-create')).trigger('submit')
    await vi.waitFor(() => expect(toasts()).toContain('已添加 1 个时段，1 个已存在的时段已跳过'))
    const create = received.find((r) => r.operation === 'ServiceSlotsCreate').variables
    expect(create).toMatchObject({ providerId: 'p1', durationMinutes: 120, capacity: 1 })
    expect(create.starts).toEqual([`${tomorrow()}T09:00:00+08:00`, `${tomorrow()}T14:00:00+08:00`])
    await vi.waitFor(() => expect(all('slot-delete')).toHaveLength(2))

    await (await find('slots-times')).setValue('9点')
    await (await find('slots-create')).trigger('submit')
    await vi.waitFor(() => expect(document.body.textContent).toContain('请填写开始时间'))

    await all('slot-capacity')[0].find('input').setValue('3')
    await vi.waitFor(() => expect(all('slot-capacity-save')[0].attributes('disabled')).toBeUndefined())
    await all('slot-capacity-save')[0].trigger('click')
    await vi.waitFor(() => expect(toasts().some((t) => t.includes('的名额改为 3'))).toBe(true))
    expect(received.find((r) => r.operation === 'ServiceSlotCapacitySet').variables).toEqual({ slotId: 't1', capacity: 3 })
    expect(all('slot-booked')[0].text()).toBe('1 / 2')

    await all('slot-delete')[0].trigger('click')
    await vi.waitFor(async () => expect(await textOf('slot-error')).toBe('该时段已有预约，不能删除'))
    expect(asked.mock.calls[0][0]).toContain('删除')
    expect(all('slot-delete')).toHaveLength(2) // nothing lost
  }, SLOW)

  it('adds and edits services with the refusal beside its field, and deactivates one after confirming', async () => {
    let catalogue = [service('s1')]
    const received = signedInProviderAdmin({
      ProviderServices: () => ({ data: { providerServices: connection(catalogue) } }),
      ServiceSave: ({ input }) => {
        if (input.unitPriceFen < 100) return refusal('serviceSave', '单价须在 0.01 元到 1 万元之间', 'unitPriceFen')
        const saved = service(input.id ?? 's2', { name: input.name, unitPriceFen: input.unitPriceFen, active: input.active })
        catalogue = input.id ? catalogue.map((s) => (s.id === input.id ? saved : s)) : [...catalogue, saved]
        return payload('serviceSave', { service: saved })
      },
    })
    answerConfirmations(true)
    wrapper = await openApp('/provider/services')
    await opened('service-new')
    await vi.waitFor(() => expect(all('service-edit')).toHaveLength(1))
    expect(await textOf('services')).toMatch(/日常保洁[\s\S]*¥50\.00 \/ 小时[\s\S]*在售/)

    await (await find('service-new')).trigger('click')
    await (await find('service-name')).setValue('深度保洁')
    await (await find('service-price')).find('input').setValue('0.5')
    await (await find('service-save')).trigger('click')
    await vi.waitFor(async () => expect(await textOf('service-price-item')).toContain('单价须在 0.01 元到 1 万元之间'))
    expect((await find('service-name')).element.value).toBe('深度保洁') // nothing lost
    await (await find('service-price')).find('input').setValue('120')
    await (await find('service-save')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('已添加「深度保洁」'))
    expect(received.filter((r) => r.operation === 'ServiceSave').at(-1).variables.input).toMatchObject({
      id: null,
      providerId: 'p1',
      category: 'HOUSEKEEPING',
      name: '深度保洁',
      unitPriceFen: 12000,
      active: true,
    })

    await vi.waitFor(() => expect(all('service-deactivate')).toHaveLength(2))
    await all('service-deactivate')[0].trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('已停用「日常保洁」'))
    expect(received.filter((r) => r.operation === 'ServiceSave').at(-1).variables.input).toMatchObject({ id: 's1', active: false, unitPriceFen: 5000 })
    await vi.waitFor(() => expect(all('service-activate')).toHaveLength(1))
  }, SLOW)

  it("shows the period's statement with totals and downloads it as CSV and PDF", async () => {
    const saved = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function () {
      saved.push(this.download)
    })
    const received = signedInProviderAdmin({
      ServiceReportsProviderStatement: ({ from, to }) => ({
        data: {
          providerStatement: {
            providerId: 'p1',
            providerName: '幸福家政',
            from,
            to,
            lines: [{ settledOn: to, orderId: 'o1', orderNo: 'SO20261201', category: 'HOUSEKEEPING', categoryLabel: '家政保洁', items: '日常保洁 × 2', amount: 10000, refunded: 0, commission: 800, gatewayFee: 60, feeBorneByPlatform: true, share: 9200 }],
            totals: { orders: 1, amount: 10000, refunded: 0, commission: 800, gatewayFee: 60, providerFee: 0, share: 9200 },
          },
        },
      }),
      'GET /exports/providers/p1/statement.csv': () => new Response(new Blob(['csv']), { status: 200 }),
      'GET /exports/providers/p1/statement.pdf': () => new Response(new Blob(['pdf']), { status: 200 }),
    })
    wrapper = await openApp('/provider/statement')
    await opened('provider-statement-csv')
    await vi.waitFor(async () => expect(await textOf('provider-statement-share')).toBe('¥92.00'))
    expect(await textOf('provider-statement-orders')).toBe('1')
    expect(await textOf('provider-statement-lines')).toContain('（平台承担）')
    const { from, to } = received.find((r) => r.operation === 'ServiceReportsProviderStatement').variables
    expect(from).toMatch(/-01$/)

    await (await find('provider-statement-csv')).trigger('click')
    await vi.waitFor(() => expect(saved).toEqual([`幸福家政-对账单-${from}至${to}.csv`]))
    await (await find('provider-statement-pdf')).trigger('click')
    await vi.waitFor(() => expect(saved).toHaveLength(2))
    expect(received.filter((r) => r.url.startsWith('/exports/')).map((r) => r.url)).toEqual([
      `/exports/providers/p1/statement.csv?from=${from}&to=${to}`,
      `/exports/providers/p1/statement.pdf?from=${from}&to=${to}`,
    ])
    await vi.waitFor(() => expect(toasts()).toContain('已导出对账单（PDF）'))
  }, SLOW)

  it("saves payout accounts with the server's format error beside the field, adds a member by phone and removes one", async () => {
    const received = signedInProviderAdmin({
      ProviderPayoutSet: ({ stripeAccountId }) =>
        stripeAccountId.startsWith('acct_')
          ? payload('providerPayoutSet', { provider: { ...provider, stripeAccountId } })
          : refusal('providerPayoutSet', 'Stripe 账户须以 acct_ 开头', 'stripeAccountId'),
      ProviderMemberAdd: ({ phone }) =>
        phone === '13900000000'
          ? refusal('providerMemberAdd', '找不到使用该手机号的用户', 'phone')
          : payload('providerMemberAdd', { member: { id: 'm3', personId: 'u11', name: '新来的 小王', role: 'WORKER', roleLabel: '服务人员' } }),
      ProviderMemberRemove: () => payload('providerMemberRemove', { member: { id: 'm2', name: '幸福家政 小何' } }),
    })
    const asked = answerConfirmations(true)
    wrapper = await openApp('/provider/account')
    await opened('payout-save')
    await vi.waitFor(async () => expect((await find('payout-wechat')).element.value).toBe('12345678'))

    await (await find('payout-stripe')).setValue('1234')
    await (await find('payout-save')).trigger('submit')
    await vi.waitFor(async () => expect(await textOf('payout-stripe-item')).toContain('Stripe 账户须以 acct_ 开头'))
    await (await find('payout-stripe')).setValue('acct_1234567890ABCDEF')
    await (await find('payout-save')).trigger('submit')
    await vi.waitFor(() => expect(toasts()).toContain('已保存收款账户'))
    expect(received.filter((r) => r.operation === 'ProviderPayoutSet').at(-1).variables).toEqual({
      providerId: 'p1',
      stripeAccountId: 'acct_1234567890ABCDEF',
      wechatSubMchid: '12345678',
    })

    await (await find('member-phone')).setValue('13900000000')
    await (await find('member-add')).trigger('submit')
    await vi.waitFor(async () => expect(await textOf('member-phone-item')).toContain('找不到使用该手机号的用户'))
    await (await find('member-phone')).setValue('13900000011')
    await (await find('member-add')).trigger('submit')
    await vi.waitFor(() => expect(toasts()).toContain('已添加服务人员 新来的 小王'))
    expect(received.filter((r) => r.operation === 'ProviderMemberAdd').at(-1).variables).toEqual({ providerId: 'p1', phone: '13900000011', role: 'WORKER' })

    await all('member-remove')[1].trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('已移除 幸福家政 小何'))
    expect(asked.mock.calls[0][0]).toContain('幸福家政 小何')
    expect(received.find((r) => r.operation === 'ProviderMemberRemove').variables).toEqual({ providerId: 'p1', memberId: 'm2' })
  }, SLOW)

  it('keeps the meal menus to a MEALS provider and saves a day with its dishes', async () => {
    localStorage.setItem('providerId', 'p2')
    const received = signedInProviderAdmin({
      ProviderMenus: () => ({ data: { providerMenus: [] } }),
      MealMenuSave: ({ input }) =>
        payload('mealMenuSave', {
          menu: { id: 'mm1', day: input.day, cutoffAt: input.cutoffAt, pickup: true, delivery: false, deliveryFeeFen: 0, provider: { id: 'p2', name: '社区长者食堂' }, community: { id: 'c1', name: '阳光社区' }, dishes: [] },
        }),
    })
    wrapper = await openApp('/provider/menus')
    await opened('menu-save')
    await vi.waitFor(async () => expect((await find('menu-community')).text()).toContain('阳光社区'))
    await (await find('menu-dish-name')).setValue('红烧肉套餐')
    await (await find('menu-save')).trigger('submit')
    await vi.waitFor(() => expect(toasts().some((t) => t.includes('阳光社区 的菜单'))).toBe(true))
    const { input } = received.find((r) => r.operation === 'MealMenuSave').variables
    expect(input).toMatchObject({ providerId: 'p2', communityId: 'c1', pickup: true, delivery: false, dishes: [{ name: '红烧肉套餐', priceFen: 1200, portions: 30 }] })
    expect(input.cutoffAt).toBe(`${input.day}T09:30:00+08:00`)

    wrapper.unmount()
    localStorage.setItem('providerId', 'p1')
    wrapper = await openApp('/provider/menus')
    await find('menus-not-meals')
  }, SLOW)
})
