// The receipt code of a ballot just cast, handed from the ballot to the receipt page in memory: a
// page's URL (and so its query) may be seen outside the phone — WeChat's page statistics — and with
// the code anyone could find what a secret ballot says in the published log. Kept on the app, since
// each page has modules of its own; taken once.
function handOverReceipt(pollId, code) {
  getApp().castReceipt = { pollId, code }
}

// The code handed over for this poll ('' when none), forgotten as it is taken.
function takeReceipt(pollId) {
  const app = getApp()
  const handed = app.castReceipt
  app.castReceipt = null
  return handed && handed.pollId === pollId ? handed.code : ''
}

module.exports = { handOverReceipt, takeReceipt }
