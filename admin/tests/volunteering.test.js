// The volunteering pages against a fake server: teams found and coordinated, an activity created
// with its place from the registry, published and cancelled only once confirmed, the roster's
// states with the waitlist order and a confirmed no-show, the check-in QR that rotates before its
// code expires, and the approval queue where one's own row cannot be approved.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DOMWrapper } from '@vue/test-utils'
import { connection, fakeGraphQLServer, payload, refusal, tokens } from './fakeServer'
import { ROLE_PERMISSIONS, answerConfirmations, choose, find, openApp, staffViewer, textOf, toasts } from './ui'
import { storeTokens } from '../src/graphql/client'
import { hoursText, mayMarkNoShow, placeInput, skillList } from '../src/volunteering/volunteering'

vi.setConfig({ testTimeout: 20_000 })

/** The committee member of ui.js, granted the volunteering permissions too. */
const volunteeringStaff = (handlers, extra = ['VOLUNTEER_MANAGE', 'VOLUNTEER_COORDINATE']) => {
  storeTokens(tokens('committee'))
  const viewer = {
    ...staffViewer,
    permissions: [{ community: { id: 'c1', name: '阳光社区' }, permissions: [...ROLE_PERMISSIONS.COMMITTEE_STAFF, ...extra] }],
  }
  return fakeGraphQLServer({ Viewer: () => ({ data: { viewer } }), ...handlers })
}

const team = (overrides) => ({ id: 't1', name: '阳光志愿服务队', description: '助老助残', coordinators: [], ...overrides })
const activity = (overrides) => ({
  id: 'a1',
  state: 'PUBLISHED',
  title: '敬老院陪伴',
  description: '陪老人聊天',
  teamId: 't1',
  teamName: '阳光志愿服务队',
  startsAt: '2026-12-03T01:00:00Z',
  endsAt: '2026-12-03T03:00:00Z',
  place: '阳光花园 1栋',
  buildingId: 'b1',
  estateId: null,
  placeText: '',
  capacity: 2,
  skills: ['陪护'],
  pointsPerHour: 10,
  cancelReason: null,
  ...overrides,
})
const signup = (overrides) => ({
  id: 's1',
  state: 'SIGNED_UP',
  activityId: 'a1',
  activityTitle: '敬老院陪伴',
  personId: 'p1',
  personName: '志愿者 小林',
  noShowCount: 0,
  position: 1,
  checkedInAt: null,
  checkedOutAt: null,
  computedMinutes: null,
  approvedMinutes: null,
  points: null,
  rejectReason: null,
  ...overrides,
})

/** The elements `testid` of the table rows (Element Plus also renders each column once for itself, row-less). */
const all = (testid) =>
  [...document.querySelectorAll(`[data-testid=${testid}]`)].filter((e) => !e.closest('.hidden-columns')).map((e) => new DOMWrapper(e))
const rowFind = async (testid) => {
  await vi.waitFor(() => expect(all(testid).length).toBeGreaterThan(0))
  return all(testid)[0]
}

