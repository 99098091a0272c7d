// Cases (诉求) as a resident reads them: the names of states, parties and outcomes, a case as a list
// row, and its timeline (changes of state and the public entries, oldest first) in plain Chinese.
const { formatDateTime } = require('../../utils/format')
const { absoluteUrl } = require('../../utils/url')

const RAISE_PAGE = '/cases/pages/raise/index'
const MINE_PAGE = '/cases/pages/mine/index'
const CASE_PAGE = '/cases/pages/case/index'

const MAX_PHOTOS = 9
const MAX_TEXT = 1000

const STATE_LABELS = {
  SUBMITTED: '待受理',
  ACCEPTED: '已受理',
  IN_PROGRESS: '处理中',
  RESOLVED: '已办结',
  CLOSED_NOT_FIXED: '已关闭（未解决）',
  NOT_RESPONSIBLE: '非本单位职责',
  DUPLICATE: '已合并',
  REFERRED: '已转办',
}
const OPEN_STATES = ['SUBMITTED', 'ACCEPTED', 'IN_PROGRESS']
const PARTY_LABELS = { COMMITTEE: '居委会', PROPERTY: '物业', GRID: '网格员' }
const OUTCOME_LABELS = { RESOLVED: '已解决', PARTLY: '部分解决', NOT_RESOLVED: '未解决', AUTO: '逾期未评价，自动确认' }
// What a resident may answer; PARTLY and NOT_RESOLVED reopen the case and need a reason.
const OUTCOME_CHOICES = ['RESOLVED', 'PARTLY', 'NOT_RESOLVED'].map((value) => ({ value, label: OUTCOME_LABELS[value] }))
const STAR_CHOICES = [1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: `${'★'.repeat(n)}${'☆'.repeat(5 - n)} ${n} 星` }))
const reopens = (outcome) => outcome === 'PARTLY' || outcome === 'NOT_RESOLVED'

// Who wrote a public entry, and what it is, by its kind (internal kinds never reach this page).
const ENTRY_LABELS = {
  REPLY: '工作人员回复',
  QUESTION: '工作人员询问',
  ANSWER: '居民补充',
  URGE: '居民催办',
  CONFIRM: '居民评价',
}

const stateLabel = (state) => STATE_LABELS[state] || state
const isOpen = (c) => OPEN_STATES.includes(c.state)

// The tags a row and the page head show: the state, and what needs someone's attention.
function caseTags(c) {
  const tags = [{ key: 'state', label: stateLabel(c.state), className: isOpen(c) ? 'tag-state-open' : 'tag-state-closed' }]
  if (c.overdue) tags.push({ key: 'overdue', label: '已超时', className: 'tag-urgent' })
  if (c.waitingForResident) tags.push({ key: 'waiting', label: '待您补充', className: 'tag-important' })
  if (c.state === 'RESOLVED' && !c.confirmedAt) tags.push({ key: 'confirm', label: '待评价', className: 'tag-important' })
  return tags
}

// A case as a row of a list.
function caseSummary(c) {
  return {
    id: c.id,
    text: c.text,
    category: c.category.name,
    place: c.placeName,
    raisedAt: formatDateTime(c.createdAt),
    tags: caseTags(c),
  }
}

// The deadline running now, as a line: "须在 … 前办结" or, past it, "已超过办理时限（…）".
function deadlineLine(c) {
  if (!c.dueAt) return ''
  const what = c.state === 'SUBMITTED' ? '受理' : '办结'
  if (c.waitingForResident) return '等待您补充信息，办理时限暂停计算'
  return c.overdue ? `已超过${what}时限（${formatDateTime(c.dueAt)}）` : `须在 ${formatDateTime(c.dueAt)} 前${what}`
}

// A change of state as a timeline line: the system's (no actor) says who handles it instead.
function eventLine(e) {
  const who = e.actorName ? `${e.actorName}${e.actingForName ? `（代 ${e.actingForName}）` : ''}` : '系统'
  return {
    at: e.at,
    title: `${stateLabel(e.fromState)} → ${stateLabel(e.toState)}`,
    who,
    body: e.reason || '',
  }
}

function entryLine(e) {
  const who = e.authorName ? `${e.authorName}${e.actingForName ? `（代 ${e.actingForName}）` : ''}` : ''
  return { at: e.at, title: ENTRY_LABELS[e.kind] || e.kind, who, body: e.body, kind: e.kind }
}

// What happened, oldest first: the raising, each change of state, each public entry. Internal
// entries are left out even when the server sends them (staff opening their own case here).
function timeline(detail) {
  const c = detail.case
  const lines = [{ at: c.createdAt, title: '提交诉求', who: '', body: '' }]
    .concat(detail.events.map(eventLine))
    .concat(detail.entries.filter((e) => !e.internal).map(entryLine))
  return lines
    .map((line, order) => ({ ...line, order }))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.order - b.order)
    .map((line, index) => ({ ...line, key: String(index), time: formatDateTime(line.at) }))
}

// The photo links as WeChat can load them.
const photoUrls = (c, apiBase) => c.photos.map((url) => absoluteUrl(url, apiBase))

// The communities the user belongs to, each once: where a case may be raised.
function communitiesOf(viewer) {
  const seen = new Map()
  for (const { community } of viewer.memberships) seen.set(community.id, community.name)
  return [...seen].map(([value, label]) => ({ value, label }))
}

module.exports = {
  RAISE_PAGE, MINE_PAGE, CASE_PAGE, MAX_PHOTOS, MAX_TEXT,
  PARTY_LABELS, OUTCOME_LABELS, OUTCOME_CHOICES, STAR_CHOICES,
  reopens, isOpen, caseTags, caseSummary, deadlineLine, timeline, photoUrls, communitiesOf,
}
