// 签到码 (a coordinator's phone): the activity's rotating check-in or check-out QR for volunteers
// to scan. A code lives 60 s, so the page asks for the next one every 50 s and whenever it is
// shown again (timers stop while the phone sleeps), and draws it on a canvas.
const { execute } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { qrModules } = require('../../volunteering')

const REFRESH_MS = 50000
const PURPOSES = [
  { value: 'CHECK_IN', label: '签到码' },
  { value: 'CHECK_OUT', label: '签退码' },
]
// The canvas is square, this many px (css) a side; the QR keeps a quiet zone of two modules.
const SIDE_PX = 260
const QUIET = 2

const clockTime = (iso) => new Date(iso).toTimeString().slice(0, 8)

Component({
  behaviors: [elderModeBehavior],

  data: {
    purposes: PURPOSES,
    purpose: 'CHECK_IN',
    qrText: '',
    expiresAt: '',
    busy: false,
    error: '',
  },

  lifetimes: {
    detached() {
      clearInterval(this.timer)
    },
  },

  methods: {
    onLoad({ activityId }) {
      this.activityId = activityId
      return this.restart()
    },

    onShow() {
      if (this.data.qrText && !this.data.busy) return this.restart()
      return undefined
    },

    onHide() {
      clearInterval(this.timer)
    },

    onUnload() {
      clearInterval(this.timer)
    },

    choosePurpose(event) {
      this.setData({ purpose: event.detail.value })
      return this.restart()
    },

    restart() {
      clearInterval(this.timer)
      this.timer = setInterval(() => this.refresh(), REFRESH_MS)
      return this.refresh()
    },

    refresh() {
      const purpose = this.data.purpose
      return whileBusy(this, async () => {
        const { volunteerCheckinCode: code } = await execute('VolunteerCheckinCode', { activityId: this.activityId, purpose })
        if (purpose !== this.data.purpose) return // switched while it was on its way
        this.setData({ qrText: code.qrText, expiresAt: clockTime(code.expiresAt) })
        this.draw(code.qrText)
      })
    },

    draw(text) {
      const modules = qrModules(text)
      this.createSelectorQuery().select('#qr').fields({ node: true, size: true }).exec(([found] = []) => {
        const canvas = found && found.node
        if (!canvas) return
        const ratio = wx.getWindowInfo ? wx.getWindowInfo().pixelRatio : 2
        canvas.width = SIDE_PX * ratio
        canvas.height = SIDE_PX * ratio
        const ctx = canvas.getContext('2d')
        ctx.scale(ratio, ratio)
        const cell = SIDE_PX / (modules.length + QUIET * 2)
        ctx.fillStyle = '#ffffff'
        ctx.fillRect(0, 0, SIDE_PX, SIDE_PX)
        ctx.fillStyle = '#000000'
        modules.forEach((row, r) => row.forEach((dark, c) => {
          if (dark) ctx.fillRect((c + QUIET) * cell, (r + QUIET) * cell, Math.ceil(cell), Math.ceil(cell))
        }))
      })
    },
  },
})
