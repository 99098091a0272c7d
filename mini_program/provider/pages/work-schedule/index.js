// 排班: the provider's bookable times of the next 7 days (?providerId=, else my first provider), day
// by day, each with how many of its places are booked — what the team will be doing when.
const { execute } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const { formatDate } = require('../../../utils/format')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { myProviders } = require('../../provider')

const DAYS = 7
const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六']
const pad = (n) => String(n).padStart(2, '0')
const timeOf = (iso) => {
  const d = new Date(iso)
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`
}

// Slots (in time order) grouped by their local day.
function days(slots) {
  const byDay = []
  for (const s of [...slots].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt))) {
    const date = formatDate(s.startsAt)
    if (!byDay.length || byDay.at(-1).date !== date) {
      byDay.push({ date, label: `${date.slice(5)} ${WEEKDAYS[new Date(s.startsAt).getDay()]}`, slots: [] })
    }
    byDay.at(-1).slots.push({
      id: s.id,
      time: `${timeOf(s.startsAt)}–${timeOf(s.endsAt)}`,
      booked: `已约 ${s.booked} / ${s.capacity}`,
      full: s.left === 0,
    })
  }
  return byDay
}

Component({
  behaviors: [elderModeBehavior],

  data: { provider: '', days: [], loaded: false, busy: false, error: '' },

  methods: {
    onLoad(options) {
      this.options = options || {}
      return whileBusy(this, async () => {
        const { current } = await myProviders(this.options.providerId)
        if (!current) throw new Error('您还不是任何服务商的成员')
        const { providerSlots } = await execute('ProviderSlots', {
          providerId: current.provider.id, from: formatDate(new Date().toISOString()), days: DAYS,
        })
        this.setData({ provider: current.provider.name, days: days(providerSlots), loaded: true })
      })
    },

    retry() {
      return this.onLoad(this.options)
    },
  },
})
