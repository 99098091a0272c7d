// What the market's lists share (the listings, my listings and deals, my conversations): opened for
// a community (the one in the url, else mine), they load their first page (`loadMore`, the page's
// own), the next at the bottom, and 重试 starts again from whichever step failed.
const { whileBusy } = require('../utils/busy')
const { communityOf } = require('../utils/community')

const communityListBehavior = Behavior({
  methods: {
    onLoad(options) {
      this.options = options
      return whileBusy(this, async () => {
        this.communityId = await communityOf(options, '跳蚤市场')
      }).then(() => this.communityId && this.loadMore())
    },

    retry() {
      return this.communityId ? this.loadMore() : this.onLoad(this.options || {})
    },

    onReachBottom() {
      return this.loadMore()
    },
  },
})

module.exports = { communityListBehavior }
