// 时间银行 (mocked backend): the hub with my hours and the open board; a relative acting for 王爷爷
// asks for help (代发布, paid with his minutes) and later confirms it, after a confirmation dialog;
// a helper books; giving minutes to the pool shows the cap and asks first. 长辈模式 and contrast are
// app.test.js's, for these pages as for every page.
const { installWx, until } = require('./helpers/wx')
const { fakeBackend, ELDER } = require('./helpers/fakeBackend')
const { openPage, textOf, choose } = require('./helpers/pages')
const tokenStore = require('../utils/tokenStore')
const session = require('../utils/session')

let backend
const calls = (name) => backend.calls.filter((c) => c.operationName === name)
const toasted = (title) => expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title }))
const idle = (page) => until(() => expect(page.instance.data.busy).toBeFalsy())
const texts = (page, selector) => page.querySelectorAll(selector).map(textOf)

const REQUEST = {
  id: 'tr-1', kind: 'CLINIC', title: '陪王爷爷去社区医院复诊', description: '', placeName: '阳光花园 1栋',
  startsAt: '2026-12-05T01:00:00+00:00', minutes: 90, skills: ['陪诊'], state: 'OPEN', requesterName: '王爷爷',
  helperName: null, bookedAt: null, completedAt: null, cancelledAt: null, cancelReason: null,
  createdAt: '2026-12-02T01:00:00+00:00',
}
const ACCOUNT = {
  minutes: 240, heldMinutes: 90, incomingMinutes: 0, cap: 12000, headroom: 11670, poolMinutes: 100,
  withdrawalAge: 65, eligible: true, eligibilityNote: null,
}
const page = (nodes) => ({ nodes, pageInfo: { hasNextPage: false, endCursor: null }, totalCount: nodes.length })

beforeEach(() => {
  backend = fakeBackend()
  installWx(backend.serve)
  tokenStore.setTokens(backend.issueTokens())
  backend.answer('TimebankAccount', () => ({ timebankAccount: ACCOUNT }))
  backend.answer('TimebankRequests', () => ({ timebankRequests: page([REQUEST]) }))
  backend.answer('TimebankOffers', () => ({ timebankOffers: page([]) }))
})

afterEach(() => session.setActingFor(null))

test('the hub shows my hours, what is held, and the open requests, which open their page', async () => {
  const hub = await openPage('timebank', { communityId: 'c-1' })
  await idle(hub)
  expect(textOf(hub.querySelector('.balance'))).toBe('4 小时')
  expect(textOf(hub.querySelector('.held'))).toBe('冻结中 1 小时 30 分钟')
  expect(texts(hub, '.row-title')).toEqual(['陪王爷爷去社区医院复诊'])
  expect(texts(hub, '.request-row .hint')[0]).toBe('12月5日 09:00 · 1 小时 30 分钟 · 阳光花园 1栋')
  hub.querySelector('.request-row').dispatchEvent('tap')
  hub.querySelector('.ask').dispatchEvent('tap')
  await until(() => expect(wx.navigateTo.mock.calls.map(([{ url }]) => url)).toEqual([
    '/volunteer/pages/request/index?id=tr-1', '/volunteer/pages/request/index?communityId=c-1']))
})

