// The pages of the 志愿与积分 subpackage (mini_program/volunteer), by what they are for: the hub
// links to each, and other pages may import these paths rather than spell them again.
const HUB_PAGE = '/volunteer/pages/index/index'
const WALLET_PAGE = '/volunteer/pages/wallet/index'
const ACTIVITIES_PAGE = '/volunteer/pages/activities/index'
const CERTIFICATES_PAGE = '/volunteer/pages/certificates/index'
const TIMEBANK_PAGE = '/volunteer/pages/timebank/index'
const MALL_PAGE = '/volunteer/pages/mall/index'
const REDEMPTIONS_PAGE = '/volunteer/pages/redemptions/index'

module.exports = {
  HUB_PAGE,
  WALLET_PAGE,
  ACTIVITIES_PAGE,
  CERTIFICATES_PAGE,
  TIMEBANK_PAGE,
  MALL_PAGE,
  REDEMPTIONS_PAGE,
}
