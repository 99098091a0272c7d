// The community a 政策咨询 page works in: the one the hub opened it for (?communityId=…), else the
// viewer's first (a resident belongs to one community as a rule).
const { execute } = require('../utils/graphql')

async function communityOf(options = {}) {
  if (options.communityId) return options.communityId
  const { viewer } = await execute('Viewer')
  const [first] = viewer.memberships
  if (!first) throw new Error('请先认证住址，再使用政策咨询')
  return first.community.id
}

module.exports = { communityOf }
