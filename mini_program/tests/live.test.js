// The home page's 社区通知 badge kept live by the unreadNoticeCount subscription over a socket
// (graphql-transport-ws), and the document it sends matching the trusted one.
const { installWx, until } = require('./helpers/wx')
const { installSockets } = require('./helpers/socket')
const { fakeBackend, persistedDocument, ELDER } = require('./helpers/fakeBackend')
const { openPage, textOf } = require('./helpers/pages')
const tokenStore = require('../utils/tokenStore')
const session = require('../utils/session')
const liveDocuments = require('../utils/liveDocuments')

const SUBSCRIBE = {
  id: '1',
  type: 'subscribe',
  payload: { query: 'subscription UnreadNoticeCount {\n  unreadNoticeCount\n}\n' },
}

let backend
let live
let tokens

beforeEach(() => {
  backend = fakeBackend()
  installWx(backend.serve)
  live = installSockets()
  tokens = backend.issueTokens()
  tokenStore.setTokens(tokens)
})

afterEach(() => {
  jest.useRealTimers()
})

// Home, shown: its socket connecting.
async function showHome() {
  const home = await openPage('home')
  await home.instance.onShow()
  await until(() => expect(live.sockets).toHaveLength(1))
  return home
}

// The server accepts the socket's connection_init.
function acknowledge(socket) {
  socket.open()
  socket.push({ type: 'connection_ack' })
}

const badge = (home) => home.querySelector('.unread-badge')

test('the subscription text is byte-identical to its trusted document (the file and the fragments it spreads)', () => {
  for (const [name, text] of Object.entries(liveDocuments)) {
    expect(text).toBe(persistedDocument(name))
  }
})

test('home connects to /graphql over ws with the graphql-transport-ws subprotocol and signs in with the token', async () => {
  await showHome()
  const socket = live.latest()

  expect(socket.url).toBe('ws://linli.test/graphql')
  expect(socket.protocols).toEqual(['graphql-transport-ws'])
  socket.open()
  expect(socket.sent).toEqual([
    { type: 'connection_init', payload: { authorization: `Bearer ${tokens.accessToken}` } },
  ])
})

test('while acting for a relative connection_init says for whom', async () => {
  session.setActingFor({ id: ELDER.id, name: ELDER.displayName })
  await showHome()

  live.latest().open()

  expect(live.latest().frames('connection_init')[0].payload).toEqual({
    authorization: `Bearer ${tokens.accessToken}`,
    actingFor: ELDER.id,
  })
})

test('it subscribes only once the server has acknowledged the connection', async () => {
  await showHome()
  const socket = live.latest()

  socket.open()
  expect(socket.frames('subscribe')).toEqual([])
  socket.push({ type: 'connection_ack' })

  expect(socket.frames('subscribe')).toEqual([SUBSCRIBE])
})

test('each count the server sends shows on the 社区通知 badge', async () => {
  const home = await showHome()
  expect(badge(home)).toBeUndefined()
  acknowledge(live.latest())

  live.latest().push({ type: 'next', id: '1', payload: { data: { unreadNoticeCount: 3 } } })
  expect(textOf(badge(home))).toBe('3')

  live.latest().push({ type: 'next', id: '1', payload: { data: { unreadNoticeCount: 120 } } })
  expect(textOf(badge(home))).toBe('99+')

  live.latest().push({ type: 'next', id: '1', payload: { data: { unreadNoticeCount: 0 } } })
  expect(badge(home)).toBeUndefined()
})

test('a ping is answered with a pong', async () => {
  await showHome()
  acknowledge(live.latest())

  live.latest().push({ type: 'ping' })

  expect(live.latest().sent.at(-1)).toEqual({ type: 'pong' })
})

