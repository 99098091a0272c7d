const { installWx } = require('./helpers/wx')
const { fakeBackend, VIEWER } = require('./helpers/fakeBackend')
const { execute } = require('../utils/graphql')
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
