// The community a page works in: the one it was opened for (?communityId=…), else the viewer's first
// (a resident belongs to one community as a rule). `service` names the page's service in the error a
// resident without a verified address sees.
const { execute } = require('./graphql')

async function communityOf(options, service) {
  if (options && options.communityId) return options.communityId
  const { viewer } = await execute('Viewer')
  const [first] = viewer.memberships
  if (!first) throw new Error(`请先认证住址，再使用${service}`)
  return first.community.id
}

module.exports = { communityOf }