test('a closed socket reconnects after a backoff that doubles, and subscribes again', async () => {
  const home = await showHome()
  acknowledge(live.latest())
  jest.useFakeTimers()

  live.latest().serverClose(1006)
  await jest.advanceTimersByTimeAsync(999)
  expect(live.sockets).toHaveLength(1)
  await jest.advanceTimersByTimeAsync(1)
  expect(live.sockets).toHaveLength(2)

  // Not acknowledged: the next wait is longer.
  live.latest().serverClose(1006)
  await jest.advanceTimersByTimeAsync(1999)
  expect(live.sockets).toHaveLength(2)
  await jest.advanceTimersByTimeAsync(1)
  expect(live.sockets).toHaveLength(3)

  acknowledge(live.latest())
  expect(live.latest().frames('subscribe')).toEqual([SUBSCRIBE])
  live.latest().push({ type: 'next', id: '1', payload: { data: { unreadNoticeCount: 2 } } })
  expect(textOf(badge(home))).toBe('2')

  // Acknowledged: back to the first wait.
  live.latest().serverClose(1006)
  await jest.advanceTimersByTimeAsync(1000)
  expect(live.sockets).toHaveLength(4)
})

test('the backoff stops growing at 30 seconds', async () => {
  await showHome()
  jest.useFakeTimers()

  for (const wait of [1000, 2000, 4000, 8000, 16000, 30000, 30000]) {
    const count = live.sockets.length
    live.latest().serverClose(1006)
    await jest.advanceTimersByTimeAsync(wait - 1)
    expect(live.sockets).toHaveLength(count)
    await jest.advanceTimersByTimeAsync(1)
    expect(live.sockets).toHaveLength(count + 1)
  }
})

test('refused with 4403 after the token expired, it renews the tokens before reconnecting', async () => {
  await showHome()
  acknowledge(live.latest())
  backend.expireAccessTokens()
  jest.useFakeTimers()

  live.latest().serverClose(4403)
  await jest.advanceTimersByTimeAsync(1000)

  expect(backend.operations()).toContain('TokenRefresh')
  const renewed = tokenStore.getTokens()
  expect(renewed.accessToken).not.toBe(tokens.accessToken)
  expect(live.sockets).toHaveLength(2)
  live.latest().open()
  expect(live.latest().frames('connection_init')[0].payload.authorization).toBe(`Bearer ${renewed.accessToken}`)
})

test('tokens past their expiry are renewed before reconnecting', async () => {
  await showHome()
  tokenStore.setTokens({ ...tokens, accessExpiresAt: '2000-01-01T00:00:00+00:00' })
  jest.useFakeTimers()

  live.latest().serverClose(1006)
  await jest.advanceTimersByTimeAsync(1000)

  expect(backend.operations()).toContain('TokenRefresh')
  live.latest().open()
  expect(live.latest().frames('connection_init')[0].payload.authorization).toBe(
    `Bearer ${tokenStore.getTokens().accessToken}`,
  )
  expect(tokenStore.getTokens().accessToken).not.toBe(tokens.accessToken)
})

test('hiding home closes the socket and stops reconnecting; showing it again reconnects', async () => {
  const home = await showHome()
  acknowledge(live.latest())
  jest.useFakeTimers()

  home.instance.onHide()

  expect(live.latest().close).toHaveBeenCalled()
  await jest.advanceTimersByTimeAsync(60000)
  expect(live.sockets).toHaveLength(1)

  jest.useRealTimers()
  await home.instance.onShow()
  await until(() => expect(live.sockets).toHaveLength(2))
})

test('leaving home closes the socket', async () => {
  const home = await showHome()
  acknowledge(live.latest())

  home.instance.onUnload()

  expect(live.latest().close).toHaveBeenCalled()
})

test('a live count that comes while the shown page still asks for the count is not overwritten by the answer', async () => {
  let release
  const held = new Promise((resolve) => { release = resolve })
  installWx(async (call) => {
    if (call.body && call.body.operationName === 'FeedUnreadCount') await held
    return backend.serve(call)
  })
  live = installSockets()
  tokenStore.setTokens(tokens)
  backend.sendNotices([{ id: 'n-1', title: '停水通知' }])
  const home = await openPage('home')

  const shown = home.instance.onShow()
  await until(() => expect(live.sockets).toHaveLength(1))
  acknowledge(live.latest())
  live.latest().push({ type: 'next', id: '1', payload: { data: { unreadNoticeCount: 4 } } })
  release()
  await shown

  expect(textOf(badge(home))).toBe('4')
})
