// Who the signed-in user is acting as. While they act for a relative (代办) the principal
// ({id, name}) is kept in wx storage beside the tokens, and every request says so (X-Acting-For).
const tokenStore = require('./tokenStore')

const LOGIN_PAGE = '/pages/login/index'
const HOME_PAGE = '/pages/home/index'
const ACTING_KEY = 'linli.actingFor'

function getActingFor() {
  return wx.getStorageSync(ACTING_KEY) || null
}

function setActingFor(principal) {
  if (principal) wx.setStorageSync(ACTING_KEY, principal)
  else wx.removeStorageSync(ACTING_KEY)
}

// Switches to acting for `principal`, or back to oneself with null. Everything starts afresh
// from the home page, so no open page keeps showing the other person's data.
function actAs(principal) {
  setActingFor(principal)
  wx.reLaunch({ url: HOME_PAGE })
}

// Ends the session on this device: tokens and 代办 forgotten, back to the login page.
function endSession() {
  tokenStore.clearTokens()
  setActingFor(null)
  wx.reLaunch({ url: LOGIN_PAGE })
}

module.exports = { LOGIN_PAGE, HOME_PAGE, getActingFor, setActingFor, actAs, endSession }
