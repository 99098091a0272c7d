// One case: what was raised (text, photos, place), where it stands (state, handler, deadline,
// overdue), its timeline (changes of state and public replies; never the handlers' internal notes),
// and what its resident may do: answer the handlers' question (which restarts the SLA clock), urge
// them (催办, once a day), and, once it is resolved, say whether it is (已解决 / 部分解决 / 未解决)
// with 1–5 stars and a comment; partly or not resolved reopens it and needs a reason. Followers
// (我也遇到) read it and urge, but only its resident answers and rates.
const { execute, mutate } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const { confirm, toast } = require('../../../utils/wxp')
const session = require('../../../utils/session')
const { elderModeBehavior } = require('../../../utils/elderMode')
const {
  OUTCOME_CHOICES, OUTCOME_LABELS, STAR_CHOICES, PARTY_LABELS,
  reopens, isOpen, caseTags, deadlineLine, timeline, photoUrls,
} = require('../../utils/cases')

function caseView(detail, apiBase) {
  const c = detail.case
  const open = isOpen(c)
  return {
    text: c.text,
    category: c.category.name,
    place: c.placeName,
    party: PARTY_LABELS[c.party] || c.party,
    handlerName: c.handlerName || '',
    tags: caseTags(c),
    deadline: deadlineLine(c),
    resolution: c.resolution || '',
    referredTo: c.referredTo || '',
    photos: photoUrls(c, apiBase),
    followers: detail.followers,
    timeline: timeline(detail),
    confirmations: detail.confirmations.map((k) => ({
      key: String(k.round),
      line: `第 ${k.round} 次评价：${OUTCOME_LABELS[k.outcome]}${k.rating ? `，${k.rating} 星` : ''}${k.comment ? `，${k.comment}` : ''}`,
    })),
    mayAnswer: detail.mine && open,
    waiting: c.waitingForResident,
    mayUrge: open && !c.urgedToday,
    urgedToday: open && c.urgedToday,
    mayConfirm: detail.mine && c.state === 'RESOLVED' && !c.confirmedAt,
  }
}

const RATING_DRAFT = { outcome: '', stars: '', comment: '', reason: '', needsReason: false }

Component({
  behaviors: [elderModeBehavior],

  data: {
    view: null,
    missing: false,
    answer: '',
    outcomes: OUTCOME_CHOICES,
    stars: STAR_CHOICES,
    rating: { ...RATING_DRAFT },
    busy: false,
    error: '',
  },

  methods: {
    onLoad({ id }) {
      this.caseId = id
      return this.load()
    },

    load() {
      return whileBusy(this, () => this.refresh())
    },

    async refresh() {
      const { case: detail } = await execute('Case', { id: this.caseId })
      if (!detail) {
        this.setData({ missing: true, view: null })
        return
      }
      this.setData({ view: caseView(detail, getApp().globalData.apiBase) })
    },

    previewPhoto(event) {
      const { photos } = this.data.view
      wx.previewImage({ current: photos[Number(event.currentTarget.dataset.index)], urls: photos })
    },

    onAnswerInput(event) {
      this.setData({ answer: event.detail.value })
    },

    sendAnswer() {
      return whileBusy(this, async () => {
        await mutate('CaseAnswer', { id: this.caseId, body: this.data.answer })
        this.setData({ answer: '' })
        toast('已发送')
        await this.refresh()
      })
    },

    urge() {
      return whileBusy(this, async () => {
        await mutate('CaseUrge', { id: this.caseId })
        toast('已催办')
        await this.refresh()
      })
    },

    chooseOutcome(event) {
      const outcome = event.detail.value
      this.setData({ rating: { ...this.data.rating, outcome, needsReason: reopens(outcome) } })
    },

    chooseStars(event) {
      this.setData({ 'rating.stars': event.detail.value })
    },

    onCommentInput(event) {
      this.setData({ 'rating.comment': event.detail.value })
    },

    onReasonInput(event) {
      this.setData({ 'rating.reason': event.detail.value })
    },

    // A rating is given once; partly or not resolved sends the case back to the handlers.
    async sendRating() {
      const { outcome, stars, comment, reason, needsReason } = this.data.rating
      const principal = session.getActingFor()
      const lines = [
        principal ? `为 ${principal.name} 评价` : '',
        `${OUTCOME_LABELS[outcome]}，${stars} 星`,
        needsReason ? '诉求将重新交给工作人员处理' : '',
        '提交后不能修改',
      ].filter(Boolean)
      if (!(await confirm('确认评价', lines.join('\n'), '提交'))) return
      await whileBusy(this, async () => {
        await mutate('CaseConfirm', {
          id: this.caseId,
          input: { outcome, rating: Number(stars), comment, reason: needsReason ? reason : null },
        })
        this.setData({ rating: { ...RATING_DRAFT } })
        toast(needsReason ? '已重新打开' : '评价成功')
        await this.refresh()
      })
    },
  },
})
