// The mini-program's client of the backend: GraphQL operations, sent as persisted document ids
// only (the server accepts no other documents in production), file uploads and downloads. Both keep the
// session alive: when the access token has expired the tokens are refreshed once and the request
// retried once. While the user acts for a relative (代办) every request carries X-Acting-For, and
// when the server refuses that proxy the user is switched back to acting as themselves.
const documentIds = require('../graphql/persisted')
const { postJson, uploadFile, downloadFile } = require('./request')
const tokenStore = require('./tokenStore')
const session = require('./session')
const { wxCall } = require('./wxp')
const { absoluteUrl } = require('./url')

const apiBase = () => getApp().globalData.apiBase

// Who is asking: the access token, and whom the user is acting for, if anyone.
function sessionHeader(tokens) {
  const header = tokens ? { Authorization: `Bearer ${tokens.accessToken}` } : {}
  const principal = session.getActingFor()
  if (principal) header['X-Acting-For'] = principal.id
  return header
}

function send(operationName, variables, header = {}) {
  const documentId = documentIds[operationName]
  if (!documentId) throw new Error(`未知的操作：${operationName}`)
  return postJson(`${apiBase()}/graphql`, { documentId, operationName, variables }, header)
}

// An answer that is no answer (a gateway's 502, an overloaded server's 503): the server refused
// nothing, so trying again later may work.
function serviceUnavailable(statusCode) {
  return Object.assign(new Error(`服务暂不可用，请稍后重试（${statusCode}）`), { retryable: true })
}

// The answer's first top-level error (authentication failures and bugs), or null when it
// carries data. Mutation payloads' own `errors` are the caller's to show.
function topLevelError({ statusCode, data: body }) {
  const first = body && body.errors && body.errors[0]
  if (first) return Object.assign(new Error(first.message), { code: first.extensions && first.extensions.code })
  if (statusCode !== 200 || !body || !body.data) return serviceUnavailable(statusCode)
  return null
}

// The new tokens, or null when the server refuses to renew the session.
async function fetchNewTokens(refreshToken) {
  const res = await send('TokenRefresh', { refreshToken })
  if (topLevelError(res)) return null
  const payload = res.data.data.authTokenRefresh
  return payload.errors.length ? null : payload.tokens
}

// A session that cannot be renewed ends here: the user signs in again.
// A network failure rejects instead, keeping the session for when the network is back.
async function renewSession() {
  const stored = tokenStore.getTokens()
  const tokens = stored && (await fetchNewTokens(stored.refreshToken))
  if (tokens) {
    tokenStore.setTokens(tokens)
    return tokens
  }
  session.endSession()
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

// Tokens for the live socket (utils/live.js), which cannot retry the way withSession does: the
// stored ones, renewed first when they have expired or the server has just refused them
// (`refused`: the tokens it turned away). Null when the session has ended.
async function liveTokens(refused = null) {
  const stored = tokenStore.getTokens()
  if (!stored) return null
  const expired = Date.parse(stored.accessExpiresAt) <= Date.now()
  return refused || expired ? tokensForRetry(refused || stored) : stored
}

// The server no longer lets the user act for this principal (the proxy was revoked or has
// expired): they are told, once however many requests were refused, and are themselves again.
// The refused request is not retried as oneself: it was meant for the principal.
function proxyRefused(principalId) {
  const principal = session.getActingFor()
  if (!principal || principal.id !== principalId) return
  session.setActingFor(null)
  wxCall('showModal', { title: '代办授权已失效', content: `已不能再为${principal.name}代办，现在切换回本人。`, showCancel: false })
    .catch(() => null)
    .then(() => session.actAs(null))
}

// Runs `attempt(header)`, one request that resolves with {value} or {error}, as the signed-in
// user; resolves with the value or rejects with the error (carrying the server's `code`).
async function withSession(attempt) {
  const used = tokenStore.getTokens()
  let header = sessionHeader(used)
  let outcome = await attempt(header)
  if (outcome.error && outcome.error.code === 'UNAUTHENTICATED') {
    const tokens = await tokensForRetry(used)
    if (!tokens) throw outcome.error
    header = sessionHeader(tokens)
    outcome = await attempt(header)
  }
  if (!outcome.error) return outcome.value
  if (outcome.error.code === 'PROXY_INVALID' && header['X-Acting-For']) proxyRefused(header['X-Acting-For'])
  throw outcome.error
}

// Runs a persisted operation and resolves with its `data`; rejects on a top-level error or a
// network failure.
function execute(operationName, variables = {}) {
  return withSession(async (header) => {
    const res = await send(operationName, variables, header)
    const error = topLevelError(res)
    return error ? { error } : { value: res.data.data }
  })
}

// Runs a mutation and resolves with its payload; the payload's first error rejects, its message
// ready to show (and its `field`, the input at fault, for forms that show it there).
async function mutate(operationName, variables) {
  const data = await execute(operationName, variables)
  const payload = data[Object.keys(data)[0]]
  const [first] = payload.errors
  if (first) throw Object.assign(new Error(first.message), { code: first.code, field: first.field })
  return payload
}

function parseJson(text) {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

// Uploads a file (POST /uploads?kind=…) and resolves with the upload's id.
function upload(kind, filePath) {
  return withSession(async (header) => {
    const { statusCode, data } = await uploadFile(`${apiBase()}/uploads?kind=${kind}`, filePath, header)
    const body = parseJson(data)
    const first = body && body.errors && body.errors[0]
    if (first) return { error: Object.assign(new Error(first.message), { code: first.code }) }
    if (statusCode !== 200 || !body || !body.id) return { error: new Error(`上传失败（${statusCode}）`) }
    return { value: body.id }
  })
}

// Downloads a file the API linked to (a notice attachment: `path` like /media/notices/…, or a full
// URL) with the session's headers, as the server serves it to the notice's audience only; resolves
// with the temporary file path. The answer of a refusal is a file too, so its status says what happened.
const DOWNLOAD_REFUSALS = { 401: 'UNAUTHENTICATED', 403: 'PROXY_INVALID', 429: 'RATE_LIMITED' }
function download(path) {
  return withSession(async (header) => {
    const { statusCode, tempFilePath } = await downloadFile(absoluteUrl(path, apiBase()), header)
    if (statusCode === 200) return { value: tempFilePath }
    const code = DOWNLOAD_REFUSALS[statusCode] || (statusCode === 404 ? 'NOT_FOUND' : 'INTERNAL')
    const message = statusCode === 404 ? '附件已不存在' : statusCode === 429 ? '操作过于频繁，请稍后再试' : `下载失败（${statusCode}）`
    return { error: Object.assign(new Error(message), { code }) }
  })
}

// Signing out must not depend on the server: if revoking the refresh token fails, it still
// expires there on its own.
async function signOut() {
  const tokens = tokenStore.getTokens()
  if (tokens) await execute('Logout', { refreshToken: tokens.refreshToken }).catch(() => null)
  session.endSession()
}

module.exports = { execute, mutate, upload, download, signOut, liveTokens }
