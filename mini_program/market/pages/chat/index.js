// One conversation about a listing (?id=), or the first words to its seller (?listingId=: the one I
// already have about it, if any, else a new one the first message opens). Oldest message first, the
// earlier ones on request; new ones — the other's and mine — arrive live (utils/live.js) while the
// page is open. Phone numbers never show: the server hides them, and the page says so.
const { execute, mutate } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const { toast } = require('../../../utils/wxp')
const { formatDateTime } = require('../../../utils/format')
const { communityOf } = require('../../../utils/community')
const { watchMarketMessages } = require('../../../utils/live')
const session = require('../../../utils/session')
const { elderModeBehavior } = require('../../../utils/elderMode')

const PAGE_SIZE = 30
// The conversations looked through for the one about a listing: the latest, as many as one page holds.
const CONVERSATIONS_SEARCHED = 50

const messageRow = (m) => ({ id: m.id, body: m.body, mine: m.mine, who: m.mine ? '我' : m.senderName, at: formatDateTime(m.createdAt) })

Component({
  behaviors: [elderModeBehavior],

  data: {
    conversationId: '',
    title: '',
    other: '',
    messages: [],
    hasEarlier: false,
    body: '',
    actingFor: '',
    busy: false,
    error: '',
  },

  methods: {
    onLoad(options) {
      const principal = session.getActingFor()
      this.setData({ actingFor: principal ? principal.name : '' })
      this.listingId = options.listingId || ''
      return whileBusy(this, async () => {
        const id = options.id || (await this.existingConversation(options))
        if (id) await this.open(id)
        else await this.newConversation()
      })
    },

    onUnload() {
      this.stopWatching()
    },

    // My conversation about the listing, if there is one (the seller has answered or I wrote before).
    async existingConversation(options) {
      const communityId = await communityOf(options, '跳蚤市场')
      const { marketConversations } = await execute('MarketConversations', { communityId, first: CONVERSATIONS_SEARCHED, after: null })
      const found = marketConversations.nodes.find((c) => c.listing.id === this.listingId)
      return found ? found.id : ''
    },

    async newConversation() {
      const { listing } = await execute('Listing', { id: this.listingId })
      if (!listing) throw new Error('找不到这件闲置，它可能已下架')
      this.setData({ title: listing.title, other: listing.sellerName })
    },

    async open(id) {
      const { marketConversation: page } = await execute('MarketConversation', { id, before: null, last: PAGE_SIZE })
      if (!page) throw new Error('找不到这段留言')
      this.setData({
        conversationId: id,
        title: page.conversation.listing.title,
        other: page.conversation.otherName,
        messages: page.messages.map(messageRow),
        hasEarlier: page.hasEarlier,
      })
      this.watch(id)
    },

    watch(id) {
      if (this.live) return
      this.live = watchMarketMessages(id, (message) => this.add([messageRow(message)]))
    },

    stopWatching() {
      if (this.live) this.live.close()
      this.live = null
    },

    // Messages that are not shown yet (mine come back live too), after those that are.
    add(rows) {
      const shown = new Set(this.data.messages.map((m) => m.id))
      const fresh = rows.filter((m) => !shown.has(m.id))
      if (fresh.length) this.setData({ messages: this.data.messages.concat(fresh) })
    },

    loadEarlier() {
      const [oldest] = this.data.messages
      return whileBusy(this, async () => {
        const { marketConversation: page } = await execute('MarketConversation', {
          id: this.data.conversationId, before: oldest ? oldest.id : null, last: PAGE_SIZE,
        })
        this.setData({ messages: page.messages.map(messageRow).concat(this.data.messages), hasEarlier: page.hasEarlier })
      })
    },

    onInput(event) {
      this.setData({ body: event.detail.value })
    },

    send() {
      const { conversationId, body } = this.data
      const input = conversationId ? { conversationId, body } : { listingId: this.listingId, body }
      return whileBusy(this, async () => {
        const { message } = await mutate('MarketMessageSend', { input })
        this.setData({ body: '', conversationId: message.conversationId })
        this.add([messageRow(message)])
        this.watch(message.conversationId)
        toast('已发送')
      })
    },
  },
})
