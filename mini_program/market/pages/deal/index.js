// One deal (?listingId=, and ?reservationId= from my list of deals): the listing's reservation as its
// buyer or its seller sees it. The buyer has the 6-digit handover code in large type, to show the
// seller at the door; the seller types it in (输入买家的交接码), told how many tries are left when it is
// wrong, until five wrong codes lock the handover. Either side may cancel (the seller with a reason),
// the seller may record that the buyer did not come (未到场), each after a confirmation. After the
// handover each side rates the other once (1–5 stars, a comment) and sees the other's rating once
// both have rated, or 7 days on. Acting for a relative (代办): for them.
const { execute, mutate } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const { confirm, toast } = require('../../../utils/wxp')
const { formatDateTime } = require('../../../utils/format')
const session = require('../../../utils/session')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { priceText, starsText, ratingView } = require('../../market')

const STARS = [5, 4, 3, 2, 1].map((n) => ({ value: String(n), label: `${starsText(n)} ${n} 星` }))

function dealView(listing, r) {
  const active = r.state === 'ACTIVE'
  return {
    id: r.id,
    title: listing.title,
    price: priceText(listing),
    place: listing.pickupPlace,
    room: listing.pickupRoom || '',
    state: r.stateLabel,
    buyer: r.iAmBuyer,
    other: r.iAmBuyer ? `卖家 ${r.sellerName}` : `买家 ${r.buyerName}`,
    since: formatDateTime(r.createdAt),
    ended: r.endedAt ? formatDateTime(r.endedAt) : '',
    endReason: r.endReason || '',
    code: r.iAmBuyer && active && !r.locked ? r.handoverCode || '' : '',
    locked: active && r.locked,
    mayConfirm: !r.iAmBuyer && active && !r.locked,
    mayCancel: active,
    mayNoShow: !r.iAmBuyer && active,
    canRate: r.canRate,
    myRating: ratingView(r.myRating),
    theirRating: ratingView(r.theirRating),
    waitingForTheirs: !!r.myRating && !r.theirRating,
  }
}

Component({
  behaviors: [elderModeBehavior],

  data: {
    view: null,
    missing: '',
    code: '',
    reason: '',
    stars: STARS,
    rating: '',
    comment: '',
    actingFor: '',
    busy: false,
    error: '',
  },

  methods: {
    onLoad({ listingId, reservationId }) {
      const principal = session.getActingFor()
      this.setData({ actingFor: principal ? principal.name : '' })
      this.listingId = listingId
      this.reservationId = reservationId || ''
      return whileBusy(this, () => this.refresh())
    },

    async refresh() {
      const { listing } = await execute('Listing', { id: this.listingId })
      const reservation = listing && listing.reservation
      if (!reservation || (this.reservationId && reservation.id !== this.reservationId)) {
        this.setData({ view: null, missing: listing ? '这次预订已结束，闲置已重新上架或由他人预订' : '找不到这笔交易' })
        return
      }
      this.reservationId = reservation.id
      this.setData({ view: dealView(listing, reservation), missing: '' })
    },

    onInput(event) {
      this.setData({ [event.currentTarget.dataset.field]: event.detail.value })
    },

    chooseStars(event) {
      this.setData({ rating: event.detail.value })
    },

    // Runs `work` after the confirmation `question` ([title, content, button]) if any, says `done`,
    // and shows the deal as it is now — after a refusal too (a wrong code counts, and may lock it).
    async act(question, work, done) {
      if (question && !(await confirm(...question))) return
      await whileBusy(this, async () => {
        try {
          await work()
          toast(done)
        } finally {
          await this.refresh().catch(() => null)
        }
      })
    },

    confirmHandover() {
      const code = this.data.code.trim()
      if (!/^\d{6}$/.test(code)) return this.setData({ error: '请输入买家出示的 6 位交接码' })
      return this.act(null, async () => {
        await mutate('HandoverConfirm', { reservationId: this.reservationId, code })
        this.setData({ code: '' })
      }, '交接成功')
    },

    cancel() {
      const reason = this.data.reason.trim()
      if (!this.data.view.buyer && !reason) return this.setData({ error: '请填写取消原因' })
      const content = this.data.view.buyer
        ? '取消后闲置会重新上架，其他邻居可以预订。'
        : '取消后闲置会重新上架，买家会收到您填写的原因。'
      return this.act(['取消预订', content, '取消预订'],
        () => mutate('ReservationCancel', { reservationId: this.reservationId, reason: reason || null }), '已取消')
    },

    noShow() {
      return this.act(['买家未到场', '确认买家没有按约定来取？记录后预订结束，闲置重新上架，买家的爽约次数会增加。', '确认未到场'],
        () => mutate('ReservationNoShow', { reservationId: this.reservationId }), '已记录')
    },

    rate() {
      if (!this.data.rating) return this.setData({ error: '请选择星级' })
      return this.act(null, () => mutate('MarketRate', {
        reservationId: this.reservationId, stars: Number(this.data.rating), comment: this.data.comment.trim() || null,
      }), '评价成功')
    },
  },
})
