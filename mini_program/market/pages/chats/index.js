// 留言: my conversations about listings, as a buyer or a seller, latest first, with how many of the
// other's messages I have not read; each opens the conversation. Acting for a relative (代办): theirs.
const { execute } = require('../../../utils/graphql')
const { PAGED_DATA, loadNextPage } = require('../../../utils/pager')
const { formatDateTime } = require('../../../utils/format')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { communityListBehavior } = require('../../communityList')
const { CHAT_PAGE } = require('../../market')

function conversationRow(c) {
  return {
    id: c.id,
    title: c.listing.title,
    thumbnail: c.listing.photos.length ? c.listing.photos[0].thumbnailUrl : '',
    other: c.otherName,
    last: c.lastMessage || '',
    at: c.lastMessageAt ? formatDateTime(c.lastMessageAt) : '',
    unread: c.unread > 99 ? '99+' : c.unread ? String(c.unread) : '',
  }
}

Component({
  behaviors: [elderModeBehavior, communityListBehavior],

  data: {
    ...PAGED_DATA,
    busy: false,
    error: '',
  },

  methods: {
    // Back from a conversation: it is read now, and may have new messages.
    onShow() {
      if (!this.data.loaded || this.data.busy) return undefined
      this.setData({ ...PAGED_DATA })
      return this.loadMore()
    },

    loadMore() {
      return loadNextPage(this, async ({ first, after }) => {
        const { marketConversations } = await execute('MarketConversations', { communityId: this.communityId, first, after })
        return { nodes: marketConversations.nodes.map(conversationRow), pageInfo: marketConversations.pageInfo }
      })
    },

    open(event) {
      wx.navigateTo({ url: `${CHAT_PAGE}?id=${encodeURIComponent(event.currentTarget.dataset.id)}` })
    },
  },
})
