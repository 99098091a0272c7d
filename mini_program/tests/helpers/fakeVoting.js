// The voting part of the fake backend (./fakeBackend.js): polls, each with the ballots each person
// may cast in it (Poll.myEntries: acting for a relative, the relative's), casting under the
// server's rules and with its Chinese refusals (backend/voting/ballots.py: choices within
// min/max, every motion, every question, numbers where asked, one ballot per entry unless changes
// are allowed — a secret one changed only with its receipt code —, open polls only), receipts by receipt code, and turnout. `addPoll(poll, {voters})`
// adds one (`voters`: person id → their entries); `addBallot(pollId, ballot)` puts in a ballot
// ({code, answer, inclusion}: one sealed into the log when it has an inclusion proof).
const MOTION_ANSWERS = ['YES', 'NO', 'ABSTAIN']

const POLL_DEFAULTS = {
  description: '',
  kind: 'SINGLE',
  items: [],
  minChoices: 1,
  maxChoices: 1,
  electorate: 'HOUSEHOLD',
  scope: { kind: 'COMMUNITY', ids: [] },
  householdRule: 'FIRST_STANDS',
  matter: 'ORDINARY',
  thresholds: {
    participationArea: { numerator: 2, denominator: 3, strict: false },
    participationHeadcount: { numerator: 2, denominator: 3, strict: false },
    passArea: { numerator: 1, denominator: 2, strict: true },
    passHeadcount: { numerator: 1, denominator: 2, strict: true },
  },
  secrecy: 'SECRET',
  results: 'AFTER_CLOSE',
  allowChange: false,
  proxyCap: 1,
  opensAt: '2026-11-01T00:00:00+00:00',
  closesAt: '2026-11-20T10:00:00+00:00',
  remindHours: 24,
  state: 'OPEN',
  electorateSize: 300,
  electorateAreaDm2: 0,
}

class Refusal extends Error {
  constructor(message, field = 'ballot', code = 'INVALID_INPUT') {
    super(message)
    Object.assign(this, { field, code })
  }
}

// What the ballot says as the server stores it, or the server's refusal.
function checkAnswer(poll, ballot) {
  const keys = Object.fromEntries(poll.items.map((i) => [i.key, i]))
  if (poll.kind === 'SINGLE' || poll.kind === 'MULTIPLE') {
    const chosen = [...new Set(ballot.choices || [])]
    if (chosen.some((c) => !keys[c])) throw new Refusal('所选选项不在本次投票中', 'choices')
    if (chosen.length < poll.minChoices) throw new Refusal(`请至少选择 ${poll.minChoices} 项`, 'choices')
    if (chosen.length > poll.maxChoices) throw new Refusal(`最多只能选择 ${poll.maxChoices} 项`, 'choices')
    return { choices: chosen.sort() }
  }
  if (poll.kind === 'MOTIONS') {
    const motions = Object.fromEntries((ballot.motions || []).map((m) => [m.key, m.answer]))
    if (Object.keys(motions).length !== poll.items.length) throw new Refusal('请对每项议题表决（可弃权）', 'motions')
    if (Object.values(motions).some((v) => !MOTION_ANSWERS.includes(v))) throw new Refusal('表决意见须为同意、反对或弃权', 'motions')
    return { motions }
  }
  const answers = Object.fromEntries((ballot.answers || []).map((a) => [a.key, a.number ?? a.text]))
  if (Object.keys(answers).length !== poll.items.length) throw new Refusal('请回答每个问题', 'answers')
  for (const item of poll.items) {
    if (item.type === 'NUMBER' && typeof answers[item.key] !== 'number') throw new Refusal(`「${item.label}」须填写数字`, 'answers')
  }
  return { answers }
}

