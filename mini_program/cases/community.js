// The community a 政策咨询 page works in (utils/community.js).
const { communityOf: communityIn } = require('../utils/community')

const communityOf = (options) => communityIn(options, '政策咨询')

module.exports = { communityOf }
