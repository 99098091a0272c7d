import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { storeTokens } from '../src/graphql/client'
import { connection, fakeGraphQLServer, payload, refusal, tokens } from './fakeServer'
import { all, answerConfirmations, find, openApp, toasts } from './ui'

// A street supervisor holds no community role: the menu opens from viewer.supervisedStreets.
const supervisor = {
  id: 'u9',
  displayName: '街道 王科长',
  phone: '139****0009',
  memberships: [],
  platformPermissions: [],
  permissions: [],
  supervisedStreets: [{ id: 's1', name: '幸福街道' }],
}
const operator = { ...supervisor, displayName: '运营 李', supervisedStreets: [], platformPermissions: ['PLATFORM_OPERATE'] }

const aCase = (id, overrides = {}) => ({
  id,
  state: 'SUBMITTED',
  category: { id: 'k1', name: '报修', party: 'GRID' },
  text: '2栋水管漏水',
  placeName: '甲区小区 1栋',
  channel: 'MINI_PROGRAM',
  party: 'GRID',
  handlerName: null,
  photos: [],
  acceptDueAt: '2026-03-01T04:00:00Z',
  resolveDueAt: '2026-03-02T00:00:00Z',
  dueAt: '2026-03-01T04:00:00Z',
  overdue: true,
  waitingForResident: false,
  escalatedAt: '2026-03-01T04:30:00Z',
  acceptedAt: null,
  resolvedAt: null,
  resolution: null,
  referredTo: null,
  mergedIntoId: null,
  confirmedAt: null,
  urgedToday: false,
  createdAt: '2026-03-01T00:00:00Z',
  ...overrides,
})

function signedIn(viewer, handlers) {
  storeTokens(tokens('supervisor'))
  return fakeGraphQLServer({ Viewer: () => ({ data: { viewer } }), ...handlers })
}

let wrapper
beforeEach(() => localStorage.clear())
afterEach(() => {
  wrapper?.unmount()
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

const rows = (testid) => [...document.querySelectorAll(`[data-testid=${testid}] .el-table__body tr`)]

describe('街道督办', () => {
  it('shows a supervisor their street\'s escalated cases, searches them, and presses the handlers', async () => {
    let urged = false
    const received = signedIn(supervisor, {
      StreetCases: () => ({ data: { streetCases: { ...connection([{ communityName: '双网格社区', case: aCase('k9') }]), totalCount: 1 } } }),
      StreetCase: () => ({
        data: {
          streetCase: {
            communityName: '双网格社区',
            case: aCase('k9'),
            events: [],
            entries: [
              { id: 'e1', kind: 'ESCALATE', internal: true, body: '已超时，升级至街道督办：受理超时', authorName: null, actingForName: null, at: '2026-03-01T04:30:00Z' },
              ...(urged ? [{ id: 'e2', kind: 'SUPERVISE', internal: true, body: '请今天内上门', authorName: '街道 王科长', actingForName: null, at: '2026-03-01T05:00:00Z' }] : []),
            ],
          },
        },
      }),
      StreetCaseUrge: ({ note }) => {
        if (note.trim().length < 2) return refusal('streetCaseUrge', '请填写督办意见（2–500 个字）', 'note')
        urged = true
        return payload('streetCaseUrge', { entry: { id: 'e2', kind: 'SUPERVISE', internal: true, body: note, authorName: '街道 王科长', at: '2026-03-01T05:00:00Z' } })
      },
    })
    wrapper = await openApp('/')
    await (await find('nav-street-cases')).trigger('click')
    await vi.waitFor(() => expect(rows('street-cases')).toHaveLength(1))
    expect(rows('street-cases')[0].textContent).toMatch(/双网格社区[\s\S]*报修[\s\S]*2栋水管漏水[\s\S]*超时/)
    expect(all('nav-registry')).toHaveLength(0) // no community pages for someone with no community role

    const search = await find('street-search')
    await search.setValue('水管')
    await search.trigger('keyup', { key: 'Enter' })
    await vi.waitFor(() => expect(received.filter((r) => r.operation === 'StreetCases')).toHaveLength(2))
    expect(received.filter((r) => r.operation === 'StreetCases').at(-1).variables).toEqual({
      streetId: 's1', overdueOnly: false, search: '水管', first: 20, after: null,
    })

    rows('street-cases')[0].click()
    await vi.waitFor(async () => expect(await find('street-case')).toBeTruthy())
    expect((await find('street-timeline')).text()).toContain('超时升级')

    await (await find('urge')).trigger('click')
    await vi.waitFor(async () => expect((await find('urge-error')).text()).toContain('请填写督办意见'))
    await (await find('urge-note')).setValue('请今天内上门')
    await (await find('urge')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('已督办，处理人员会收到通知'))
    await vi.waitFor(async () => expect((await find('street-timeline')).text()).toMatch(/街道督办[\s\S]*请今天内上门/))
  }, 20_000)
})

describe('督办人员', () => {
  it('lets the operator add a supervisor by phone and remove one after confirming', async () => {
    const confirm = answerConfirmations(true)
    const received = signedIn(operator, {
      Streets: () => ({ data: { streets: [{ id: 's1', name: '幸福街道', code: 'xf' }] } }),
      StreetSupervisors: () => ({ data: { streetSupervisors: [] } }),
      StreetSupervisorAdd: ({ phone }) =>
        phone === '13900000009'
          ? payload('streetSupervisorAdd', { supervisor: { id: 'p1', displayName: '王科长', phone: '139****0009', since: '2026-03-01T00:00:00Z' } })
          : refusal('streetSupervisorAdd', '找不到使用该手机号的用户，请先让其登录一次', 'phone'),
      StreetSupervisorRemove: () => payload('streetSupervisorRemove', { ok: true }),
    })
    wrapper = await openApp('/')
    await (await find('nav-street-supervisors')).trigger('click')
    const phone = await find('supervisor-phone')

    await phone.setValue('13900000001')
    await (await find('supervisor-add')).trigger('click')
    await vi.waitFor(async () => expect((await find('supervisors-error')).text()).toContain('找不到使用该手机号的用户'))

    await phone.setValue('13900000009')
    await (await find('supervisor-add')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('已将 王科长 设为幸福街道督办人员'))
    expect(rows('supervisors')[0].textContent).toMatch(/王科长[\s\S]*139\*\*\*\*0009/)

    await (await find('supervisor-remove')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('已移除 王科长'))
    expect(confirm.mock.calls[0][0]).toContain('将不再收到幸福街道的超时诉求')
    expect(received.find((r) => r.operation === 'StreetSupervisorRemove').variables).toEqual({ id: 'p1' })
    expect(rows('supervisors')).toHaveLength(0)
  })
})
