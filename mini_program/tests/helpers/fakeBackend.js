// An in-memory stand-in for the backend's auth contract (graphql_schema/operations/mini_program):
// it accepts only persisted document ids, access tokens expire on demand, refresh tokens rotate
// (each one works once), and Viewer answers only to a valid access token.
const crypto = require('crypto')
const fs = require('fs')
const path = require('path')

const OPERATIONS_DIR = path.resolve(__dirname, '../../../graphql_schema/operations/mini_program')

// The id the server knows a document by: the sha256 of the document file's text.
function persistedId(operationName) {
  const text = fs.readFileSync(path.join(OPERATIONS_DIR, `${operationName}.graphql`), 'utf8')
  return crypto.createHash('sha256').update(text).digest('hex')
}

const VIEWER = {
  id: 'u-1',
  displayName: '张阿姨',
  phone: '138****5678',
  memberships: [
    { role: 'RESIDENT', community: { id: 'c-1', name: '阳光社区' } },
    { role: 'VOLUNTEER', community: { id: 'c-1', name: '阳光社区' } },
  ],
}

const ok = (data) => ({ statusCode: 200, data: { data } })
const topLevelError = (code, message) => ({
  statusCode: 200,
  data: { data: null, errors: [{ message, extensions: { code } }] },
})
const userError = (code, field, message) => ({ code, field, message })

function fakeBackend({ handles = ['resident'] } = {}) {
  const accessTokens = new Set()
  const refreshTokens = new Set()
  const calls = []
  let serial = 0

  function issueTokens() {
    serial += 1
    const tokens = {
      accessToken: `access-${serial}`,
      refreshToken: `refresh-${serial}`,
      accessExpiresAt: '2030-01-01T00:00:00+00:00',
    }
    accessTokens.add(tokens.accessToken)
    refreshTokens.add(tokens.refreshToken)
    return tokens
  }

  function answer({ operationName, variables }, bearer) {
    switch (operationName) {
      case 'DemoLogin':
        return handles.includes(variables.handle)
          ? ok({ authDemoLogin: { tokens: issueTokens(), errors: [] } })
          : ok({ authDemoLogin: { tokens: null, errors: [userError('NOT_FOUND', 'handle', '演示账号不存在')] } })
      case 'TokenRefresh':
        return refreshTokens.delete(variables.refreshToken)
          ? ok({ authTokenRefresh: { tokens: issueTokens(), errors: [] } })
          : ok({ authTokenRefresh: { tokens: null, errors: [userError('UNAUTHENTICATED', 'refreshToken', '登录已失效')] } })
      case 'Logout':
        refreshTokens.delete(variables.refreshToken)
        return ok({ authLogout: { ok: true, errors: [] } })
      case 'Viewer':
        return ok({ viewer: bearer ? VIEWER : null })
      default:
        throw new Error(`fake backend has no ${operationName}`)
    }
  }

  async function serve({ url, body, header }) {
    const authorization = header.Authorization
    calls.push({ url, operationName: body.operationName, variables: body.variables, authorization })
    if (body.query !== undefined || body.documentId !== persistedId(body.operationName)) {
      return topLevelError('PERSISTED_QUERY_NOT_FOUND', '未登记的操作')
    }
    const bearer = authorization && authorization.replace(/^Bearer /, '')
    if (bearer && !accessTokens.has(bearer)) return topLevelError('UNAUTHENTICATED', '登录已过期')
    return answer(body, bearer)
  }

  return {
    serve,
    calls,
    issueTokens,
    operations: () => calls.map((c) => c.operationName),
    expireAccessTokens: () => accessTokens.clear(),
    revokeRefreshTokens: () => refreshTokens.clear(),
  }
}

module.exports = { fakeBackend, VIEWER }
