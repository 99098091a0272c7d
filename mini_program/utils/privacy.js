// Consent to the privacy notice, given once for both who ask for it: WeChat, which lets a
// mini-program use the phone number, photos or the clipboard only after the user agreed to its
// privacy guide (用户隐私保护指引) through a button with open-type="agreePrivacyAuthorization", and
// the platform, which records the consent (privacyConsentRecord). The same tap gives both: the
// button's bindagreeprivacyauthorization handler records it with the server.
//
// When WeChat finds the user has not agreed (a new guide, say) as a page calls such an API, it asks
// through wx.onNeedPrivacyAuthorization and waits: the privacy card (components/privacy-card)
// on that page shows, and the API goes on once the user has answered on it.
const { mutate } = require('./graphql')
const { wxCall } = require('./wxp')

const PRIVACY_NOTICE = { version: '2026-11', channel: 'mini_program' }

// The id of every agreePrivacyAuthorization button: WeChat is told which one the user tapped.
const AGREE_BUTTON_ID = 'agree-privacy'

// WeChat's pending question and the privacy cards open to answer it, kept on the app: each page
// has modules of its own.
function pending(app = getApp()) {
  if (!app.privacyRequest) app.privacyRequest = { resolve: null, cards: new Set() }
  return app.privacyRequest
}

// Called once, in App's onLaunch (`app`: the App itself, as getApp() is not ready there).
function handlePrivacyAuthorization(app) {
  if (typeof wx.onNeedPrivacyAuthorization !== 'function') return // an older WeChat asks nothing
  wx.onNeedPrivacyAuthorization((resolve) => {
    const request = pending(app)
    request.resolve = resolve
    request.cards.forEach((show) => show(true))
  })
}

// A privacy card shows while WeChat waits for an answer: `show(asking)` now and on each change.
function watchPrivacyRequest(show) {
  const request = pending()
  request.cards.add(show)
  show(!!request.resolve)
  return () => request.cards.delete(show)
}

// Hands the user's answer to WeChat's waiting API, if it waits.
function answerPrivacyRequest(agreed) {
  const request = pending()
  if (!request.resolve) return
  request.resolve(agreed ? { buttonId: AGREE_BUTTON_ID, event: 'agree' } : { event: 'disagree' })
  request.resolve = null
  request.cards.forEach((show) => show(false))
}

// The agree button was tapped, so WeChat has the consent: the server records it, and an API
// waiting for it goes on. Rejects with the server's message (WeChat's consent stands).
async function agreeToPrivacy() {
  answerPrivacyRequest(true)
  await mutate('PrivacyConsentRecord', PRIVACY_NOTICE)
}

// 《邻里隐私保护指引》 as WeChat shows it (the guide configured in the WeChat console).
function openPrivacyContract() {
  return wxCall('openPrivacyContract').catch(() => null) // no guide configured: nothing to show
}

module.exports = {
  AGREE_BUTTON_ID, handlePrivacyAuthorization, watchPrivacyRequest, answerPrivacyRequest, agreeToPrivacy,
  openPrivacyContract,
}
