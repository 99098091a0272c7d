// 提供帮助: what I can do (a kind of help, skills in my words), when (weekly windows: weekends,
// weekdays or every day, daytime or evenings) and a note; my open offers, which I may withdraw.
const { execute, mutate } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const { confirm, toast } = require('../../../utils/wxp')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { KIND_CHOICES, KIND_LABELS, communityOf } = require('../timebank/words')

const DAYS = { weekend: [5, 6], weekday: [0, 1, 2, 3, 4], every: [0, 1, 2, 3, 4, 5, 6] }
const DAY_CHOICES = [{ value: 'weekend', label: '周末' }, { value: 'weekday', label: '工作日' }, { value: 'every', label: '每天' }]
const TIMES = { day: [8 * 60, 18 * 60], evening: [18 * 60, 21 * 60] }
const TIME_CHOICES = [{ value: 'day', label: '白天 8:00–18:00' }, { value: 'evening', label: '晚上 18:00–21:00' }]

Component({
  behaviors: [elderModeBehavior],

  data: {
    kinds: KIND_CHOICES,
    dayChoices: DAY_CHOICES,
    timeChoices: TIME_CHOICES,
    form: { kind: 'COMPANY', skills: '', days: 'weekend', time: 'day', note: '' },
    mine: [],
    busy: false,
    error: '',
  },

  methods: {
    onLoad(options) {
      return whileBusy(this, async () => {
        this.communityId = await communityOf(options)
        await this.refresh()
      })
    },

    async refresh() {
      const { timebankOffers } = await execute('TimebankOffers', {
        communityId: this.communityId, mine: true, state: 'OPEN', first: 20,
      })
      this.setData({
        mine: timebankOffers.nodes.map((o) => ({
          id: o.id, line: [...o.kinds.map((k) => KIND_LABELS[k]), ...o.skills].join('、'), note: o.note,
        })),
      })
    },

    pick(event) {
      this.setData({ [`form.${event.currentTarget.dataset.field}`]: event.detail.value })
    },

    onInput(event) {
      this.setData({ [`form.${event.currentTarget.dataset.field}`]: event.detail.value })
    },

    submit() {
      const { form } = this.data
      const [start, end] = TIMES[form.time]
      return whileBusy(this, async () => {
        await mutate('TimebankOfferCreate', {
          communityId: this.communityId,
          input: {
            kinds: [form.kind],
            skills: form.skills.split(/[，,、\s]+/).filter(Boolean),
            availability: DAYS[form.days].map((weekday) => ({ weekday, start, end })),
            note: form.note,
          },
        })
        toast('已发布')
        this.setData({ 'form.skills': '', 'form.note': '' })
        await this.refresh()
      })
    },

    async withdraw(event) {
      const { id } = event.currentTarget.dataset
      if (!await confirm('撤回帮助意向', '撤回后邻居不再看到这条帮助意向。', '撤回')) return
      await whileBusy(this, async () => {
        await mutate('TimebankOfferWithdraw', { id })
        toast('已撤回')
        await this.refresh()
      })
    },
  },
})
