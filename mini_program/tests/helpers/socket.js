// Stands in for wx.connectSocket and, behind it, the server's side of the graphql-transport-ws
// contract (GET /graphql upgraded, subprotocol graphql-transport-ws) as the mini-program uses it.
// Each socket records the url and subprotocols it was opened with and every frame the client
// sends (parsed), and lets the test play the server: open it, push frames (connection_ack, next,
// ping…), or close it with a close code (4403 when connection_init carries a refused token).
// Nothing happens on its own: a socket no test opens stays connecting, as on a network that
// never answers.
function fakeSocket({ url, protocols }) {
  const handlers = {}
  const on = (event) => (handler) => { handlers[event] = handler }
  const socket = {
    url,
    protocols,
    sent: [], // the client's frames, parsed, in order
    closedWith: null, // the close code, once closed (by either side)
    send: jest.fn(({ data }) => socket.sent.push(JSON.parse(data))),
    close: jest.fn(({ code = 1000 } = {}) => socket.serverClose(code)),
    onOpen: on('open'),
    onMessage: on('message'),
    onClose: on('close'),
    onError: on('error'),

    // The server's side.
    open: () => handlers.open({}),
    push: (frame) => handlers.message({ data: JSON.stringify(frame) }),
    serverClose(code = 1006) {
      if (socket.closedWith !== null) return
      socket.closedWith = code
      if (handlers.close) handlers.close({ code, reason: '' })
    },
    // The frames the client sent of one type.
    frames: (type) => socket.sent.filter((frame) => frame.type === type),
  }
  return socket
}

// Installs the fake as wx.connectSocket; `sockets` lists every socket opened, oldest first.
function installSockets() {
  const sockets = []
  wx.connectSocket = jest.fn((options) => {
    const socket = fakeSocket(options)
    sockets.push(socket)
    return socket
  })
  return { sockets, latest: () => sockets.at(-1) }
}

module.exports = { installSockets }
