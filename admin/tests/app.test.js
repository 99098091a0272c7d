import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { router } from '../src/router'
import { accessToken, refreshToken, storeTokens } from '../src/graphql/client'
import { fakeGraphQLServer, tokens, unauthenticated } from './fakeServer'
import { openApp } from './ui'

const viewer = {
  id: 'u1',
  displayName: '王主任',
  phone: '138****0000',
  memberships: [
    { role: 'COMMITTEE_STAFF', community: { id: 'c1', name: '幸福里社区' } },
    { role: 'GRID_WORKER', community: { id: 'c2', name: '和平社区' } },
  ],
}

const loginServer = () =>
  fakeGraphQLServer({
    StaffLogin: ({ username, password }) => ({
      data: {
        authPasswordLogin:
          username === 'committee' && password === 'Linli@2026'
            ? { tokens: tokens('committee'), errors: [] }
            : { tokens: null, errors: [{ code: 'INVALID_CREDENTIALS', field: null, message: '用户名或密码错误' }] },
      },
    }),
    Viewer: (_, token) => (token === 'access-committee' ? { data: { viewer } } : unauthenticated),
    Logout: () => ({ data: { authLogout: { ok: true, errors: [] } } }),
    TokenRefresh: () => ({ data: { authTokenRefresh: { tokens: null, errors: [{ code: 'UNAUTHENTICATED', message: '请重新登录' }] } } }),
  })

async function logIn(wrapper, username, password) {
  await vi.waitFor(() => expect(wrapper.find('[data-testid=login-username] input').exists()).toBe(true))
  await wrapper.find('[data-testid=login-username] input').setValue(username)
  await wrapper.find('[data-testid=login-password] input').setValue(password)
  await wrapper.find('[data-testid=login-submit]').trigger('click')
}

let wrapper
beforeEach(() => localStorage.clear())
afterEach(() => {
  wrapper?.unmount()
  vi.unstubAllGlobals()
})

describe('login', () => {
  it("shows the server's message and stays on the login page when refused", async () => {
    loginServer()
    wrapper = await openApp('/login')

    await logIn(wrapper, 'committee', 'wrong')

    await vi.waitFor(() => expect(wrapper.find('[data-testid=login-error]').text()).toContain('用户名或密码错误'))
    expect(router.currentRoute.value.path).toBe('/login')
    expect(accessToken()).toBeNull()
  })

  it('asks for both fields before calling the server', async () => {
    loginServer()
    wrapper = await openApp('/login')

    await logIn(wrapper, '', '')

    await vi.waitFor(() => expect(wrapper.text()).toMatch(/请输入用户名[\s\S]*请输入密码/))
    expect(fetch).not.toHaveBeenCalled()
  })

  it('stores the tokens and opens the dashboard with the viewer and their communities', async () => {
    loginServer()
    wrapper = await openApp('/login')

    await logIn(wrapper, 'committee', 'Linli@2026')

    await vi.waitFor(() => expect(wrapper.find('[data-testid=viewer-name]').text()).toBe('王主任'))
    expect(router.currentRoute.value.path).toBe('/')
    expect(refreshToken()).toBe('refresh-committee')
    const text = wrapper.find('[data-testid=dashboard]').text()
    expect(text).toContain('一屏观社区')
    expect(text).toMatch(/幸福里社区\s*居委会/)
    expect(text).toMatch(/和平社区\s*网格员/)
  })
})

describe('dashboard', () => {
  it('sends a visitor without tokens to the login page', async () => {
    loginServer()
    wrapper = await openApp('/')

    expect(router.currentRoute.value.path).toBe('/login')
  })

  it('logs out: revokes the refresh token, forgets the tokens, returns to login', async () => {
    const received = loginServer()
    storeTokens(tokens('committee'))
    wrapper = await openApp('/')
    await vi.waitFor(() => expect(wrapper.find('[data-testid=viewer-name]').text()).toBe('王主任'))

    await wrapper.find('[data-testid=logout]').trigger('click')

    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/login'))
    expect(received.find((r) => r.operation === 'Logout').variables).toEqual({ refreshToken: 'refresh-committee' })
    expect(accessToken()).toBeNull()
  })

  it('returns to login when the session has expired and cannot be refreshed', async () => {
    loginServer()
    storeTokens(tokens('stale'))
    wrapper = await openApp('/')

    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/login'))
    expect(accessToken()).toBeNull()
  })
})
