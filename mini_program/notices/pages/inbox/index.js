// 消息: my notifications, a page at a time. A message about a notice, a poll, a case or a topic
// opens it; the others (account security, registry…) say all they have to say in their body.
const { execute } = require('../../../utils/graphql')
const { formatDateTime } = require('../../../utils/format')
const { PAGED_DATA, loadNextPage } = require('../../../utils/pager')
const { messageLink } = require('../../../utils/inboxLinks')
const { elderModeBehavior } = require('../../../utils/elderMode')

function messageView(message) {
  return {
    id: message.id,
    title: message.title,
    body: message.body,
    time: formatDateTime(message.createdAt),
    link: messageLink(message),
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
      const { link } = this.data.items[event.currentTarget.dataset.index]
      if (link) wx.navigateTo({ url: link.url })
    },
  },
})
