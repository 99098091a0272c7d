const { installWx, until } = require('./helpers/wx')
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
