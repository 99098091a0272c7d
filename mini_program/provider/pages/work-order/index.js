// One order of the provider (?id=): what was booked, when and how, the resident's note, the money,
// who does it, its history, and the steps the server says I may take now — 接单 (its admin picks the
// worker from the provider's members, or leaves it open; a worker takes it for themselves), 拒单 (with
// a reason, after a confirmation: the resident is refunded in full), 出发, 到达签到 (a photo taken at
// the door, uploaded as proof), 开始服务 and 完成服务 (after a confirmation). The page follows the
// order live: another phone's step (the resident cancelling, a colleague accepting) shows at once.
const { execute, mutate, upload } = require('../../../utils/graphql')
const { subscribe } = require('../../../utils/live')
const { whileBusy } = require('../../../utils/busy')
const { confirm, toast, wxCall } = require('../../../utils/wxp')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { orderView, myProviders } = require('../../provider')

const NOBODY = '' // the admin accepts without assigning anyone yet

Component({
  behaviors: [elderModeBehavior],

  data: {
    view: null,
    missing: '',
    admin: false, // I am the admin of the order's provider: I pick its worker
    workers: [], // {value: personId, label}, led by 暂不指派
    worker: NOBODY,
    reason: '',
    reasonError: '',
    busy: false,
    error: '',
  },

  methods: {
    onLoad({ id }) {
      this.orderId = id
      return whileBusy(this, async () => {
        await this.refresh()
        if (this.data.view) await this.loadWorkers()
      }).then(() => this.watch())
    },

    onUnload() {
      if (this.live) this.live.close()
      this.live = null
    },

    watch() {
      if (this.live || !this.data.view) return
      this.live = subscribe('ProviderOrderUpdated', () => this.refresh().catch(() => null), { orderId: this.orderId })
    },

    async refresh() {
      const { serviceOrder } = await execute('ServiceOrder', { id: this.orderId })
      this.order = serviceOrder
      this.setData(serviceOrder ? { view: orderView(serviceOrder), missing: '' } : { view: null, missing: '找不到这个订单' })
    },

    // Whom the admin may assign: the provider's members (the server lists them to its admin only).
    async loadWorkers() {
      const { current } = await myProviders(this.order.provider.id)
      const admin = !!current && current.provider.id === this.order.provider.id && current.role === 'ADMIN'
      if (!admin) return
      const { serviceProvider } = await execute('ProviderMembers', { id: this.order.provider.id })
      const members = serviceProvider ? serviceProvider.members : []
      this.setData({
        admin,
        workers: [{ value: NOBODY, label: '暂不指派' }, ...members.map((m) => ({ value: m.personId, label: `${m.name}（${m.roleLabel}）` }))],
      })
    },

    chooseWorker(event) {
      this.setData({ worker: event.detail.value })
    },

    onReason(event) {
      this.setData({ reason: event.detail.value, reasonError: '' })
    },

    // Runs `work` after the confirmation `question` ([title, content, button]) if any, says `done`,
    // and shows the order as it is now — after a refusal too (someone else may have moved it).
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

    accept() {
      const workerId = this.data.admin ? this.data.worker || null : null
      return this.act(null, () => mutate('ServiceOrderAccept', { orderId: this.orderId, workerId }), '已接单')
    },

    decline() {
      const reason = this.data.reason.trim()
      if (!reason) return this.setData({ reasonError: '请填写拒单原因，居民会看到' })
      return this.act(['拒绝这个订单', `居民支付的 ${this.data.view.residentPaid} 将全额退还，预约时段会重新开放。`, '拒单'], async () => {
        try {
          await mutate('ServiceOrderDecline', { orderId: this.orderId, reason })
        } catch (err) {
          if (err.field === 'reason') this.setData({ reasonError: err.message })
          throw err
        }
        this.setData({ reason: '' })
      }, '已拒单')
    },

    depart() {
      return this.act(null, () => mutate('ServiceOrderDepart', { orderId: this.orderId }), '已出发')
    },

    // The photo is taken at the door (the camera, not the album) and uploaded before the check-in
    // names it; closing the camera is no error.
    async checkIn() {
      let photo
      try {
        const { tempFiles } = await wxCall('chooseMedia', { count: 1, mediaType: ['image'], sourceType: ['camera'], sizeType: ['compressed'] })
        photo = tempFiles[0].tempFilePath
      } catch {
        return
      }
      await this.act(null, async () => {
        const photoUploadId = await upload('proof_photo', photo)
        await mutate('ServiceOrderCheckIn', { orderId: this.orderId, photoUploadId })
      }, '已签到')
    },

    start() {
      return this.act(null, () => mutate('ServiceOrderStart', { orderId: this.orderId }), '已开始服务')
    },

    complete() {
      return this.act(['完成服务', '确认服务已全部完成？居民将收到通知并确认验收。', '完成'],
        () => mutate('ServiceOrderComplete', { orderId: this.orderId }), '服务已完成')
    },
  },
})
