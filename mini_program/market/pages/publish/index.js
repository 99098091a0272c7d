// 发布闲置, and editing one (?id=): kind, category, condition, title, description, the price in 元, a
// giveaway's mode and a lottery's draw time, where to collect it (one of my verified homes, else my
// building), up to 9 photos (each uploaded as it is chosen: the server re-encodes it without EXIF).
// 存草稿 keeps it to finish later; 发布 saves and publishes it (an edit of a published one: 保存修改).
// The server's refusals are shown beside the input they name, the others as a toast. Acting for a
// relative (代办), it is published for them and from their home.
const { execute, mutate, upload } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const { wxCall, toast } = require('../../../utils/wxp')
const { communityOf } = require('../../../utils/community')
const session = require('../../../utils/session')
const { elderModeBehavior } = require('../../../utils/elderMode')
const {
  LISTING_PAGE, KIND_LABELS, CATEGORY_LABELS, CONDITION_LABELS, GIVEAWAY_LABELS, choices, yuanToFen, fenToYuan, formErrors,
} = require('../../market')

const MAX_PHOTOS = 9
const FIELDS = ['kind', 'category', 'condition', 'title', 'description', 'priceFen', 'giveawayMode', 'drawAt',
  'roomId', 'buildingId', 'photoIds']
// The inputs the server names for the form's own (the others are the same).
const ERRORS_OF = { priceYuan: ['priceFen'], drawDate: ['drawAt'], drawTime: ['drawAt'], place: ['roomId', 'buildingId'] }
const PRICE_LABELS = { SELL: '价格（元）', WANTED: '预算（元，可不填）', FREE: '价格（赠送不填）', SWAP: '价格（交换不填）' }

const pad = (n) => String(n).padStart(2, '0')
// A moment as the date and time China's clock shows ('2026-12-03', '20:00'), and back.
function chinaDateTime(iso) {
  const d = new Date(Date.parse(iso) + 8 * 3600 * 1000)
  return { date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`, time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}` }
}
const chinaMoment = (date, time) => `${date}T${time}:00+08:00`

const NEW_FORM = {
  kind: 'SELL', category: '', condition: '', title: '', description: '', priceYuan: '', giveawayMode: 'FIRST_COME',
  drawDate: '', drawTime: '20:00', place: '',
}

function formOf(l, places) {
  const draw = l.drawAt ? chinaDateTime(l.drawAt) : null
  const label = l.pickupRoom ? `${l.pickupPlace} ${l.pickupRoom}` : l.pickupPlace
  const place = places.find((p) => p.label === label)
  return {
    ...NEW_FORM,
    kind: l.kind, category: l.category, condition: l.condition || '', title: l.title, description: l.description,
    priceYuan: fenToYuan(l.priceFen), giveawayMode: l.giveawayMode || 'FIRST_COME',
    drawDate: draw ? draw.date : '', drawTime: draw ? draw.time : '20:00', place: place ? place.value : '',
  }
}

