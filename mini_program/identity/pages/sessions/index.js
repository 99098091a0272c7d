// 登录设备: where I am signed in, this phone first marked 本机, and ending the others (a lost
// phone, a shared computer). This phone signs out on the home page.
const { execute, mutate } = require('../../../utils/graphql')
const { confirm, toast } = require('../../../utils/wxp')
const { whileBusy } = require('../../../utils/busy')
const { formatDateTime } = require('../../../utils/format')
const { elderModeBehavior } = require('../../../utils/elderMode')

const METHODS = {
  wechat: '微信登录',
  demo: '演示账号',
  password: '账号密码登录',
  sms: '短信验证码登录',
  firebase: 'App 登录',
}

// What a person recognises their device by, from its user agent.
function deviceName(userAgent) {
  if (/MicroMessenger/i.test(userAgent) && /miniProgram|miniprogram/.test(userAgent)) return '微信小程序'
  if (/iPhone|iPad/.test(userAgent)) return 'iPhone / iPad'
  if (/Android/.test(userAgent)) return '安卓手机'
  if (/Windows|Macintosh|Linux/.test(userAgent)) return '电脑浏览器'
  return '未知设备'
}

Component({
  behaviors: [elderModeBehavior],

  data: {
    loaded: false,
    sessions: [],
    busy: false,
    error: '',
  },

  methods: {
    onLoad() {
      return whileBusy(this, () => this.load())
    },

    async load() {
      const { viewer } = await execute('Sessions')
      const sessions = viewer.sessions.map((s) => ({
        id: s.id,
        current: s.current,
        method: METHODS[s.method] || s.method,
        device: deviceName(s.userAgent),
        createdAt: formatDateTime(s.createdAt),
        lastUsedAt: formatDateTime(s.lastUsedAt),
      }))
      this.setData({ loaded: true, sessions: sessions.filter((s) => s.current).concat(sessions.filter((s) => !s.current)) })
    },

    async end(event) {
      const session = this.data.sessions[event.currentTarget.dataset.index]
      const asked = `${session.device}（${session.method}，最近使用 ${session.lastUsedAt}）将需要重新登录。`
      if (!(await confirm('退出该设备', asked, '退出'))) return
      await whileBusy(this, async () => {
        await mutate('SessionRevoke', { id: session.id })
        toast('已退出该设备')
        await this.load()
      })
    },
  },
})
