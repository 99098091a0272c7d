const { installWx } = require('./helpers/wx')
const { fakeBackend, VIEWER } = require('./helpers/fakeBackend')
const { execute } = require('../utils/graphql')
const { REQUEST_TIMEOUT_MS } = require('../utils/request')
const tokenStore = require('../utils/tokenStore')

let backend

beforeEach(() => {
  backend = fakeBackend()
  installWx(backend.serve)
})

function signIn() {
  const tokens = backend.issueTokens()
  tokenStore.setTokens(tokens)
  return tokens
}

test('sends the persisted document id with the stored access token', async () => {
  const tokens = signIn()

  const { viewer } = await execute('Viewer')

  expect(viewer.displayName).toBe(VIEWER.displayName)
  expect(backend.calls).toEqual([
    { url: 'http://linli.test/graphql', operationName: 'Viewer', variables: {}, authorization: `Bearer ${tokens.accessToken}` },
  ])
})

test('an expired access token is refreshed once and the request retried', async () => {
  const old = signIn()
  backend.expireAccessTokens()

  const { viewer } = await execute('Viewer')

  expect(viewer.displayName).toBe(VIEWER.displayName)
  expect(backend.operations()).toEqual(['Viewer', 'TokenRefresh', 'Viewer'])
  const stored = tokenStore.getTokens()
  expect(stored.refreshToken).not.toBe(old.refreshToken)
  expect(backend.calls[2].authorization).toBe(`Bearer ${stored.accessToken}`)
})

test('requests that expire together share one refresh', async () => {
  signIn()
  backend.expireAccessTokens()

  const answers = await Promise.all([execute('Viewer'), execute('Viewer'), execute('Viewer')])

  expect(answers.map((a) => a.viewer.displayName)).toEqual(Array(3).fill(VIEWER.displayName))
  expect(backend.operations().filter((op) => op === 'TokenRefresh')).toHaveLength(1)
})

test('a refused refresh ends the session and goes to the login page', async () => {
  signIn()
  backend.expireAccessTokens()
  backend.revokeRefreshTokens()

  await expect(execute('Viewer')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' })

  expect(tokenStore.getTokens()).toBeNull()
  expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' })
})

test('a request still refused after the refresh is not retried again', async () => {
  // A server that renews the tokens but then refuses the new access token as well.
  installWx(async (call) => {
    const res = await backend.serve(call)
    if (call.body.operationName === 'TokenRefresh') backend.expireAccessTokens()
    return res
  })
  signIn()
  backend.expireAccessTokens()

  await expect(execute('Viewer')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' })

  expect(backend.operations()).toEqual(['Viewer', 'TokenRefresh', 'Viewer'])
})

describe('when the network or the server fails', () => {
  test('every request has a timeout, and one that got no answer says trying again may help', async () => {
    signIn()
    wx.request.mockImplementation((options) => options.fail({ errMsg: 'request:fail timeout' }))

    await expect(execute('Viewer')).rejects.toMatchObject({ message: '网络不稳定，请稍后重试', retryable: true })

    expect(wx.request).toHaveBeenCalledWith(expect.objectContaining({ timeout: REQUEST_TIMEOUT_MS }))
    expect(tokenStore.getTokens()).not.toBeNull() // the session waits for the network
  })

  test('a gateway with no answer from the server says to try again; a refusal says what the server said', async () => {
    installWx(async () => ({ statusCode: 502, data: '<html>Bad Gateway</html>' }))
    await expect(execute('Viewer')).rejects.toMatchObject({ message: '服务暂不可用，请稍后重试（502）', retryable: true })

    const refusal = { message: '您没有此项操作的权限', extensions: { code: 'FORBIDDEN' } }
    installWx(async () => ({ statusCode: 200, data: { data: null, errors: [refusal] } }))
    const refused = await execute('Viewer').catch((err) => err)
    expect(refused).toMatchObject({ code: 'FORBIDDEN', message: '您没有此项操作的权限' })
    expect(refused.retryable).toBeUndefined()
  })
})

describe('apiBase comes from config.js, by the build WeChat runs', () => {
  const { API_BASES, apiBase } = require('../config')
  const running = (envVersion) => {
    wx.getAccountInfoSync = () => ({ miniProgram: { appId: 'wx-test', envVersion } })
  }

  test.each(['develop', 'trial', 'release'])('%s', (envVersion) => {
    running(envVersion)
    expect(apiBase()).toBe(API_BASES[envVersion])
  })

  test('the released server where WeChat cannot say', () => {
    wx.getAccountInfoSync = () => { throw new Error('getAccountInfoSync:fail') }
    expect(apiBase()).toBe(API_BASES.release)
    expect(API_BASES.release).toMatch(/^https:\/\//)
    expect(API_BASES.trial).toMatch(/^https:\/\//)
  })
})
