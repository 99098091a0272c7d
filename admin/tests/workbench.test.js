import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { connection } from './fakeServer'
import { openApp, signedInStaff, textOf, viewerWith } from './ui'

// ECharts needs a canvas, which happy-dom lacks: record what would be drawn instead.
const drawn = vi.hoisted(() => [])
vi.mock('../src/charts', () => ({
  drawBarChart: (element, chart) => {
    drawn.push({ kind: 'bar', ...chart })
    return () => {}
  },
  drawPieChart: (element, chart) => {
    drawn.push({ kind: 'pie', ...chart })
    return () => {}
  },
}))

const identity = { residentsVerified: 301, householdsVerified: 298, households: 300, pendingVerifications: 4 }
const week = (overrides) => ({
  notice: { id: 'n1', title: '消防检查', publishedAt: '2026-12-01T02:00:00Z', mustAcknowledge: true },
  audience: 200,
  read: 120,
  acknowledged: 50,
  households: 100,
  householdsReached: 75,
  ...overrides,
})

const month = {
  id: null,
  name: '本月',
  cases: 8,
  overdueNow: 3,
  acceptCounted: 8,
  acceptMet: 5,
  acceptRate: 0.625,
  medianAcceptMinutes: 120,
  resolveCounted: 6,
  resolveMet: 3,
  resolveRate: 0.5,
  medianResolveMinutes: 1200,
  rated: 3,
  meanRating: 3.67,
  ratings: [0, 1, 0, 1, 1],
  confirmed: 2,
  reopened: 1,
  reopenRate: 0.5,
}

const market = { published: 12, reservedToday: 3, handedOverThisWeek: 7, hiddenPending: 1 }

const openPoll = { id: 'p1', title: '加装电梯', state: 'OPEN', closesAt: '2026-12-08T02:00:00Z' }

function workbenchServer(notices, { polls = [], handlers = {} } = {}) {
  return signedInStaff({
    WorkbenchIdentity: () => ({ data: { workbench: { identity } } }),
    WorkbenchNotices: () => ({ data: { workbench: { notices } } }),
    Polls: () => ({ data: { polls: connection(polls) } }),
    WorkbenchCases: () => ({ data: { workbench: { cases: { open: 3, overdueNow: 3, month } } } }),
    WorkbenchMarket: () => ({ data: { workbench: { market } } }),
    PollTurnout: () => ({ data: { pollTurnout: { entries: 50, participated: 20, areaDm2: 0, participatedAreaDm2: 0, byChannel: [] } } }),
    ...handlers,
  })
}

let wrapper
beforeEach(() => {
  localStorage.clear()
  drawn.length = 0
})
afterEach(() => {
  wrapper?.unmount()
  vi.unstubAllGlobals()
})

