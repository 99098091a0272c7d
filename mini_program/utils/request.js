// wx.request, wx.uploadFile and wx.downloadFile as promises: they resolve with {statusCode, data}
// ({statusCode, tempFilePath} for a download) for any HTTP answer and reject only when no answer
// came (network down, timeout), with an error that says trying again may help (`retryable`).
// A request waits so long at most; a file, which may be large on a slow line, longer.
const REQUEST_TIMEOUT_MS = 15000
const TRANSFER_TIMEOUT_MS = 60000

// wx's errMsg ("request:fail timeout") is not for users: say what they can do.
const NETWORK_ERROR = '网络不稳定，请稍后重试'
const networkError = () => Object.assign(new Error(NETWORK_ERROR), { retryable: true })

function postJson(url, body, header) {
  return new Promise((resolve, reject) => {
    wx.request({
      url,
      method: 'POST',
      data: body,
      timeout: REQUEST_TIMEOUT_MS,
      header: { 'content-type': 'application/json', ...header },
      success: (res) => resolve({ statusCode: res.statusCode, data: res.data }),
      fail: () => reject(networkError()),
    })
  })
}

// Sends the file as the multipart field `file`; `data` is the answer's text.
function uploadFile(url, filePath, header) {
  return new Promise((resolve, reject) => {
    wx.uploadFile({
      url,
      filePath,
      name: 'file',
      header,
      timeout: TRANSFER_TIMEOUT_MS,
      success: (res) => resolve({ statusCode: res.statusCode, data: res.data }),
      fail: () => reject(networkError()),
    })
  })
}

// Fetches a file into a temporary path; `header` carries the bearer token like every request.
function downloadFile(url, header) {
  return new Promise((resolve, reject) => {
    wx.downloadFile({
      url,
      header,
      timeout: TRANSFER_TIMEOUT_MS,
      success: (res) => resolve({ statusCode: res.statusCode, tempFilePath: res.tempFilePath }),
      fail: () => reject(networkError()),
    })
  })
}

module.exports = { NETWORK_ERROR, REQUEST_TIMEOUT_MS, postJson, uploadFile, downloadFile }
