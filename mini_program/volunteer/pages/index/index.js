// 志愿与积分: my hours (时长) and points (积分) at a glance, and the way to every page of the
// subpackage — volunteer activities, the time bank, the points mall, certificates and the wallet.
// Acting for a relative (代办, with the time-bank scope) it shows theirs.
const { execute } = require('../../../utils/graphql')
const { elderModeBehavior } = require('../../../utils/elderMode')
const pages = require('../../utils/pages')
const { communityOf, hoursText } = require('../../utils/wallet')

const ENTRIES = [
  { url: pages.ACTIVITIES_PAGE, label: '志愿活动', hint: '报名参加社区志愿服务，签到签退记时长', className: 'activities-entry' },
  { url: pages.TIMEBANK_PAGE, label: '时间银行', hint: '用时长换邻里互助，也可以捐给家人或互助池', className: 'timebank-entry' },
  { url: pages.MALL_PAGE, label: '积分商城', hint: '用积分兑换礼品和服务', className: 'mall-entry' },
  { url: pages.REDEMPTIONS_PAGE, label: '我的兑换', hint: '兑换记录和取货码', className: 'redemptions-entry' },
  { url: pages.CERTIFICATES_PAGE, label: '志愿证明', hint: '开具志愿服务时长证明', className: 'certificates-entry' },
  { url: pages.WALLET_PAGE, label: '收支明细', hint: '时长和积分的每一笔记录', className: 'wallet-entry' },
]

Component({
  behaviors: [elderModeBehavior],

  data: {
    entries: ENTRIES,
    wallet: null,
    error: '',
  },

  methods: {
    onLoad(options) {
      this.options = options || {}
      return this.loadWallet()
    },

    // Back from the mall or the time bank, the balances may have changed.
    onShow() {
      if (this.data.wallet) return this.loadWallet()
      return undefined
    },

    async loadWallet() {
      try {
        const communityId = await communityOf(this.options)
        const { myWallet } = await execute('MyWallet', { communityId })
        this.communityId = communityId
        this.setData({
          error: '',
          wallet: {
            hours: hoursText(myWallet.hours),
            hoursHeld: myWallet.hoursHeld ? hoursText(myWallet.hoursHeld) : '',
            points: myWallet.points,
            pointsHeld: myWallet.pointsHeld,
          },
        })
      } catch (err) {
        this.setData({ error: err.message })
      }
    },

    open(event) {
      const { url } = event.currentTarget.dataset
      wx.navigateTo({ url: this.communityId ? `${url}?communityId=${encodeURIComponent(this.communityId)}` : url })
    },
  },
})
