// Words for a topic of the 议事厅 (backend/deliberation), shared by the list and the detail.
export const TOPIC_STATE_LABELS = { PROPOSED: '征集附议中', AGENDA: '已列入议程', CLOSED: '已结束' }
export const TOPIC_STATE_TAGS = { PROPOSED: 'warning', AGENDA: 'success', CLOSED: 'info' }

/** "居民提议 · 附议 3/10 户" or "居委会发起". */
export const originText = (topic) =>
  topic.proposed ? `居民提议 · 附议 ${topic.supporters}/${topic.supportersNeeded} 户` : '居委会发起'

/** Comments as threads: each top-level comment with its replies (one level), oldest first. */
export function threadsOf(comments) {
  const threads = comments.filter((c) => !c.parentId).map((c) => ({ ...c, replies: [] }))
  const byId = Object.fromEntries(threads.map((t) => [t.id, t]))
  for (const c of comments) if (c.parentId) byId[c.parentId]?.replies.push(c)
  return threads
}
