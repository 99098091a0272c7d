// 消息: my notifications, a page at a time. A notice's message opens the notice; the others
// (account security, registry…) say all they have to say in their body.
const { execute } = require('../../../utils/graphql')
const { formatDateTime } = require('../../../utils/format')
const { PAGED_DATA, loadNextPage } = require('../../../utils/pager')
const { announcedNoticeId, openNotice } = require('../../../utils/notices')
const { elderModeBehavior } = require('../../../utils/elderMode')

function messageView(message) {
  return {
    id: message.id,
    title: message.title,
    body: message.body,
    time: formatDateTime(message.createdAt),
    noticeId: announcedNoticeId(message),
  }
}

Component({
  behaviors: [elderModeBehavior],

  data: {
    ...PAGED_DATA,
    busy: false,
    error: '',
  },

  methods: {
    onLoad() {
      return this.loadMore()
    },

    onReachBottom() {
      return this.loadMore()
    },

    loadMore() {
      return loadNextPage(this, async ({ first, after }) => {
        const { viewer } = await execute('Inbox', { first, after })
        return { nodes: viewer.inbox.nodes.map(messageView), pageInfo: viewer.inbox.pageInfo }
      })
    },

    open(event) {
      const { noticeId } = this.data.items[event.currentTarget.dataset.index]
      if (noticeId) openNotice(noticeId)
    },
  },
})
