import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { minutesText, nextDay, rateText, thisMonth } from '../src/cases/stats'
import { find, openApp, signedInStaff, textOf } from './ui'

// ECharts needs a canvas, which happy-dom lacks: record what would be drawn instead.
const drawn = vi.hoisted(() => [])
vi.mock('../src/charts', () => {
  const record = (kind) => (element, chart) => {
    drawn.push({ kind, ...chart })
    return () => {}
  }
  return { drawBarChart: record('bar'), drawLineChart: record('line'), drawPieChart: record('pie') }
})

const row = (name, figures) => ({
  id: name,
  name,
  cases: 0,
  overdueNow: 0,
  acceptCounted: 0,
  acceptMet: 0,
  acceptRate: null,
  medianAcceptMinutes: null,
  resolveCounted: 0,
  resolveMet: 0,
  resolveRate: null,
  medianResolveMinutes: null,
  rated: 0,
  meanRating: null,
  ratings: [0, 0, 0, 0, 0],
  confirmed: 0,
  reopened: 0,
  reopenRate: null,
  ...figures,
})

const stats = {
  from: '2026-12-01',
  to: '2026-12-03',
  total: row('全部', {
    cases: 7,
    overdueNow: 2,
    acceptCounted: 7,
    acceptMet: 5,
    acceptRate: 0.7143,
    medianAcceptMinutes: 120,
    resolveCounted: 5,
    resolveMet: 3,
    resolveRate: 0.6,
    medianResolveMinutes: 1200,
    rated: 3,
    meanRating: 3.67,
    ratings: [0, 1, 0, 1, 1],
    confirmed: 2,
    reopened: 1,
    reopenRate: 0.5,
  }),
  byState: [
    { state: 'SUBMITTED', count: 1 },
    { state: 'RESOLVED', count: 3 },
    { state: 'DUPLICATE', count: 0 },
  ],
  byCategory: [
    row('报修', { cases: 4, acceptCounted: 4, acceptMet: 3, acceptRate: 0.75, resolveRate: 0.75 }),
    row('其他', { cases: 2, acceptRate: 0.5 }),
  ],
  byHandler: [row('王网格', { cases: 3, meanRating: 5, rated: 1 }), row('未指派', { id: null, cases: 2 })],
  byDay: [
    { day: '2026-12-01', raised: 7 },
    { day: '2026-12-02', raised: 0 },
  ],
}

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

describe('诉求统计', () => {
  it("loads this month's figures for the community, draws the charts and tables, and exports the same period", async () => {
    const saved = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function () {
      saved.push(this.download)
    })
    const received = signedInStaff({
      CaseStats: () => ({ data: { caseStats: stats } }),
      'GET /exports/cases/stats.xlsx': () => new Response(new Blob(['xlsx']), { status: 200 }),
    })
    wrapper = await openApp('/cases/stats')

    await vi.waitFor(async () => expect(await textOf('stats-accept-rate')).toContain('71.4%'))
    const [from, last] = thisMonth()
    expect(received.find((r) => r.operation === 'CaseStats').variables).toEqual({ communityId: 'c1', from, to: nextDay(last) })
    expect(await textOf('stats-total')).toContain('按时受理率（5/7）')
    expect(await textOf('stats-resolve-rate')).toContain('60%')
    expect(await textOf('stats-satisfaction')).toContain('3.67 分')
    expect(await textOf('stats-states')).toContain('待受理 1')
    expect(await textOf('stats-states')).not.toContain('已合并')
    expect(await textOf('stats-by-category')).toContain('75%（3/4）')
    expect(await textOf('stats-by-handler')).toContain('未指派')
    expect(drawn).toContainEqual({
      kind: 'bar',
      categories: ['报修', '其他'],
      percent: true,
      series: [
        { name: '按时受理率', data: [75, 50] },
        { name: '按时办结率', data: [75, null] },
      ],
    })
    expect(drawn).toContainEqual({ kind: 'bar', categories: ['1 星', '2 星', '3 星', '4 星', '5 星'], series: [{ name: '评价数', data: [0, 1, 0, 1, 1] }] })
    expect(drawn).toContainEqual({ kind: 'line', categories: ['12-01', '12-02'], series: [{ name: '提出的诉求', data: [7, 0] }] })

    await (await find('stats-export')).trigger('click')
    await vi.waitFor(() => expect(saved).toEqual([`诉求统计-${from}至${last}.xlsx`]))
    const download = received.find((r) => r.url.startsWith('/exports/'))
    expect(download.url).toBe(`/exports/cases/stats.xlsx?communityId=c1&from=${from}&to=${nextDay(last)}`)
    await vi.waitFor(() => expect(document.body.textContent).toContain('已导出诉求统计'))
  }, 30_000) // loads the page, draws three charts and downloads: slow on a busy machine

  it("shows the server's refusal in Chinese", async () => {
    signedInStaff({
      CaseStats: () => ({ data: null, errors: [{ message: '统计期间最长 366 天，请缩短后再试', extensions: { code: 'INVALID_INPUT' } }] }),
    })
    wrapper = await openApp('/cases/stats')
    await vi.waitFor(async () => expect(await textOf('stats-error')).toContain('统计期间最长 366 天'))
  })
})

describe('the figures in words', () => {
  it('writes rates, durations and the day after', () => {
    expect([rateText(0.7143), rateText(1), rateText(null)]).toEqual(['71.4%', '100%', '—'])
    expect([minutesText(45), minutesText(120), minutesText(125), minutesText(1500), minutesText(null)]).toEqual([
      '45 分钟',
      '2 小时',
      '2 小时 5 分钟',
      '1 天 1 小时',
      '—',
    ])
    expect([nextDay('2026-02-28'), nextDay('2026-12-31')]).toEqual(['2026-03-01', '2027-01-01'])
    expect(thisMonth(new Date(2026, 1, 14))).toEqual(['2026-02-01', '2026-02-14'])
  })
})
