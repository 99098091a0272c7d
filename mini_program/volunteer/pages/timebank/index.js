// 时间银行: my hours, the community's open requests for help and helpers' offers (or, with 我的, the
// ones I asked for or help with), and the ways in: 发布需求, 提供帮助, 赠与时长.
const { execute } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { KIND_LABELS, communityOf, formatMinutes, requestRow } = require('./words')

const TABS = [
  { value: 'open', label: '求助' }, { value: 'mine', label: '我的' }, { value: 'offers', label: '帮助意向' },
]

Component({
  behaviors: [elderModeBehavior],

  data: { tabs: TABS, tab: 'open', account: null, requests: [], offers: [], busy: false, error: '' },

  methods: {
    onLoad(options) {
      return whileBusy(this, async () => {
        this.communityId = await communityOf(options)
        await this.refresh()
      })
    },

    onShow() {
      if (this.communityId) return whileBusy(this, () => this.refresh())
      return undefined
    },

    async refresh() {
      const { communityId } = this
      const { timebankAccount: a } = await execute('TimebankAccount', { communityId })
      this.setData({
        account: {
          minutes: formatMinutes(a.minutes),
          held: a.heldMinutes ? `冻结中 ${formatMinutes(a.heldMinutes)}` : '',
          note: a.eligible ? '' : a.eligibilityNote,
        },
      })
      if (this.data.tab === 'offers') {
        const { timebankOffers } = await execute('TimebankOffers', { communityId, first: 20 })
        this.setData({
          offers: timebankOffers.nodes.map((o) => ({
            id: o.id,
            helperName: o.helperName,
            line: [...o.kinds.map((k) => KIND_LABELS[k]), ...o.skills].join('、') || '不限',
            note: o.note,
          })),
        })
        return
      }
      const { timebankRequests } = await execute('TimebankRequests', {
        communityId, mine: this.data.tab === 'mine', first: 20,
      })
      this.setData({ requests: timebankRequests.nodes.map(requestRow) })
    },

    chooseTab(event) {
      this.setData({ tab: event.detail.value })
      return whileBusy(this, () => this.refresh())
    },

    openRequest(event) {
      wx.navigateTo({ url: `/volunteer/pages/request/index?id=${event.currentTarget.dataset.id}` })
    },

    ask() {
      wx.navigateTo({ url: `/volunteer/pages/request/index?communityId=${this.communityId}` })
    },

    offer() {
      wx.navigateTo({ url: `/volunteer/pages/offer/index?communityId=${this.communityId}` })
    },

    donate() {
      wx.navigateTo({ url: `/volunteer/pages/donate/index?communityId=${this.communityId}` })
    },
  },
})
