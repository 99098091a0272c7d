// 通知设置: where my notifications reach me besides the inbox (站内消息, always on) — WeChat service
// notifications, app pushes, SMS — and 免打扰时段, the hours pushes wait for (urgent ones do not).
// They are the signed-in person's own, also while acting for a relative (代办).
const { execute, mutate } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const session = require('../../../utils/session')
const { minutesToTime, timeToMinutes } = require('../../../utils/format')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { toast } = require('../../../utils/wxp')

// The channels as listed; the inbox cannot be switched off.
const CHANNELS = [
  { channel: 'INBOX', label: '站内消息', locked: true },
  { channel: 'WECHAT', label: '微信服务通知' },
  { channel: 'FCM', label: 'App 推送' },
  { channel: 'SMS', label: '短信' },
]

// What the pickers offer while no quiet hours are set.
const DEFAULT_QUIET = { start: '22:00', end: '07:00' }

Component({
  behaviors: [elderModeBehavior],

  data: {
    loaded: false,
    acting: false,
    channels: [], // {channel, label, enabled, locked}
    quietOn: false,
    quietStart: DEFAULT_QUIET.start,
    quietEnd: DEFAULT_QUIET.end,
    saved: false,
    busy: false,
    error: '',
  },

  methods: {
    onLoad() {
      this.setData({ acting: !!session.getActingFor() })
      return whileBusy(this, async () => {
        const { viewer } = await execute('NotificationSettings')
        this.show(viewer.notificationSettings)
        this.setData({ loaded: true })
      })
    },

    // The settings as the server has them.
    show({ channels, quietHours }) {
      const enabled = Object.fromEntries(channels.map((c) => [c.channel, c.enabled]))
      this.setData({
        channels: CHANNELS.map((c) => ({
          ...c,
          locked: !!c.locked,
          enabled: c.locked || enabled[c.channel] !== false,
        })),
        quietOn: !!quietHours,
        quietStart: quietHours ? minutesToTime(quietHours.startMinute) : this.data.quietStart,
        quietEnd: quietHours ? minutesToTime(quietHours.endMinute) : this.data.quietEnd,
      })
    },

    toggleChannel(event) {
      const { index } = event.currentTarget.dataset
      if (this.data.channels[index].locked) return
      this.setData({ [`channels[${index}].enabled`]: !!event.detail.value, saved: false })
    },

    toggleQuiet(event) {
      this.setData({ quietOn: !!event.detail.value, saved: false })
    },

    chooseStart(event) {
      this.setData({ quietStart: event.detail.value, saved: false })
    },

    chooseEnd(event) {
      this.setData({ quietEnd: event.detail.value, saved: false })
    },

    // Everything at once: the switchable channels, and the quiet hours set or cleared.
    save() {
      if (this.data.busy) return Promise.resolve()
      const { channels, quietOn, quietStart, quietEnd } = this.data
      const variables = {
        channels: channels.filter((c) => !c.locked).map(({ channel, enabled }) => ({ channel, enabled })),
      }
      if (quietOn) {
        variables.quietHours = { startMinute: timeToMinutes(quietStart), endMinute: timeToMinutes(quietEnd) }
      } else {
        variables.clearQuietHours = true
      }
      this.setData({ saved: false })
      return whileBusy(this, async () => {
        const { settings } = await mutate('NotificationSettingsUpdate', variables)
        this.show(settings)
        this.setData({ saved: true })
        toast('已保存')
      })
    },
  },
})
