// 家人代办: letting a member of my household act for me (代办) in the matters I choose, until a
// date I choose; the proxies I granted, to revoke, and those I hold, to give up. Granting is
// one's own: while acting for a relative the page only says so.
const { execute, mutate } = require('../../../utils/graphql')
const session = require('../../../utils/session')
const { confirm, toast } = require('../../../utils/wxp')
const { whileBusy } = require('../../../utils/busy')
const { formatDate } = require('../../../utils/format')
const { elderModeBehavior } = require('../../../utils/elderMode')

// The ProxyScope enum in words, in the order offered.
const SCOPES = [
  { value: 'NOTICE', label: '查看、确认社区通知' },
  { value: 'REGISTRY', label: '入住登记、家庭事务' },
  { value: 'CASE', label: '报事报修' },
  { value: 'DELIBERATION', label: '议事厅' },
  { value: 'ORDER', label: '预约服务、下单' },
  { value: 'VOTE', label: '投票表决' },
  { value: 'TIMEBANK', label: '时间银行' },
  { value: 'MARKET', label: '跳蚤市场' },
  { value: 'SETTINGS', label: '通知设置' },
]
const SCOPE_LABELS = Object.fromEntries(SCOPES.map((s) => [s.value, s.label]))

// How long a proxy lasts: the server allows a year at most.
const DURATIONS = [
  { value: '30', label: '一个月' },
  { value: '91', label: '三个月' },
  { value: '182', label: '半年' },
  { value: '365', label: '一年' },
]
const DAY_MS = 24 * 60 * 60 * 1000

const proxyView = (p) => ({
  id: p.id,
  principalName: p.principal.displayName,
  agentName: p.agent.displayName,
  scopes: p.scopes.map((s) => SCOPE_LABELS[s] || s).join('、'),
  validUntil: formatDate(p.validUntil),
})

Component({
  behaviors: [elderModeBehavior],

  data: {
    loaded: false,
    acting: false,
    members: [], // my household's other members, as choices: whom I may grant a proxy to
    granted: [],
    held: [],
    scopes: SCOPES.map((s) => ({ ...s, chosen: false })),
    durations: DURATIONS,
    agentId: '',
    days: '91',
    busy: false,
    error: '',
  },

  methods: {
    onLoad() {
      if (session.getActingFor()) {
        this.setData({ acting: true })
        return Promise.resolve()
      }
      return whileBusy(this, () => this.load())
    },

    async load() {
      const { viewer } = await execute('Proxies')
      const members = new Map()
      for (const residence of viewer.residences) {
        for (const { person } of residence.members) {
          if (person.id !== viewer.id) members.set(person.id, { value: person.id, label: person.displayName })
        }
      }
      const active = viewer.proxies.filter((p) => p.active)
      this.setData({
        loaded: true,
        members: [...members.values()],
        granted: active.filter((p) => p.principal.id === viewer.id).map(proxyView),
        held: active.filter((p) => p.agent.id === viewer.id).map(proxyView),
      })
    },

    chooseAgent(event) {
      this.setData({ agentId: event.detail.value })
    },

    toggleScope(event) {
      const { index } = event.currentTarget.dataset
      this.setData({ [`scopes[${index}].chosen`]: !this.data.scopes[index].chosen })
    },

    chooseDuration(event) {
      this.setData({ days: event.detail.value })
    },

    grant() {
      if (this.data.busy) return Promise.resolve()
      const { agentId, scopes, days } = this.data
      const validUntil = new Date(Date.now() + Number(days) * DAY_MS).toISOString()
      return whileBusy(this, async () => {
        await mutate('ProxyGrant', { agentId, scopes: scopes.filter((s) => s.chosen).map((s) => s.value), validUntil })
        toast('已授权')
        this.setData({ agentId: '', scopes: SCOPES.map((s) => ({ ...s, chosen: false })) })
        await this.load()
      })
    },

    // Revoking one I granted, or giving up one I hold: either ends it at once.
    async revoke(event) {
      const { id, mine } = event.currentTarget.dataset
      const proxy = (mine ? this.data.granted : this.data.held).find((p) => p.id === id)
      const [title, content, button] = mine
        ? ['撤销代办授权', `撤销后 ${proxy.agentName} 将不能再替您办事。`, '撤销']
        : ['不再代办', `之后您将不能再替 ${proxy.principalName} 办事。`, '不再代办']
      if (!(await confirm(title, content, button))) return
      await whileBusy(this, async () => {
        await mutate('ProxyRevoke', { id })
        toast('已撤销')
        await this.load()
      })
    },
  },
})
