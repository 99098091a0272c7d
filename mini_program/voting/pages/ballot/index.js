// The ballot: choose (single or multiple), vote on each motion (同意/反对/弃权) or answer each
// question, then confirm the choices before casting; the receipt follows. In 长辈模式 one question
// fills the screen, with 上一题/下一题. Acting for a relative (代办) the ballot is theirs: the banner and
// the confirmation say so. Whoever may cast several ballots (a household and a written
// authorisation) chooses which first.
const { execute, mutate } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const { confirm, toast } = require('../../../utils/wxp')
const session = require('../../../utils/session')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { RECEIPT_PAGE, isOpen } = require('../../utils/polls')
const { ballotQuestions, tapOption, ballotInput, summaryLines } = require('../../utils/ballot')
const { handOverReceipt } = require('../../utils/receiptHandoff')

const entryChoice = (e) => ({ value: e.entryId, label: `${e.label}${e.proxied ? '（受托代投）' : ''}${e.voted ? '（已投）' : ''}` })

Component({
  behaviors: [elderModeBehavior],

  data: {
    poll: null,
    missing: false,
    questions: [],
    step: 0, // the question shown in 长辈模式
    entries: [], // the ballots I may cast, as choices, when there are several
    entryId: '',
    receiptCode: '', // the old ballot's, to change a secret one
    needsReceiptCode: false,
    busy: false,
    error: '',
  },

  methods: {
    onLoad({ id }) {
      this.pollId = id
      return whileBusy(this, async () => {
        const { poll } = await execute('Poll', { id })
        if (!poll || !isOpen(poll)) {
          this.setData({ missing: true })
          return
        }
        this.poll = poll
        const first = poll.myEntries.find((e) => !e.voted) || poll.myEntries[0]
        this.setData({
          poll: { title: poll.title },
          questions: ballotQuestions(poll),
          entries: poll.myEntries.length > 1 ? poll.myEntries.map(entryChoice) : [],
        })
        if (first) this.selectEntry(first.entryId)
      })
    },

    selectEntry(entryId) {
      const entry = this.poll.myEntries.find((e) => e.entryId === entryId)
      this.setData({ entryId, needsReceiptCode: !!entry && entry.voted && this.poll.secrecy === 'SECRET' })
    },

    chooseEntry(event) {
      this.selectEntry(event.detail.value)
    },

    choose(event) {
      const { question, value } = event.currentTarget.dataset
      const q = this.data.questions[question]
      this.setData({ [`questions[${question}].options`]: tapOption(q, value), error: '' })
    },

    fill(event) {
      this.setData({ [`questions[${event.currentTarget.dataset.question}].value`]: event.detail.value, error: '' })
    },

    fillReceiptCode(event) {
      this.setData({ receiptCode: event.detail.value })
    },

    previous() {
      this.setData({ step: Math.max(0, this.data.step - 1), error: '' })
    },

    next() {
      this.setData({ step: Math.min(this.data.questions.length - 1, this.data.step + 1), error: '' })
    },

    // Asks with the choices read back, then casts; a refusal (too many choices, after the deadline…)
    // stays on the ballot with the server's words.
    async cast() {
      if (this.data.busy) return
      const acting = session.getActingFor()
      const content = [
        acting ? `为 ${acting.name} 代投` : '',
        ...summaryLines(this.data.questions),
        this.poll.allowChange ? '截止前可以改票' : '投出后不能修改',
      ].filter(Boolean).join('\n')
      if (!(await confirm('确认投票', content, '投出'))) return
      await whileBusy(this, async () => {
        const { receiptCode } = await mutate('BallotCast', {
          pollId: this.pollId,
          ballot: ballotInput(this.poll.kind, this.data.questions),
          entryId: this.data.entryId || null,
          receiptCode: this.data.needsReceiptCode ? this.data.receiptCode.trim() : null,
        })
        toast('投票成功')
        handOverReceipt(this.pollId, receiptCode)
        wx.redirectTo({ url: `${RECEIPT_PAGE}?pollId=${encodeURIComponent(this.pollId)}&fresh=1` })
      })
    },
  },
})
