// One listing (?id=): its photos, description, seller with the 已认证住户 badge and their ratings, where
// to collect it (the room too, for its seller and the accepted buyer), and what I may do with it. A
// neighbour keeps it (收藏), reserves it after a confirmation, enters or leaves its lottery — after the
// draw, the result with its seed and whether I won — asks the seller (联系卖家) and may report it
// (举报). Its seller edits, renews or, after a confirmation, withdraws it (下架). Either side of its
// reservation opens the deal. Acting for a relative (代办), all of it is for them.
const { execute, mutate } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const { confirm, toast } = require('../../../utils/wxp')
const { formatDateTime } = require('../../../utils/format')
const session = require('../../../utils/session')
const { elderModeBehavior } = require('../../../utils/elderMode')
const {
  PUBLISH_PAGE, CHAT_PAGE, DEAL_PAGE, KIND_LABELS, CATEGORY_LABELS, CONDITION_LABELS, GIVEAWAY_LABELS, RESERVABLE,
  priceText, sellerRatingText,
} = require('../../market')

const EDITABLE = ['DRAFT', 'PUBLISHED', 'EXPIRED']
const RENEWABLE = ['PUBLISHED', 'EXPIRED']
const TALKABLE = ['PUBLISHED', 'RESERVED', 'HANDED_OVER']

function lotteryView(l) {
  if (l.giveawayMode !== 'LOTTERY') return null
  const result = l.lotteryResult
  return {
    drawAt: l.drawAt ? formatDateTime(l.drawAt) : '',
    entryCount: l.entryCount,
    entered: l.entered,
    mayEnter: !l.mine && l.state === 'PUBLISHED' && !result,
    result: result && {
      drawnAt: formatDateTime(result.drawnAt),
      seed: result.seed,
      entries: result.entryIds.length,
      nobody: !result.winnerEntryId,
      outcome: l.entered ? (result.iWon ? '您抽中了' : '未中签') : '',
      iWon: result.iWon,
    },
  }
}

function listingView(l) {
  const firstCome = RESERVABLE.includes(l.kind) || (l.kind === 'FREE' && l.giveawayMode === 'FIRST_COME')
  return {
    id: l.id,
    title: l.title,
    price: priceText(l),
    kind: KIND_LABELS[l.kind],
    category: CATEGORY_LABELS[l.category],
    condition: l.condition ? CONDITION_LABELS[l.condition] : '',
    giveaway: l.giveawayMode ? GIVEAWAY_LABELS[l.giveawayMode] : '',
    state: l.stateLabel,
    description: l.description,
    photos: l.photos.map((p, i) => ({ key: String(i), url: p.displayUrl })),
    seller: l.sellerName,
    verified: l.sellerVerified,
    rating: sellerRatingText(l.sellerRating),
    place: l.pickupPlace,
    room: l.pickupRoom || '',
    expires: l.expiresAt ? formatDateTime(l.expiresAt) : '',
    hidden: l.hidden,
    mine: l.mine,
    favourited: l.favourited,
    lottery: lotteryView(l),
    mayReserve: !l.mine && l.state === 'PUBLISHED' && firstCome,
    mayContact: !l.mine && TALKABLE.includes(l.state),
    deal: l.reservation ? l.reservation.stateLabel : '',
    mayEdit: l.mine && EDITABLE.includes(l.state),
    mayRenew: l.mine && RENEWABLE.includes(l.state),
    mayWithdraw: l.mine && EDITABLE.includes(l.state),
  }
}

Component({
  behaviors: [elderModeBehavior],

  data: {
    view: null,
    missing: false,
    actingFor: '',
    busy: false,
    error: '',
  },

  methods: {
    onLoad({ id, communityId }) {
      const principal = session.getActingFor()
      this.setData({ actingFor: principal ? principal.name : '' })
      this.listingId = id
      this.communityId = communityId || ''
      return whileBusy(this, () => this.refresh())
    },

    // Back from editing it, or from its deal: it may have changed.
    onShow() {
      if (!this.data.view || this.data.busy) return undefined
      return whileBusy(this, () => this.refresh())
    },

    async refresh() {
      const { listing } = await execute('Listing', { id: this.listingId })
      this.setData(listing ? { view: listingView(listing), missing: false } : { view: null, missing: true })
    },

    // Runs `work` (after a confirmation when `question` is given: [title, content, button]), says
    // `done` and shows the listing as it is now.
    async act(question, work, done) {
      if (question && !(await confirm(...question))) return
      await whileBusy(this, async () => {
        await work()
        toast(done)
        await this.refresh()
      })
    },

    favourite() {
      const favourite = !this.data.view.favourited
      return this.act(null, () => mutate('ListingFavourite', { listingId: this.listingId, favourite }),
        favourite ? '已收藏' : '已取消收藏')
    },

    async reserve() {
      const question = ['预订这件闲置', '预订后请与卖家约好时间当面交接，交接时把交接码告诉卖家。', '预订']
      if (!(await confirm(...question))) return
      await whileBusy(this, async () => {
        await mutate('ListingReserve', { listingId: this.listingId })
        toast('已预订')
        wx.navigateTo({ url: `${DEAL_PAGE}?listingId=${encodeURIComponent(this.listingId)}` })
      })
    },

    enterLottery() {
      return this.act(null, () => mutate('LotteryEnter', { listingId: this.listingId }), '已参加抽签')
    },

    leaveLottery() {
      return this.act(null, () => mutate('LotteryLeave', { listingId: this.listingId }), '已退出抽签')
    },

    renew() {
      return this.act(null, () => mutate('ListingRenew', { id: this.listingId }), '已续期')
    },

    withdraw() {
      return this.act(['下架这件闲置', '下架后邻居将看不到它，也不能再恢复。', '下架'],
        () => mutate('ListingWithdraw', { id: this.listingId, reason: null }), '已下架')
    },

    edit() {
      wx.navigateTo({ url: `${PUBLISH_PAGE}?id=${encodeURIComponent(this.listingId)}` })
    },

    contact() {
      const community = this.communityId ? `&communityId=${encodeURIComponent(this.communityId)}` : ''
      wx.navigateTo({ url: `${CHAT_PAGE}?listingId=${encodeURIComponent(this.listingId)}${community}` })
    },

    openDeal() {
      wx.navigateTo({ url: `${DEAL_PAGE}?listingId=${encodeURIComponent(this.listingId)}` })
    },
  },
})
