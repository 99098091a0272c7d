import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { connection, payload, refusal } from './fakeServer'
import { all, answerConfirmations, choose, find, openApp, signedInStaff, textOf, toasts } from './ui'

// ECharts needs a canvas, which happy-dom lacks: record what would be drawn instead.
const drawn = vi.hoisted(() => [])
vi.mock('../src/charts', () => ({
  drawBarChart: (element, chart) => {
    drawn.push({ kind: 'bar', ...chart })
    return () => {}
  },
  drawLineChart: (element, chart) => {
    drawn.push({ kind: 'line', ...chart })
    return () => {}
  },
}))

const listing = (id, overrides) => ({
  id,
  kind: 'SELL',
  category: 'KIDS',
  title: '儿童自行车 16寸',
  description: '孩子长大了，八成新',
  priceFen: 12000,
  giveawayMode: null,
  state: 'PUBLISHED',
  stateLabel: '在售',
  hidden: false,
  sellerName: '志愿者 小林',
  sellerVerified: true,
  pickupPlace: '阳光花园 3栋',
  publishedAt: '2026-11-20T02:00:00Z',
  expiresAt: '2026-12-20T02:00:00Z',
  photos: [{ displayUrl: '/uploads/d1.webp', thumbnailUrl: '/uploads/t1.webp' }],
  ...overrides,
})

const reservations = [
  { id: 'r2', buyerName: '王丽', stateLabel: '待交接', locked: true, createdAt: '2026-11-22T02:00:00Z', endedAt: null, endReason: null },
  { id: 'r1', buyerName: '张阿姨', stateLabel: '已取消', locked: false, createdAt: '2026-11-21T02:00:00Z', endedAt: '2026-11-21T08:00:00Z', endReason: '临时有事' },
]

const events = [
  { fromState: 'DRAFT', toState: 'PUBLISHED', actorName: '志愿者 小林', reason: null, at: '2026-11-20T02:00:00Z' },
  { fromState: 'PUBLISHED', toState: 'RESERVED', actorName: '张阿姨', reason: null, at: '2026-11-21T02:00:00Z' },
]