describe('工作台', () => {
  it("shows each panel's figures for the staff member's community", async () => {
    const received = workbenchServer({
      thisWeek: [week()],
      unreachedByGrid: [
        { gridName: '第1网格', households: 25 },
        { gridName: null, households: 3 },
      ],
    })
    wrapper = await openApp('/')

    await vi.waitFor(async () => expect(await textOf('residents-verified')).toContain('301'))
    expect(await textOf('households-verified')).toMatch(/298\s*\/ 300/)
    expect(await textOf('pending-verifications')).toContain('4')
    await vi.waitFor(async () => expect(await textOf('week-notices')).toContain('消防检查'))
    const row = await textOf('week-notices')
    expect(row).toContain('75%') // households reached
    expect(row).toContain('25%') // acknowledged of the audience
    expect(drawn).toContainEqual({
      kind: 'pie',
      name: '户数',
      parts: [
        { name: '已认证户', value: 298 },
        { name: '未认证户', value: 2 },
      ],
    })
    expect(drawn).toContainEqual({
      kind: 'bar',
      categories: ['第1网格', '未划网格'],
      series: [{ name: '未触达（户次）', data: [25, 3] }],
    })
    const asked = received.filter((r) => r.operation?.startsWith('Workbench'))
    expect(asked.map((r) => r.variables)).toEqual([
      { communityId: 'c1' },
      { communityId: 'c1' },
      { communityId: 'c1' },
      { communityId: 'c1' },
    ])
  })

  it('says when no notice went out this week and shows no acknowledgement rate where none was asked', async () => {
    workbenchServer({ thisWeek: [week({ notice: { ...week().notice, mustAcknowledge: false } })], unreachedByGrid: [] })
    wrapper = await openApp('/')

    await vi.waitFor(async () => expect(await textOf('week-notices')).toContain('无需确认'))
    expect(await textOf('panel-notices')).toContain('本周通知都已触达')
    expect(drawn.filter((d) => d.kind === 'bar')).toEqual([])
  })

  it('shows the polls open now with their turnout, to those who run polls', async () => {
    const received = workbenchServer({ thisWeek: [], unreachedByGrid: [] }, { polls: [openPoll] })
    wrapper = await openApp('/')

    await vi.waitFor(async () => expect(await textOf('open-polls')).toContain('加装电梯'))
    expect(await textOf('open-polls')).toContain('20 / 50')
    expect(await textOf('poll-turnout-rate')).toContain('40%')
    expect(received.find((r) => r.operation === 'Polls').variables).toMatchObject({ communityId: 'c1', state: 'OPEN' })
  })

  it("shows the open and overdue cases and this month's SLA compliance and satisfaction", async () => {
    workbenchServer({ thisWeek: [], unreachedByGrid: [] })
    wrapper = await openApp('/')

    await vi.waitFor(async () => expect(await textOf('cases-open')).toContain('3'))
    expect(await textOf('cases-overdue')).toContain('3')
    expect(await textOf('cases-accept-rate')).toContain('62.5%')
    expect(await textOf('cases-resolve-rate')).toContain('50%')
    expect(await textOf('cases-satisfaction')).toMatch(/3 条评价[\s\S]*3\.67 分/)
    expect(await textOf('cases-month')).toContain('受理时长中位数 2 小时')
    expect(await textOf('cases-month')).toContain('办结时长中位数 20 小时')
  })

  it('shows no voting panel to staff who do not run polls', async () => {
    const received = workbenchServer(
      { thisWeek: [], unreachedByGrid: [] },
      { polls: [openPoll], handlers: { Viewer: () => ({ data: { viewer: viewerWith('PROPERTY_STAFF', '物业 刘经理') } }) } },
    )
    wrapper = await openApp('/')

    await vi.waitFor(async () => expect(await textOf('panel-notices')).toContain('本周通知都已触达'))
    expect(document.querySelector('[data-testid=panel-voting]')).toBeNull()
    expect(received.filter((r) => r.operation === 'Polls')).toEqual([])
  })

  it("shows the market's figures with a way to its page, and no market panel to staff without the market", async () => {
    workbenchServer({ thisWeek: [], unreachedByGrid: [] })
    wrapper = await openApp('/')

    await vi.waitFor(async () => expect(await textOf('market-on-offer')).toContain('12'))
    expect(await textOf('market-reserved-today')).toContain('3')
    expect(await textOf('market-handed-over-week')).toContain('7')
    expect(await textOf('market-hidden-pending')).toContain('1')
    wrapper.unmount()

    const received = workbenchServer(
      { thisWeek: [], unreachedByGrid: [] },
      { handlers: { Viewer: () => ({ data: { viewer: viewerWith('PROPERTY_STAFF', '物业 刘经理') } }) } },
    )
    wrapper = await openApp('/')
    await vi.waitFor(async () => expect(await textOf('panel-notices')).toContain('本周通知都已触达'))
    expect(received.filter((r) => r.operation === 'WorkbenchMarket')).toEqual([])
  })
})
