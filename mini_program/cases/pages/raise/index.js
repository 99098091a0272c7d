// 我要反映: raising a case. The community (when I belong to several), a category, what happened
// (its length limit shown), up to 9 photos (uploaded as they are chosen), and the place, chosen
// from the registry (building → unit → my own room) or among the community's common areas. Open
// cases of the same category at places I share are offered first: 我也遇到 follows one instead of
// raising a duplicate. Acting for a relative (代办) raises it for them, and the confirmation says so.
const { execute, mutate, upload } = require('../../../utils/graphql')
const { wxCall, confirm, toast } = require('../../../utils/wxp')
const { whileBusy } = require('../../../utils/busy')
const session = require('../../../utils/session')
const { elderModeBehavior } = require('../../../utils/elderMode')
const {
  CASE_PAGE, MAX_PHOTOS, MAX_TEXT, PARTY_LABELS, caseSummary, communitiesOf,
} = require('../../utils/cases')

const PLACE_KINDS = [
  { value: 'building', label: '楼栋、单元或我家' },
  { value: 'area', label: '公共区域（小区大门、花园等）' },
]
const WHOLE = 'whole' // the choice of the whole building (or unit) rather than a part of it
const NEARBY_SHOWN = 10

const caseUrl = (id) => `${CASE_PAGE}?id=${encodeURIComponent(id)}`

