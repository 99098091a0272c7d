// 我的兑换: my redemptions, newest first, with the pickup codes of those waiting; one not yet
// collected may be cancelled (asked first): the points and the stock come back.
const { execute, mutate } = require('../../../utils/graphql')
const { PAGED_DATA, loadNextPage } = require('../../../utils/pager')
const { whileBusy } = require('../../../utils/busy')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { confirm, toast } = require('../../../utils/wxp')
const { redemptionView } = require('../mall/points')

Component({
  behaviors: [elderModeBehavior],

  data: { ...PAGED_DATA, busy: false, error: '' },

  methods: {
    onLoad() {
      return this.loadMore()
    },

    onReachBottom() {
      return this.loadMore()
    },

    loadMore() {
      return loadNextPage(this, async ({ first, after }) => {
        const { myRedemptions } = await execute('RedemptionsMine', { first, after })
        return { ...myRedemptions, nodes: myRedemptions.nodes.map(redemptionView) }
      })
    },

    async cancel(event) {
      const { id } = event.currentTarget.dataset
      const item = this.data.items.find((r) => r.id === id)
      if (!(await confirm('取消兑换', `取消「${item.rewardName}」的兑换？${item.cost} 积分将退回。`, '取消兑换'))) {
        return undefined
      }
      return whileBusy(this, async () => {
        const { redemption } = await mutate('RedemptionCancel', { id })
        this.setData({ items: this.data.items.map((r) => (r.id === id ? redemptionView({ ...r, ...redemption }) : r)) })
        toast('已取消')
      })
    },
  },
})
