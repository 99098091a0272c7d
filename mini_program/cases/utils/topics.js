// Topics of the 议事厅 (backend/deliberation) as the pages show them.
const TOPIC_PAGE = '/cases/pages/topic/index'
const PROPOSE_PAGE = '/cases/pages/propose/index'

const STATE_LABELS = { PROPOSED: '征集附议中', AGENDA: '已列入议程', CLOSED: '已结束' }
// A linked poll's state in the voting pages' words (a subpackage cannot require another's files).
const POLL_STATE_LABELS = { DRAFT: '草稿', SCHEDULED: '待开始', OPEN: '进行中', CLOSED: '已截止', PUBLISHED: '已公示' }

// "居民提议 · 已附议 3/10 户" or "居委会发起".
function originText(topic) {
  return topic.proposed ? `居民提议 · 已附议 ${topic.supporters}/${topic.supportersNeeded} 户` : '居委会发起'
}

function topicSummary(topic) {
  return { id: topic.id, title: topic.title, state: topic.state, stateLabel: STATE_LABELS[topic.state],
    origin: originText(topic), answered: !!topic.response, hidden: topic.hidden }
}

// The community the 议事厅 opens in: the one the link names, or the viewer's first.
async function communityOf(options, execute) {
  if (options && options.communityId) return options.communityId
  const { viewer } = await execute('Viewer')
  const membership = viewer && viewer.memberships[0]
  if (!membership) throw new Error('请先认证住址，加入社区')
  return membership.community.id
}

module.exports = { TOPIC_PAGE, PROPOSE_PAGE, STATE_LABELS, POLL_STATE_LABELS, originText, topicSummary, communityOf }
