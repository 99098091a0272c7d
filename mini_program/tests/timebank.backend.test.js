// 时间银行 against the real backend (the seeded 阳光社区: 王爷爷 holds 5 h and his ID number says he is
// of age): his daughter 王丽, signed in and acting for him (代办), asks for a ride to the clinic on the
// request page; 志愿者 小林 books it (his minutes held for her); she sees the hold on the request's
// page and confirms it done after the dialog; 小林 has the 90 minutes.
const { until } = require('./helpers/wx')
const { openPage, textOf, choose } = require('./helpers/pages')
const { useRealBackend, signIn } = require('./helpers/realBackend')
const session = require('../utils/session')

const { graphql } = useRealBackend()

const idle = (page) => until(() => expect(page.instance.data.busy).toBe(false), 10000)
const toasted = (title) => expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title }))

async function demo(handle) {
  const { authDemoLogin } = await graphql('DemoLogin', { handle })
  const token = authDemoLogin.tokens.accessToken
  const { viewer } = await graphql('Viewer', {}, token)
  return { token, id: viewer.id, communityId: viewer.memberships[0].community.id }
}

test('a relative acting for the elder asks for help → a volunteer books → the hold → she confirms → he is paid', async () => {
  const elder = await demo('elder')
  const volunteer = await demo('volunteer')
  const { timebankAccount: before } = await graphql('TimebankAccount', { communityId: elder.communityId },
    elder.token)
  await signIn('家属')
  session.setActingFor({ id: elder.id, name: '王爷爷' })

  const form = await openPage('request', { communityId: elder.communityId })
  expect(textOf(form.querySelector('.acting-for'))).toBe('代 王爷爷 发布，使用 王爷爷 的时长')
  choose(form, '.kinds', '陪诊')
  form.querySelector('.title-input').dispatchEvent('input', { detail: { value: '陪王爷爷去社区医院复诊' } })
  form.querySelector('.place-input').dispatchEvent('input', { detail: { value: '社区医院' } })
  choose(form, '.minutes', '1 小时 30 分钟')
  await until(() => expect(form.instance.data.form.minutes).toBe('90'))
  form.querySelector('.submit').dispatchEvent('tap')
  await until(() => expect(wx.redirectTo).toHaveBeenCalled(), 10000)
  toasted('已发布')
  const requestId = wx.redirectTo.mock.calls[0][0].url.split('id=')[1]

  const { timebankRequestBook: booked } = await graphql('TimebankRequestBook', { id: requestId }, volunteer.token)
  expect(booked.errors).toEqual([])

  const page = await openPage('request', { id: requestId })
  await idle(page)
  expect(textOf(page.querySelector('.hold'))).toBe('时长已冻结，确认完成后转给帮助者')
  expect(textOf(page.querySelector('.acting-for'))).toBe('代 王爷爷 确认')
  page.querySelector('.confirm-done').dispatchEvent('tap')
  await until(() => expect(textOf(page.querySelector('.hold'))).toBe('时长已转给帮助者'), 10000)
  toasted('已确认')
  expect(page.instance.data.view.history.map((h) => h.line.split(' ').slice(2).join(' '))).toEqual([
    '志愿者 小林已预约', '王爷爷的女儿 王丽（代 王爷爷）已完成'])

  const { timebankAccount: paid } = await graphql('TimebankAccount', { communityId: volunteer.communityId },
    volunteer.token)
  expect(paid.minutes).toBe(90)
  const { timebankAccount: left } = await graphql('TimebankAccount', { communityId: elder.communityId }, elder.token)
  expect((({ minutes, heldMinutes }) => ({ minutes, heldMinutes }))(left)).toEqual({ minutes: before.minutes - 90, heldMinutes: 0 })
  session.setActingFor(null)
})
