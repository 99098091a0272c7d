// Moderation (backend/moderation) in the words residents read: why one reports, what became of
// hidden content and of its appeal.
const REASONS = [
  { value: 'SPAM', label: '广告' },
  { value: 'ABUSE', label: '辱骂' },
  { value: 'FRAUD', label: '诈骗' },
  { value: 'PRIVACY', label: '泄露隐私' },
  { value: 'ILLEGAL', label: '违法违规' },
  { value: 'OTHER', label: '其他' },
]
const KIND_LABELS = { TOPIC: '议题', COMMENT: '评论', LISTING: '闲置物品' }
const STATE_LABELS = { REPORTED: '被举报', HIDDEN: '已隐藏，审核中', REMOVED: '已删除', RESTORED: '已恢复显示' }
const APPEAL_LABELS = { PENDING: '申诉审核中', RESTORED: '申诉成立，已恢复', KEPT: '申诉未通过' }

module.exports = { REASONS, KIND_LABELS, STATE_LABELS, APPEAL_LABELS }
