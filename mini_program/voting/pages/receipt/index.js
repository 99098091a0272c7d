// My ballot's receipt: the receipt code (shown right after casting, or typed in later), to copy and
// keep — it is the only way back to a ballot, since in a secret poll nothing else ties it to me —
// what the ballot says, and, once it is sealed into the poll's public log, the check on this phone
// that it is there (voting/utils/merkle.js: the inclusion proof against the signed tree head).
const { execute } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const { wxCall, toast } = require('../../../utils/wxp')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { formatDateTime } = require('../../../utils/format')
const { answerLines } = require('../../utils/polls')
const { checkInclusion } = require('../../utils/merkle')
const { takeReceipt } = require('../../utils/receiptHandoff')

Component({
  behaviors: [elderModeBehavior],

  data: {
    code: '', // the receipt code shown
    codeInput: '',
    fresh: false, // just cast: the code is shown here for the first time
    receipt: null, // {title, lines, log: null until sealed, else {ok, message, detail}}
    busy: false,
    error: '',
  },

  methods: {
    // Right after casting the ballot page hands the code over (never in the URL); later it is typed in.
    onLoad({ pollId, fresh }) {
      this.pollId = pollId
      const code = fresh ? takeReceipt(pollId) : ''
      this.setData({ fresh: !!code })
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
          receipt: { title: poll.title, lines: answerLines(poll, ballotReceipt.answer), log: this.logCheck(code, ballotReceipt) },
        })
      })
    },

    logCheck(receiptCode, { answer, inclusion }) {
      if (!inclusion) return null
      const { ok, message } = checkInclusion({ pollId: this.pollId, receiptCode, answer, inclusion })
      const { leafIndex, treeSize, treeHead } = inclusion
      const detail = `日志共 ${treeSize} 张选票，本票为第 ${leafIndex + 1} 张；树根 ${treeHead.rootHash.slice(0, 16)}…（${formatDateTime(treeHead.timestamp)} 签署）`
      return { ok, message, detail }
    },

    // The clipboard needs WeChat's privacy consent: the privacy card on this page asks for it when missing.
    async copy() {
      try {
        await wxCall('setClipboardData', { data: this.data.code })
        toast('已复制')
      } catch {
        this.setData({ error: '未能复制，请长按回执码手动复制' })
      }
    },
  },
})
