// 赠与时长: give stored minutes to a family member (someone of my household, or a proxy relation) or
// to the community's mutual-aid pool (互助池). Shows what I hold and the storage cap; more than the
// recipient may still store is refused by the server, in its words. Confirmed before it is sent.
const { execute, mutate } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const { confirm, toast } = require('../../../utils/wxp')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { communityOf, formatMinutes } = require('../timebank/words')

const POOL = 'pool'
const AMOUNTS = [30, 60, 120, 240].map((m) => ({ value: String(m), label: formatMinutes(m) }))

Component({
  behaviors: [elderModeBehavior],

  data: { account: null, recipients: [], to: '', amounts: AMOUNTS, minutes: '60', busy: false, error: '' },

  methods: {
    onLoad(options) {
      return whileBusy(this, async () => {
        this.communityId = await communityOf(options)
        await this.refresh()
      })
    },

    async refresh() {
      const { communityId } = this
      const [{ timebankAccount: a }, { timebankFamily }] = await Promise.all([
        execute('TimebankAccount', { communityId }), execute('TimebankFamily', { communityId })])
      this.setData({
        account: {
          minutes: formatMinutes(a.minutes),
          cap: a.cap ? `每人最多存储 ${formatMinutes(a.cap)}，超出部分转入互助池` : '',
          pool: `社区互助池：${formatMinutes(a.poolMinutes)}`,
        },
        recipients: [...timebankFamily.map((p) => ({ value: p.id, label: p.displayName })),
          { value: POOL, label: '社区互助池' }],
      })
    },

    chooseRecipient(event) {
      this.setData({ to: event.detail.value })
    },

    chooseAmount(event) {
      this.setData({ minutes: event.detail.value })
    },

    async give() {
      const { to, minutes, recipients } = this.data
      const name = recipients.find((r) => r.value === to).label
      if (!await confirm('赠与时长', `将 ${formatMinutes(Number(minutes))} 赠与${name}，赠出后不能撤回。`, '赠与')) return
      await whileBusy(this, async () => {
        await mutate('HoursDonate', {
          communityId: this.communityId, minutes: Number(minutes),
          ...(to === POOL ? { toPool: true } : { toPersonId: to }),
        })
        toast('已赠与')
        await this.refresh()
      })
    },
  },
})
