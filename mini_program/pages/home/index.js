// The signed-in user's home: who they are, their communities, the relatives they may act for
// (代办), and the way to everything else.
const { execute, signOut } = require('../../utils/graphql')
const session = require('../../utils/session')
const tokenStore = require('../../utils/tokenStore')
const { roleLabel } = require('../../utils/roles')
const { askNoticeSubscription } = require('../../utils/subscribe')
const { watchUnreadNoticeCount } = require('../../utils/live')
const { countPollsWaiting } = require('../../utils/ballotState')
const { setElderMode, elderModeBehavior } = require('../../utils/elderMode')

const NOTICES_PAGE = '/notices/pages/notices/index'

const ENTRIES = [
  { url: '/identity/pages/phone/index', label: '绑定手机号' },
  { url: '/identity/pages/apply/index', label: '申请入住' },
  { url: '/identity/pages/household/index', label: '我的家庭' },
  { url: '/identity/pages/join/index', label: '加入家庭' },
  { url: '/identity/pages/history/index', label: '我的记录' },
  { url: '/identity/pages/proxies/index', label: '家人代办' },
  { url: '/identity/pages/my-data/index', label: '我的数据' },
  { url: '/identity/pages/sessions/index', label: '登录设备' },
]

Component({
  behaviors: [elderModeBehavior],

  data: {
    loading: true,
    viewer: null,
    memberships: [],
    principals: [], // the people whose active proxies I hold: I may act for them
    acting: false,
    unreadCount: 0, // unread community notices (社区通知)
    pollsWaiting: 0, // open polls with a ballot of mine not cast (投票表决)
    entries: ENTRIES,
    worksForProvider: false, // 服务商工作台 shows for people who work for a provider
    error: '',
  },

  methods: {
    onLoad() {
      return this.loadViewer()
    },

    // Each time home shows (a provider approved meanwhile shows its entry), for oneself only: the
    // workbench is one's own work, not a relative's. Not having it keeps a resident from nothing: a
    // failure leaves the entry as it was.
    async loadMyProviders() {
      if (session.getActingFor()) {
        this.setData({ worksForProvider: false })
        return
      }
      try {
        const { myProviders } = await execute('MyProviders')
        this.setData({ worksForProvider: myProviders.length > 0 })
      } catch {
        // the entry stays as it was
      }
    },

    // 服务商工作台 and 服务商入驻.
    openProviderEntry(event) {
      wx.navigateTo({ url: event.currentTarget.dataset.url })
    },

    // Each time home shows, so the count drops after reading notices; while it shows, the server
    // sends the count live as notices arrive or are read. Not having it is no reason to keep the
    // user from anything else: a failure leaves the last count.
    async onShow() {
      if (!tokenStore.getTokens()) return
      this.watchUnreadCount()
      this.countPollsWaiting()
      this.loadMyProviders()
      const liveCounts = this.liveCounts
      try {
        const { feed } = await execute('FeedUnreadCount')
        // A live count that came meanwhile is newer than this answer.
        if (this.liveCounts === liveCounts) this.setData({ unreadCount: feed.unreadCount })
      } catch {
        // the count stays as it was
      }
    },

    onHide() {
      this.stopWatching()
    },

    onUnload() {
      this.stopWatching()
    },

    // Like the unread count, not having it keeps the user from nothing: a failure leaves the last one.
    async countPollsWaiting() {
      try {
        this.setData({ pollsWaiting: await countPollsWaiting() })
      } catch {
        // the count stays as it was
      }
    },

    watchUnreadCount() {
      if (this.live) return
      this.liveCounts = this.liveCounts || 0
      this.live = watchUnreadNoticeCount((unreadCount) => {
        this.liveCounts += 1
        this.setData({ unreadCount })
      })
    },

    stopWatching() {
      if (this.live) this.live.close()
      this.live = null
    },

    async loadViewer() {
      this.setData({ loading: true, error: '' })
      try {
        const { viewer } = await execute('Viewer')
        if (!viewer) {
          wx.reLaunch({ url: session.LOGIN_PAGE })
          return
        }
        this.setData({
          loading: false,
          viewer: { displayName: viewer.displayName, phone: viewer.phone },
          memberships: viewer.memberships.map((m) => ({
            key: `${m.community.id}:${m.role}`,
            communityName: m.community.name,
            roleLabel: roleLabel(m.role),
          })),
          principals: viewer.proxies
            .filter((p) => p.active && p.agent.id === viewer.id)
            .map((p) => ({ proxyId: p.id, id: p.principal.id, name: p.principal.displayName })),
          acting: !!session.getActingFor(),
        })
      } catch (err) {
        this.setData({ loading: false, error: err.message })
      }
    },

    actFor(event) {
      const { id, name } = event.currentTarget.dataset
      session.actAs({ id, name })
    },

    // The tap that opens the notices is where WeChat lets us ask to send the next one as a service
    // notification. The list opens once the user has answered (at once if WeChat will not ask):
    // navigating away under the dialog could close it.
    openNotices() {
      return askNoticeSubscription().then(() => wx.navigateTo({ url: NOTICES_PAGE }))
    },

    toggleElderMode(event) {
      setElderMode(event.detail.value)
      this.setData({ elderMode: !!event.detail.value })
    },

    logout() {
      return signOut()
    },
  },
})
