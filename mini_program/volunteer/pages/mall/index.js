// 积分商城: my points (what I may spend, what pickups hold) above the community's rewards on sale,
// a page at a time as the user scrolls; tapping one opens it to redeem.
const { execute } = require('../../../utils/graphql')
const { PAGED_DATA, loadNextPage } = require('../../../utils/pager')
const { whileBusy } = require('../../../utils/busy')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { communityOf } = require('./points')

Component({
  behaviors: [elderModeBehavior],

  data: { ...PAGED_DATA, communityId: '', points: null, held: 0, busy: false, error: '' },

  methods: {
    onLoad(options) {
      return whileBusy(this, async () => {
        this.setData({ communityId: await communityOf(options) })
      }).then(() => this.data.communityId && this.loadMore())
    },

    // Back from a redemption: the balance and the stock changed.
    onShow() {
      if (!this.data.loaded) return undefined
      this.setData({ ...PAGED_DATA })
      return this.loadMore()
    },

    onReachBottom() {
      return this.loadMore()
    },

    loadMore() {
      return loadNextPage(this, async ({ first, after }) => {
        const { pointsBalance, rewards } = await execute('Rewards', { communityId: this.data.communityId, first, after })
        this.setData({ points: pointsBalance.points, held: pointsBalance.held })
        return { ...rewards, nodes: rewards.nodes.map((r) => ({ ...r, affordable: r.cost <= pointsBalance.points })) }
      })
    },

    open(event) {
      const { id } = event.currentTarget.dataset
      wx.navigateTo({ url: `/volunteer/pages/reward/index?id=${id}&communityId=${this.data.communityId}` })
    },

    mine() {
      wx.navigateTo({ url: '/volunteer/pages/redemptions/index' })
    },
  },
})
