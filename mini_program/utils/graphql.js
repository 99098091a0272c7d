// The mini-program's GraphQL client. It sends only persisted document ids (the server accepts
// no other documents in production) and keeps the session alive: when the access token has
// expired it refreshes the tokens once and retries the request once.
const documentIds = require('../graphql/persisted')
const { postJson } = require('./request')
const tokenStore = require('./tokenStore')

const LOGIN_PAGE = '/pages/login/index'

function send(operationName, variables, accessToken) {
  const documentId = documentIds[operationName]
  if (!documentId) throw new Error(`未知的操作：${operationName}`)
  const header = accessToken ? { Authorization: `Bearer ${accessToken}` } : {}
  const url = `${getApp().globalData.apiBase}/graphql`
  return postJson(url, { documentId, operationName, variables }, header)
}

// The answer's first top-level error (authentication failures and bugs), or null when it
// carries data. Mutation payloads' own `errors` are the caller's to show.
function topLevelError({ statusCode, data: body }) {
  const first = body && body.errors && body.errors[0]
  if (first) return Object.assign(new Error(first.message), { code: first.extensions && first.extensions.code })
  if (statusCode !== 200 || !body || !body.data) return new Error(`服务暂不可用（${statusCode}）`)
  return null
}

// The new tokens, or null when the server refuses to renew the session.
async function fetchNewTokens(refreshToken) {
  const res = await send('TokenRefresh', { refreshToken })
  if (topLevelError(res)) return null
  const payload = res.data.data.authTokenRefresh
  return payload.errors.length ? null : payload.tokens
}

// A session that cannot be renewed ends here: the tokens go and the user signs in again.
// A network failure rejects instead, keeping the session for when the network is back.
async function renewSession() {
  const stored = tokenStore.getTokens()
  const tokens = stored && (await fetchNewTokens(stored.refreshToken))
  if (tokens) {
    tokenStore.setTokens(tokens)
    return tokens
  }
  tokenStore.clearTokens()
  wx.reLaunch({ url: LOGIN_PAGE })
  return null
}

// Requests that find the token expired at the same time share one refresh: the server rotates
// the refresh token, so a second refresh with the old one would fail.
let renewing = null
function sharedRenewal() {
  if (!renewing) renewing = renewSession().finally(() => { renewing = null })
  return renewing
}

// Tokens to retry with: those another request has already renewed since `used` was sent,
// else a renewal.
function tokensForRetry(used) {
  const stored = tokenStore.getTokens()
  if (stored && (!used || stored.accessToken !== used.accessToken)) return stored
  return sharedRenewal()
}

// Runs a persisted operation and resolves with its `data`; rejects with an Error (carrying the
// server's `code` when it gave one) on a top-level error or a network failure.
async function execute(operationName, variables = {}) {
  const used = tokenStore.getTokens()
  let res = await send(operationName, variables, used && used.accessToken)
  let error = topLevelError(res)
  if (error && error.code === 'UNAUTHENTICATED') {
    const tokens = await tokensForRetry(used)
    if (!tokens) throw error
    res = await send(operationName, variables, tokens.accessToken)
    error = topLevelError(res)
  }
  if (error) throw error
  return res.data.data
}

module.exports = { execute, LOGIN_PAGE }
