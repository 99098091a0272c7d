// A time-bank request. With ?id: its details, where its held minutes stand, its history, and what I
// may do — book it (a helper), confirm it was done or cancel it with a reason (its requester, or a
// relative acting for them: 代办), each after a confirmation. With ?communityId: the form to ask for
// help (for the principal when acting for them), paid with stored minutes.
const { execute, mutate } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const { confirm, toast } = require('../../../utils/wxp')
const session = require('../../../utils/session')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { HOLD_LABELS, KIND_CHOICES, STATE_LABELS, formatMinutes, formatStart, requestRow } = require('../timebank/words')

const MINUTE_CHOICES = [30, 60, 90, 120, 180].map((m) => ({ value: String(m), label: formatMinutes(m) }))
const DAY_CHOICES = [{ value: '1', label: '明天' }, { value: '2', label: '后天' }, { value: '3', label: '三天后' }]
const HOUR_CHOICES = ['09', '10', '14', '15'].map((h) => ({ value: h, label: `${h}:00` }))

// The start in China's time: `days` from today at `hour`:00.
function startsAt(days, hour, now = Date.now()) {
  const local = new Date(now + 8 * 3600 * 1000)
  const start = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + Number(days),
    Number(hour)) - 8 * 3600 * 1000
  return new Date(start).toISOString()
}

function detailView(detail) {
  const r = detail.request
  const open = r.state === 'OPEN'
  const booked = r.state === 'BOOKED'
  return {
    ...requestRow(r),
    description: r.description,
    skills: r.skills.join('、'),
    hold: detail.holdState ? HOLD_LABELS[detail.holdState] : '',
    cancelReason: r.cancelReason || '',
    history: detail.events.map((e, i) => ({
      key: String(i),
      line: `${formatStart(e.at)} ${e.actorName || '系统'}${e.actingForName ? `（代 ${e.actingForName}）` : ''}`
        + `${STATE_LABELS[e.toState]}${e.reason ? `：${e.reason}` : ''}`,
    })),
    mayBook: open && !detail.mine,
    mayConfirm: booked && detail.mine,
    mayCancel: (open || booked) && (detail.mine || detail.helping),
  }
}

Component({
  behaviors: [elderModeBehavior],

  data: {
    view: null,
    missing: false,
    form: null,
    kinds: KIND_CHOICES,
    minuteChoices: MINUTE_CHOICES,
    days: DAY_CHOICES,
    hours: HOUR_CHOICES,
    reason: '',
    actingFor: '',
    busy: false,
    error: '',
  },

  methods: {
    onLoad({ id, communityId }) {
      const principal = session.getActingFor()
      this.setData({ actingFor: principal ? principal.name : '' })
      if (!id) {
        this.communityId = communityId
        this.setData({ form: { kind: 'COMPANY', title: '', place: '', minutes: '60', day: '1', hour: '09' } })
        return undefined
      }
      this.requestId = id
      return whileBusy(this, () => this.refresh())
    },

    async refresh() {
      const { timebankRequest: detail } = await execute('TimebankRequest', { id: this.requestId })
      this.setData(detail ? { view: detailView(detail), missing: false } : { view: null, missing: true })
    },

    pick(event) {
      this.setData({ [`form.${event.currentTarget.dataset.field}`]: event.detail.value })
    },

    onInput(event) {
      this.setData({ [`form.${event.currentTarget.dataset.field}`]: event.detail.value })
    },

    submit() {
      const { form } = this.data
      return whileBusy(this, async () => {
        const { request } = await mutate('TimebankRequestCreate', {
          communityId: this.communityId,
          input: {
            kind: form.kind, title: form.title, place: { text: form.place }, minutes: Number(form.minutes),
            startsAt: startsAt(form.day, form.hour),
          },
        })
        toast('已发布')
        wx.redirectTo({ url: `/volunteer/pages/request/index?id=${request.id}` })
      })
    },

    async act(title, content, button, work, done) {
      if (!await confirm(title, content, button)) return
      await whileBusy(this, async () => {
        await work()
        toast(done)
        await this.refresh()
      })
    },

    book() {
      return this.act('预约这项需求', '预约后请按时上门服务，对方确认完成后时长转入您的账户。', '预约',
        () => mutate('TimebankRequestBook', { id: this.requestId }), '已预约')
    },

    confirmDone() {
      return this.act('确认服务已完成', '确认后冻结的时长将转给帮助者，不能撤回。', '确认完成',
        () => mutate('TimebankRequestConfirm', { id: this.requestId }), '已确认')
    },

    onReasonInput(event) {
      this.setData({ reason: event.detail.value })
    },

    cancel() {
      return this.act('取消这项需求', '取消后需求结束，冻结的时长退回需求人。', '确定取消',
        () => mutate('TimebankRequestCancel', { id: this.requestId, reason: this.data.reason }), '已取消')
    },
  },
})

