// Stands in for the parts of the WeChat runtime that miniprogram-simulate leaves as no-ops:
// storage keeps what is stored, navigation is recorded, and wx.request is answered by `serve`,
// an async function from {url, body, header} to {statusCode, data}.
function installWx(serve, apiBase = 'http://linli.test') {
  const storage = new Map()
  global.wx = Object.assign(global.wx || {}, {
    getStorageSync: (key) => (storage.has(key) ? storage.get(key) : ''),
    setStorageSync: (key, value) => storage.set(key, value),
    removeStorageSync: (key) => storage.delete(key),
    reLaunch: jest.fn(),
    request: jest.fn((options) => {
      const answered = serve({ url: options.url, body: options.data, header: options.header })
      answered.then(options.success, (err) => options.fail({ errMsg: err.message }))
    }),
  })
  global.getApp = () => ({ globalData: { apiBase } })
}

// Polls until `check` passes or the deadline does: the pages answer asynchronously.
async function until(check, timeoutMs = 2000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return check()
    } catch (err) {
      if (Date.now() > deadline) throw err
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }
}

module.exports = { installWx, until }
