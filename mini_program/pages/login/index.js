// Development sign-in: one tap signs in as one of the seeded demo accounts.
// Pages are built with Component() so miniprogram-simulate can render them in tests.
const { execute } = require('../../utils/graphql')
const tokenStore = require('../../utils/tokenStore')

const HOME_PAGE = '/pages/home/index'

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

Component({
  data: {
    accounts: DEMO_ACCOUNTS,
    signingIn: '', // the handle being signed in: its button says so, the others wait
    error: '',
  },

  methods: {
    async signIn(event) {
      if (this.data.signingIn) return
      const { handle } = event.currentTarget.dataset
      this.setData({ signingIn: handle, error: '' })
      try {
        const { authDemoLogin } = await execute('DemoLogin', { handle })
        if (authDemoLogin.errors.length) {
          this.setData({ signingIn: '', error: authDemoLogin.errors[0].message })
          return
        }
        tokenStore.setTokens(authDemoLogin.tokens)
        wx.reLaunch({ url: HOME_PAGE })
      } catch (err) {
        this.setData({ signingIn: '', error: err.message })
      }
    },
  },
})
