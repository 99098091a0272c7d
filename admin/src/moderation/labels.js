// Moderation (backend/moderation) in words staff read, and which decisions each state allows (the
// server's table in backend/moderation/service.py DECISIONS; the server checks it again).
export const STATE_LABELS = { REPORTED: '被举报', HIDDEN: '已隐藏待审核', REMOVED: '已删除', RESTORED: '已恢复' }
export const STATE_TAGS = { REPORTED: 'warning', HIDDEN: 'danger', REMOVED: 'info', RESTORED: 'success' }
export const REASON_LABELS = {
  SPAM: '广告',
  ABUSE: '辱骂',
  FRAUD: '诈骗',
  PRIVACY: '泄露隐私',
  ILLEGAL: '违法违规',
  OTHER: '其他',
}
export const KIND_LABELS = { TOPIC: '议题', COMMENT: '评论', LISTING: '闲置' }
export const kindLabel = (kind) => KIND_LABELS[kind] ?? kind
export const ACTION_LABELS = {
  AUTO_HIDE: '自动隐藏（多人举报）',
  HIDE: '隐藏待审核',
  REMOVE: '删除',
  RESTORE: '恢复显示',
  APPEAL: '作者申诉',
  APPEAL_RESTORE: '申诉成立，恢复显示',
  APPEAL_KEEP: '申诉驳回，维持隐藏',
}
export const APPEAL_LABELS = { PENDING: '待裁定', RESTORED: '已恢复', KEPT: '维持隐藏' }

/** decision -> its button, the states it applies to, and what staff confirm. */
export const DECISIONS = {
  HIDE: { label: '隐藏', from: ['REPORTED', 'RESTORED'], confirm: '隐藏后居民将看不到该内容，直到审核恢复。确定隐藏？' },
  REMOVE: {
    label: '删除',
    from: ['REPORTED', 'HIDDEN', 'RESTORED'],
    confirm: '删除即认定举报成立，内容不再显示（原文保留备查），作者可申诉一次。确定删除？',
  },
  RESTORE: { label: '恢复显示', from: ['REPORTED', 'HIDDEN', 'REMOVED'], confirm: '恢复后所有居民将重新看到该内容。确定恢复？' },
}
export const decisionsFor = (state) => Object.keys(DECISIONS).filter((d) => DECISIONS[d].from.includes(state))

export const APPEAL_DECISIONS = {
  RESTORE: { label: '申诉成立，恢复', confirm: '恢复后所有居民将重新看到该内容。确定申诉成立？' },
  KEEP: { label: '驳回申诉', confirm: '驳回后内容维持隐藏，作者不能再次申诉。确定驳回？' },
}
