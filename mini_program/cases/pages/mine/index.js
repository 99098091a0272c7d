// 我的诉求: the cases I raised (or, acting for a relative, they did) and those I follow, newest
// first, a page at a time, each with its state in Chinese and whether it is overdue or waits for me.
const { execute } = require('../../../utils/graphql')
const { PAGED_DATA, loadNextPage } = require('../../../utils/pager')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { CASE_PAGE, RAISE_PAGE, caseSummary } = require('../../utils/cases')

Component({
  behaviors: [elderModeBehavior],

  data: {
    ...PAGED_DATA,
    busy: false,
    error: '',
  },

  methods: {
    onLoad() {
      return this.loadMore()
    },

    // Back from a case (urged, answered, rated): its tags have changed, so the list starts afresh.
    onShow() {
      if (!this.data.loaded || this.data.busy) return undefined
      this.setData({ ...PAGED_DATA })
      return this.loadMore()
    },

    onReachBottom() {
      return this.loadMore()
    },

    loadMore() {
      return loadNextPage(this, async ({ first, after }) => {
        const { myCases } = await execute('MyCases', { first, after })
        return { nodes: myCases.nodes.map(caseSummary), pageInfo: myCases.pageInfo }
      })
    },

    open(event) {
      wx.navigateTo({ url: `${CASE_PAGE}?id=${encodeURIComponent(event.currentTarget.dataset.id)}` })
    },

    raise() {
      wx.navigateTo({ url: RAISE_PAGE })
    },
  },
})
