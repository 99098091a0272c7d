// 跳蚤市场: my community's listings on offer, newest first, a page at a time; a search (words, category,
// kind, free only, a price range in 元, a sort) that can be kept as a saved search (订阅此搜索), whose
// new matches the server tells me about. Each card opens its listing; the links lead to publishing,
// my listings and deals, my favourites and my messages.
const { execute, mutate } = require('../../../utils/graphql')
const { PAGED_DATA, loadNextPage } = require('../../../utils/pager')
const { whileBusy } = require('../../../utils/busy')
const { toast } = require('../../../utils/wxp')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { communityListBehavior } = require('../../communityList')
const {
  LISTING_PAGE, PUBLISH_PAGE, MINE_PAGE, FAVOURITES_PAGE, CHATS_PAGE,
  CATEGORY_LABELS, KIND_LABELS, SORT_LABELS, choices, withAll, yuanToFen, listingCard,
} = require('../../market')

const NO_FILTERS = { category: '', kind: '', free: false, minYuan: '', maxYuan: '' }

Component({
  behaviors: [elderModeBehavior, communityListBehavior],

  data: {
    ...PAGED_DATA,
    query: '',
    ...NO_FILTERS,
    sort: 'NEWEST',
    categories: withAll(CATEGORY_LABELS),
    kinds: withAll(KIND_LABELS),
    sorts: choices(SORT_LABELS),
    showFilters: false,
    total: 0,
    searched: false, // words or a filter narrow the list (the empty state says so)
    priceError: '',
    busy: false,
    error: '',
  },

  methods: {
    onInput(event) {
      this.setData({ [event.currentTarget.dataset.field]: event.detail.value })
    },

    toggleFilters() {
      this.setData({ showFilters: !this.data.showFilters })
    },

    // A chosen category, kind or sort applies at once; the words and prices with 搜索.
    choose(event) {
      this.setData({ [event.currentTarget.dataset.field]: event.detail.value })
      return this.search()
    },

    toggleFree(event) {
      this.setData({ free: !!event.detail.value })
      return this.search()
    },

    clearFilters() {
      this.setData({ ...NO_FILTERS, query: '' })
      return this.search()
    },

    // What marketSearch (and a saved search) takes, from the box and the filters; a price that is no
    // amount of 元 is refused beside the prices.
    filters() {
      const { query, category, kind, free, minYuan, maxYuan } = this.data
      return {
        query: query.trim() || null,
        category: category || null,
        kind: kind || null,
        free: free || null,
        minPriceFen: yuanToFen(minYuan, 'minPriceFen'),
        maxPriceFen: yuanToFen(maxYuan, 'maxPriceFen'),
      }
    },

    checkedFilters() {
      try {
        const filters = this.filters()
        this.setData({ priceError: '' })
        return filters
      } catch (err) {
        this.setData({ priceError: err.message, showFilters: true })
        return null
      }
    },

    search() {
      const filters = this.checkedFilters()
      if (!filters) return undefined
      this.searchFilters = filters
      this.setData({ ...PAGED_DATA, searched: Object.values(filters).some((v) => v !== null) })
      return this.loadMore()
    },

    loadMore() {
      if (!this.communityId) return undefined
      const filters = this.searchFilters || this.filters()
      return loadNextPage(this, async ({ first, after }) => {
        const { marketSearch } = await execute('MarketSearch', {
          communityId: this.communityId, ...filters, sort: this.data.sort, first, after,
        })
        this.setData({ total: marketSearch.totalCount })
        return { nodes: marketSearch.nodes.map(listingCard), pageInfo: marketSearch.pageInfo }
      })
    },

    // 订阅此搜索: the server tells me when a new listing matches these words and filters.
    saveSearch() {
      const filters = this.checkedFilters()
      if (!filters) return undefined
      return whileBusy(this, async () => {
        await mutate('SavedSearchCreate', {
          input: { communityId: this.communityId, ...filters, query: filters.query || '' },
        })
        toast('已订阅')
      })
    },

    open(event) {
      wx.navigateTo({ url: `${LISTING_PAGE}?id=${encodeURIComponent(event.currentTarget.dataset.id)}` })
    },

    go(event) {
      const url = { publish: PUBLISH_PAGE, mine: MINE_PAGE, favourites: FAVOURITES_PAGE, chats: CHATS_PAGE }[event.currentTarget.dataset.to]
      wx.navigateTo({ url: `${url}?communityId=${encodeURIComponent(this.communityId || '')}` })
    },
  },
})