test('acting for 王爷爷, the relative asks for help for him and is taken to the request', async () => {
  session.setActingFor({ id: ELDER.id, name: ELDER.displayName })
  backend.answer('TimebankRequestCreate', () => ({ timebankRequestCreate: { request: REQUEST, errors: [] } }))
  const form = await openPage('request', { communityId: 'c-1' })
  expect(textOf(form.querySelector('.acting-for'))).toBe('代 王爷爷 发布，使用 王爷爷 的时长')
  choose(form, '.kinds', '陪诊')
  form.querySelector('.title-input').dispatchEvent('input', { detail: { value: '陪王爷爷去社区医院复诊' } })
  form.querySelector('.place-input').dispatchEvent('input', { detail: { value: '阳光花园 1栋' } })
  choose(form, '.minutes', '1 小时 30 分钟')
  await until(() => expect(form.instance.data.form.minutes).toBe('90'))
  form.querySelector('.submit').dispatchEvent('tap')
  await until(() => expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/volunteer/pages/request/index?id=tr-1' }))
  toasted('已发布')
  const [call] = calls('TimebankRequestCreate')
  expect(call.actingFor).toBe(ELDER.id)
  expect(call.variables.input).toMatchObject({ kind: 'CLINIC', minutes: 90, place: { text: '阳光花园 1栋' } })
})

test('a helper books an open request after confirming; the proxy of its requester confirms it done', async () => {
  let detail = { request: REQUEST, mine: false, helping: false, asStaff: false, holdState: null, events: [] }
  backend.answer('TimebankRequest', () => ({ timebankRequest: detail }))
  backend.answer('TimebankRequestBook', () => {
    detail = { ...detail, helping: true, holdState: 'PENDING', request: { ...REQUEST, state: 'BOOKED', helperName: '志愿者 小林' },
      events: [{ fromState: 'OPEN', toState: 'BOOKED', actorName: '志愿者 小林', actingForName: null, reason: null, at: REQUEST.createdAt }] }
    return { timebankRequestBook: { request: detail.request, errors: [] } }
  })
  const request = await openPage('request', { id: 'tr-1' })
  await idle(request)
  request.querySelector('.book').dispatchEvent('tap')
  await until(() => expect(textOf(request.querySelector('.hold'))).toBe('时长已冻结，确认完成后转给帮助者'))
  expect(wx.showModal.mock.calls.at(-1)[0].title).toBe('预约这项需求')
  toasted('已预约')
  expect(request.querySelector('.book')).toBeUndefined()

  session.setActingFor({ id: ELDER.id, name: ELDER.displayName })
  detail = { ...detail, mine: true, helping: false }
  backend.answer('TimebankRequestConfirm', () => {
    detail = { ...detail, holdState: 'POSTED', request: { ...detail.request, state: 'COMPLETED' } }
    return { timebankRequestConfirm: { request: detail.request, errors: [] } }
  })
  const mine = await openPage('request', { id: 'tr-1' })
  await idle(mine)
  expect(textOf(mine.querySelector('.acting-for'))).toBe('代 王爷爷 确认')
  mine.querySelector('.confirm-done').dispatchEvent('tap')
  await until(() => expect(textOf(mine.querySelector('.hold'))).toBe('时长已转给帮助者'))
  toasted('已确认')
  expect(calls('TimebankRequestConfirm')[0].actingFor).toBe(ELDER.id)
})

test('giving minutes to the pool shows the cap, asks first, and a refusal is shown in the words of the server', async () => {
  backend.answer('TimebankFamily', () => ({ timebankFamily: [{ id: ELDER.id, displayName: '王爷爷' }] }))
  let refuse = true
  backend.answer('HoursDonate', () => ({
    hoursDonate: refuse
      ? { donation: null, errors: [{ code: 'INVALID_INPUT', field: 'minutes', message: '超出对方的时间存储上限（对方还可接收 30 分钟）' }] }
      : { donation: { id: 'd-1', minutes: 60, toPool: true, recipientName: null, createdAt: REQUEST.createdAt }, errors: [] },
  }))
  const donate = await openPage('donate', { communityId: 'c-1' })
  await idle(donate)
  expect(textOf(donate.querySelector('.cap'))).toBe('每人最多存储 200 小时，超出部分转入互助池')
  choose(donate, '.recipients', '王爷爷')
  await until(() => expect(donate.instance.data.to).toBe(ELDER.id))
  donate.querySelector('.give').dispatchEvent('tap')
  await until(() => expect(textOf(donate.querySelector('.error'))).toBe('超出对方的时间存储上限（对方还可接收 30 分钟）'))
  refuse = false
  choose(donate, '.recipients', '社区互助池')
  await until(() => expect(donate.instance.data.to).toBe('pool'))
  donate.querySelector('.give').dispatchEvent('tap')
  await until(() => toasted('已赠与'))
  expect(wx.showModal.mock.calls.at(-1)[0].content).toBe('将 1 小时 赠与社区互助池，赠出后不能撤回。')
  expect(calls('HoursDonate').at(-1).variables).toMatchObject({ toPool: true, minutes: 60 })
})
