// Sign-in: 微信一键登录, and in development one tap on a seeded demo account. Someone who has not
// accepted the privacy notice reads it next, before anything personal is collected; its 同意 gives
// WeChat's consent and the platform's in one tap (utils/privacy.js).
// Pages are built with Component() so miniprogram-simulate can render them in tests.
const { execute, mutate, signOut } = require('../../utils/graphql')
const { AGREE_BUTTON_ID, agreeToPrivacy, openPrivacyContract } = require('../../utils/privacy')
const tokenStore = require('../../utils/tokenStore')
const { HOME_PAGE } = require('../../utils/session')
const { wxCall } = require('../../utils/wxp')
const { whileBusy } = require('../../utils/busy')
const { elderModeBehavior } = require('../../utils/elderMode')

const DEMO_ACCOUNTS = [
  { handle: 'resident', label: '居民', hint: '看通知、投票、报事、预约服务' },
  { handle: 'elder', label: '长者', hint: '由家属代办的老人' },
  { handle: 'relative', label: '家属', hint: '替家中老人办事' },
  { handle: 'volunteer', label: '志愿者', hint: '报名活动、签到、攒积分' },
  { handle: 'committee', label: '居委会工作人员', hint: '发布通知、组织投票' },
  { handle: 'grid', label: '网格员', hint: '走访、处理网格内事项' },
  { handle: 'property', label: '物业人员', hint: '报修与投诉' },
  { handle: 'provider', label: '服务商', hint: '接单、上门、结算' },
]

async function wechatCode() {
  try {
    return (await wxCall('login')).code
  } catch {
    throw new Error('微信登录失败，请稍后再试')
  }
}

Component({
  behaviors: [elderModeBehavior],

  data: {
    accounts: DEMO_ACCOUNTS,
    agreeId: AGREE_BUTTON_ID,
    signingIn: '', // 'wechat' or the demo handle being signed in: its button says so, the others wait
    consentNeeded: false,
    busy: false,
    error: '',
  },

  methods: {
    signInWithWechat() {
      return this.signIn('wechat', async () => mutate('WechatLogin', { code: await wechatCode() }))
    },

    signInWithDemo(event) {
      const { handle } = event.currentTarget.dataset
      return this.signIn(handle, () => mutate('DemoLogin', { handle }))
    },

    async signIn(method, authenticate) {
      if (this.data.signingIn) return
      this.setData({ signingIn: method, error: '' })
      try {
        const { tokens } = await authenticate()
        tokenStore.setTokens(tokens)
        const { viewer } = await execute('Viewer')
        if (viewer.privacyConsentGiven) wx.reLaunch({ url: HOME_PAGE })
        else this.setData({ signingIn: '', consentNeeded: true })
      } catch (err) {
        this.setData({ signingIn: '', error: err.message })
      }
    },

    // The agreePrivacyAuthorization button's handler: WeChat has the consent already.
    agree() {
      return whileBusy(this, async () => {
        await agreeToPrivacy()
        wx.reLaunch({ url: HOME_PAGE })
      })
    },

    openContract() {
      openPrivacyContract()
    },

    decline() {
      return signOut()
    },
  },
})
