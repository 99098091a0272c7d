// One service (?id=&communityId=): pick a day and a slot (a full one shows 已约满 and cannot be
// picked), the quantity (at least the service's minimum), then the price and the cancellation fees
// the server quotes for that slot are shown BEFORE booking. 预约 books it and opens the order; a slot
// taken meanwhile is refused beside the slots, which are loaded again.
const { execute, mutate } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const { toast } = require('../../../utils/wxp')
const { formatDate } = require('../../../utils/format')
const session = require('../../../utils/session')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { ORDER_PAGE, serviceCard, shanghaiDays, tiersText, formErrors, yuanText } = require('../../services')

const DAYS = 7
const SERVICES_PAGE_SIZE = 50
const pad = (n) => String(n).padStart(2, '0')
const timeOf = (iso) => {
  const d = new Date(iso)
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`
}

// The service by id among the community's (there is no query of one service for residents).
async function findService(communityId, id) {
  let after = null
  for (;;) {
    const { communityServices } = await execute('CommunityServices', { communityId, category: null, first: SERVICES_PAGE_SIZE, after })
    const found = communityServices.nodes.find((s) => s.id === id)
    if (found) return found
    if (!communityServices.pageInfo.hasNextPage) return null
    after = communityServices.pageInfo.endCursor
  }
}

Component({
  behaviors: [elderModeBehavior],

  data: {
    service: null,
    missing: '',
    days: [],
    day: '',
    slots: [], // the chosen day's
    slotId: '',
    quantity: 1,
    note: '',
    quote: null,
    errors: {},
    actingFor: '',
    busy: false,
    error: '',
  },

  methods: {
    onLoad({ id, communityId }) {
      const principal = session.getActingFor()
      this.setData({ actingFor: principal ? principal.name : '' })
      this.serviceId = id
      return whileBusy(this, async () => {
        const found = await findService(communityId, id)
        if (!found) {
          this.setData({ missing: '找不到这项服务，它可能已下架' })
          return
        }
        this.setData({ service: serviceCard(found), quantity: found.minQuantity })
        await this.loadSlots()
      })
    },

    // The next days' slots, grouped by day; the chosen day (else the first with a place) kept.
    async loadSlots() {
      const days = shanghaiDays(DAYS)
      const { serviceSlots } = await execute('ServiceSlots', { serviceId: this.serviceId, from: days[0].value, days: DAYS })
      this.allSlots = serviceSlots.map((s) => ({
        id: s.id, day: formatDate(s.startsAt), time: `${timeOf(s.startsAt)}–${timeOf(s.endsAt)}`, left: s.left, full: s.left <= 0,
      }))
      const withSlots = days.filter((d) => this.allSlots.some((s) => s.day === d.value))
      const day = withSlots.some((d) => d.value === this.data.day) ? this.data.day : (withSlots[0] || { value: '' }).value
      const slotId = this.allSlots.some((s) => s.id === this.data.slotId && !s.full) ? this.data.slotId : ''
      this.setData({ days: withSlots, slotId, quote: slotId ? this.data.quote : null })
      this.showDay(day)
    },

    showDay(day) {
      this.setData({ day, slots: (this.allSlots || []).filter((s) => s.day === day) })
    },

    chooseDay(event) {
      this.showDay(event.currentTarget.dataset.day)
    },

    chooseSlot(event) {
      const slot = this.allSlots.find((s) => s.id === event.currentTarget.dataset.id)
      if (!slot || slot.full) return undefined
      this.setData({ slotId: slot.id, errors: {} })
      return this.requote()
    },

    onInput(event) {
      this.setData({ [event.currentTarget.dataset.field]: event.detail.value })
    },

    step(event) {
      const quantity = this.data.quantity + Number(event.currentTarget.dataset.by)
      if (quantity < this.data.service.minQuantity) {
        this.setData({ errors: { quantity: `至少 ${this.data.service.minQuantity} ${this.data.service.unitLabel}` } })
        return undefined
      }
      this.setData({ quantity, errors: {} })
      return this.data.slotId ? this.requote() : undefined
    },

    // What this slot and quantity cost, and what cancelling would: before anything is booked.
    requote() {
      return whileBusy(this, async () => {
        const { serviceOrderQuote: q } = await execute('ServiceOrderQuote', {
          serviceId: this.serviceId, slotId: this.data.slotId, quantity: this.data.quantity,
        })
        this.setData({
          quote: {
            amount: q.paid ? yuanText(q.amountFen) : '免费',
            detail: `${yuanText(q.unitPriceFen)} × ${q.quantity}`,
            paid: q.paid,
            tiers: q.paid ? tiersText(q.cancellationTiers) : '',
          },
        })
      })
    },

    book() {
      if (!this.data.slotId) return this.setData({ errors: { slotId: '请选择预约时段' } })
      return whileBusy(this, async () => {
        try {
          const { order } = await mutate('ServiceOrderBook', {
            serviceId: this.serviceId, slotId: this.data.slotId, quantity: this.data.quantity,
            note: this.data.note.trim() || null, roomId: null,
          })
          toast('预约成功')
          wx.redirectTo({ url: `${ORDER_PAGE}?id=${encodeURIComponent(order.id)}` })
        } catch (err) {
          if (!err.field && !err.code) throw err
          this.setData({ errors: formErrors(err, ['slotId', 'quantity', 'note']) })
          // A slot taken meanwhile: the list as it is now, the taken one no longer chosen.
          if (err.code === 'CONFLICT') {
            this.setData({ slotId: '' })
            await this.loadSlots()
          }
        }
      })
    },
  },
})
