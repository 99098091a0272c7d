// 常见问题: the community's published questions and answers, newest first, a page at a time as the
// user scrolls, found by words of the question or the answer.
const { execute } = require('../../../utils/graphql')
const { PAGED_DATA, loadNextPage } = require('../../../utils/pager')
const { whileBusy } = require('../../../utils/busy')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { communityOf } = require('../../community')

Component({
  behaviors: [elderModeBehavior],

  data: {
    ...PAGED_DATA,
    communityId: '',
    search: '',
    open: '', // the id of the entry whose answer shows
    busy: false,
    error: '',
  },

  methods: {
    onLoad(options) {
      return whileBusy(this, async () => {
        this.setData({ communityId: await communityOf(options) })
      }).then(() => this.data.communityId && this.loadMore())
    },

    onReachBottom() {
      return this.loadMore()
    },

    loadMore() {
      const { communityId, search } = this.data
      return loadNextPage(this, async ({ first, after }) => {
        const { faq } = await execute('Faq', { communityId, search: search.trim() || null, first, after })
        return faq
      })
    },

    onSearchInput(event) {
      this.setData({ search: event.detail.value })
    },

    // A new search starts the list over.
    runSearch() {
      this.setData({ ...PAGED_DATA, open: '' })
      return this.loadMore()
    },

    toggle(event) {
      const { id } = event.currentTarget.dataset
      this.setData({ open: this.data.open === id ? '' : id })
    },

    ask() {
      wx.navigateTo({ url: `/cases/pages/ask/index?communityId=${this.data.communityId}` })
    },
  },
})
