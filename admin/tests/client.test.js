import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  accessToken,
  authorizedFetch,
  onSessionExpired,
  refreshToken,
  request,
  storeTokens,
} from '../src/graphql/client'
import { fakeGraphQLServer, jsonResponse, tokens, unauthenticated } from './fakeServer'

const viewer = { id: 'u1', displayName: '王主任', phone: null, memberships: [] }

const refreshRejected = { tokens: null, errors: [{ code: 'UNAUTHENTICATED', message: '请重新登录' }] }

/** A server on which the "old" access token has expired; the single-use "old" refresh token
 * rotates to "new" once (unless `refreshAnswer` says otherwise). */
function serverWithExpiredAccess({ refreshAnswer = { tokens: tokens('new'), errors: [] }, refreshDelay } = {}) {
  let refreshUsed = false
  return fakeGraphQLServer({
    Viewer: (_, token) => (token === 'access-new' ? { data: { viewer } } : unauthenticated),
    'GET /exports/registry.xlsx': (_, token) =>
      token === 'access-new' ? new Response('workbook') : jsonResponse({ errors: [{ code: 'UNAUTHENTICATED' }] }, 401),
    TokenRefresh: async ({ refreshToken: presented }) => {
      await refreshDelay
      const valid = presented === 'refresh-old' && !refreshUsed
      refreshUsed = true
      return { data: { authTokenRefresh: valid ? refreshAnswer : refreshRejected } }
    },
  })
}

beforeEach(() => {
  localStorage.clear()
  storeTokens(tokens('old'))
})
afterEach(() => vi.unstubAllGlobals())

describe('graphql client', () => {
  it('sends the persisted id, never the document', async () => {
    const received = fakeGraphQLServer({ Viewer: () => ({ data: { viewer } }) })

    await request('Viewer')

    const body = JSON.parse(fetch.mock.calls[0][1].body)
    expect(received[0]).toMatchObject({ url: '/graphql', operation: 'Viewer', token: 'access-old' })
    expect(body).not.toHaveProperty('query')
  })

  it('refreshes once on an expired token and retries with the new one', async () => {
    const received = serverWithExpiredAccess()

    const data = await request('Viewer')

    expect(data.viewer.displayName).toBe('王主任')
    expect(received.map((r) => r.operation)).toEqual(['Viewer', 'TokenRefresh', 'Viewer'])
    expect(received[1].token).toBeNull()
    expect(received[2].token).toBe('access-new')
    expect([accessToken(), refreshToken()]).toEqual(['access-new', 'refresh-new'])
  })

  it('refreshes an expired token for the file endpoints too', async () => {
    const received = serverWithExpiredAccess()

    const response = await authorizedFetch('/exports/registry.xlsx?community=c1')

    expect(await response.text()).toBe('workbook')
    expect(received.map((r) => r.operation ?? r.url)).toEqual([
      '/exports/registry.xlsx?community=c1',
      'TokenRefresh',
      '/exports/registry.xlsx?community=c1',
    ])
    expect(received.map((r) => r.token)).toEqual(['access-old', null, 'access-new'])
  })

  it('shares one refresh between requests whose token expired together', async () => {
    let releaseRefresh
    const received = serverWithExpiredAccess({ refreshDelay: new Promise((r) => (releaseRefresh = r)) })

    const both = Promise.all([request('Viewer'), request('Viewer')])
    await vi.waitFor(() => expect(received.some((r) => r.operation === 'TokenRefresh')).toBe(true))
    releaseRefresh()
    const results = await both

    expect(results.map((d) => d.viewer.displayName)).toEqual(['王主任', '王主任'])
    expect(received.filter((r) => r.operation === 'TokenRefresh')).toHaveLength(1)
  })

  it('clears the tokens and ends the session when the refresh fails', async () => {
    const expired = vi.fn()
    onSessionExpired(expired)
    serverWithExpiredAccess({ refreshAnswer: refreshRejected })

    await expect(request('Viewer')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' })

    expect([accessToken(), refreshToken(), localStorage.getItem('accessExpiresAt')]).toEqual([null, null, null])
    expect(expired).toHaveBeenCalledOnce()
  })
})

describe('transport failures', () => {
  it('says in Chinese that a body was too large, and what else went wrong on the way', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('<html>413 Request Entity Too Large</html>', { status: 413 })))
    await expect(request('Viewer')).rejects.toThrow(/^内容太大：/)

    vi.stubGlobal('fetch', vi.fn(async () => new Response('Bad Gateway', { status: 502 })))
    await expect(request('Viewer')).rejects.toThrow(/^服务暂时不可用：/)

    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))))
    await expect(request('Viewer')).rejects.toThrow('网络连接失败：无法连接服务器，请检查网络后重试')
    await expect(authorizedFetch('/exports/registry.xlsx')).rejects.toThrow(/^网络连接失败/)
  })
})