Component({
  behaviors: [elderModeBehavior],

  data: {
    communities: [],
    communityId: '',
    categories: [],
    categoryId: '',
    nearby: [],
    text: '',
    maxText: MAX_TEXT,
    photos: [], // {path, uploadId}, in the order chosen
    maxPhotos: MAX_PHOTOS,
    placeKinds: PLACE_KINDS,
    placeKind: '',
    buildings: [],
    buildingId: '',
    units: [],
    unitId: '', // or WHOLE: the whole building
    rooms: [],
    roomId: '', // or WHOLE: the whole unit
    areas: [],
    areaId: '',
    ready: false, // the form holds what a case needs (the server checks it all again)
    busy: false,
    error: '',
  },

  observers: {
    'categoryId, text, placeKind, areaId, buildingId, unitId, roomId'() {
      const ready = !!(this.data.categoryId && this.data.text.trim() && this.place())
      if (ready !== this.data.ready) this.setData({ ready })
    },
  },

  methods: {
    onLoad() {
      return whileBusy(this, async () => {
        const { viewer } = await execute('Viewer')
        const communities = communitiesOf(viewer)
        this.setData({ communities })
        if (communities.length === 1) await this.loadCommunity(communities[0].value)
      })
    },

    chooseCommunity(event) {
      return whileBusy(this, () => this.loadCommunity(event.detail.value))
    },

    async loadCommunity(communityId) {
      this.setData({
        communityId, categoryId: '', nearby: [], placeKind: '', buildingId: '', unitId: '', roomId: '', areaId: '',
      })
      const { caseCategories } = await execute('CaseCategories', { communityId })
      this.setData({
        categories: caseCategories.map((c) => ({ value: c.id, label: `${c.name}（${PARTY_LABELS[c.party]}处理）` })),
      })
    },

    chooseCategory(event) {
      const categoryId = event.detail.value
      this.setData({ categoryId, nearby: [] })
      return whileBusy(this, async () => {
        const { casesNearby } = await execute('CasesNearby', {
          communityId: this.data.communityId, categoryId, first: NEARBY_SHOWN, after: null,
        })
        this.setData({ nearby: casesNearby.nodes.map(caseSummary) })
      })
    },

    onTextInput(event) {
      this.setData({ text: event.detail.value })
    },

    // Each photo goes up as soon as it is chosen (the server re-encodes it and drops its location).
    async choosePhotos() {
      const left = MAX_PHOTOS - this.data.photos.length
      if (left <= 0) return
      const media = await wxCall('chooseMedia', { count: left, mediaType: ['image'], sizeType: ['compressed'] })
        .catch(() => null) // the user closed the picker
      if (!media) return
      await whileBusy(this, async () => {
        for (const file of media.tempFiles.slice(0, left)) {
          const uploadId = await upload('case_photo', file.tempFilePath)
          this.setData({ photos: this.data.photos.concat({ path: file.tempFilePath, uploadId }) })
        }
      })
    },

    removePhoto(event) {
      const index = Number(event.currentTarget.dataset.index)
      this.setData({ photos: this.data.photos.filter((_, i) => i !== index) })
    },

    choosePlaceKind(event) {
      const placeKind = event.detail.value
      this.setData({ placeKind, buildingId: '', unitId: '', roomId: '', areaId: '' })
      const { communityId } = this.data
      return whileBusy(this, async () => {
        if (placeKind === 'area') {
          const { caseCommonAreas } = await execute('CaseCommonAreas', { communityId })
          this.setData({ areas: caseCommonAreas.map((a) => ({ value: a.id, label: a.name })) })
        } else {
          const { directoryBuildings } = await execute('DirectoryBuildings', { communityId })
          this.setData({ buildings: directoryBuildings.map((b) => ({ value: b.id, label: `${b.estateName} ${b.name}` })) })
        }
      })
    },

    chooseBuilding(event) {
      const buildingId = event.detail.value
      this.setData({ buildingId, unitId: '', roomId: '', units: [], rooms: [] })
      return whileBusy(this, async () => {
        const { directoryRooms } = await execute('DirectoryRooms', { buildingId })
        this.rooms = directoryRooms
        const units = new Map(directoryRooms.map((r) => [r.unitId, r.unitName]))
        this.setData({
          units: [{ value: WHOLE, label: '整栋楼' }].concat([...units].map(([value, label]) => ({ value, label }))),
        })
      })
    },

    chooseUnit(event) {
      const unitId = event.detail.value
      const rooms = unitId === WHOLE ? [] : this.rooms.filter((r) => r.unitId === unitId)
      this.setData({
        unitId,
        roomId: rooms.length ? '' : WHOLE,
        rooms: rooms.length ? [{ value: WHOLE, label: '整个单元（楼道、电梯等）' }]
          .concat(rooms.map((r) => ({ value: r.room.id, label: r.room.number }))) : [],
      })
    },

    chooseRoom(event) {
      this.setData({ roomId: event.detail.value })
    },

    chooseArea(event) {
      this.setData({ areaId: event.detail.value })
    },

    // The place as the server takes it (exactly one id), with its label for the confirmation; null
    // until one is chosen.
    place() {
      const { placeKind, areaId, areas, buildingId, buildings, unitId, units, roomId, rooms } = this.data
      const label = (list, value) => (list.find((c) => c.value === value) || {}).label
      if (placeKind === 'area') return areaId ? { input: { areaId }, label: label(areas, areaId) } : null
      if (!buildingId || !unitId || !roomId) return null
      const building = label(buildings, buildingId)
      if (unitId === WHOLE) return { input: { buildingId }, label: building }
      const unit = `${building} ${label(units, unitId)}`
      if (roomId === WHOLE) return { input: { unitId }, label: unit }
      return { input: { roomId }, label: `${unit} ${label(rooms, roomId)}` }
    },

    // 我也遇到: the same problem is already raised; following it brings its progress to me.
    async follow(event) {
      const { id } = event.currentTarget.dataset
      if (!(await confirm('我也遇到', '关注这条诉求，进展会通知您，无需重复提交。', '关注'))) return
      await whileBusy(this, async () => {
        await mutate('CaseFollow', { id })
        toast('已关注')
        wx.redirectTo({ url: caseUrl(id) })
      })
    },

    async submit() {
      const { communityId, categoryId, categories, text, photos } = this.data
      const place = this.place()
      const principal = session.getActingFor()
      const category = (categories.find((c) => c.value === categoryId) || {}).label || '（未选择）'
      const lines = [
        principal ? `为 ${principal.name} 提交` : '',
        `分类：${category}`,
        `地点：${place ? place.label : '（未选择）'}`,
        `照片：${photos.length} 张`,
      ].filter(Boolean)
      if (!(await confirm('提交诉求', lines.join('\n'), '提交'))) return
      await whileBusy(this, async () => {
        const { case: raised } = await mutate('CaseRaise', {
          communityId,
          input: { categoryId, text, place: place ? place.input : {}, photos: photos.map((p) => p.uploadId) },
        })
        toast('提交成功')
        wx.redirectTo({ url: caseUrl(raised.id) })
      })
    },
  },
})
