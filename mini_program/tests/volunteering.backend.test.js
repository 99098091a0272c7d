// 志愿活动 against the real backend: the committee sets up a team with 小赵 as coordinator, who (as
// the console would) creates an activity of it that starts in ten minutes and publishes it; 志愿者 小林 signs up on its page, scans the
// check-in code the coordinator's screen shows (fetched as the coordinator, then handed to
// wx.scanCode), is checked in, scans a check-out code and is checked out; a stale QR of another
// text is refused before the server is asked.
const { until } = require('./helpers/wx')
const { openPage, textOf } = require('./helpers/pages')
const { useRealBackend, signIn } = require('./helpers/realBackend')

const { graphql } = useRealBackend()

// A console user signed in with their password, as the console signs in.
async function staffMember(username, role) {
  const { authPasswordLogin } = await graphql('StaffLogin', { username, password: 'Linli@2026' }, null, 'admin')
  const token = authPasswordLogin.tokens.accessToken
  const { viewer } = await graphql('Viewer', {}, token, 'admin')
  const communityId = viewer.memberships.find((m) => m.role === role).community.id
  const act = async (operation, variables) => {
    const payload = Object.values(await graphql(operation, variables, token, 'admin'))[0]
    expect(payload.errors).toEqual([])
    return payload
  }
  const query = (operation, variables) => graphql(operation, variables, token, 'admin')
  return { act, query, communityId, id: viewer.id }
}

const idle = (page) => until(() => expect(page.instance.data.busy).toBe(false), 10000)
const toasted = (title) => expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title }))

async function tap(page, selector, check) {
  page.querySelector(selector).dispatchEvent('tap')
  await until(check, 10000)
  await idle(page)
}

test('sign up → scan the coordinator\'s check-in code → checked in → scan the check-out code → checked out', async () => {
  // The committee sets up a team with 小赵 as its coordinator, who then runs the activity.
  const committee = await staffMember('committee', 'COMMITTEE_STAFF')
  const staff = await staffMember('coordinator', 'VOLUNTEER_COORDINATOR')
  const { team } = await committee.act('VolunteerTeamCreate', { communityId: committee.communityId, name: `清洁队${Date.now() % 100000}` })
  await committee.act('VolunteerTeamCoordinatorAdd', { teamId: team.id, personId: staff.id })
  const startsAt = new Date(Date.now() + 10 * 60000)
  const title = `楼道清洁 ${Date.now() % 100000}`
  const { activity } = await staff.act('VolunteerActivityCreate', {
    teamId: team.id,
    input: {
      title, description: '清理楼道杂物', startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 60 * 60000).toISOString(), placeText: '1栋楼道',
      capacity: 5, skills: [], pointsPerHour: 10,
    },
  })
  await staff.act('VolunteerActivityPublish', { id: activity.id })

  await signIn('志愿者')
  const page = await openPage('activity', { id: activity.id })
  await until(() => expect(page.querySelector('.sign-up')).toBeDefined(), 10000)
  expect(textOf(page.querySelector('.activity-title'))).toBe(title)
  await tap(page, '.sign-up', () => toasted('报名成功'))
  expect(textOf(page.querySelector('.my-signup'))).toBe('我的报名：已报名')

  const scan = await openPage('scan', { purpose: 'CHECK_IN' })
  wx.scanCode = jest.fn((options) => options.success({ result: 'https://example.com/poster' }))
  await tap(scan, '.scan-in', () => expect(textOf(scan.querySelector('.error'))).toContain('这不是志愿活动的签到码'))

  const checkIn = (await staff.query('VolunteerCheckinCode', { activityId: activity.id, purpose: 'CHECK_IN' })).volunteerCheckinCode
  expect(checkIn.qrText).toMatch(/^linli:checkin:/)
  wx.scanCode = jest.fn((options) => options.success({ result: checkIn.qrText }))
  await tap(scan, '.scan-in', () => toasted('签到成功'))
  expect(textOf(scan.querySelector('.result-title'))).toBe('签到成功')

  const checkOut = (await staff.query('VolunteerCheckinCode', { activityId: activity.id, purpose: 'CHECK_OUT' })).volunteerCheckinCode
  const out = await openPage('scan', { purpose: 'CHECK_OUT' })
  wx.scanCode = jest.fn((options) => options.success({ result: checkIn.qrText })) // the check-in code again: wrong purpose
  await tap(out, '.scan-out', () => expect(out.querySelector('.error')).toBeDefined())
  wx.scanCode = jest.fn((options) => options.success({ result: checkOut.qrText }))
  await tap(out, '.scan-out', () => toasted('签退成功'))

  await page.instance.load()
  expect(textOf(page.querySelector('.my-signup'))).toBe('我的报名：已签退，待审核')
}, 60000)
