const { installWx, until } = require('./helpers/wx')
const { fakeBackend } = require('./helpers/fakeBackend')
const { openPage, textOf } = require('./helpers/pages')
const tokenStore = require('../utils/tokenStore')

let backend

beforeEach(() => {
  backend = fakeBackend()
  installWx(backend.serve)
})

test('greets the signed-in user and lists their communities and roles', async () => {
  tokenStore.setTokens(backend.issueTokens())

  const page = await openPage('home')

  expect(textOf(page.querySelector('.greeting'))).toBe('你好，张阿姨')
  expect(textOf(page)).toContain('138****5678')
  const texts = (selector) => page.querySelectorAll(selector).map(textOf)
  expect(texts('.community')).toEqual(['阳光社区', '阳光社区'])
  expect(texts('.role')).toEqual(['居民', '志愿者'])
})

test('someone not signed in is sent to the login page', async () => {
  await openPage('home')

  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' })
})

test('signing out revokes the refresh token, forgets the tokens and goes to login', async () => {
  const tokens = backend.issueTokens()
  tokenStore.setTokens(tokens)
  const page = await openPage('home')

  page.querySelector('.logout').dispatchEvent('tap')

  await until(() => expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' }))
  expect(backend.calls.at(-1)).toMatchObject({ operationName: 'Logout', variables: { refreshToken: tokens.refreshToken } })
  expect(tokenStore.getTokens()).toBeNull()
})

test('a failure to load is shown on the page', async () => {
  installWx(async () => ({ statusCode: 502, data: '' }))
  tokenStore.setTokens(backend.issueTokens())

  const page = await openPage('home')

  expect(page.querySelector('.error').dom.textContent).toBe('服务暂不可用，请稍后重试（502）')
})
