// 我的志愿证明 (志愿服务记录证明): the certificates I was issued, newest first, each with its total
// hours and the verification code anyone can check at the verify page; issuing a new one over my
// approved records (asks first), and opening one's PDF (downloaded with my session, then
// wx.openDocument).
const { download, execute, mutate } = require('../../../utils/graphql')
const { PAGED_DATA, loadNextPage } = require('../../../utils/pager')
const { whileBusy } = require('../../../utils/busy')
const { confirm, toast, wxCall } = require('../../../utils/wxp')
const { formatDate } = require('../../../utils/format')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { hoursText, viewerIn } = require('../../volunteering')

const certificateRow = (c) => ({
  id: c.id,
  code: c.code,
  pdfUrl: c.pdfUrl,
  verifyUrl: c.verifyUrl,
  records: c.recordCount,
  hours: hoursText(c.totalMinutes),
  issuedOn: formatDate(c.issuedAt),
})

Component({
  behaviors: [elderModeBehavior],

  data: {
    ...PAGED_DATA,
    busy: false,
    error: '',
  },

  methods: {
    onLoad(options) {
      this.options = options
      return this.loadMore()
    },

    onReachBottom() {
      return this.loadMore()
    },

    loadMore() {
      return loadNextPage(this, async ({ first, after }) => {
        const { myVolunteerCertificates: page } = await execute('MyVolunteerCertificates', { first, after })
        return { nodes: page.nodes.map(certificateRow), pageInfo: page.pageInfo }
      })
    },

    async issue() {
      if (!(await confirm('开具志愿证明', '将按您已审核的志愿服务记录开具证明，开具后内容不再变化。', '开具'))) return
      await whileBusy(this, async () => {
        const { communityId } = await viewerIn(this.options)
        const { certificate } = await mutate('VolunteerCertificateIssue', { communityId })
        this.setData({ items: [certificateRow(certificate), ...this.data.items] })
        toast('已开具')
      })
    },

    open(event) {
      const { url } = event.currentTarget.dataset
      return whileBusy(this, async () => {
        const filePath = await download(url)
        await wxCall('openDocument', { filePath, fileType: 'pdf', showMenu: true }).catch(() => {
          throw new Error('无法打开证明文件，请稍后重试')
        })
      })
    },

    copyCode(event) {
      wx.setClipboardData({ data: event.currentTarget.dataset.code })
    },
  },
})
