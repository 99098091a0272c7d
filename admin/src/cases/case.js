// What the case pages share: the zh-CN names of a case's states, channels, parties and timeline
// lines, how late a case is, which actions its state allows, and its timeline in one list. The server
// checks everything again (backend/cases/service.py); this only keeps the pages consistent.

export const STATE_LABELS = {
  SUBMITTED: '待受理',
  ACCEPTED: '已受理',
  IN_PROGRESS: '处理中',
  RESOLVED: '已解决',
  CLOSED_NOT_FIXED: '已关闭（未解决）',
  NOT_RESPONSIBLE: '非本单位职责',
  DUPLICATE: '已合并',
  REFERRED: '已转办',
}
export const STATE_TAGS = {
  SUBMITTED: 'warning',
  ACCEPTED: 'primary',
  IN_PROGRESS: 'primary',
  RESOLVED: 'success',
  CLOSED_NOT_FIXED: 'info',
  NOT_RESPONSIBLE: 'info',
  DUPLICATE: 'info',
  REFERRED: 'info',
}
export const OPEN_STATES = ['SUBMITTED', 'ACCEPTED', 'IN_PROGRESS']
export const CHANNEL_LABELS = { MINI_PROGRAM: '小程序', PHONE: '电话', VISIT: '走访', WALK_IN: '来访' }
/** How staff may register a case for a resident. */
export const STAFF_CHANNELS = ['PHONE', 'VISIT', 'WALK_IN']
export const PARTY_LABELS = { COMMITTEE: '居委会', PROPERTY: '物业', GRID: '网格员' }
export const ENTRY_LABELS = {
  REPLY: '回复居民',
  NOTE: '内部备注',
  QUESTION: '询问居民',
  ANSWER: '居民补充',
  ASSIGN: '分派',
  URGE: '居民催办',
  CONFIRM: '居民评价',
  REMIND: '超时提醒',
  ESCALATE: '升级督办',
  SUPERVISE: '街道督办',
}
export const OUTCOME_LABELS = { RESOLVED: '已解决', PARTLY: '部分解决', NOT_RESOLVED: '未解决', AUTO: '自动确认' }
/** How a case may be closed without a fix (caseClose's outcomes). */
export const CLOSINGS = { CLOSED_NOT_FIXED: '无法解决', NOT_RESPONSIBLE: '非本单位职责' }

/** "3 小时 5 分" for a span of minutes (at least one minute). */
export function span(minutes) {
  const m = Math.max(1, Math.round(minutes))
  if (m < 60) return `${m} 分钟`
  const hours = Math.floor(m / 60)
  if (hours < 48) return m % 60 ? `${hours} 小时 ${m % 60} 分` : `${hours} 小时`
  return `${Math.floor(hours / 24)} 天 ${hours % 24} 小时`
}

/** The running deadline in words at `now` (ms): {late, text}, or null when no clock runs. A case
 * waiting for its resident has its clock paused, and the server judges it overdue or not. */
export function deadlineText(c, now = Date.now()) {
  if (!c.dueAt) return null
  const what = c.state === 'SUBMITTED' ? '受理' : '办结'
  if (c.waitingForResident) return { late: c.overdue, text: c.overdue ? `已超时（等待居民答复）` : `等待居民答复，${what}计时暂停` }
  const minutes = (new Date(c.dueAt).getTime() - now) / 60_000
  if (c.overdue || minutes < 0) return { late: true, text: `${what}已超时 ${span(-minutes)}` }
  return { late: false, text: `距${what}时限 ${span(minutes)}` }
}

/** The actions a case's state allows a handler; `manage`: the viewer holds CASE_MANAGE (assign, merge). */
export function actionsFor(c, manage) {
  const open = OPEN_STATES.includes(c.state)
  return [
    c.state === 'SUBMITTED' && 'accept',
    (c.state === 'SUBMITTED' || c.state === 'ACCEPTED') && 'start',
    (c.state === 'ACCEPTED' || c.state === 'IN_PROGRESS') && 'resolve',
    open && 'close',
    open && 'refer',
    open && manage && 'merge',
    open && manage && 'assign',
    open && 'ask',
    'reply',
    'note',
  ].filter(Boolean)
}

/** Every change of state, entry and confirmation of a case's detail, oldest first:
 * [{key, at, kind, title, body, actor, actingFor, internal, rating}]. */
export function timelineOf(detail) {
  const lines = [
    ...detail.events.map((e, i) => ({
      key: `event-${i}`,
      at: e.at,
      kind: 'EVENT',
      title: `${STATE_LABELS[e.fromState]} → ${STATE_LABELS[e.toState]}`,
      body: e.reason ?? '',
      actor: e.actorName ?? '系统',
      actingFor: e.actingForName,
      internal: false,
    })),
    ...detail.entries.map((e) => ({
      key: `entry-${e.id}`,
      at: e.at,
      kind: e.kind,
      title: ENTRY_LABELS[e.kind],
      body: e.body,
      actor: e.authorName ?? '系统',
      actingFor: e.actingForName,
      internal: e.internal,
    })),
  ]
  // Same instant: a transition before the entry written with it.
  return lines.sort((a, b) => a.at.localeCompare(b.at) || (a.kind === 'EVENT' ? -1 : b.kind === 'EVENT' ? 1 : 0))
}
