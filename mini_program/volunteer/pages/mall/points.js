// What the points pages (积分商城, 奖品, 我的兑换) share: the community they work in — the one the hub
// opened them for (?communityId=…), else the viewer's first — and how a redemption reads.
const { execute } = require('../../../utils/graphql')
const { formatDateTime } = require('../../../utils/format')

const STATE_LABELS = { PENDING: '待领取', COLLECTED: '已领取', CANCELLED: '已取消', EXPIRED: '已过期' }

async function communityOf(options = {}) {
  if (options.communityId) return options.communityId
  const { viewer } = await execute('Viewer')
  const [first] = viewer.memberships
  if (!first) throw new Error('请先认证住址，再使用积分商城')
  return first.community.id
}

function redemptionView(r) {
  return { ...r, stateLabel: STATE_LABELS[r.state], pending: r.state === 'PENDING',
    expiresLabel: formatDateTime(r.expiresAt), createdLabel: r.createdAt ? formatDateTime(r.createdAt) : '' }
}

module.exports = { communityOf, redemptionView }
