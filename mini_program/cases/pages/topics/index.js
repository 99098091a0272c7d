// 议事厅: the community's topics, newest first, a page at a time: the committee's agenda items and
// residents' proposals with how many households support them; where a resident proposes one.
const { execute } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const { PAGED_DATA, loadNextPage } = require('../../../utils/pager')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { TOPIC_PAGE, PROPOSE_PAGE, topicSummary, communityOf } = require('../../utils/topics')

Component({
  behaviors: [elderModeBehavior],

  data: {
    ...PAGED_DATA,
    communityId: '',
    busy: false,
    error: '',
  },

  methods: {
    async onLoad(options) {
      await whileBusy(this, async () => {
        this.setData({ communityId: await communityOf(options, execute) })
      })
      if (this.data.communityId) await this.loadMore()
    },

    onReachBottom() {
      return this.loadMore()
    },

    loadMore() {
      return loadNextPage(this, async ({ first, after }) => {
        const { topics } = await execute('Topics', { communityId: this.data.communityId, first, after })
        return { nodes: topics.nodes.map(topicSummary), pageInfo: topics.pageInfo }
      })
    },

    open(event) {
      wx.navigateTo({ url: `${TOPIC_PAGE}?id=${encodeURIComponent(event.currentTarget.dataset.id)}` })
    },

    propose() {
      wx.navigateTo({ url: `${PROPOSE_PAGE}?communityId=${encodeURIComponent(this.data.communityId)}` })
    },
  },
})
