// Subscribe messages (订阅消息): the taps that may ask WeChat for a one-time service notification
// (opening the notices from home, 提交申请, 我已知晓), and what the server is told.
const { installWx, until, NOTICE_TEMPLATE_ID } = require('./helpers/wx')
const { fakeBackend } = require('./helpers/fakeBackend')
const { openPage, textOf } = require('./helpers/pages')
const tokenStore = require('../utils/tokenStore')

let backend

beforeEach(() => {
  backend = fakeBackend()
  installWx(backend.serve)
  tokenStore.setTokens(backend.issueTokens())
})

const callsOf = (operationName) => backend.calls.filter((c) => c.operationName === operationName)

// The user answers the subscribe dialog with `answer` ('accept' or 'reject') for every template.
function userAnswers(answer) {
  wx.requestSubscribeMessage.mockImplementation((options) => options.success({
    errMsg: 'requestSubscribeMessage:ok',
    ...Object.fromEntries(options.tmplIds.map((id) => [id, answer])),
  }))
}

// WeChat refuses to ask (no tap, template unknown, the user turned subscriptions off…).
function askingFails() {
  wx.requestSubscribeMessage.mockImplementation((options) => options.fail({ errCode: 20004, errMsg: 'requestSubscribeMessage:fail' }))
}

async function tapNoticesOnHome() {
  const home = await openPage('home')
  home.querySelector('.notices-entry').dispatchEvent('tap')
  await until(() => expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/notices/pages/notices/index' }))
}

test('opening the notices asks for the notice template; an accepted one is granted', async () => {
  userAnswers('accept')

  await tapNoticesOnHome()

  expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1)
  expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual([NOTICE_TEMPLATE_ID])
  await until(() => expect(callsOf('WechatSubscribeGrant')).toHaveLength(1))
  expect(callsOf('WechatSubscribeGrant')[0].variables).toEqual({ templateIds: [NOTICE_TEMPLATE_ID] })
  expect(backend.subscribeCredits).toEqual({ [NOTICE_TEMPLATE_ID]: 1 })
})

test('a rejected template sends nothing to the server', async () => {
  userAnswers('reject')

  await tapNoticesOnHome()

  expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(1)
  await new Promise((resolve) => setTimeout(resolve, 20))
  expect(callsOf('WechatSubscribeGrant')).toHaveLength(0)
})

test('a failing requestSubscribeMessage still opens the notice list', async () => {
  askingFails()

  await tapNoticesOnHome()

  expect(callsOf('WechatSubscribeGrant')).toHaveLength(0)
})

test('a requestSubscribeMessage that throws still opens the notice list', async () => {
  wx.requestSubscribeMessage.mockImplementation(() => { throw new Error('not supported') })

  await tapNoticesOnHome()
})

test('a failing grant does not stop the notice list either', async () => {
  userAnswers('accept')
  backend.answer('WechatSubscribeGrant', () => ({
    wechatSubscribeGrant: { ok: false, errors: [{ code: 'INVALID_INPUT', field: 'templateIds', message: '订阅模板无效' }] },
  }))

  await tapNoticesOnHome()

  await until(() => expect(callsOf('WechatSubscribeGrant')).toHaveLength(1))
})

test('提交申请 asks, and the application is sent whatever the answer', async () => {
  userAnswers('accept')
  backend.answer('DirectoryCommunities', () => ({ directoryCommunities: [] }))
  backend.answer('ResidenceApply', () => ({ residenceApply: { application: { id: 'a-1', status: 'PENDING' }, errors: [] } }))
  const page = await openPage('apply')
  page.setData({ communityId: 'c-1', roomCode: 'YG-1-1-102', role: 'TENANT' })

  page.querySelector('.submit').dispatchEvent('tap')

  await until(() => expect(textOf(page.querySelector('.done'))).toContain('已提交'))
  expect(wx.requestSubscribeMessage.mock.calls[0][0].tmplIds).toEqual([NOTICE_TEMPLATE_ID])
  await until(() => expect(callsOf('WechatSubscribeGrant')).toHaveLength(1))
})

test('提交申请 is sent even when asking fails', async () => {
  askingFails()
  backend.answer('DirectoryCommunities', () => ({ directoryCommunities: [] }))
  backend.answer('ResidenceApply', () => ({ residenceApply: { application: { id: 'a-1', status: 'PENDING' }, errors: [] } }))
  const page = await openPage('apply')
  page.setData({ communityId: 'c-1', roomCode: 'YG-1-1-102', role: 'TENANT' })

  page.querySelector('.submit').dispatchEvent('tap')

  await until(() => expect(textOf(page.querySelector('.done'))).toContain('已提交'))
  expect(callsOf('WechatSubscribeGrant')).toHaveLength(0)
})

test('我已知晓 asks, and acknowledges whatever the answer', async () => {
  backend.sendNotices([{ id: 'n-1', title: '燃气安全检查', mustAcknowledge: true }, { id: 'n-2', title: '电梯检修', mustAcknowledge: true }])

  userAnswers('accept')
  const accepted = await openPage('notice', { id: 'n-1' })
  accepted.querySelector('.acknowledge').dispatchEvent('tap')
  await until(() => expect(accepted.querySelector('.acknowledged')).toBeDefined())
  await until(() => expect(callsOf('WechatSubscribeGrant')).toHaveLength(1))

  askingFails()
  const failed = await openPage('notice', { id: 'n-2' })
  failed.querySelector('.acknowledge').dispatchEvent('tap')
  await until(() => expect(failed.querySelector('.acknowledged')).toBeDefined())
  expect(wx.requestSubscribeMessage).toHaveBeenCalledTimes(2)
  expect(callsOf('WechatSubscribeGrant')).toHaveLength(1)
  expect(backend.notice('n-2').acknowledgedAt).not.toBeNull()
})

test('only the tap asks: opening the pages does not', async () => {
  backend.sendNotices([{ id: 'n-1', title: '燃气安全检查', mustAcknowledge: true }])
  await openPage('home')
  await openPage('notices')
  await openPage('notice', { id: 'n-1' })
  expect(wx.requestSubscribeMessage).not.toHaveBeenCalled()
})
