// WeChat's privacy question, asked on the page where an API needs the answer (utils/privacy.js):
// the guide to read, 同意 (both consents in one tap) and 不同意 (the API is refused).
const { AGREE_BUTTON_ID, watchPrivacyRequest, answerPrivacyRequest, agreeToPrivacy, openPrivacyContract } =
  require('../../utils/privacy')

Component({
  options: { styleIsolation: 'apply-shared' },

  data: {
    shown: false,
    agreeId: AGREE_BUTTON_ID,
  },

  lifetimes: {
    attached() {
      this.unwatch = watchPrivacyRequest((shown) => this.setData({ shown }))
    },
    detached() {
      this.unwatch()
    },
  },

  methods: {
    openContract() {
      openPrivacyContract()
    },

    // WeChat's consent is given with the tap, and the page's API goes on: a failure to record the
    // platform's is only said (the server asks again before it collects anything).
    agree() {
      return agreeToPrivacy().catch((err) => wx.showToast({ title: err.message, icon: 'none' }))
    },

    decline() {
      answerPrivacyRequest(false)
    },
  },
})
