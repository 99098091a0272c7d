// Live updates from the server's GraphQL subscriptions over a WeChat socket, spoken in the
// graphql-transport-ws protocol: connection_init (the token, and whom the user acts for), then
// one subscribe after the server's ack, whose `next` frames are handed to the caller. When the
// socket closes the subscription comes back after a backoff (1 s, 2 s, 4 s… at most 30 s), with
// tokens renewed first if they have expired or the server refused them (4401/4403).
const { liveTokens } = require('./graphql')
const session = require('./session')
const documents = require('./liveDocuments')

const PROTOCOL = 'graphql-transport-ws'
const SUBSCRIPTION_ID = '1'
const REFUSED = [4401, 4403]
const FIRST_DELAY_MS = 1000
const MAX_DELAY_MS = 30000

const socketUrl = () => `${getApp().globalData.apiBase.replace(/^http/, 'ws')}/graphql`

function initPayload(tokens) {
  const payload = { authorization: `Bearer ${tokens.accessToken}` }
  const principal = session.getActingFor()
  if (principal) payload.actingFor = principal.id
  return payload
}

// Subscribes to the operation `operationName` (in utils/liveDocuments.js) with `variables`, if it
// takes any, and calls `onData(data)` with each result. Returns {close()}, which ends it for good.
function subscribe(operationName, onData, variables = null) {
  const query = documents[operationName]
  if (!query) throw new Error(`未知的订阅：${operationName}`)
  let socket = null
  let used = null // the tokens the socket signed in with
  let retries = 0 // reconnections since the server last acknowledged one
  let refused = null // tokens the server turned away, to be renewed before the next attempt
  let timer = null
  let ended = false

  const sendFrame = (task, frame) => task.send({ data: JSON.stringify(frame) })

  function reconnectLater() {
    const delay = Math.min(FIRST_DELAY_MS * 2 ** retries, MAX_DELAY_MS)
    retries += 1
    timer = setTimeout(() => {
      timer = null
      connect()
    }, delay)
  }

  // The socket `task` is gone (closed, failed, or its subscription completed): try again later.
  function dropped(task, code) {
    if (socket !== task) return // already dropped, or closed on purpose
    socket = null
    if (ended) return
    if (REFUSED.includes(code)) refused = used
    reconnectLater()
  }

  function onFrame(task, frame) {
    if (frame.type === 'connection_ack') {
      retries = 0
      sendFrame(task, { id: SUBSCRIPTION_ID, type: 'subscribe', payload: variables ? { query, variables } : { query } })
    } else if (frame.type === 'next' && frame.id === SUBSCRIPTION_ID) {
      if (frame.payload && frame.payload.data) onData(frame.payload.data)
    } else if (frame.type === 'ping') {
      sendFrame(task, { type: 'pong' })
    } else if (frame.type === 'complete' && frame.id === SUBSCRIPTION_ID) {
      task.close({ code: 1000 })
      dropped(task, 1000)
    }
    // An `error` frame (the server would not run the subscription) leaves the socket quiet until
    // the page closes it: trying again would be refused again.
  }

  async function connect() {
    let tokens
    try {
      tokens = await liveTokens(refused)
    } catch {
      if (!ended) reconnectLater() // no network to renew the session: keep trying
      return
    }
    refused = null
    if (ended || !tokens) return // closed meanwhile, or signed out (the session has ended)
    used = tokens
    const task = wx.connectSocket({ url: socketUrl(), protocols: [PROTOCOL] })
    socket = task
    task.onOpen(() => sendFrame(task, { type: 'connection_init', payload: initPayload(tokens) }))
    task.onMessage(({ data }) => {
      let frame = null
      try {
        frame = JSON.parse(data)
      } catch {
        return
      }
      onFrame(task, frame)
    })
    task.onClose(({ code } = {}) => dropped(task, code))
    task.onError(() => {
      task.close({ code: 1000 })
      dropped(task)
    })
  }

  connect()
  return {
    close() {
      ended = true
      clearTimeout(timer)
      const task = socket
      socket = null
      if (task) task.close({ code: 1000 })
    },
  }
}

// The unread community notice count (社区通知), now and each time it changes.
function watchUnreadNoticeCount(onCount) {
  return subscribe('UnreadNoticeCount', (data) => onCount(data.unreadNoticeCount))
}

// The new messages of a market conversation (跳蚤市场 留言), mine and the other party's, as they are sent.
function watchMarketMessages(conversationId, onMessage) {
  return subscribe('MarketMessages', (data) => onMessage(data.marketMessages), { conversationId })
}

module.exports = { subscribe, watchUnreadNoticeCount, watchMarketMessages, PROTOCOL }
