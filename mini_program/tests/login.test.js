const { installWx, until, WX_LOGIN_CODE } = require('./helpers/wx')
const { fakeBackend } = require('./helpers/fakeBackend')
const { openPage, textOf, accountLabels, accountButton } = require('./helpers/pages')
const tokenStore = require('../utils/tokenStore')

let backend

beforeEach(() => {
  backend = fakeBackend({ handles: ['resident'] })
  installWx(backend.serve)
})

test('shows every demo account and the privacy notice', async () => {
  const page = await openPage('login')

  expect(accountLabels(page)).toEqual(['居民', '长者', '家属', '志愿者', '居委会工作人员', '网格员', '物业人员', '服务商'])
  expect(textOf(page)).toContain('隐私政策')
})

test('tapping an account signs in and opens the home page', async () => {
  const page = await openPage('login')

  accountButton(page, '居民').dispatchEvent('tap')

  await until(() => expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index' }))
  expect(backend.calls[0].variables).toEqual({ handle: 'resident' })
  expect(tokenStore.getTokens()).toMatchObject({ accessToken: 'access-1', refreshToken: 'refresh-1' })
})

test('the tapped account shows it is signing in, and a second tap waits', async () => {
  wx.request.mockImplementation(() => {}) // a server that has not answered yet
  const page = await openPage('login')

  accountButton(page, '居民').dispatchEvent('tap')
  accountButton(page, '志愿者').dispatchEvent('tap')

  await until(() => expect(accountButton(page, '居民').dom.textContent).toContain('正在登录…'))
  expect(wx.request).toHaveBeenCalledTimes(1)
})

test("the server's refusal is shown on the page and nothing is stored", async () => {
  const page = await openPage('login')

  accountButton(page, '长者').dispatchEvent('tap')

  await until(() => expect(page.querySelector('.error').dom.textContent).toBe('演示账号不存在'))
  expect(tokenStore.getTokens()).toBeNull()
  expect(wx.reLaunch).not.toHaveBeenCalled()
})

describe('微信一键登录', () => {
  test("sends wx.login's code to authWechatLogin and stores the tokens", async () => {
    const page = await openPage('login')

    page.querySelector('.wechat-login').dispatchEvent('tap')

    await until(() => expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index' }))
    expect(backend.calls[0]).toMatchObject({ operationName: 'WechatLogin', variables: { code: WX_LOGIN_CODE } })
    expect(tokenStore.getTokens()).toMatchObject({ accessToken: 'access-1', refreshToken: 'refresh-1' })
  })

  test('a failed wx.login is shown and nothing is sent', async () => {
    wx.login.mockImplementation((options) => options.fail({ errMsg: 'login:fail' }))
    const page = await openPage('login')

    page.querySelector('.wechat-login').dispatchEvent('tap')

    await until(() => expect(page.querySelector('.error').dom.textContent).toBe('微信登录失败，请稍后再试'))
    expect(backend.calls).toEqual([])
  })
})

describe('the privacy notice', () => {
  beforeEach(() => {
    backend = fakeBackend({ viewer: { privacyConsentGiven: false } })
    installWx(backend.serve)
  })

  async function signInWithWechat() {
    const page = await openPage('login')
    page.querySelector('.wechat-login').dispatchEvent('tap')
    await until(() => expect(page.querySelector('.consent')).toBeDefined())
    return page
  }

  test('is shown after sign-in to someone who has not accepted it', async () => {
    const page = await signInWithWechat()

    expect(textOf(page.querySelector('.consent'))).toContain('隐私政策')
    expect(page.querySelector('.wechat-login')).toBeUndefined()
    expect(wx.reLaunch).not.toHaveBeenCalled()
  })

  // 同意 is WeChat's agreePrivacyAuthorization button: the one tap is WeChat's consent, and its
  // handler records the platform's.
  test('同意 records the consent and opens the home page', async () => {
    const page = await signInWithWechat()

    page.querySelector('.agree').dispatchEvent('agreeprivacyauthorization')

    await until(() => expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index' }))
    expect(backend.calls.at(-1)).toMatchObject({
      operationName: 'PrivacyConsentRecord',
      variables: { version: '2026-11', channel: 'mini_program' },
      authorization: 'Bearer access-1',
    })
  })

  test('declining signs out', async () => {
    const page = await signInWithWechat()

    page.querySelector('.decline').dispatchEvent('tap')

    await until(() => expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' }))
    expect(backend.operations()).toEqual(['WechatLogin', 'Viewer', 'Logout'])
    expect(tokenStore.getTokens()).toBeNull()
  })
})
