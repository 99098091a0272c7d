// What the points pages (积分商城, 奖品, 我的兑换) share: the community they work in — the one the hub
// opened them for (?communityId=…), else the viewer's first — and how a redemption reads.
const { formatDateTime } = require('../../../utils/format')
const { communityOf: communityIn } = require('../../../utils/community')

const STATE_LABELS = { PENDING: '待领取', COLLECTED: '已领取', CANCELLED: '已取消', EXPIRED: '已过期' }

const communityOf = (options) => communityIn(options, '积分商城')

function redemptionView(r) {
  return { ...r, stateLabel: STATE_LABELS[r.state], pending: r.state === 'PENDING',
    expiresLabel: formatDateTime(r.expiresAt), createdLabel: r.createdAt ? formatDateTime(r.createdAt) : '' }
}

module.exports = { communityOf, redemptionView }
