// Applying to be verified as living in a room: community, building, room and role are chosen
// by tapping, a proof photo may be added, and the committee reviews the application.
const { execute, mutate, upload } = require('../../../utils/graphql')
const { wxCall } = require('../../../utils/wxp')
const { whileBusy } = require('../../../utils/busy')
const { RESIDENT_ROLE_CHOICES } = require('../../../utils/roles')
const { askNoticeSubscription } = require('../../../utils/subscribe')
const { elderModeBehavior } = require('../../../utils/elderMode')

Component({
  behaviors: [elderModeBehavior],

  data: {
    search: '',
    communities: [],
    buildings: [],
    rooms: [],
    roles: RESIDENT_ROLE_CHOICES,
    communityId: '',
    buildingId: '',
    roomCode: '',
    role: '',
    proof: null, // {path, uploadId} of the uploaded proof photo
    submitted: false,
    busy: false,
    error: '',
  },

  methods: {
    onLoad() {
      return this.searchCommunities()
    },

    onSearchInput(event) {
      this.setData({ search: event.detail.value })
    },

    searchCommunities() {
      return whileBusy(this, async () => {
        const { directoryCommunities } = await execute('DirectoryCommunities', { search: this.data.search.trim() || null })
        this.setData({ communities: directoryCommunities.map((c) => ({ value: c.id, label: c.name })) })
      })
    },

    chooseCommunity(event) {
      const communityId = event.detail.value
      this.setData({ communityId, buildingId: '', buildings: [], roomCode: '', rooms: [] })
      return whileBusy(this, async () => {
        const { directoryBuildings } = await execute('DirectoryBuildings', { communityId })
        this.setData({ buildings: directoryBuildings.map((b) => ({ value: b.id, label: `${b.estateName} ${b.name}` })) })
      })
    },

    chooseBuilding(event) {
      const buildingId = event.detail.value
      this.setData({ buildingId, roomCode: '', rooms: [] })
      return whileBusy(this, async () => {
        const { directoryRooms } = await execute('DirectoryRooms', { buildingId })
        this.setData({
          rooms: directoryRooms.map((r) => ({ value: r.room.code, label: `${r.unitName} ${r.room.number}` })),
        })
      })
    },

    chooseRoom(event) {
      this.setData({ roomCode: event.detail.value })
    },

    chooseRole(event) {
      this.setData({ role: event.detail.value })
    },

    async choosePhoto() {
      const media = await wxCall('chooseMedia', { count: 1, mediaType: ['image'], sizeType: ['compressed'] })
        .catch(() => null) // the user closed the picker
      if (!media) return
      const path = media.tempFiles[0].tempFilePath
      await whileBusy(this, async () => {
        this.setData({ proof: { path, uploadId: await upload('proof_photo', path) } })
      })
    },

    // The tap asks, too, for a service notification, so the committee's decision can be sent.
    submit() {
      askNoticeSubscription()
      const { communityId, roomCode, role, proof } = this.data
      return whileBusy(this, async () => {
        await mutate('ResidenceApply', { communityId, roomCode, role, proofUploadId: proof ? proof.uploadId : null })
        this.setData({ submitted: true })
      })
    },
  },
})