Component({
  behaviors: [elderModeBehavior],

  data: {
    form: null,
    kinds: choices(KIND_LABELS),
    categories: choices(CATEGORY_LABELS),
    conditions: choices(CONDITION_LABELS),
    giveawayModes: choices(GIVEAWAY_LABELS),
    priceLabels: PRICE_LABELS,
    places: [],
    photos: [], // {key, url, uploadId}: uploadId null for a photo the listing already has
    photosChanged: false, // an edit sends its photos only when they were changed
    maxPhotos: MAX_PHOTOS,
    listingId: '',
    state: 'DRAFT',
    errors: {},
    actingFor: '',
    busy: false,
    error: '',
  },

  methods: {
    onLoad(options) {
      const principal = session.getActingFor()
      this.setData({ actingFor: principal ? principal.name : '' })
      this.options = options
      return whileBusy(this, async () => {
        this.communityId = await communityOf(options, '跳蚤市场')
        const places = await this.loadPlaces()
        if (!options.id) {
          this.setData({ form: { ...NEW_FORM, drawDate: chinaDateTime(new Date(Date.now() + 86400000).toISOString()).date, place: places.length === 1 ? places[0].value : '' } })
          return
        }
        const { listing } = await execute('Listing', { id: options.id })
        if (!listing) throw new Error('找不到这件闲置')
        this.setData({
          form: formOf(listing, places),
          listingId: listing.id,
          state: listing.state,
          photos: listing.photos.map((p, i) => ({ key: `old-${i}`, url: p.thumbnailUrl, uploadId: null })),
        })
      })
    },

    // My verified homes there; a member without one collects at their building.
    async loadPlaces() {
      const { marketHomes } = await execute('MarketHomes', { communityId: this.communityId })
      let places = marketHomes.map((h) => ({ value: `room:${h.roomId}`, label: h.label }))
      if (!places.length) {
        const { marketBuildings } = await execute('MarketBuildings', { communityId: this.communityId })
        places = marketBuildings.map((b) => ({ value: `building:${b.id}`, label: b.label }))
      }
      this.setData({ places })
      return places
    },

    // A changed input clears the server's refusal of it.
    pick(event) {
      const { field } = event.currentTarget.dataset
      const refused = ERRORS_OF[field] || [field]
      this.setData({ [`form.${field}`]: event.detail.value, ...Object.fromEntries(refused.map((f) => [`errors.${f}`, ''])) })
    },

    onInput(event) {
      this.pick(event)
    },

    async choosePhotos() {
      const left = MAX_PHOTOS - this.data.photos.length
      if (left <= 0) return
      const media = await wxCall('chooseMedia', { count: left, mediaType: ['image'], sizeType: ['compressed'] })
        .catch(() => null) // the user closed the picker
      if (!media) return
      await whileBusy(this, async () => {
        for (const file of media.tempFiles) {
          const uploadId = await upload('listing_photo', file.tempFilePath)
          this.setData({
            photos: this.data.photos.concat({ key: uploadId, url: file.tempFilePath, uploadId }),
            photosChanged: true,
            'errors.photoIds': '',
          })
        }
      })
    },

    // The photos a listing already has cannot be sent again (the server gives no ids for them): an
    // edit that changes the photos starts them afresh.
    removePhoto(event) {
      const index = Number(event.currentTarget.dataset.index)
      const kept = this.data.photos.filter((p, i) => i !== index && p.uploadId)
      this.setData({ photos: kept, photosChanged: true })
    },

    input() {
      const { form, photos, photosChanged } = this.data
      const [placeKind, placeId] = form.place ? form.place.split(':') : ['', '']
      const free = form.kind === 'FREE'
      const lottery = free && form.giveawayMode === 'LOTTERY'
      return {
        ...(this.data.listingId && { id: this.data.listingId }),
        communityId: this.communityId,
        kind: form.kind,
        category: form.category || null,
        condition: form.kind === 'WANTED' ? null : form.condition || null,
        title: form.title.trim(),
        description: form.description.trim(),
        priceFen: yuanToFen(form.priceYuan),
        giveawayMode: free ? form.giveawayMode : null,
        drawAt: lottery && form.drawDate ? chinaMoment(form.drawDate, form.drawTime) : null,
        roomId: placeKind === 'room' ? placeId : null,
        buildingId: placeKind === 'building' ? placeId : null,
        ...((photosChanged || !this.data.listingId) && { photoIds: photos.map((p) => p.uploadId) }),
      }
    },

    // Saves (and with `publish`, publishes a draft); resolves with the listing's id, or null when
    // refused (the reason is shown beside its input).
    async save(publish) {
      if (this.data.busy) return null
      this.setData({ busy: true, errors: {}, error: '' })
      try {
        if (!this.data.form.category) throw Object.assign(new Error('请选择分类'), { field: 'category' })
        const { listing } = await mutate('ListingSave', { input: this.input() })
        this.setData({ listingId: listing.id, state: listing.state, photosChanged: false })
        if (publish && listing.state === 'DRAFT') await mutate('ListingPublish', { id: listing.id })
        return listing.id
      } catch (err) {
        this.setData({ errors: formErrors(err, FIELDS) })
        return null
      } finally {
        this.setData({ busy: false })
      }
    },

    async saveDraft() {
      if (await this.save(false)) toast('已存草稿')
    },

    async publish() {
      const editing = this.data.state !== 'DRAFT'
      const id = await this.save(true)
      if (!id) return
      toast(editing ? '已保存' : '已发布')
      wx.redirectTo({ url: `${LISTING_PAGE}?id=${encodeURIComponent(id)}` })
    },
  },
})
