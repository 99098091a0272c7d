// wx.request as a promise: resolves with {statusCode, data} for any HTTP answer and rejects
// only when no answer came (network down, timeout).
function postJson(url, body, header) {
  return new Promise((resolve, reject) => {
    wx.request({
      url,
      method: 'POST',
      data: body,
      header: { 'content-type': 'application/json', ...header },
      success: (res) => resolve({ statusCode: res.statusCode, data: res.data }),
      // wx's errMsg ("request:fail timeout") is not for users: say what they can do.
      fail: () => reject(new Error('网络异常，请稍后再试')),
    })
  })
}

module.exports = { postJson }
