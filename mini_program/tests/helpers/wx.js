// Stands in for the parts of the WeChat runtime that miniprogram-simulate leaves as no-ops:
// storage keeps what is stored, navigation (reLaunch, navigateTo, redirectTo) is recorded, modals are
// confirmed, toasts, phone calls and the privacy guide are recorded, files written to the user data
// folder are kept (installWx answers {files}), the phone's font size is the standard one, wx.login
// gives a code, the media picker picks one photo, the user declines every subscribe message
// (requestSubscribeMessage answers 'reject'), wx.openDocument opens anything, and wx.request,
// wx.uploadFile and wx.downloadFile are answered by `serve`, an async function from {url, body,
// header} (an upload: {url, filePath, name, header}; a download: {url, header, download: true}) to
// {statusCode, data} (a download: {statusCode, tempFilePath}). Sockets (wx.connectSocket) are the fake of ./socket.js, which a test
// installs again to play the server's side. Tests change any of these with mockImplementation.
const { installSockets } = require('./socket')

const WX_LOGIN_CODE = 'wx-code-1'
const PICKED_PHOTO = 'wxfile://tmp/proof.jpg'
const NOTICE_TEMPLATE_ID = 'notice-template-test'
// WeChat's standard font size (字体大小): 长辈模式 stays off by itself.
const STANDARD_FONT_PX = 17

// A callback API that succeeds at once with `result`.
const succeeding = (result) => jest.fn((options) => options.success(result))

function installWx(serve, apiBase = 'http://linli.test') {
  const storage = new Map()
  // The user data folder (wx.env.USER_DATA_PATH): what is written there, by path.
  const written = new Map()
  const files = { writeFileSync: jest.fn((filePath, data) => written.set(filePath, data)) }
  const answer = (options, call) => {
    serve(call).then(options.success, (err) => options.fail({ errMsg: err.message }))
  }
  global.wx = Object.assign(global.wx || {}, {
    env: { USER_DATA_PATH: 'wxfile://usr' },
    getStorageSync: (key) => (storage.has(key) ? storage.get(key) : ''),
    setStorageSync: (key, value) => storage.set(key, value),
    removeStorageSync: (key) => storage.delete(key),
    reLaunch: jest.fn(),
    navigateTo: jest.fn(),
    redirectTo: jest.fn(),
    showModal: succeeding({ confirm: true, cancel: false }),
    setClipboardData: succeeding({}),
    login: succeeding({ code: WX_LOGIN_CODE }),
    chooseMedia: succeeding({ tempFiles: [{ tempFilePath: PICKED_PHOTO }] }),
    requestSubscribeMessage: jest.fn((options) => options.success({
      errMsg: 'requestSubscribeMessage:ok',
      ...Object.fromEntries(options.tmplIds.map((id) => [id, 'reject'])),
    })),
    request: jest.fn((options) => answer(options, { url: options.url, body: options.data, header: options.header })),
    uploadFile: jest.fn((options) => answer(options, {
      url: options.url, filePath: options.filePath, name: options.name, header: options.header,
    })),
    downloadFile: jest.fn((options) => answer(options, { url: options.url, header: options.header, download: true })),
    openDocument: succeeding({}),
    showToast: jest.fn(),
    makePhoneCall: jest.fn(),
    openPrivacyContract: succeeding({}),
    shareFileMessage: succeeding({}),
    getFileSystemManager: () => files,
    getAppBaseInfo: () => ({ fontSizeSetting: STANDARD_FONT_PX }),
  })
  installSockets()
  // One app for the whole test, as WeChat has one: pages keep what they share on it.
  const app = { globalData: { apiBase, noticeTemplateId: NOTICE_TEMPLATE_ID } }
  global.getApp = () => app
  return { files: written }
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

module.exports = { installWx, until, WX_LOGIN_CODE, PICKED_PHOTO, NOTICE_TEMPLATE_ID }
