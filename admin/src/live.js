// Live updates from the server's GraphQL subscriptions over a browser WebSocket, in the
// graphql-transport-ws protocol: connection_init with the bearer token (browsers cannot set headers
// on a socket), then one subscribe after the ack. The server runs only trusted documents, recognised
// by the sha256 of their text, so the document is the operation's file itself, imported as text.
// When the socket drops, it comes back after a backoff (1 s, 2 s, 4 s… at most 30 s), with the token
// renewed first if the server refused it (4401/4403: expired meanwhile).
import { socketToken } from './graphql/client'
import LivePollTurnout from '../../graphql_schema/operations/admin/LivePollTurnout.graphql?raw'

const DOCUMENTS = { LivePollTurnout }
const PROTOCOL = 'graphql-transport-ws'
const REFUSED = [4401, 4403]
const MAX_DELAY_MS = 30_000

const socketUrl = () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`

/** Subscribes to `operationName` with `variables`, calling `onData(data)` with each result.
 * Returns close(), which ends it for good. */
export function subscribe(operationName, variables, onData) {
  const query = DOCUMENTS[operationName]
  let socket = null
  let retries = 0
  let timer = null
  let ended = false
  let refused = null // the token the server turned away, to be renewed before the next attempt

  async function connect() {
    const token = await socketToken(refused).catch(() => null)
    refused = null
    if (ended) return
    const ws = new WebSocket(socketUrl(), PROTOCOL)
    socket = ws
    const send = (frame) => ws.send(JSON.stringify(frame))
    ws.onopen = () => send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })
    ws.onmessage = ({ data }) => {
      const frame = JSON.parse(data)
      if (frame.type === 'connection_ack') {
        retries = 0
        send({ id: '1', type: 'subscribe', payload: { query, variables } })
      } else if (frame.type === 'next' && frame.payload?.data) onData(frame.payload.data)
      else if (frame.type === 'ping') send({ type: 'pong' })
    }
    ws.onclose = ({ code }) => {
      if (ended || socket !== ws) return
      if (REFUSED.includes(code)) refused = token
      timer = setTimeout(connect, Math.min(1000 * 2 ** retries++, MAX_DELAY_MS))
    }
  }

  connect()
  return () => {
    ended = true
    clearTimeout(timer)
    socket?.close(1000)
  }
}
