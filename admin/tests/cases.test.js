// The case pages against a fake server: how late a case is in words, the actions each state allows,
// the board's filters as the server receives them, and a resolution confirmed before it is sent.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { connection, payload, refusal } from './fakeServer'
import { answerConfirmations, find, openApp, signedInStaff, textOf, toasts } from './ui'
import { actionsFor, deadlineText, timelineOf } from '../src/cases/case'

vi.setConfig({ testTimeout: 20_000 })

const HOUR = 3_600_000
const NOW = Date.parse('2026-12-02T06:00:00Z')

const aCase = (overrides) => ({
  id: 'k1',
  state: 'ACCEPTED',
  category: { id: 'cat1', name: '报修', party: 'GRID' },
  text: '2栋楼道灯坏了',
  placeName: '阳光花园 2栋',
  channel: 'MINI_PROGRAM',
  party: 'GRID',
  handlerName: '网格员 小陈',
  photos: [],
  acceptDueAt: '2026-12-02T04:00:00Z',
  resolveDueAt: '2026-12-03T00:00:00Z',
  dueAt: '2026-12-03T00:00:00Z',
  overdue: false,
  waitingForResident: false,
  escalatedAt: null,
  acceptedAt: '2026-12-02T01:00:00Z',
  resolvedAt: null,
  resolution: null,
  referredTo: null,
  mergedIntoId: null,
  confirmedAt: null,
  urgedToday: false,
  createdAt: '2026-12-02T00:00:00Z',
  resident: { id: 'p1', displayName: '张阿姨', phone: '138****0006' },
  ...overrides,
})

describe('case rules', () => {
  it('says how long is left, how late a case is, and that a paused clock waits', () => {
    expect(deadlineText(aCase(), NOW)).toEqual({ late: false, text: '距办结时限 18 小时' })
    expect(deadlineText(aCase({ state: 'SUBMITTED', dueAt: '2026-12-02T04:00:00Z', overdue: true }), NOW))
      .toEqual({ late: true, text: '受理已超时 2 小时' })
    expect(deadlineText(aCase({ dueAt: new Date(NOW + 3 * 24 * HOUR + 5 * HOUR).toISOString() }), NOW).text)
      .toBe('距办结时限 3 天 5 小时')
    expect(deadlineText(aCase({ waitingForResident: true }), NOW)).toEqual({ late: false, text: '等待居民答复，办结计时暂停' })
    expect(deadlineText(aCase({ state: 'RESOLVED', dueAt: null }), NOW)).toBeNull()
  })

  it('offers each state its actions, and merging and reassigning only to CASE_MANAGE', () => {
    expect(actionsFor(aCase({ state: 'SUBMITTED' }), true)).toEqual(
      ['accept', 'start', 'close', 'refer', 'merge', 'assign', 'ask', 'reply', 'note'])
    expect(actionsFor(aCase({ state: 'IN_PROGRESS' }), false)).toEqual(['resolve', 'close', 'refer', 'ask', 'reply', 'note'])
    expect(actionsFor(aCase({ state: 'RESOLVED' }), true)).toEqual(['reply', 'note'])
  })

  it('puts transitions and entries in one timeline, oldest first, with who acted for whom', () => {
    const lines = timelineOf({
      events: [{ fromState: 'RESOLVED', toState: 'IN_PROGRESS', actorName: '王丽', actingForName: '王爷爷', reason: '灯还是不亮', at: '2026-12-02T03:00:00Z' }],
      entries: [
        { id: 'e1', kind: 'NOTE', internal: true, body: '需要电工', authorName: '小陈', actingForName: null, at: '2026-12-02T02:00:00Z' },
        { id: 'e2', kind: 'CONFIRM', internal: false, body: '部分解决，2 星', authorName: '王丽', actingForName: '王爷爷', at: '2026-12-02T03:00:00Z' },
      ],
    })
    expect(lines.map((l) => [l.title, l.actor, l.actingFor, l.internal])).toEqual([
      ['内部备注', '小陈', null, true],
      ['已解决 → 处理中', '王丽', '王爷爷', false],
      ['居民评价', '王丽', '王爷爷', false],
    ])
  })
})

