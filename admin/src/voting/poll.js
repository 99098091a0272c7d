// What the voting pages share: the zh-CN names of a poll's settings, the builder's form and the
// PollInput it sends, the ballot a paper entry sends, and which actions each state allows. The server
// checks everything again (backend/voting/service.py); this only keeps the pages consistent.
import { isoOrNull } from '../notices'

export const STATE_LABELS = { DRAFT: '草稿', SCHEDULED: '待开始', OPEN: '进行中', CLOSED: '已截止', PUBLISHED: '已公示' }
export const STATE_TAGS = { DRAFT: 'info', SCHEDULED: 'warning', OPEN: 'success', CLOSED: 'danger', PUBLISHED: '' }
export const KIND_LABELS = { SINGLE: '单选', MULTIPLE: '多选', MOTIONS: '表决事项', QUESTIONNAIRE: '问卷' }
export const ELECTORATE_LABELS = { PERSON: '按人', HOUSEHOLD: '按户', OWNERS_ASSEMBLY: '业主大会' }
export const SCOPE_KINDS = { COMMUNITY: '全社区', ESTATE: '按小区', BUILDING: '按楼栋', GRID: '按网格' }
export const HOUSEHOLD_RULE_LABELS = { FIRST_STANDS: '先投为准', LAST_COUNTS: '后投为准' }
export const MATTER_LABELS = { ORDINARY: '普通事项', MAJOR: '重大事项' }
export const SECRECY_LABELS = { NAMED: '记名', HIDDEN: '不公开（工作人员可见）', SECRET: '秘密投票' }
export const RESULTS_LABELS = { LIVE: '实时公布', AFTER_CLOSE: '截止后公布' }
export const CHANNEL_LABELS = { ONLINE: '线上', PROXY: '代投', PAPER: '纸质', HOME_VISIT: '上门' }
export const ANSWER_LABELS = { YES: '同意', NO: '反对', ABSTAIN: '弃权' }
export const QUESTION_TYPES = { TEXT: '文字', NUMBER: '数字' }
/** What each kind calls its items. */
export const ITEM_NOUNS = { SINGLE: '选项', MULTIPLE: '选项', MOTIONS: '议题', QUESTIONNAIRE: '问题' }

export const THRESHOLD_LABELS = {
  participationArea: '参与面积',
  participationHeadcount: '参与人数',
  passArea: '通过面积',
  passHeadcount: '通过人数',
}

// 民法典 第二百七十八条, as the server's defaults (backend/voting/service.py DEFAULT_THRESHOLDS).
const TWO_THIRDS = { numerator: 2, denominator: 3, strict: false }
export const THRESHOLD_PRESETS = {
  ORDINARY: {
    participationArea: TWO_THIRDS,
    participationHeadcount: TWO_THIRDS,
    passArea: { numerator: 1, denominator: 2, strict: true },
    passHeadcount: { numerator: 1, denominator: 2, strict: true },
  },
  MAJOR: {
    participationArea: TWO_THIRDS,
    participationHeadcount: TWO_THIRDS,
    passArea: { numerator: 3, denominator: 4, strict: false },
    passHeadcount: { numerator: 3, denominator: 4, strict: false },
  },
}

/** A threshold as the builder edits it: {fraction: "2/3", strict}. */
export const thresholdFields = (thresholds) =>
  Object.fromEntries(
    Object.keys(THRESHOLD_LABELS).map((key) => [
      key,
      { fraction: `${thresholds[key].numerator}/${thresholds[key].denominator}`, strict: thresholds[key].strict },
    ]),
  )

/** "2/3" as {numerator: 2, denominator: 3}; null for anything else (the server judges the range). */
export function parseFraction(text) {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text ?? '')
  return match ? { numerator: Number(match[1]), denominator: Number(match[2]) } : null
}

/** A threshold in words: "≥ 2/3" or "> 1/2". */
export const thresholdText = ({ numerator, denominator, strict }) => `${strict ? '>' : '≥'} ${numerator}/${denominator}`

/** A blank builder form: a single-choice household poll of the whole community closing in a week. */
export function emptyForm(now = new Date()) {
  return {
    title: '',
    description: '',
    kind: 'SINGLE',
    items: [
      { label: '同意', type: 'TEXT' },
      { label: '反对', type: 'TEXT' },
    ],
    minChoices: 1,
    maxChoices: 1,
    electorate: 'HOUSEHOLD',
    scope: { kind: 'COMMUNITY', ids: [], roles: [] },
    householdRule: 'FIRST_STANDS',
    matter: 'ORDINARY',
    thresholds: thresholdFields(THRESHOLD_PRESETS.ORDINARY),
    secrecy: 'NAMED',
    results: 'AFTER_CLOSE',
    allowChange: false,
    proxyCap: 1,
    opensAt: null,
    closesAt: new Date(now.getTime() + 7 * 24 * 3600 * 1000),
    remindHours: 24,
  }
}

