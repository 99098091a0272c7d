const config = require('./config')
const { handlePrivacyAuthorization } = require('./utils/privacy')

App({
  globalData: {
    apiBase: config.apiBase(),
    noticeTemplateId: config.NOTICE_TEMPLATE_ID,
  },

  onLaunch() {
    handlePrivacyAuthorization(this)
  },
})
