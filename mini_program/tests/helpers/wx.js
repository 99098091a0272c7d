// Stands in for the parts of the WeChat runtime that miniprogram-simulate leaves as no-ops:
// storage keeps what is stored, navigation (reLaunch, navigateTo) is recorded, modals are confirmed, wx.login gives a
// code, the media picker picks one photo, and wx.request and wx.uploadFile are answered by
// `serve`, an async function from {url, body, header} (an upload: {url, filePath, name, header})
// to {statusCode, data}. Tests change any of these with mockImplementation.
const WX_LOGIN_CODE = 'wx-code-1'
const PICKED_PHOTO = 'wxfile://tmp/proof.jpg'

// A callback API that succeeds at once with `result`.
const succeeding = (result) => jest.fn((options) => options.success(result))

function installWx(serve, apiBase = 'http://linli.test') {
  const storage = new Map()
  const answer = (options, call) => {
    serve(call).then(options.success, (err) => options.fail({ errMsg: err.message }))
  }
  global.wx = Object.assign(global.wx || {}, {
    getStorageSync: (key) => (storage.has(key) ? storage.get(key) : ''),
    setStorageSync: (key, value) => storage.set(key, value),
    removeStorageSync: (key) => storage.delete(key),
    reLaunch: jest.fn(),
    navigateTo: jest.fn(),
    showModal: succeeding({ confirm: true, cancel: false }),
    setClipboardData: succeeding({}),
    login: succeeding({ code: WX_LOGIN_CODE }),
    chooseMedia: succeeding({ tempFiles: [{ tempFilePath: PICKED_PHOTO }] }),
    request: jest.fn((options) => answer(options, { url: options.url, body: options.data, header: options.header })),
    uploadFile: jest.fn((options) => answer(options, {
      url: options.url, filePath: options.filePath, name: options.name, header: options.header,
    })),
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

module.exports = { installWx, until, WX_LOGIN_CODE, PICKED_PHOTO }
