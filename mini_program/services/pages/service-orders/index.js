// 我的订单: my service and meal orders (or, acting for a relative, theirs), newest first, a page at a
// time, filtered by state; each opens its order.
const { execute } = require('../../../utils/graphql')
const { PAGED_DATA, loadNextPage } = require('../../../utils/pager')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { ORDER_PAGE, STATE_LABELS, withAll, orderView } = require('../../services')

Component({
  behaviors: [elderModeBehavior],

  data: {
    ...PAGED_DATA,
    state: '',
    states: withAll(STATE_LABELS),
    busy: false,
    error: '',
  },

  methods: {
    onLoad() {
      return this.loadMore()
    },

    onReachBottom() {
      return this.loadMore()
    },

    retry() {
      return this.loadMore()
    },

    choose(event) {
      this.setData({ ...PAGED_DATA, state: event.detail.value })
      return this.loadMore()
    },

    loadMore() {
      return loadNextPage(this, async ({ first, after }) => {
        const { myServiceOrders } = await execute('MyServiceOrders', { state: this.data.state || null, first, after })
        return { nodes: myServiceOrders.nodes.map(orderView), pageInfo: myServiceOrders.pageInfo }
      })
    },

    open(event) {
      wx.navigateTo({ url: `${ORDER_PAGE}?id=${encodeURIComponent(event.currentTarget.dataset.id)}` })
    },
  },
})
