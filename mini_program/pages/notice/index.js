// One notice: its title, time, category and body; opening it reads it, and a notice that asks
// for it is acknowledged with 我已知晓.
const { execute, mutate } = require('../../utils/graphql')
const { whileBusy } = require('../../utils/busy')
const { formatDateTime } = require('../../utils/format')
const { noticeView } = require('../../utils/notices')
const { elderModeBehavior } = require('../../utils/elderMode')
const { askNoticeSubscription } = require('../../utils/subscribe')

Component({
  behaviors: [elderModeBehavior],

  data: {
    notice: null,
    missing: false, // withdrawn, expired, or never sent to me
    busy: false,
    error: '',
  },

  methods: {
    onLoad({ id }) {
      this.noticeId = id
      return whileBusy(this, async () => {
        const notice = await this.load()
        if (notice && !notice.readAt) await mutate('NoticeRead', { id })
      })
    },

    async load() {
      const { notice } = await execute('Notice', { id: this.noticeId })
      if (!notice) {
        this.setData({ missing: true })
        return null
      }
      this.setData({
        notice: {
          ...noticeView(notice),
          // Sanitised by the server (no scripts, styles or event handlers): rendered as it is.
          bodyHtml: notice.bodyHtml,
          mustAcknowledge: notice.mustAcknowledge,
          acknowledgedAt: notice.acknowledgedAt ? formatDateTime(notice.acknowledgedAt) : '',
        },
      })
      return notice
    },

    // Reloaded after, for the time the server recorded. The tap asks, too, for a service
    // notification of the next notice.
    acknowledge() {
      if (this.data.busy) return Promise.resolve()
      askNoticeSubscription()
      return whileBusy(this, async () => {
        await mutate('NoticeAcknowledge', { id: this.noticeId })
        await this.load()
      })
    },
  },
})