let wrapper
beforeEach(() => {
  localStorage.clear()
  drawn.length = 0
})
afterEach(() => {
  wrapper?.unmount()
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

describe('跳蚤市场', () => {
  it('finds listings by title, state and 只看已隐藏, and opens one with its photos and history', async () => {
    const received = signedInStaff({
      MarketListings: ({ hidden }) => ({
        data: {
          marketListings: {
            ...connection(hidden ? [listing('l2', { kind: 'FREE', giveawayMode: 'LOTTERY', priceFen: null, hidden: true })] : [listing('l1')]),
            totalCount: 1,
          },
        },
      }),
      ListingEvents: () => ({ data: { listingEvents: events } }),
      ListingReservations: () => ({ data: { listingReservations: reservations } }),
    })
    wrapper = await openApp('/')
    await (await find('nav-market')).trigger('click')

    await vi.waitFor(() => expect(all('market-open')).toHaveLength(1))
    const row = await textOf('market-listings')
    expect(row).toMatch(/儿童自行车 16寸[\s\S]*出售[\s\S]*¥120[\s\S]*志愿者 小林[\s\S]*已认证[\s\S]*阳光花园 3栋[\s\S]*在售/)
    expect(await textOf('list-total')).toBe('共 1 条')

    const search = await find('market-search')
    await search.setValue('自行车') // an el-input gives the testid to its <input>
    search.element.closest('form').dispatchEvent(new Event('submit'))
    await choose('market-filter-state', '已交接')
    await (await find('market-filter-hidden')).find('input[type=checkbox]').setValue(true)
    await vi.waitFor(() => expect(all('market-hidden')).toHaveLength(1))
    expect(await textOf('market-listings')).toContain('免费（抽签）')
    expect(received.filter((r) => r.operation === 'MarketListings').at(-1).variables).toMatchObject({
      communityId: 'c1',
      query: '自行车',
      state: 'HANDED_OVER',
      hidden: true,
      first: 20,
    })

    await (await find('market-open')).trigger('click')
    await vi.waitFor(() => expect(all('listing-event')).toHaveLength(2))
    expect(all('listing-event')[0].text()).toContain('志愿者 小林：草稿 → 在售')
    expect(all('listing-event')[1].text()).toContain('张阿姨：在售 → 已预订')
    expect(all('listing-photo')).toHaveLength(1)
    expect(await textOf('listing-description')).toBe('孩子长大了，八成新')
    const deals = all('reservation-state').map((cell) => cell.element.closest('tr').textContent)
    expect(deals[0]).toMatch(/王丽[\s\S]*待交接[\s\S]*交接已锁定/)
    expect(deals[1]).toMatch(/张阿姨[\s\S]*已取消[\s\S]*临时有事/)
    expect(await textOf('listing-drawer')).not.toContain('单元') // no pickup room for staff
  })
})

describe('市场规则', () => {
  it('saves the rules after a confirmation, says so, and shows a refusal as the server words it', async () => {
    let saved = null
    signedInStaff({
      MarketSettings: () => ({ data: { marketSettings: { weeklyGiveawayWins: 2, dailyListings: 10 } } }),
      MarketSettingsUpdate: (variables) => {
        if (variables.dailyListings === 50) return refusal('marketSettingsUpdate', '每人每天最多发布 1–50 条', 'dailyListings')
        saved = variables
        return payload('marketSettingsUpdate', { settings: { weeklyGiveawayWins: variables.weeklyGiveawayWins, dailyListings: variables.dailyListings } })
      },
    })
    const asked = answerConfirmations(true)
    wrapper = await openApp('/market/settings')

    const wins = (await find('market-settings-weeklyGiveawayWins')).find('input')
    await vi.waitFor(() => expect(wins.element.value).toBe('2'))
    await wins.setValue('3')
    await wins.trigger('change')
    await (await find('market-settings-save')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('市场规则已保存'))
    expect(asked.mock.calls[0][0]).toContain('立即对全体居民生效')
    expect(saved).toEqual({ communityId: 'c1', weeklyGiveawayWins: 3, dailyListings: 10 })

    const daily = (await find('market-settings-dailyListings')).find('input')
    await daily.setValue('50')
    await daily.trigger('change')
    await (await find('market-settings-save')).trigger('click')
    await vi.waitFor(async () => expect(await textOf('market-settings-error')).toContain('每人每天最多发布 1–50 条'))
  })

  it('saves nothing when the confirmation is cancelled', async () => {
    const received = signedInStaff({
      MarketSettings: () => ({ data: { marketSettings: { weeklyGiveawayWins: 2, dailyListings: 10 } } }),
    })
    const asked = answerConfirmations(false)
    wrapper = await openApp('/market/settings')
    await vi.waitFor(async () => expect((await find('market-settings-dailyListings')).find('input').element.value).toBe('10'))
    await (await find('market-settings-save')).trigger('click')
    await vi.waitFor(() => expect(asked).toHaveBeenCalled())
    await vi.waitFor(() => expect(all('market-settings-save')[0].classes()).not.toContain('is-loading'))
    expect(received.filter((r) => r.operation === 'MarketSettingsUpdate')).toEqual([])
  })
})

describe('市场统计', () => {
  it('shows the figures of the last 30 days and draws them by category and by day', async () => {
    const received = signedInStaff({
      MarketStats: ({ since, until }) => ({
        data: {
          marketStats: {
            since,
            until,
            published: 9,
            handedOver: 4,
            giveaways: 2,
            lotteryDraws: 1,
            reports: 3,
            hidden: 1,
            activeSellers: 5,
            byCategory: [
              { category: 'KIDS', count: 6 },
              { category: 'BOOKS', count: 3 },
            ],
            daily: [
              { day: '2026-11-30', published: 4, handedOver: 1 },
              { day: '2026-12-01', published: 5, handedOver: 3 },
            ],
          },
        },
      }),
    })
    wrapper = await openApp('/market/stats')

    await vi.waitFor(async () => expect(await textOf('market-stats-published')).toContain('9'))
    expect(await textOf('market-stats-handedOver')).toContain('4')
    expect(await textOf('market-stats-activeSellers')).toContain('5')
    const { since, until } = received.find((r) => r.operation === 'MarketStats').variables
    expect((new Date(until) - new Date(since)) / 86_400_000).toBe(29)
    expect(drawn).toContainEqual({ kind: 'bar', categories: ['母婴童装玩具', '图书文具'], series: [{ name: '发布', data: [6, 3] }] })
    expect(drawn).toContainEqual({
      kind: 'line',
      categories: ['11-30', '12-01'],
      series: [
        { name: '发布', data: [4, 5] },
        { name: '成交', data: [1, 3] },
      ],
    })
  })
})

describe('内容审核 of a listing', () => {
  it('labels it 闲置 and shows the listing with its photos beside the original', async () => {
    signedInStaff({
      ModerationItem: () => ({
        data: {
          moderationItem: {
            item: {
              id: 'm1',
              kind: 'LISTING',
              targetId: 'l1',
              state: 'HIDDEN',
              original: '儿童自行车 16寸\n孩子长大了',
              reports: 3,
              authorName: '志愿者 小林',
              hiddenAt: '2026-11-20T02:00:00Z',
              decidedAt: null,
              createdAt: '2026-11-20T01:00:00Z',
              appeal: null,
            },
            reports: [],
            reportsByReason: [],
            log: [],
          },
        },
      }),
      ListingStaffPreview: ({ id }) => ({ data: { listing: { ...listing(id), hidden: true } } }),
    })
    wrapper = await openApp('/moderation/m1')

    await vi.waitFor(async () => expect(await textOf('moderation-listing-title')).toBe('儿童自行车 16寸'))
    expect(document.querySelector('main h2, .el-main h2').textContent).toBe('闲置审核')
    expect(await textOf('moderation-listing')).toContain('已隐藏')
    expect(all('listing-photo')).toHaveLength(1)
  })
})
