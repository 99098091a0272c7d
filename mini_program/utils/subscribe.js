// WeChat subscribe messages (订阅消息): a mini-program may send the user one service notification
// per time they accept a template, and may ask only inside a tap handler. So the taps that lead to
// something the user will want to hear about (opening the notices, 提交申请, 我已知晓) ask first;
// each template accepted is reported to the server (wechatSubscribeGrant), which then holds one
// more message to send. None of it is allowed to stand in the way of what the user tapped for.
const { mutate } = require('./graphql')

// The notice template, configured per deployment in app.js.
const noticeTemplateId = () => getApp().globalData.noticeTemplateId

// Calls wx.requestSubscribeMessage at once (it must run synchronously in the tap handler) and
// resolves, never rejects, with the ids the user accepted once WeChat has answered; [] when it
// refused to ask or the user declined. The server is told of the accepted ones in the background.
function askSubscription(templateIds) {
  const tmplIds = templateIds.filter(Boolean)
  if (!tmplIds.length || typeof wx.requestSubscribeMessage !== 'function') return Promise.resolve([])
  return new Promise((resolve) => {
    try {
      wx.requestSubscribeMessage({ tmplIds, success: resolve, fail: () => resolve(null) })
    } catch {
      resolve(null)
    }
  }).then((answers) => {
    const accepted = answers ? tmplIds.filter((id) => answers[id] === 'accept') : []
    if (accepted.length) mutate('WechatSubscribeGrant', { templateIds: accepted }).catch(() => null)
    return accepted
  })
}

// Asks for one message about community notices.
function askNoticeSubscription() {
  return askSubscription([noticeTemplateId()])
}

module.exports = { askSubscription, askNoticeSubscription }
