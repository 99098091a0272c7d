// One poll: what is asked, its rules in plain words (who votes, secret or not, when the results
// show), the turnout so far, my ballots (cast or not, never what) and the way to the ballot, to a
// receipt and, once the poll shows them, to the results.
const { execute } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const { formatDateTime } = require('../../../utils/format')
const { ballotState } = require('../../../utils/ballotState')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { BALLOT_PAGE, RECEIPT_PAGE, RESULTS_PAGE, KIND_LABELS, STATE_LABELS, CHANNEL_LABELS, isOpen, pollRules } = require('../../utils/polls')

const UNITS = { PERSON: '人', HOUSEHOLD: '户', OWNERS_ASSEMBLY: '户业主' }

const squareMetres = (dm2) => `${(dm2 / 100).toFixed(2)}㎡`
const percent = (part, whole) => (whole ? `${Math.round((part / whole) * 1000) / 10}%` : '0%')

function turnoutLines(poll, t) {
  const lines = [`已参与 ${t.participated} / ${t.entries} ${UNITS[poll.electorate]}（${percent(t.participated, t.entries)}）`]
  if (poll.electorate === 'OWNERS_ASSEMBLY') {
    lines.push(`专有面积 ${squareMetres(t.participatedAreaDm2)} / ${squareMetres(t.areaDm2)}（${percent(t.participatedAreaDm2, t.areaDm2)}）`)
  }
  return lines
}

function entryView(entry) {
  const how = entry.voted ? `已投票（${CHANNEL_LABELS[entry.channel] || entry.channel}）` : '未投票'
  return { entryId: entry.entryId, label: entry.proxied ? `${entry.label}（受托代投）` : entry.label, voted: entry.voted, how }
}

// Whether one of my ballots may still be cast: one not yet in, or a change where the poll allows it.
function mayCast(poll) {
  if (!isOpen(poll)) return false
  const replaceable = poll.allowChange || (poll.electorate === 'HOUSEHOLD' && poll.householdRule === 'LAST_COUNTS')
  return poll.myEntries.some((e) => !e.voted || replaceable)
}

Component({
  behaviors: [elderModeBehavior],

  data: {
    poll: null,
    missing: false,
    busy: false,
    error: '',
  },

  methods: {
    onLoad({ id }) {
      this.pollId = id
      return this.load()
    },

    // Back from the ballot, my ballots and the turnout have changed.
    onShow() {
      if (this.data.poll && !this.data.busy) this.load()
    },

    load() {
      return whileBusy(this, async () => {
        const [{ poll }, turnout] = await Promise.all([
          execute('Poll', { id: this.pollId }),
          execute('PollTurnout', { id: this.pollId }).then((d) => d.pollTurnout, () => null),
        ])
        if (!poll) {
          this.setData({ missing: true })
          return
        }
        const ballot = ballotState(poll.myEntries)
        this.setData({
          poll: {
            title: poll.title,
            description: poll.description,
            kind: KIND_LABELS[poll.kind],
            state: STATE_LABELS[poll.state],
            closesAt: formatDateTime(poll.closesAt),
            rules: pollRules(poll),
            turnout: turnout ? turnoutLines(poll, turnout) : [],
            entries: poll.myEntries.map(entryView),
            mayCast: mayCast(poll),
            allVoted: !!ballot && ballot.state === 'voted',
            hasResult: !!poll.result,
          },
        })
      })
    },

    vote() {
      wx.navigateTo({ url: `${BALLOT_PAGE}?id=${encodeURIComponent(this.pollId)}` })
    },

    openResults() {
      wx.navigateTo({ url: `${RESULTS_PAGE}?id=${encodeURIComponent(this.pollId)}` })
    },

    openReceipt() {
      wx.navigateTo({ url: `${RECEIPT_PAGE}?pollId=${encodeURIComponent(this.pollId)}` })
    },
  },
})