let wrapper
beforeEach(() => localStorage.clear())
afterEach(() => {
  wrapper?.unmount()
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

const boardServer = (extra = {}) => ({
  CaseCategories: () => ({ data: { caseCategories: [{ id: 'cat1', name: '报修', party: 'GRID', acceptHours: 4, resolveHours: 24, active: true }] } }),
  CaseHandlers: () => ({ data: { caseHandlers: [{ id: 'h1', displayName: '网格员 小陈' }] } }),
  CaseCounts: () => ({ data: { caseCounts: { byState: [{ state: 'SUBMITTED', count: 2 }, { state: 'ACCEPTED', count: 1 }], overdue: 1 } } }),
  Cases: () => ({ data: { cases: { ...connection([aCase({ state: 'SUBMITTED', overdue: true, dueAt: '2026-12-02T04:00:00Z' })]), totalCount: 1 } } }),
  ...extra,
})

describe('case board', () => {
  it('shows the counts per state and an overdue case in red, and sends the search to the server', async () => {
    const received = signedInStaff(boardServer())
    wrapper = await openApp('/cases')

    await vi.waitFor(async () => expect(await textOf('case-tab-SUBMITTED')).toBe('待受理 2'))
    expect(await textOf('case-tab-ALL')).toBe('全部 3')
    expect(await textOf('cases-overdue-count')).toBe('超时 1 件')
    expect(await textOf('case-overdue')).toMatch(/^受理已超时/)
    const search = await find('case-search')
    await search.setValue('张阿姨') // an el-input gives the testid to its <input>
    search.element.closest('form').dispatchEvent(new Event('submit'))
    await vi.waitFor(() => expect(received.filter((r) => r.operation === 'Cases').at(-1).variables.filter.search).toBe('张阿姨'))
    expect(received.filter((r) => r.operation === 'CaseCounts').at(-1).variables.filter).toMatchObject({ search: '张阿姨' })
  })
})

describe('case page', () => {
  const detail = (c) => ({ data: { case: { case: c, events: [], entries: [], confirmations: [], followers: 2 } } })

  it('resolves with a note once confirmed, and says so', async () => {
    const confirm = answerConfirmations(true)
    let state = 'IN_PROGRESS'
    const received = signedInStaff({
      Case: () => detail(aCase({ state })),
      CaseResolve: () => {
        state = 'RESOLVED'
        return payload('caseResolve', { case: aCase({ state }) })
      },
    })
    wrapper = await openApp('/cases/k1')

    expect(await textOf('case-followers')).toBe('2')
    expect(await textOf('case-resident')).toContain('138****0006')
    await (await find('case-resolve')).trigger('click')
    await (await find('case-resolve-note')).find('textarea').setValue('已更换灯泡')
    await (await find('case-resolve-note-submit')).trigger('click')

    await vi.waitFor(async () => expect(await textOf('case-state')).toBe('已解决'))
    expect(confirm.mock.calls[0][0]).toContain('办结后将请居民确认并评价')
    expect(received.find((r) => r.operation === 'CaseResolve').variables).toEqual({ id: 'k1', note: '已更换灯泡' })
    expect(toasts()).toContain('已办结，已通知居民确认')
  })

  it("shows the server's refusal in the dialog and changes nothing", async () => {
    answerConfirmations(true)
    signedInStaff({
      Case: () => detail(aCase()),
      CaseRefer: () => refusal('caseRefer', '请填写转办单位（2–64 个字）', 'to'),
    })
    wrapper = await openApp('/cases/k1')

    await (await find('case-refer')).trigger('click')
    await (await find('case-refer-to')).setValue('供')
    await (await find('case-refer-note')).find('textarea').setValue('属供电公司职责')
    await (await find('case-refer-note-submit')).trigger('click')

    await vi.waitFor(async () => expect(await textOf('dialog-error')).toContain('请填写转办单位'))
    expect(await textOf('case-state')).toBe('已受理')
  })
})

describe('case setup', () => {
  const setupServer = (extra) => ({
    CaseCategories: () => ({ data: { caseCategories: [] } }),
    CaseCommonAreas: () => ({ data: { caseCommonAreas: [] } }),
    CaseSettings: () => ({ data: { caseSettings: { autoConfirmDays: 7, remindBeforeHours: 2 } } }),
    RegistryGrids: () => ({ data: { registryGrids: [{ id: 'g1', name: '第1网格' }] } }),
    ...extra,
  })

  it("keeps a refused category's dialog open with the reason, and saves a good one", async () => {
    let answer = refusal('caseCategoryCreate', '受理时限须不超过办结时限', 'acceptHours')
    const received = signedInStaff(setupServer({ CaseCategoryCreate: () => answer }))
    wrapper = await openApp('/cases/setup')

    await (await find('category-new')).trigger('click')
    await (await find('category-name')).setValue('报修')
    await (await find('category-save')).trigger('click')
    await vi.waitFor(async () => expect(await textOf('dialog-error')).toContain('受理时限须不超过办结时限'))

    answer = payload('caseCategoryCreate', { category: { id: 'cat1', name: '报修', party: 'COMMITTEE', acceptHours: 24, resolveHours: 72, active: true } })
    await (await find('category-save')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('已保存分类「报修」'))
    expect(received.filter((r) => r.operation === 'CaseCategoryCreate').at(-1).variables).toEqual({
      communityId: 'c1',
      input: { name: '报修', party: 'COMMITTEE', acceptHours: 24, resolveHours: 72, active: true },
    })
  })
})
