// 登录设备: my signed-in devices, this one first, and ending the others.
const { installWx, until } = require('./helpers/wx')
const { fakeBackend } = require('./helpers/fakeBackend')
const { openPage, textOf } = require('./helpers/pages')
const tokenStore = require('../utils/tokenStore')

const WECHAT_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) MicroMessenger/8.0.50 miniProgram'
const BROWSER_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0'

let backend
let sessions

beforeEach(() => {
  backend = fakeBackend()
  installWx(backend.serve)
  tokenStore.setTokens(backend.issueTokens())
  sessions = [
    { id: 's-2', method: 'sms', userAgent: BROWSER_UA, createdAt: '2026-11-02T02:00:00+00:00', lastUsedAt: '2026-11-04T02:00:00+00:00', current: false },
    { id: 's-1', method: 'wechat', userAgent: WECHAT_UA, createdAt: '2026-11-01T02:00:00+00:00', lastUsedAt: '2026-11-03T02:00:00+00:00', current: true },
  ]
  backend.answer('Sessions', () => ({ viewer: { id: 'u-1', sessions } }))
  backend.answer('SessionRevoke', ({ id }) => {
    sessions = sessions.filter((s) => s.id !== id)
    return { sessionRevoke: { ok: true, errors: [] } }
  })
})

const texts = (page, selector) => page.querySelectorAll(selector).map(textOf)
const revokes = () => backend.calls.filter((c) => c.operationName === 'SessionRevoke')

test('lists my devices, this one first as 本机, which cannot be ended here', async () => {
  const page = await openPage('sessions')

  expect(texts(page, '.device-name')).toEqual(['微信小程序本机', '电脑浏览器'])
  const [thisPhone, computer] = page.querySelectorAll('.device')
  expect(textOf(thisPhone)).toContain('微信登录')
  expect(textOf(computer)).toContain('短信验证码登录')
  expect(textOf(computer)).toMatch(/最近使用 2026-11-0[34] \d\d:\d\d/)
  expect(page.querySelectorAll('.end')).toHaveLength(1)
})

test('ending a device asks first, then signs it out and says so', async () => {
  wx.showModal.mockImplementationOnce((options) => options.success({ confirm: false, cancel: true }))
  const page = await openPage('sessions')

  page.querySelector('.end').dispatchEvent('tap')
  await until(() => expect(wx.showModal).toHaveBeenCalledTimes(1))
  expect(wx.showModal.mock.calls[0][0].content).toContain('电脑浏览器')
  expect(revokes()).toEqual([])

  page.querySelector('.end').dispatchEvent('tap')

  await until(() => expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已退出该设备' })))
  expect(revokes()).toEqual([expect.objectContaining({ variables: { id: 's-2' } })])
  await until(() => expect(texts(page, '.device-name')).toEqual(['微信小程序本机']))
})

test('a refusal is shown and the device stays listed', async () => {
  backend.answer('SessionRevoke', () => ({
    sessionRevoke: { ok: false, errors: [{ code: 'NOT_FOUND', field: null, message: '找不到该登录设备' }] },
  }))
  const page = await openPage('sessions')

  page.querySelector('.end').dispatchEvent('tap')

  await until(() => expect(textOf(page.querySelector('.error'))).toBe('找不到该登录设备'))
  expect(wx.showToast).not.toHaveBeenCalled()
  expect(page.querySelectorAll('.device')).toHaveLength(2)
})
