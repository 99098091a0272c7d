// What the street's pages call a case's states and timeline lines, in Chinese (the names the
// backend's state table gives them, backend/cases/states.py).
export const CASE_STATE_LABELS = {
  SUBMITTED: '待受理',
  ACCEPTED: '已受理',
  IN_PROGRESS: '处理中',
  RESOLVED: '已解决',
  CLOSED_NOT_FIXED: '已关闭（未解决）',
  NOT_RESPONSIBLE: '非本单位职责',
  DUPLICATE: '已合并',
  REFERRED: '已转办',
}

export const ENTRY_LABELS = {
  REPLY: '回复居民',
  QUESTION: '询问居民',
  ANSWER: '居民补充',
  URGE: '居民催办',
  CONFIRM: '居民评价',
  ESCALATE: '超时升级',
  SUPERVISE: '街道督办',
}

/** The timeline of a case as one list, oldest first: its transitions and its entries. */
export function timelineOf(detail) {
  const events = detail.events.map((e) => ({
    key: `event-${e.at}-${e.toState}`,
    at: e.at,
    title: `${CASE_STATE_LABELS[e.fromState]} → ${CASE_STATE_LABELS[e.toState]}`,
    who: e.actorName ?? '系统',
    body: e.reason ?? '',
  }))
  const entries = detail.entries.map((e) => ({
    key: `entry-${e.id}`,
    at: e.at,
    title: ENTRY_LABELS[e.kind] ?? e.kind,
    who: e.authorName ?? '系统',
    body: e.body,
    kind: e.kind,
  }))
  return [...events, ...entries].sort((a, b) => a.at.localeCompare(b.at))
}
