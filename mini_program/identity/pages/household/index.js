// My household: where I live and with whom, inviting family and moving out. The proxies (代办)
// between its members are on their own page (家人代办).
const { execute, mutate } = require('../../../utils/graphql')
const { confirm, toast, wxCall } = require('../../../utils/wxp')
const { whileBusy } = require('../../../utils/busy')
const { formatDate, formatDateTime } = require('../../../utils/format')
const { roleLabel, RESIDENT_ROLE_CHOICES } = require('../../../utils/roles')
const { elderModeBehavior } = require('../../../utils/elderMode')

Component({
  behaviors: [elderModeBehavior],

  data: {
    loaded: false,
    residences: [],
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
        residences: viewer.residences.map((r) => ({
          id: r.id,
          address: r.address,
          roleLabel: roleLabel(r.role),
          since: formatDate(r.since),
          members: r.members.map((m) => ({ id: m.residenceId, name: m.person.displayName, roleLabel: roleLabel(m.role) })),
        })),
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
        toast('已迁出')
        await this.load()
      })
    },
  },
})
