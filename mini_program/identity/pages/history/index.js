// 我的记录: what I did, and what relatives acting for me (代办) did in my name, newest first.
const { execute } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const { formatDateTime } = require('../../../utils/format')
const { elderModeBehavior } = require('../../../utils/elderMode')

// The audit actions a resident's own record shows, in words.
const ACTIONS = {
  'residence.apply': '申请入住',
  'residence.move_out': '迁出',
  'household.invite': '邀请家人',
  'household.join': '加入家庭',
  'proxy.grant': '授权代办',
  'proxy.record': '登记代办委托',
  'proxy.revoke': '撤销代办',
  'session.revoke': '退出登录设备',
  'person.erase': '注销账号',
  'notice.read': '阅读通知',
  'notice.acknowledge': '确认通知',
  'inbox.read': '阅读消息',
  'notify.settings_update': '修改通知设置',
}

Component({
  behaviors: [elderModeBehavior],

  data: {
    loaded: false,
    entries: [],
    busy: false,
    error: '',
  },

  methods: {
    onLoad() {
      return whileBusy(this, async () => {
        const { viewer } = await execute('History')
        this.setData({
          loaded: true,
          entries: viewer.history.nodes.map((e) => ({
            id: e.id,
            action: ACTIONS[e.action] || e.action,
            subject: (e.after && e.after.title) || '', // e.g. which notice was read
            at: formatDateTime(e.createdAt),
            proxyName: e.actingFor ? e.actor.displayName : '',
          })),
        })
      })
    },
  },
})
