// The signed-in session's tokens ({accessToken, refreshToken, accessExpiresAt}), kept in
// wx storage under one key so they survive the mini-program being closed.
const KEY = 'linli.tokens'

function getTokens() {
  // wx.getStorageSync answers '' for a missing key.
  return wx.getStorageSync(KEY) || null
}

function setTokens(tokens) {
  wx.setStorageSync(KEY, tokens)
}

function clearTokens() {
  wx.removeStorageSync(KEY)
}

module.exports = { getTokens, setTokens, clearTokens }
