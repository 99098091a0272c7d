// My household: where I live and with whom, inviting family, moving out, and the proxies (代办)
// I granted, which I can revoke.
const { execute, mutate } = require('../../utils/graphql')
const session = require('../../utils/session')
const { confirm, wxCall } = require('../../utils/wxp')
const { whileBusy } = require('../../utils/busy')
const { formatDate, formatDateTime } = require('../../utils/format')
const { roleLabel, RESIDENT_ROLE_CHOICES } = require('../../utils/roles')

Component({
  data: {
    loaded: false,
    residences: [],
    grantedProxies: [],
    acting: false,
    roles: RESIDENT_ROLE_CHOICES,
    inviteRole: 'CO_RESIDENT',
    invite: null, // {code, expiresAt}
    busy: false,
    error: '',
  },

  methods: {
    onLoad() {
      return whileBusy(this, () => this.load())
    },

    async load() {
      const { viewer } = await execute('Household')
      this.setData({
        loaded: true,
        acting: !!session.getActingFor(),
        residences: viewer.residences.map((r) => ({
          id: r.id,
          address: r.address,
          roleLabel: roleLabel(r.role),
          since: formatDate(r.since),
          members: r.members.map((m) => ({ id: m.residenceId, name: m.person.displayName, roleLabel: roleLabel(m.role) })),
        })),
        grantedProxies: viewer.proxies
          .filter((p) => p.active && p.principal.id === viewer.id)
          .map((p) => ({ id: p.id, agentName: p.agent.displayName, validUntil: formatDate(p.validUntil) })),
      })
    },

    chooseInviteRole(event) {
      this.setData({ inviteRole: event.detail.value })
    },

    createInvite() {
      return whileBusy(this, async () => {
        const { code, expiresAt } = await mutate('HouseholdInviteCreate', { role: this.data.inviteRole })
        this.setData({ invite: { code, expiresAt: formatDateTime(expiresAt) } })
      })
    },

    copyInvite() {
      return wxCall('setClipboardData', { data: this.data.invite.code }).catch(() => null)
    },

    async moveOut(event) {
      const { id, address } = event.currentTarget.dataset
      if (!(await confirm('确认迁出', `确定从 ${address} 迁出吗？迁出后原有记录会保留。`, '迁出'))) return
      await whileBusy(this, async () => {
        await mutate('ResidenceMoveOut', { id })
        await this.load()
      })
    },

    async revokeProxy(event) {
      const { id, name } = event.currentTarget.dataset
      if (!(await confirm('撤销代办授权', `撤销后 ${name} 将不能再替您办事。`, '撤销'))) return
      await whileBusy(this, async () => {
        await mutate('ProxyRevoke', { id })
        await this.load()
      })
    },
  },
})
