// Whether I (or my household, or those I cast for) have voted in the polls I am asked to vote in:
// the voting list shows it beside each open poll, and home counts the open polls still waiting
// for a ballot. pollsForMe brings each poll's own entries (myEntries: the ballots I may cast, each
// with whether it was cast, never what), loaded for the whole page at once.
const { execute } = require('./graphql')

// The newest polls home looks through for open ones.
const HOME_POLLS = 20

// 'voted' (every ballot I may cast is in), 'partly' (some) or 'waiting' (none), with the entries;
// null when there is none I may cast.
function ballotState(entries) {
  if (!entries.length) return null
  const voted = entries.filter((e) => e.voted).length
  return { state: voted === entries.length ? 'voted' : voted ? 'partly' : 'waiting', entries }
}

// Each poll of a pollsForMe page with `ballot` ({state, entries}) when it is open, null otherwise.
function withBallotState(polls) {
  return polls.map((poll) => ({ ...poll, ballot: poll.state === 'OPEN' ? ballotState(poll.myEntries) : null }))
}

// How many open polls still wait for a ballot of mine, among the newest HOME_POLLS.
async function countPollsWaiting() {
  const { pollsForMe } = await execute('PollsForMe', { first: HOME_POLLS })
  const polls = withBallotState(pollsForMe.nodes)
  return polls.filter((p) => p.ballot && p.ballot.state !== 'voted').length
}

module.exports = { ballotState, withBallotState, countPollsWaiting }
