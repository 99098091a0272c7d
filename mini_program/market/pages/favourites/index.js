// 收藏与订阅: the listings I keep (收藏), latest kept first, a page at a time, each opening its page
// (a reserved or ended one stays, marked by its state); and my saved searches (订阅), in words, each
// deleted after a confirmation. Acting for a relative (代办): theirs.
const { execute, mutate } = require('../../../utils/graphql')
const { PAGED_DATA, loadNextPage } = require('../../../utils/pager')
const { whileBusy } = require('../../../utils/busy')
const { confirm, toast } = require('../../../utils/wxp')
const { formatDate } = require('../../../utils/format')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { LISTING_PAGE, CATEGORY_LABELS, KIND_LABELS, yuanText, listingCard } = require('../../market')

// A saved search in words: 「自行车」 · 母婴童装玩具 · 出售 · 只看免费 · ¥10 至 ¥100.
function searchText(s) {
  const price = s.minPriceFen !== null || s.maxPriceFen !== null
    ? [s.minPriceFen !== null ? yuanText(s.minPriceFen) : '不限', s.maxPriceFen !== null ? yuanText(s.maxPriceFen) : '不限'].join(' 至 ')
    : ''
  return [s.query ? `「${s.query}」` : '', CATEGORY_LABELS[s.category] || '', KIND_LABELS[s.kind] || '',
    s.free ? '只看免费' : '', price].filter(Boolean).join(' · ')
}

Component({
  behaviors: [elderModeBehavior],

  data: {
    ...PAGED_DATA,
    searches: [],
    searchesLoaded: false,
    busy: false,
    error: '',
  },

  methods: {
    onLoad() {
      return this.loadSearches().then(() => this.loadMore())
    },

    onShow() {
      if (!this.data.loaded || this.data.busy) return undefined
      this.setData({ ...PAGED_DATA })
      return this.loadMore()
    },

    onReachBottom() {
      return this.loadMore()
    },

    retry() {
      return this.onLoad()
    },

    loadSearches() {
      return whileBusy(this, async () => {
        const { savedSearches } = await execute('SavedSearches')
        this.setData({
          searchesLoaded: true,
          searches: savedSearches.map((s) => ({ id: s.id, text: searchText(s), since: `${formatDate(s.createdAt)} 订阅` })),
        })
      })
    },

    loadMore() {
      return loadNextPage(this, async ({ first, after }) => {
        const { marketFavourites } = await execute('MarketFavourites', { first, after })
        return { nodes: marketFavourites.nodes.map(listingCard), pageInfo: marketFavourites.pageInfo }
      })
    },

    open(event) {
      wx.navigateTo({ url: `${LISTING_PAGE}?id=${encodeURIComponent(event.currentTarget.dataset.id)}` })
    },

    async deleteSearch(event) {
      const { id } = event.currentTarget.dataset
      if (!(await confirm('删除订阅', '删除后有新的闲置符合时将不再通知您。', '删除'))) return
      await whileBusy(this, async () => {
        await mutate('SavedSearchDelete', { id })
        this.setData({ searches: this.data.searches.filter((s) => s.id !== id) })
        toast('已删除')
      })
    },
  },
})
