// wx.request, wx.uploadFile and wx.downloadFile as promises: they resolve with {statusCode, data}
// ({statusCode, tempFilePath} for a download) for any HTTP answer and reject only when no answer
// came (network down, timeout).
// wx's errMsg ("request:fail timeout") is not for users: say what they can do.
const NETWORK_ERROR = '网络异常，请稍后再试'

function postJson(url, body, header) {
  return new Promise((resolve, reject) => {
    wx.request({
      url,
      method: 'POST',
      data: body,
      header: { 'content-type': 'application/json', ...header },
      success: (res) => resolve({ statusCode: res.statusCode, data: res.data }),
      fail: () => reject(new Error(NETWORK_ERROR)),
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
      success: (res) => resolve({ statusCode: res.statusCode, data: res.data }),
      fail: () => reject(new Error(NETWORK_ERROR)),
    })
  })
}

// Fetches a file into a temporary path; `header` carries the bearer token like every request.
function downloadFile(url, header) {
  return new Promise((resolve, reject) => {
    wx.downloadFile({
      url,
      header,
      success: (res) => resolve({ statusCode: res.statusCode, tempFilePath: res.tempFilePath }),
      fail: () => reject(new Error(NETWORK_ERROR)),
    })
  })
}

module.exports = { postJson, uploadFile, downloadFile }
