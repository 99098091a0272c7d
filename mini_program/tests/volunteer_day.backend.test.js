// A volunteer's day against the real backend (SQLite, the real clock): the committee sets up a team
// and an activity starting in a few seconds (as the console would), 志愿者 小林 signs up and checks in
// and out with the scanned text of the coordinator's codes, the coordinator approves his minute, and
// in the mini-program his points show in 积分商城; he redeems a reward and sees its pickup code.
// hB's activity and scan pages are not on this branch: signing up and the scans go through the same
// operations those pages send (VolunteerSignup, VolunteerCheckIn, VolunteerCheckOut).
const { until } = require('./helpers/wx')
const { openPage, textOf } = require('./helpers/pages')
const { useRealBackend, signIn } = require('./helpers/realBackend')

const { graphql } = useRealBackend()

jest.setTimeout(240000) // the activity must have run a minute of real time

const token = async (handle) => (await graphql('DemoLogin', { handle })).authDemoLogin.tokens.accessToken
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms) })

async function payload(data) {
  const value = Object.values(data)[0]
  expect(value.errors).toEqual([])
  return value
}

test('sign up, check in by the scanned code, approved: the points show in the mall and redeem for a pickup code', async () => {
  const committee = await token('committee')
  const coordinator = await token('coordinator')
  const volunteer = await token('volunteer')
  const { viewer } = await graphql('Viewer', {}, volunteer)
  const communityId = viewer.memberships[0].community.id
  const coordinatorId = (await graphql('Viewer', {}, coordinator, 'admin')).viewer.id

  const team = await payload(await graphql('VolunteerTeamCreate', { communityId, name: '助老服务队', description: '陪伴' }, committee, 'admin'))
  await payload(await graphql('VolunteerTeamCoordinatorAdd', { teamId: team.team.id, personId: coordinatorId }, committee, 'admin'))
  const starts = new Date(Date.now() + 20000)
  const { activity } = await payload(await graphql('VolunteerActivityCreate', { teamId: team.team.id, input: {
    title: '敬老院陪伴', description: '陪老人聊天', startsAt: starts.toISOString(),
    endsAt: new Date(starts.getTime() + 30 * 60000).toISOString(), placeText: '社区服务中心', capacity: 5,
    skills: ['陪伴'], pointsPerHour: 600 } }, committee, 'admin'))
  await payload(await graphql('VolunteerActivityPublish', { id: activity.id }, committee, 'admin'))
  await payload(await graphql('RewardCreate', { communityId, input: { name: '志愿者纪念徽章', description: '社区定制', cost: 10, stock: 3 } }, committee, 'admin'))

  const { signup } = await payload(await graphql('VolunteerSignup', { activityId: activity.id }, volunteer))
  const scan = async (purpose) => (await graphql('VolunteerCheckinCode', { activityId: activity.id, purpose }, coordinator, 'admin')).volunteerCheckinCode.qrText
  await payload(await graphql('VolunteerCheckIn', { qrText: await scan('CHECK_IN'), activityId: activity.id }, volunteer))
  await sleep(Math.max(0, starts.getTime() + 65000 - Date.now())) // hours count from the start
  const out = await payload(await graphql('VolunteerCheckOut', { qrText: await scan('CHECK_OUT') }, volunteer))
  expect(out.signup.computedMinutes).toBe(1)
  const approved = await payload(await graphql('VolunteerHoursApprove', { signupId: signup.id, minutes: 1 }, coordinator, 'admin'))
  expect(approved.signup.points).toBe(10)

  await signIn('志愿者')
  const mall = await openPage('mall')
  await until(() => expect(mall.querySelectorAll('.reward-name').map(textOf)).toContain('志愿者纪念徽章'), 10000)
  const points = Number(textOf(mall.querySelector('.balance-points')))
  expect(points).toBeGreaterThanOrEqual(10)
  const badge = mall.instance.data.items.find((r) => r.name === '志愿者纪念徽章')

  const reward = await openPage('reward', { id: badge.id, communityId })
  await until(() => expect(textOf(reward.querySelector('.reward-name'))).toBe('志愿者纪念徽章'), 10000)
  reward.querySelector('.redeem').dispatchEvent('tap')
  await until(() => expect(textOf(reward.querySelector('.pickup-code'))).toMatch(/^\d{6}$/), 10000)
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '兑换成功' }))
  const code = textOf(reward.querySelector('.pickup-code'))

  const mine = await openPage('redemptions')
  await until(() => expect(textOf(mine.querySelector('.pickup-code'))).toBe(code), 10000)
  const { pointsBalance } = await graphql('Rewards', { communityId, first: 1 }, volunteer)
  expect(pointsBalance).toEqual({ points: points - 10, held: 10 })
})
