// The console's only way to the backend. It sends persisted ids, never documents: in production
// the server runs only the operations listed in graphql_schema/ (trusted documents).
import documentIds from './persisted.json'

const TOKEN_KEYS = ['accessToken', 'refreshToken', 'accessExpiresAt']

export function storeTokens(tokens) {
  for (const key of TOKEN_KEYS) localStorage.setItem(key, tokens[key])
}

export function clearTokens() {
  for (const key of TOKEN_KEYS) localStorage.removeItem(key)
}

export const accessToken = () => localStorage.getItem('accessToken')
export const refreshToken = () => localStorage.getItem('refreshToken')

let sessionExpired = () => {}

/** Called when the tokens are gone for good (the refresh failed); the router sends the user to log in. */
export function onSessionExpired(handler) {
  sessionExpired = handler
}

/** A top-level GraphQL error: authentication failures and bugs, not a mutation's user errors. */
export class GraphQLError extends Error {
  constructor(errors) {
    super(errors[0].message)
    this.code = errors[0].extensions?.code
  }
}

const bearer = (token) => (token ? { Authorization: `Bearer ${token}` } : {})

// What staff read when the answer is not GraphQL at all: the request never got through, or a proxy
// or the server refused it before GraphQL did.
const TRANSPORT_FAILURES = {
  413: '内容太大：提交的内容超过了服务器允许的大小，请删减内容或改用附件上传后重试',
  429: '操作太频繁：请稍等片刻再试',
  502: '服务暂时不可用：服务器正在重启或维护，请稍后再试',
  503: '服务暂时不可用：服务器正在重启或维护，请稍后再试',
  504: '服务器响应超时：请稍后再试',
}

/** The Chinese message for an HTTP failure that carries no readable answer. */
export const transportFailure = (status) =>
  TRANSPORT_FAILURES[status] ?? (status >= 500 ? `服务器出错（${status}），请稍后再试或联系管理员` : `请求未被接受（${status}），请刷新页面后重试`)

/** fetch(), rejecting in Chinese when the network fails (offline, server unreachable). */
async function send(url, init) {
  try {
    return await fetch(url, init)
  } catch {
    throw new Error('网络连接失败：无法连接服务器，请检查网络后重试')
  }
}

async function post(operationName, variables, token) {
  const response = await send('/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...bearer(token) },
    body: JSON.stringify({ documentId: documentIds[operationName], operationName, variables }),
  })
  try {
    return await response.json()
  } catch {
    throw new Error(transportFailure(response.status))
  }
}

const isUnauthenticated = (body) =>
  body.errors?.some((error) => error.extensions?.code === 'UNAUTHENTICATED') ?? false

async function refresh() {
  const token = refreshToken()
  // The refresh token is this request's credential; an expired access token must not go along.
  const body = token ? await post('TokenRefresh', { refreshToken: token }).catch(() => null) : null
  const tokens = body?.data?.authTokenRefresh?.tokens
  if (!tokens) {
    clearTokens()
    sessionExpired()
    return false
  }
  storeTokens(tokens)
  return true
}

let refreshing = null

/** True when a fresh access token is stored. Refresh tokens are single-use, so concurrent
 * callers whose token expired together share one refresh instead of racing with the same one. */
function renewedAfter(staleToken) {
  const current = accessToken()
  if (current && current !== staleToken) return Promise.resolve(true) // another caller renewed it
  refreshing ??= refresh().finally(() => {
    refreshing = null
  })
  return refreshing
}

/** Sends with the stored access token; when `expired(result)` says the token was refused, renews
 * it once and sends again. */
async function withFreshToken(send, expired) {
  const token = accessToken()
  const result = await send(token)
  return expired(result) && (await renewedAfter(token)) ? send(accessToken()) : result
}

/** The access token a subscription socket signs in with: renewed first when the server refused
 * `refused`, the one the socket was given (a socket cannot be refused mid-request and retried). */
export async function socketToken(refused = null) {
  if (refused && refused === accessToken()) await renewedAfter(refused)
  return accessToken()
}

/** Runs a persisted operation and returns its `data`; rejects with GraphQLError on top-level errors. */
export async function request(operationName, variables = {}) {
  if (!(operationName in documentIds)) throw new Error(`Unknown operation ${operationName}`)
  const body = await withFreshToken((token) => post(operationName, variables, token), isUnauthenticated)
  if (body.errors?.length) throw new GraphQLError(body.errors)
  return body.data
}

/** A mutation's user error, ready to show: its message, and the input field at fault (or null). */
export class UserError extends Error {
  constructor(error) {
    super(error.message)
    this.code = error.code
    this.field = error.field ?? null
  }
}

/** Runs a mutation and returns its payload; rejects with the payload's first user error (a UserError). */
export async function mutate(operationName, variables) {
  const payload = Object.values(await request(operationName, variables))[0]
  if (payload.errors.length) throw new UserError(payload.errors[0])
  return payload
}

/** fetch() for the endpoints beside /graphql (uploads, exports), signed in like request(). */
export function authorizedFetch(url, init = {}) {
  const signed = (token) => send(url, { ...init, headers: { ...init.headers, ...bearer(token) } })
  return withFreshToken(signed, (response) => response.status === 401)
}
