// The signed-in user's home: who they are and the communities they belong to.
const { execute, LOGIN_PAGE } = require('../../utils/graphql')
const tokenStore = require('../../utils/tokenStore')
const { roleLabel } = require('../../utils/roles')

Component({
  data: {
    loading: true,
    viewer: null,
    memberships: [],
    error: '',
  },

  methods: {
    onLoad() {
      return this.loadViewer()
    },

    async loadViewer() {
      this.setData({ loading: true, error: '' })
      try {
        const { viewer } = await execute('Viewer')
        if (!viewer) {
          wx.reLaunch({ url: LOGIN_PAGE })
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
        })
      } catch (err) {
        this.setData({ loading: false, error: err.message })
      }
    },

    async logout() {
      const tokens = tokenStore.getTokens()
      // Signing out of this device must not depend on the server: if revoking fails, the
      // refresh token still expires there on its own.
      if (tokens) await execute('Logout', { refreshToken: tokens.refreshToken }).catch(() => null)
      tokenStore.clearTokens()
      wx.reLaunch({ url: LOGIN_PAGE })
    },
  },
})
