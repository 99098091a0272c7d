// wx's callback APIs as promises: resolves with what `success` gets, rejects with an Error
// carrying wx's errMsg (not for users: callers say what went wrong in their own words).
function wxCall(api, options = {}) {
  return new Promise((resolve, reject) => {
    wx[api]({ ...options, success: resolve, fail: (res) => reject(new Error(res && res.errMsg)) })
  })
}

// Asks before something that cannot be undone; resolves true when the user confirms.
async function confirm(title, content, confirmText) {
  const { confirm: confirmed } = await wxCall('showModal', { title, content, confirmText })
  return confirmed
}

// Says an action went through (WeChat shows at most seven characters beside the tick).
function toast(title) {
  wx.showToast({ title, icon: 'success' })
}

module.exports = { wxCall, confirm, toast }
