// 社区通知: the notices I received (or, acting for a relative, they received), pinned ones first,
// then the latest, a page at a time as the user scrolls down.
const { execute } = require('../../../utils/graphql')
const { PAGED_DATA, loadNextPage } = require('../../../utils/pager')
const { noticeView, openNotice } = require('../../../utils/notices')
const { elderModeBehavior } = require('../../../utils/elderMode')

Component({
  behaviors: [elderModeBehavior],

  data: {
    ...PAGED_DATA,
    unreadCount: 0,
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

    // The feed's first page brings the pinned notices, put before the latest, and the unread count.
    loadMore() {
      return loadNextPage(this, async ({ first, after }) => {
        const { feed } = await execute('Feed', { first, after })
        const latest = feed.latest.nodes.map(noticeView)
        if (after) return { nodes: latest, pageInfo: feed.latest.pageInfo }
        this.setData({ unreadCount: feed.unreadCount })
        const pinned = feed.pinned.map((n) => ({ ...noticeView(n), pinned: true }))
        return { nodes: pinned.concat(latest), pageInfo: feed.latest.pageInfo }
      })
    },

    // Opening a notice reads it (the detail page tells the server): its dot goes at once.
    open(event) {
      const { index } = event.currentTarget.dataset
      const notice = this.data.items[index]
      if (notice.unread) {
        this.setData({ [`items[${index}].unread`]: false, unreadCount: Math.max(0, this.data.unreadCount - 1) })
      }
      openNotice(notice.id)
    },
  },
})
