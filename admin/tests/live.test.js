// The console's subscription socket (src/live.js) against a fake WebSocket: the graphql-transport-ws
// handshake with the bearer token, the trusted document's text, and a refused token renewed before
// the socket comes back.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { readFileSync } from 'node:fs'
import { storeTokens } from '../src/graphql/client'
import { subscribe } from '../src/live'
import { fakeGraphQLServer, tokens } from './fakeServer'

// Vitest runs in admin/.
const DOCUMENT = readFileSync('../graphql_schema/operations/admin/LivePollTurnout.graphql', 'utf8')

class FakeSocket {
  static opened = []
  constructor(url, protocol) {
    Object.assign(this, { url, protocol, sent: [] })
    FakeSocket.opened.push(this)
    queueMicrotask(() => this.onopen())
  }
  send(text) {
    this.sent.push(JSON.parse(text))
  }
  close() {}
  answer(frame) {
    this.onmessage({ data: JSON.stringify(frame) })
  }
}

const turnout = { entries: 50, participated: 3 }

beforeEach(() => {
  localStorage.clear()
  storeTokens(tokens('old'))
  FakeSocket.opened = []
  vi.stubGlobal('WebSocket', FakeSocket)
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('live subscriptions', () => {
  it('signs in with the token, subscribes with the operation file’s text after the ack and hands on each result', async () => {
    const results = []
    const close = subscribe('LivePollTurnout', { id: 'p1' }, (data) => results.push(data))
    await vi.waitFor(() => expect(FakeSocket.opened[0]?.sent).toHaveLength(1))
    const socket = FakeSocket.opened[0]
    expect(socket.protocol).toBe('graphql-transport-ws')
    expect(socket.sent[0]).toEqual({ type: 'connection_init', payload: { authorization: 'Bearer access-old' } })

    socket.answer({ type: 'connection_ack' })
    expect(socket.sent[1]).toEqual({ id: '1', type: 'subscribe', payload: { query: DOCUMENT, variables: { id: 'p1' } } })
    socket.answer({ id: '1', type: 'next', payload: { data: { livePollTurnout: turnout } } })
    expect(results).toEqual([{ livePollTurnout: turnout }])
    close()
  })

  it('renews a refused token before coming back', async () => {
    const received = fakeGraphQLServer({
      TokenRefresh: () => ({ data: { authTokenRefresh: { tokens: tokens('new'), errors: [] } } }),
    })
    const close = subscribe('LivePollTurnout', { id: 'p1' }, () => {})
    await vi.waitFor(() => expect(FakeSocket.opened).toHaveLength(1))
    FakeSocket.opened[0].onclose({ code: 4403 })
    await vi.advanceTimersByTimeAsync(1000)

    await vi.waitFor(() => expect(FakeSocket.opened[1]?.sent).toHaveLength(1))
    expect(received.map((r) => r.operation)).toEqual(['TokenRefresh'])
    expect(FakeSocket.opened[1].sent[0].payload.authorization).toBe('Bearer access-new')
    close()
  })
})
