// 投票表决: the polls I may vote in (or cast a ballot in for someone), open ones first with their
// deadline and whether my ballots are in, then the closed and published ones, a page at a time.
const { execute } = require('../../../utils/graphql')
const { PAGED_DATA, loadNextPage } = require('../../../utils/pager')
const { withBallotState } = require('../../../utils/ballotState')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { POLL_PAGE, pollSummary } = require('../../utils/polls')

const BALLOT_LABELS = { voted: '已投票', partly: '还有票未投', waiting: '未投票' }

function pollView(poll) {
  const ballot = poll.ballot && { state: poll.ballot.state, label: BALLOT_LABELS[poll.ballot.state] }
  return { ...pollSummary(poll), ballot }
}

Component({
  behaviors: [elderModeBehavior],

  data: {
    ...PAGED_DATA,
    openPolls: [],
    finishedPolls: [],
    busy: false,
    error: '',
  },

  methods: {
    onLoad() {
      return this.loadMore()
    },

    onReachBottom() {
      return this.loadMore()
    },

    async loadMore() {
      await loadNextPage(this, async ({ first, after }) => {
        const { pollsForMe } = await execute('PollsForMe', { first, after })
        const polls = withBallotState(pollsForMe.nodes)
        return { nodes: polls.map(pollView), pageInfo: pollsForMe.pageInfo }
      })
      const { items } = this.data
      this.setData({ openPolls: items.filter((p) => p.open), finishedPolls: items.filter((p) => !p.open) })
    },

    open(event) {
      wx.navigateTo({ url: `${POLL_PAGE}?id=${encodeURIComponent(event.currentTarget.dataset.id)}` })
    },
  },
})