/** The builder's form for a saved poll. */
export function formOf(poll) {
  return {
    ...emptyForm(),
    ...Object.fromEntries(
      ['title', 'description', 'kind', 'minChoices', 'maxChoices', 'electorate', 'householdRule', 'matter', 'secrecy',
        'results', 'allowChange', 'proxyCap', 'remindHours'].map((k) => [k, poll[k]]),
    ),
    items: poll.items.map((i) => ({ label: i.label, type: i.type ?? 'TEXT' })),
    scope: { kind: poll.scope.kind, ids: [...(poll.scope.ids ?? [])], roles: [] },
    thresholds: thresholdFields(poll.thresholds),
    opensAt: poll.opensAt ? new Date(poll.opensAt) : null,
    closesAt: new Date(poll.closesAt),
  }
}

/** The scope the server takes for the picker's selection. */
export const scopeInput = ({ kind, ids }) => (kind === 'COMMUNITY' ? { kind } : { kind, ids })

/** The PollInput for the builder's form. Throws (in Chinese) when a threshold is not a fraction. */
export function pollInput(form) {
  const thresholds = {}
  for (const [key, { fraction, strict }] of Object.entries(form.thresholds)) {
    const parsed = parseFraction(fraction)
    if (!parsed) throw Object.assign(new Error(`${THRESHOLD_LABELS[key]}门槛须写成分数，如 2/3`), { field: 'thresholds' })
    thresholds[key] = { ...parsed, strict }
  }
  const single = form.kind !== 'MULTIPLE'
  return {
    title: form.title,
    description: form.description,
    kind: form.kind,
    items: form.items.map(({ label, type }) => (form.kind === 'QUESTIONNAIRE' ? { label, type } : { label })),
    minChoices: single ? 1 : form.minChoices,
    maxChoices: single ? 1 : form.maxChoices,
    electorate: form.electorate,
    scope: scopeInput(form.scope),
    householdRule: form.householdRule,
    matter: form.matter,
    thresholds,
    secrecy: form.secrecy,
    results: form.results,
    allowChange: form.allowChange,
    proxyCap: form.proxyCap,
    opensAt: isoOrNull(form.opensAt),
    closesAt: isoOrNull(form.closesAt),
    remindHours: form.remindHours,
  }
}

/** Whether the builder's choices reach a scope the preview can count (a kind with nothing chosen cannot). */
export const scopeChosen = ({ kind, ids }) => kind === 'COMMUNITY' || ids.length > 0

/** An empty ballot for a paper entry of `poll`. */
export function emptyBallot(poll) {
  return {
    choices: [],
    motions: Object.fromEntries(poll.items.map((i) => [i.key, ''])),
    answers: Object.fromEntries(poll.items.map((i) => [i.key, ''])),
  }
}

/** The BallotInput for a paper entry; throws (in Chinese) when it is not filled in. The server
 * judges the rest (how many choices, which answers). */
export function ballotInput(poll, ballot) {
  if (poll.kind === 'SINGLE' || poll.kind === 'MULTIPLE') {
    const choices = [ballot.choices].flat().filter(Boolean)
    if (!choices.length) throw new Error('请选择选票上勾选的选项')
    return { choices }
  }
  if (poll.kind === 'MOTIONS') {
    const missing = poll.items.find((i) => !ballot.motions[i.key])
    if (missing) throw new Error(`请选择「${missing.label}」的表决意见`)
    return { motions: poll.items.map((i) => ({ key: i.key, answer: ballot.motions[i.key] })) }
  }
  const answers = []
  for (const item of poll.items) {
    const value = String(ballot.answers[item.key] ?? '').trim()
    if (!value) continue // a question left blank on the paper
    if (item.type !== 'NUMBER') answers.push({ key: item.key, text: value })
    else if (Number.isFinite(Number(value))) answers.push({ key: item.key, number: Number(value) })
    else throw new Error(`「${item.label}」须填写数字`)
  }
  return { answers }
}

/** The lifecycle actions `state` allows, in the order the page shows them. */
export function actionsFor(poll) {
  return {
    DRAFT: ['edit', ...(poll.opensAt ? ['schedule'] : []), 'open'],
    SCHEDULED: ['edit', 'unschedule', 'open'],
    OPEN: ['close', 'tighten', 'paper', 'authorise'],
    CLOSED: ['publish'],
    PUBLISHED: [],
  }[poll.state]
}

const SECRECY_ORDER = ['NAMED', 'HIDDEN', 'SECRET']

/** The stricter modes an open poll may still move to: secrecy down SECRECY_ORDER (never SECRET for an
 * owners' assembly, whose areas can identify a room), results from LIVE to AFTER_CLOSE. */
export function tighterModes(poll) {
  const secrecy = SECRECY_ORDER.slice(SECRECY_ORDER.indexOf(poll.secrecy) + 1).filter(
    (s) => !(s === 'SECRET' && poll.electorate === 'OWNERS_ASSEMBLY'),
  )
  return { secrecy, results: poll.results === 'LIVE' ? ['AFTER_CLOSE'] : [] }
}

/** An area in dm² as square metres: "1,234.5 m²". */
export const areaText = (dm2) => `${(dm2 / 100).toLocaleString('zh-CN', { maximumFractionDigits: 2 })} m²`

/** A share in percent to one decimal; 0 when there is no whole. */
export const percent = (part, whole) => (whole ? Math.round((part / whole) * 1000) / 10 : 0)