function fakeVoting({ paginate }) {
  const polls = [] // newest first: {poll, voters, ballots: [{code, answer, batch, inclusion}]}
  let codes = 0

  const entry = (e) => ({ proxied: false, voted: false, channel: null, changes: 0, ...e })
  const find = (id) => polls.find((p) => p.poll.id === id)
  const notFound = () => new Refusal('找不到该投票，或您不在本次投票的选民名单中', 'id', 'NOT_FOUND')
  const entriesOf = (held, person) => held.voters[person] || []
  const view = (held, person) => ({ ...held.poll, myEntries: entriesOf(held, person).map((e) => ({ ...e })) })

  function newCode() {
    codes += 1
    const plain = `ABCDEFGHJKLMNPQR${String(codes).padStart(16, '2')}`
    return plain.match(/.{4}/g).join('-')
  }

  // A secret ballot is replaced only by whoever holds its receipt code (nothing else finds it).
  function replace(held, receiptCode) {
    if (held.poll.secrecy !== 'SECRET') return
    if (!receiptCode) throw new Refusal('秘密投票改票须提供原选票的回执码', 'receiptCode')
    const old = held.ballots.findIndex((b) => b.code === receiptCode)
    if (old < 0) throw new Refusal('回执码不对，请使用本选票的回执码', 'receiptCode')
    held.ballots.splice(old, 1)
  }

  function cast({ pollId, ballot, entryId, receiptCode }, person, acting) {
    const held = find(pollId)
    if (!held || !held.voters[person]) throw notFound()
    const { poll } = held
    if (poll.state !== 'OPEN') throw new Refusal('投票已截止', 'pollId')
    const mine = entriesOf(held, person).filter((e) => !entryId || e.entryId === entryId)
    if (!mine.length) throw new Refusal('您不在本次投票的选民名单中', 'entryId', 'NOT_FOUND')
    if (mine.length > 1) throw new Refusal('您可在多处投票，请选择以哪一户（或哪处房屋）的名义投票', 'entryId')
    const answer = checkAnswer(poll, ballot)
    const [target] = mine
    if (target.voted && !poll.allowChange) throw new Refusal('您已投票，本次投票不允许改票', 'entryId')
    if (target.voted) replace(held, receiptCode)
    const code = newCode()
    held.ballots.push({ code, answer, batch: null, inclusion: null })
    Object.assign(target, { voted: true, channel: acting || target.proxied ? 'PROXY' : 'ONLINE', changes: target.voted ? target.changes + 1 : 0 })
    return { receiptCode: code, entryId: target.entryId }
  }

  function receipt({ pollId, receiptCode }) {
    const ballot = find(pollId) && find(pollId).ballots.find((b) => b.code === receiptCode)
    if (!ballot) throw new Refusal('找不到该回执码的选票（改票后旧回执码作废）', 'receiptCode', 'NOT_FOUND')
    return { pollId, answer: ballot.answer, batch: ballot.batch, inclusion: ballot.inclusion }
  }

  function turnout(held) {
    const cast = Object.values(held.voters).flat().filter((e) => e.voted).length
    return { entries: held.poll.electorateSize, areaDm2: held.poll.electorateAreaDm2, participated: cast, participatedAreaDm2: 0, byChannel: [] }
  }

  // The operation's data, or a Refusal: thrown, it is the mutation's `errors` (or a query's top-level error).
  const mutation = (field, run) => {
    try {
      return { [field]: { ...run(), errors: [] } }
    } catch (err) {
      if (!(err instanceof Refusal)) throw err
      return { [field]: { receiptCode: null, entryId: null, errors: [{ code: err.code, field: err.field, message: err.message }] } }
    }
  }

  const operations = {
    PollsForMe: ({ first, after }, { person }) => {
      // As the server: each poll with my entries (the page's in one go).
      const mine = polls.filter((held) => held.voters[person]).map((held) => ({ ...held.poll, myEntries: view(held, person).myEntries }))
      return { pollsForMe: paginate(mine, first, after) }
    },
    Poll: ({ id }, { person }) => {
      const held = find(id)
      return { poll: held && held.voters[person] ? view(held, person) : null }
    },
    PollTurnout: ({ id }, { person }) => {
      const held = find(id)
      if (!held || !held.voters[person]) throw notFound()
      return { pollTurnout: turnout(held) }
    },
    BallotCast: (variables, { person, actingFor }) => mutation('ballotCast', () => cast(variables, person, !!actingFor)),
    BallotReceipt: (variables) => ({ ballotReceipt: receipt(variables) }),
  }

  return {
    operations,
    Refusal,
    addPoll(poll, { voters }) {
      const held = { poll: { ...POLL_DEFAULTS, ...poll }, voters: {}, ballots: [] }
      for (const [person, entries] of Object.entries(voters)) held.voters[person] = entries.map(entry)
      polls.unshift(held)
      return held
    },
    ballots: (pollId) => find(pollId).ballots,
    entries: (pollId, person) => entriesOf(find(pollId), person),
    addBallot(pollId, { code, answer, inclusion = null }) {
      find(pollId).ballots.push({ code, answer, batch: inclusion ? 1 : null, inclusion })
    },
  }
}

module.exports = { fakeVoting }
