// One notice: its title, time, category, body (images fitted to the screen, the phone numbers it
// mentions as buttons to call) and attachments; opening it reads it, and a notice that asks for it
// is acknowledged with 我已知晓. An attachment is downloaded with the session's token (the server
// gives it to the notice's audience only) and opened in WeChat's viewer.
const { execute, mutate, download } = require('../../../utils/graphql')
const { wxCall } = require('../../../utils/wxp')
const { whileBusy } = require('../../../utils/busy')
const { formatDateTime } = require('../../../utils/format')
const { noticeView } = require('../../../utils/notices')
const { noticeBody } = require('../../../utils/richText')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { askNoticeSubscription } = require('../../../utils/subscribe')

// wx.openDocument's fileType for each type the server accepts.
const FILE_TYPES = {
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
}

const sizeLabel = (bytes) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`)

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
          // Sanitised by the server (no scripts, styles or event handlers).
          ...noticeBody(notice.bodyHtml, getApp().globalData.apiBase),
          mustAcknowledge: notice.mustAcknowledge,
          acknowledgedAt: notice.acknowledgedAt ? formatDateTime(notice.acknowledgedAt) : '',
          attachments: notice.attachments.map((a) => ({ ...a, sizeLabel: sizeLabel(a.size) })),
        },
      })
      return notice
    },

    openAttachment(event) {
      if (this.data.busy) return Promise.resolve()
      const attachment = this.data.notice.attachments[event.currentTarget.dataset.index]
      return whileBusy(this, async () => {
        const filePath = await download(attachment.url)
        await wxCall('openDocument', { filePath, fileType: FILE_TYPES[attachment.contentType], showMenu: true })
      })
    },

    call(event) {
      wx.makePhoneCall({ phoneNumber: event.currentTarget.dataset.number.replace(/-/g, ''), fail: () => null })
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
