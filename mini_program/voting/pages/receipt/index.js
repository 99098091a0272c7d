// My ballot's receipt: the receipt code (shown right after casting, or typed in later), to copy and
// keep — it is the only way back to a ballot, since in a secret poll nothing else ties it to me —
// what the ballot says, and whether it has been sealed into the poll's public log.
const { execute } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const { wxCall, toast } = require('../../../utils/wxp')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { answerLines } = require('../../utils/polls')

Component({
  behaviors: [elderModeBehavior],

  data: {
    code: '', // the receipt code shown
    codeInput: '',
    fresh: false, // just cast: the code is shown here for the first time
    receipt: null, // {title, lines, sealed}
    busy: false,
    error: '',
  },

  methods: {
    onLoad({ pollId, code = '', fresh }) {
      this.pollId = pollId
      this.setData({ fresh: !!fresh })
      return code ? this.lookUp(code) : undefined
    },

    fillCode(event) {
      this.setData({ codeInput: event.detail.value })
    },

    submitCode() {
      if (this.data.busy) return Promise.resolve()
      return this.lookUp(this.data.codeInput.trim())
    },

    lookUp(code) {
      return whileBusy(this, async () => {
        const [{ poll }, { ballotReceipt }] = await Promise.all([
          execute('Poll', { id: this.pollId }),
          execute('BallotReceipt', { pollId: this.pollId, receiptCode: code }),
        ])
        this.setData({
          code,
          receipt: { title: poll.title, lines: answerLines(poll, ballotReceipt.answer), sealed: ballotReceipt.batch !== null },
        })
      })
    },

    async copy() {
      await wxCall('setClipboardData', { data: this.data.code })
      toast('已复制')
    },
  },
})
