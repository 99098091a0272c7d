// 社区服务: my community's services by category (家政保洁, 洗衣, 跑腿代办), each a card with its
// provider, its price per unit and its minimum, 免费 where the community makes the category free; a
// page at a time. Links lead to 长者助餐 and 我的订单. Acting for a relative (代办): their community.
const { execute } = require('../../../utils/graphql')
const { PAGED_DATA, loadNextPage } = require('../../../utils/pager')
const { whileBusy } = require('../../../utils/busy')
const { communityOf } = require('../../../utils/community')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { SERVICE_PAGE, MEALS_PAGE, ORDERS_PAGE, CATEGORY_LABELS, withAll, serviceCard, byCategory } = require('../../services')

Component({
  behaviors: [elderModeBehavior],

  data: {
    ...PAGED_DATA,
    category: '',
    categories: withAll(CATEGORY_LABELS),
    sections: [],
    busy: false,
    error: '',
  },

  methods: {
    onLoad(options) {
      this.options = options
      return whileBusy(this, async () => {
        this.communityId = await communityOf(options, '社区服务')
      }).then(() => this.communityId && this.loadMore())
    },

    retry() {
      return this.communityId ? this.loadMore() : this.onLoad(this.options || {})
    },

    onReachBottom() {
      return this.loadMore()
    },

    choose(event) {
      this.setData({ ...PAGED_DATA, category: event.detail.value, sections: [] })
      return this.loadMore()
    },

    loadMore() {
      if (!this.communityId) return undefined
      return loadNextPage(this, async ({ first, after }) => {
        const { communityServices } = await execute('CommunityServices', {
          communityId: this.communityId, category: this.data.category || null, first, after,
        })
        // 助餐 is ordered on its own page, by the day's menu.
        const nodes = communityServices.nodes.filter((s) => s.category !== 'MEALS').map(serviceCard)
        return { nodes, pageInfo: communityServices.pageInfo }
      }).then(() => this.setData({ sections: byCategory(this.data.items) }))
    },

    open(event) {
      const { id } = event.currentTarget.dataset
      wx.navigateTo({ url: `${SERVICE_PAGE}?id=${encodeURIComponent(id)}&communityId=${encodeURIComponent(this.communityId)}` })
    },

    go(event) {
      const url = { meals: MEALS_PAGE, orders: ORDERS_PAGE }[event.currentTarget.dataset.to]
      wx.navigateTo({ url: `${url}?communityId=${encodeURIComponent(this.communityId || '')}` })
    },
  },
})
