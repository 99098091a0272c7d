// 我的闲置与交易: my listings, all or by state, each with what I may do to it — 编辑, 续期, 下架 (after a
// confirmation) — and my deals, as the buyer (我买到的) or the seller (我卖出的), each opening its
// deal page. A page at a time. Acting for a relative (代办): theirs.
const { execute, mutate } = require('../../../utils/graphql')
const { PAGED_DATA, loadNextPage } = require('../../../utils/pager')
const { whileBusy } = require('../../../utils/busy')
const { confirm, toast } = require('../../../utils/wxp')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { communityListBehavior } = require('../../communityList')
const { LISTING_PAGE, PUBLISH_PAGE, DEAL_PAGE, priceText } = require('../../market')

const VIEWS = [
  { value: 'listings', label: '我发布的' },
  { value: 'BUYER', label: '我买到的' },
  { value: 'SELLER', label: '我卖出的' },
]
const STATES = [
  { value: '', label: '全部' },
  { value: 'PUBLISHED', label: '在售' },
  { value: 'DRAFT', label: '草稿' },
  { value: 'RESERVED', label: '已预订' },
  { value: 'EXPIRED', label: '已过期' },
  { value: 'HANDED_OVER', label: '已交接' },
  { value: 'CLOSED', label: '已结束' },
]
const EMPTY = {
  listings: '还没有发布过闲置',
  BUYER: '还没有预订过闲置',
  SELLER: '还没有人预订您的闲置',
}
const EDITABLE = ['DRAFT', 'PUBLISHED', 'EXPIRED']
const RENEWABLE = ['PUBLISHED', 'EXPIRED']

function listingRow(l) {
  return {
    id: l.id,
    listingId: l.id,
    title: l.title,
    price: priceText(l),
    thumbnail: l.photos.length ? l.photos[0].thumbnailUrl : '',
    state: l.stateLabel,
    line: l.hidden ? '已被举报隐藏，审核中' : l.pickupPlace,
    mayEdit: EDITABLE.includes(l.state),
    mayRenew: RENEWABLE.includes(l.state),
    mayWithdraw: EDITABLE.includes(l.state),
  }
}

function dealRow(r) {
  const notes = [r.locked ? '交接已锁定' : '', r.canRate ? '待评价' : ''].filter(Boolean)
  return {
    id: r.id,
    listingId: r.listing.id,
    title: r.listing.title,
    price: priceText(r.listing),
    thumbnail: r.listing.photos.length ? r.listing.photos[0].thumbnailUrl : '',
    state: r.stateLabel,
    line: r.iAmBuyer ? `卖家 ${r.sellerName}` : `买家 ${r.buyerName}`,
    notes: notes.join(' · '),
  }
}

Component({
  behaviors: [elderModeBehavior, communityListBehavior],

  data: {
    ...PAGED_DATA,
    views: VIEWS,
    view: 'listings',
    states: STATES,
    state: '',
    empty: EMPTY.listings,
    busy: false,
    error: '',
  },

  methods: {
    // Back from a listing or a deal: its row may have changed.
    onShow() {
      if (!this.data.loaded || this.data.busy) return undefined
      return this.restart()
    },

    chooseView(event) {
      this.setData({ view: event.detail.value, empty: EMPTY[event.detail.value] })
      return this.restart()
    },

    chooseState(event) {
      this.setData({ state: event.detail.value })
      return this.restart()
    },

    restart() {
      this.setData({ ...PAGED_DATA })
      return this.loadMore()
    },

    loadMore() {
      const { view, state } = this.data
      return loadNextPage(this, async ({ first, after }) => {
        if (view === 'listings') {
          const { myListings } = await execute('MyListings', { state: state || null, first, after })
          return { nodes: myListings.nodes.map(listingRow), pageInfo: myListings.pageInfo }
        }
        const { myReservations } = await execute('MyReservations', { communityId: this.communityId, role: view, first, after })
        return { nodes: myReservations.nodes.map(dealRow), pageInfo: myReservations.pageInfo }
      })
    },

    open(event) {
      const { listing, reservation } = event.currentTarget.dataset
      wx.navigateTo({
        url: this.data.view === 'listings'
          ? `${LISTING_PAGE}?id=${encodeURIComponent(listing)}`
          : `${DEAL_PAGE}?listingId=${encodeURIComponent(listing)}&reservationId=${encodeURIComponent(reservation)}`,
      })
    },

    edit(event) {
      wx.navigateTo({ url: `${PUBLISH_PAGE}?id=${encodeURIComponent(event.currentTarget.dataset.listing)}` })
    },

    async change(question, work, done) {
      if (question && !(await confirm(...question))) return
      await whileBusy(this, async () => {
        await work()
        toast(done)
      })
      if (!this.data.error) await this.restart()
    },

    renew(event) {
      const id = event.currentTarget.dataset.listing
      return this.change(null, () => mutate('ListingRenew', { id }), '已续期')
    },

    withdraw(event) {
      const id = event.currentTarget.dataset.listing
      return this.change(['下架这件闲置', '下架后邻居将看不到它，也不能再恢复。', '下架'],
        () => mutate('ListingWithdraw', { id, reason: null }), '已下架')
    },
  },
})
