// Binding the phone number WeChat vouches for (the getPhoneNumber button). When the committee
// already registered a resident with this number, the user becomes that resident: the server
// answers with new tokens for them.
const { execute, mutate } = require('../../../utils/graphql')
const tokenStore = require('../../../utils/tokenStore')
const { whileBusy } = require('../../../utils/busy')
const { elderModeBehavior } = require('../../../utils/elderMode')

Component({
  behaviors: [elderModeBehavior],

  data: {
    viewer: null,
    busy: false,
    error: '',
  },

  methods: {
    onLoad() {
      return whileBusy(this, () => this.loadViewer())
    },

    async loadViewer() {
      const { viewer } = await execute('Viewer')
      this.setData({ viewer: { displayName: viewer.displayName, phone: viewer.phone } })
    },

    onPhoneNumber(event) {
      const { code } = event.detail
      if (!code) return null // the user declined to share their number
      return whileBusy(this, async () => {
        const { tokens } = await mutate('WechatPhoneBind', { code })
        if (tokens) tokenStore.setTokens(tokens)
        await this.loadViewer()
      })
    },
  },
})