let wrapper
beforeEach(() => localStorage.clear())
afterEach(() => {
  wrapper?.unmount()
  vi.useRealTimers()
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

describe('volunteering rules', () => {
  it('reads minutes as hours, skills as a list, a place as one of its kinds, and who may be marked absent', () => {
    expect(hoursText(90)).toBe('1.5 小时')
    expect(hoursText(null)).toBe('0 小时')
    expect(skillList('急救、陪护, 急救 搬运')).toEqual(['急救', '陪护', '搬运'])
    expect(placeInput({ placeKind: 'BUILDING', buildingId: 'b1', estateId: 'e1', placeText: 'x' })).toEqual({ buildingId: 'b1' })
    expect(placeInput({ placeKind: 'TEXT', buildingId: '', estateId: '', placeText: ' 活动中心 ' })).toEqual({ placeText: '活动中心' })
    const over = activity({ endsAt: '2026-12-01T00:00:00Z' })
    expect(mayMarkNoShow(signup(), over)).toBe(true)
    expect(mayMarkNoShow(signup({ checkedInAt: '2026-11-30T23:00:00Z' }), over)).toBe(false)
    expect(mayMarkNoShow(signup(), activity({ endsAt: '2099-01-01T00:00:00Z' }))).toBe(false)
  })
})

describe('志愿队伍', () => {
  it('searches teams on the server, creates one, and adds a coordinator found in the registry', async () => {
    let teams = [team({ coordinators: [{ id: 'p9', name: '小周' }] })]
    const received = volunteeringStaff({
      VolunteerTeams: () => ({ data: { volunteerTeams: { ...connection(teams), totalCount: teams.length } } }),
      VolunteerTeamCreate: ({ name, description }) => {
        teams = [...teams, team({ id: 't2', name, description })]
        return payload('volunteerTeamCreate', { team: teams.at(-1) })
      },
      RegistryResidents: () => ({
        data: { registryResidents: { totalCount: 1, ...connection([{ residenceId: 'r1', address: '1栋1单元102', resident: { id: 'p7', displayName: '志愿者协调员 小赵' } }]) } },
      }),
      VolunteerTeamCoordinatorAdd: ({ teamId, personId }) => {
        teams = teams.map((t) => (t.id === teamId ? { ...t, coordinators: [...t.coordinators, { id: personId, name: '志愿者协调员 小赵' }] } : t))
        return payload('volunteerTeamCoordinatorAdd', { team: teams.find((t) => t.id === teamId) })
      },
    })
    wrapper = await openApp('/volunteering/teams')

    await vi.waitFor(async () => expect((await rowFind('team-coordinators')).text()).toBe('小周'))
    const search = await find('team-search')
    await search.setValue('阳光')
    search.element.closest('form').dispatchEvent(new Event('submit'))
    await vi.waitFor(() => expect(received.filter((r) => r.operation === 'VolunteerTeams').at(-1).variables).toMatchObject({ communityId: 'c1', search: '阳光', first: 20 }))

    await (await find('team-new')).trigger('click')
    await (await find('team-name')).setValue(' 银发护卫队 ')
    await (await find('team-save')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('已保存队伍「银发护卫队」'))
    expect(received.find((r) => r.operation === 'VolunteerTeamCreate').variables).toEqual({ communityId: 'c1', name: '银发护卫队', description: '' })

    await (await rowFind('team-coordinators-open')).trigger('click')
    const picker = await find('coordinator-person')
    await picker.find('input').setValue('小赵')
    await vi.waitFor(() => expect(received.some((r) => r.operation === 'RegistryResidents')).toBe(true))
    await choose('coordinator-person', '志愿者协调员 小赵 · 1栋1单元102')
    await (await find('coordinator-add')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('已将 志愿者协调员 小赵 设为「阳光志愿服务队」协调员'))
    expect(received.find((r) => r.operation === 'VolunteerTeamCoordinatorAdd').variables).toEqual({ teamId: 't1', personId: 'p7' })
  })
})

describe('志愿活动', () => {
  const listServer = (extra) => ({
    VolunteerActivities: () => ({ data: { volunteerActivities: { ...connection([activity({ state: 'DRAFT' })]), totalCount: 1 } } }),
    VolunteerTeams: () => ({ data: { volunteerTeams: connection([team()]) } }),
    RegistryEstates: () => ({ data: { registryEstates: [{ id: 'e1', name: '阳光花园' }] } }),
    RegistryBuildings: () => ({ data: { registryBuildings: [{ id: 'b1', name: '1栋', estateName: '阳光花园' }] } }),
    ...extra,
  })

  it('lists by state, and creates an activity with its team, time, building, capacity, skills and points', async () => {
    const received = volunteeringStaff(listServer({
      VolunteerActivityCreate: ({ input }) => payload('volunteerActivityCreate', { activity: activity({ ...input, state: 'DRAFT' }) }),
    }))
    wrapper = await openApp('/volunteering/activities')
    await vi.waitFor(async () => expect((await rowFind('activity-state')).text()).toBe('草稿'))
    await (await find('activity-tab-PUBLISHED')).find('input').setValue(true)
    await vi.waitFor(() => expect(received.filter((r) => r.operation === 'VolunteerActivities').at(-1).variables.state).toBe('PUBLISHED'))

    await (await find('activity-new')).trigger('click')
    await vi.waitFor(() => choose('activity-team', '阳光志愿服务队')) // once the dialog has its choices
    await (await find('activity-title')).setValue('敬老院陪伴')
    await vi.waitFor(() => choose('activity-building', '阳光花园 1栋'))
    await (await find('activity-skills')).setValue('陪护、聊天')
    const [starts, ends] = wrapper.findAllComponents({ name: 'ElDatePicker' })
    starts.vm.$emit('update:modelValue', new Date('2026-12-03T01:00:00Z'))
    ends.vm.$emit('update:modelValue', new Date('2026-12-03T03:00:00Z'))
    await (await find('activity-save')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('已保存活动「敬老院陪伴」'))
    expect(received.find((r) => r.operation === 'VolunteerActivityCreate').variables).toEqual({
      teamId: 't1',
      input: {
        title: '敬老院陪伴',
        description: '',
        startsAt: '2026-12-03T01:00:00.000Z',
        endsAt: '2026-12-03T03:00:00.000Z',
        buildingId: 'b1',
        capacity: 10,
        skills: ['陪护', '聊天'],
        pointsPerHour: 10,
      },
    })
  })

  it('publishes only once confirmed, and cancels with a reason after a second confirmation', async () => {
    const confirm = answerConfirmations(false)
    const received = volunteeringStaff(listServer({
      VolunteerActivityPublish: () => payload('volunteerActivityPublish', { activity: activity() }),
      VolunteerActivityCancel: () => payload('volunteerActivityCancel', { activity: activity({ state: 'CANCELLED' }) }),
    }))
    wrapper = await openApp('/volunteering/activities')
    await (await rowFind('activity-publish')).trigger('click')
    await vi.waitFor(() => expect(confirm).toHaveBeenCalledTimes(1))
    expect(confirm.mock.calls[0][0]).toContain('发布后居民即可看到并报名「敬老院陪伴」')
    expect(received.some((r) => r.operation === 'VolunteerActivityPublish')).toBe(false)

    confirm.mockImplementation(() => Promise.resolve('confirm'))
    await (await rowFind('activity-publish')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('已发布「敬老院陪伴」'))

    await (await rowFind('activity-cancel')).trigger('click')
    await (await find('activity-cancel-reason')).find('textarea').setValue('暴雨预警')
    await (await find('activity-cancel-reason-submit')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('已取消「敬老院陪伴」'))
    expect(confirm.mock.calls.at(-1)[0]).toContain('已报名的志愿者会收到通知')
    expect(received.find((r) => r.operation === 'VolunteerActivityCancel').variables).toEqual({ id: 'a1', reason: '暴雨预警' })
  })
})

describe('活动详情', () => {
  it('shows the roster by state with the waitlist order and hours, and marks a no-show once confirmed', async () => {
    const confirm = answerConfirmations(true)
    let rows = [
      signup({ id: 's1', state: 'APPROVED', checkedInAt: '2026-12-01T01:00:00Z', checkedOutAt: '2026-12-01T02:30:00Z', computedMinutes: 90, approvedMinutes: 90 }),
      signup({ id: 's2', state: 'SIGNED_UP', position: 2, personId: 'p2', personName: '张阿姨', noShowCount: 1 }),
      signup({ id: 's4', state: 'WAITLISTED', position: 5, personId: 'p4', personName: '李叔', noShowCount: 0 }),
      signup({ id: 's3', state: 'WAITLISTED', position: 3, personId: 'p3', personName: '王丽', noShowCount: 0 }),
    ]
    const received = volunteeringStaff({
      VolunteerActivity: () => ({ data: { volunteerActivity: activity({ state: 'FINISHED', endsAt: '2026-12-01T03:00:00Z' }) } }),
      VolunteerRoster: () => ({ data: { volunteerRoster: { ...connection(rows), totalCount: rows.length } } }),
      VolunteerNoShowMark: ({ signupId }) => {
        rows = rows.map((r) => (r.id === signupId ? { ...r, state: 'NO_SHOW' } : r))
        return payload('volunteerNoShowMark', { signup: rows.find((r) => r.id === signupId) })
      },
    })
    wrapper = await openApp('/volunteering/activities/a1')

    await vi.waitFor(() => expect(all('roster-state').map((s) => s.text())).toEqual(['已审核', '已报名', '候补中 第 2 位', '候补中 第 1 位']))
    expect((await rowFind('roster-hours')).text()).toBe('1.5 小时（已审核）')
    expect(all('checkin-panel')).toHaveLength(0) // no code once it is over
    expect(all('roster-no-show')).toHaveLength(1)
    await (await rowFind('roster-no-show')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('已将 张阿姨 记为未到场'))
    expect(confirm.mock.calls[0][0]).toContain('将 张阿姨 记为未到场')
    expect(received.find((r) => r.operation === 'VolunteerNoShowMark').variables).toEqual({ signupId: 's2' })
    await vi.waitFor(() => expect(all('roster-state').map((s) => s.text())).toContain('未到场'))
  })

  it('shows the check-in QR of a published activity and asks for the next code before this one expires', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    let issued = 0
    const received = volunteeringStaff({
      VolunteerActivity: () => ({ data: { volunteerActivity: activity() } }),
      VolunteerRoster: () => ({ data: { volunteerRoster: { ...connection([]), totalCount: 0 } } }),
      VolunteerCheckinCode: ({ purpose }) => {
        issued += 1
        return { data: { volunteerCheckinCode: { token: `tok${issued}`, expiresAt: '2026-12-03T01:01:00Z', qrText: `linli:checkin:tok${issued}-${purpose}` } } }
      },
    })
    wrapper = await openApp('/volunteering/activities/a1')

    await vi.waitFor(async () => expect((await find('checkin-qr')).attributes('data-qr-text')).toBe('linli:checkin:tok1-CHECK_IN'))
    expect((await find('checkin-qr')).find('svg').exists()).toBe(true)
    vi.advanceTimersByTime(50_000)
    await vi.waitFor(async () => expect((await find('checkin-qr')).attributes('data-qr-text')).toBe('linli:checkin:tok2-CHECK_IN'))
    await (await find('checkin-purpose-out')).find('input').setValue(true)
    await vi.waitFor(async () => expect((await find('checkin-qr')).attributes('data-qr-text')).toBe('linli:checkin:tok3-CHECK_OUT'))
    expect(received.filter((r) => r.operation === 'VolunteerCheckinCode').map((r) => r.variables)).toEqual([
      { activityId: 'a1', purpose: 'CHECK_IN' }, { activityId: 'a1', purpose: 'CHECK_IN' }, { activityId: 'a1', purpose: 'CHECK_OUT' },
    ])
  })
})

describe('时长审核', () => {
  const waiting = (overrides) => signup({
    checkedInAt: '2026-12-01T01:00:00Z',
    checkedOutAt: '2026-12-01T03:00:00Z',
    computedMinutes: 120,
    ...overrides,
  })

  it("disables the approver's own row, and approves fewer minutes once confirmed", async () => {
    const confirm = answerConfirmations(true)
    let rows = [waiting({ id: 's1' }), waiting({ id: 's2', personId: staffViewer.id, personName: '居委会 周主任' })]
    const received = volunteeringStaff({
      VolunteerApprovals: () => ({ data: { volunteerApprovals: { ...connection(rows), totalCount: rows.length } } }),
      VolunteerHoursApprove: ({ signupId }) => {
        rows = rows.filter((r) => r.id !== signupId)
        return payload('volunteerHoursApprove', { signup: waiting({ state: 'APPROVED' }) })
      },
    })
    wrapper = await openApp('/volunteering/approvals')

    await vi.waitFor(() => expect(all('approval-name').map((n) => n.text())).toEqual(['志愿者 小林', '居委会 周主任']))
    expect((await rowFind('approval-self')).text()).toBe('不能审批自己的志愿时长')
    expect(all('approval-approve').map((b) => b.attributes('disabled') !== undefined)).toEqual([false, true])

    await all('approval-approve')[0].trigger('click')
    const minutes = await find('approve-minutes')
    await minutes.find('input').setValue('90')
    await minutes.find('input').trigger('change')
    await (await find('approve-submit')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('已通过 志愿者 小林 的 1.5 小时'))
    expect(confirm.mock.calls[0][0]).toContain('记入 1.5 小时志愿时长及相应积分')
    expect(received.find((r) => r.operation === 'VolunteerHoursApprove').variables).toEqual({ signupId: 's1', minutes: 90 })
    await vi.waitFor(() => expect(all('approval-name').map((n) => n.text())).toEqual(['居委会 周主任']))
  })

  it("keeps a refused rejection's reason dialog open with the server's words", async () => {
    answerConfirmations(true)
    volunteeringStaff({
      VolunteerApprovals: () => ({ data: { volunteerApprovals: { ...connection([waiting({ id: 's1' })]), totalCount: 1 } } }),
      VolunteerHoursReject: () => refusal('volunteerHoursReject', '该报名已审核，不能重复审核'),
    })
    wrapper = await openApp('/volunteering/approvals')
    await (await rowFind('approval-reject')).trigger('click')
    await (await find('reject-reason')).find('textarea').setValue('未在岗')
    await (await find('reject-reason-submit')).trigger('click')
    await vi.waitFor(async () => expect(await textOf('dialog-error')).toBe('该报名已审核，不能重复审核'))
  })

  it('is in the menu of a coordinator, whose menu has no 志愿队伍', async () => {
    volunteeringStaff({ VolunteerApprovals: () => ({ data: { volunteerApprovals: { ...connection([]), totalCount: 0 } } }) }, ['VOLUNTEER_COORDINATE'])
    wrapper = await openApp('/volunteering/approvals')
    await vi.waitFor(() => expect(document.body.textContent).toContain('没有待审核的志愿时长'))
    const menu = [...document.querySelectorAll('.el-menu-item')].map((m) => m.textContent.trim())
    expect(menu).toEqual(expect.arrayContaining(['志愿活动', '时长审核']))
    expect(menu).not.toContain('志愿队伍')
  })
})
