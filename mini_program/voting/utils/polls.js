// Polls as a resident reads them: the names of kinds and states, the rules in plain Chinese (who
// votes, whether it is secret, when the results show), and a ballot's answer as lines to read back.
const { formatDateTime } = require('../../utils/format')

const POLL_PAGE = '/voting/pages/poll/index'
const BALLOT_PAGE = '/voting/pages/ballot/index'
const RECEIPT_PAGE = '/voting/pages/receipt/index'
const RESULTS_PAGE = '/voting/pages/results/index'

const KIND_LABELS = { SINGLE: '单选', MULTIPLE: '多选', MOTIONS: '议题表决', QUESTIONNAIRE: '问卷' }
const STATE_LABELS = { DRAFT: '草稿', SCHEDULED: '待开始', OPEN: '进行中', CLOSED: '已截止', PUBLISHED: '已公示' }
const MOTION_LABELS = { YES: '同意', NO: '反对', ABSTAIN: '弃权' }
const MOTION_CHOICES = ['YES', 'NO', 'ABSTAIN'].map((value) => ({ value, label: MOTION_LABELS[value] }))
const CHANNEL_LABELS = { ONLINE: '本人在线投票', PROXY: '代投', PAPER: '纸质投票', HOME_VISIT: '上门投票' }

const SCOPE_LABELS = { COMMUNITY: '全社区', ESTATE: '指定小区', BUILDING: '指定楼栋', GRID: '指定网格' }

const ELECTORATE_RULES = {
  PERSON: '范围内每位成年居民（业主、租户、户主）各投一票',
  HOUSEHOLD: '每户一票，户内任一成年人都可以代表本户投',
  OWNERS_ASSEMBLY: '业主大会：每套房的业主投一票（共有人合投一票，一人有多套房按一人计、面积合计）',
}
const HOUSEHOLD_RULES = {
  FIRST_STANDS: '本户以第一次投出的票为准，其他家人不能再投',
  LAST_COUNTS: '本户以最后一次投出的票为准，家人可以重新投',
}
const SECRECY_RULES = {
  NAMED: '记名投票：谁投了什么会记录在案',
  HIDDEN: '不公开：其他居民看不到您投了什么，工作人员可以查看',
  SECRET: '无记名投票：任何人（包括工作人员）都无法知道您投了什么',
}
const RESULTS_RULES = {
  LIVE: '投票期间可以看到实时结果',
  AFTER_CLOSE: '截止后才公布结果，之前只显示参与人数',
}

const isOpen = (poll) => poll.state === 'OPEN'

// "超过 1/2" (strict) or "不少于 2/3".
const share = ({ numerator, denominator, strict }) => `${strict ? '超过' : '不少于'} ${numerator}/${denominator}`

// The double majority of an owners' assembly (民法典 第二百七十八条), with the poll's own thresholds.
function assemblyRules({ matter, thresholds: t }) {
  return [
    `${matter === 'MAJOR' ? '重大事项' : '一般事项'}，按面积和人数双重计算（民法典 第二百七十八条）`,
    `参与表决的业主：专有面积${share(t.participationArea)}，人数${share(t.participationHeadcount)}`,
    `通过须同意的：参与表决面积${share(t.passArea)}，参与表决人数${share(t.passHeadcount)}`,
  ]
}

// Each rule of the poll as one sentence, in the order a resident asks about them.
function pollRules(poll) {
  const scope = (poll.scope && SCOPE_LABELS[poll.scope.kind]) || ''
  const rules = [`谁来投：${scope ? `${scope}，` : ''}${ELECTORATE_RULES[poll.electorate]}`]
  if (poll.electorate === 'HOUSEHOLD') rules.push(HOUSEHOLD_RULES[poll.householdRule])
  if (poll.electorate === 'OWNERS_ASSEMBLY') rules.push(...assemblyRules(poll))
  rules.push(SECRECY_RULES[poll.secrecy], RESULTS_RULES[poll.results])
  rules.push(poll.allowChange ? '截止前可以改票' : '投出后不能修改')
  if (poll.kind === 'MULTIPLE') rules.push(choiceRange(poll))
  return rules
}

function choiceRange({ minChoices, maxChoices }) {
  return minChoices === maxChoices ? `请选 ${minChoices} 项` : `可选 ${minChoices}–${maxChoices} 项`
}

// A poll in the list: its kind, state, deadline and, for an open one I have not finished, a prompt.
function pollSummary(poll) {
  return {
    id: poll.id,
    title: poll.title,
    kind: KIND_LABELS[poll.kind] || poll.kind,
    state: STATE_LABELS[poll.state] || poll.state,
    open: isOpen(poll),
    closesAt: formatDateTime(poll.closesAt),
  }
}

// What a ballot says (`answer` as the server keeps it: {choices} | {motions} | {answers}), as
// {label, value} lines in the order of the poll's items.
function answerLines(poll, answer) {
  if (answer.choices) {
    const chosen = poll.items.filter((item) => answer.choices.includes(item.key)).map((item) => item.label)
    return [{ label: '我的选择', value: chosen.length ? chosen.join('、') : '（未选择）' }]
  }
  const given = answer.motions || answer.answers || {}
  return poll.items.map((item) => {
    const value = given[item.key]
    const shown = answer.motions ? MOTION_LABELS[value] : value
    return { label: item.label, value: shown === undefined || shown === null || shown === '' ? '（未填写）' : String(shown) }
  })
}

module.exports = {
  POLL_PAGE, BALLOT_PAGE, RECEIPT_PAGE, RESULTS_PAGE,
  KIND_LABELS, STATE_LABELS, MOTION_CHOICES, CHANNEL_LABELS,
  isOpen, pollRules, choiceRange, pollSummary, answerLines,
}
