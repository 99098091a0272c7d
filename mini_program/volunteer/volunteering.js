// The volunteering pages' shared words and rules (activities, activity, scan, code,
// certificates): their urls, states in Chinese, an activity as a list row, the check-in QR's
// text, and the community and roles of the viewer.
const { execute } = require('../utils/graphql')
const { formatDateTime } = require('../utils/format')
const qrcode = require('qrcode-generator')

const ACTIVITY_PAGE = '/volunteer/pages/activity/index'
const SCAN_PAGE = '/volunteer/pages/scan/index'
const CODE_PAGE = '/volunteer/pages/code/index'
const CERTIFICATES_PAGE = '/volunteer/pages/certificates/index'

const SIGNUP_STATE_LABELS = {
  SIGNED_UP: '已报名',
  WAITLISTED: '候补中',
  CHECKED_IN: '已签到',
  CHECKED_OUT: '已签退，待审核',
  APPROVED: '已审核',
  REJECTED: '未通过审核',
  NO_SHOW: '未到场',
  CANCELLED: '已取消',
}

const ACTIVITY_STATE_LABELS = { DRAFT: '草稿', PUBLISHED: '报名中', FINISHED: '已结束', CANCELLED: '已取消' }

// Who may show an activity's check-in code (the server checks again: a coordinator only for
// their own teams).
const CODE_ROLES = ['VOLUNTEER_COORDINATOR', 'COMMITTEE_STAFF']

const QR_PREFIX = 'linli:checkin:'
const WRONG_CODE = '这不是志愿活动的签到码，请扫描活动现场出示的二维码'

// The token in a scanned QR's text; a QR of anything else is refused in words a volunteer reads.
function checkinToken(text) {
  const value = (text || '').trim()
  if (!value.startsWith(QR_PREFIX) || value.length === QR_PREFIX.length) throw new Error(WRONG_CODE)
  return value.slice(QR_PREFIX.length)
}

// 90 minutes as "1.5 小时".
function hoursText(minutes) {
  return `${Math.round(((minutes || 0) / 60) * 100) / 100} 小时`
}

// "2026-12-03 09:00–11:00", or both ends in full when it spans days.
function whenText(startsAt, endsAt) {
  const start = formatDateTime(startsAt)
  const end = formatDateTime(endsAt)
  return start.slice(0, -5) === end.slice(0, -5) ? `${start}–${end.slice(-5)}` : `${start} 至 ${end}`
}

// Where a sign-up stands: the server keeps check-in and check-out as times of a SIGNED_UP one.
function signupStage(signup) {
  if (signup.state !== 'SIGNED_UP') return signup.state
  if (signup.checkedOutAt) return 'CHECKED_OUT'
  return signup.checkedInAt ? 'CHECKED_IN' : 'SIGNED_UP'
}

function signupLine(signup) {
  if (!signup) return ''
  if (signup.state === 'WAITLISTED') return '候补中，有人取消后按报名顺序自动递补'
  const stage = signupStage(signup)
  return SIGNUP_STATE_LABELS[stage] || stage
}

// An activity as a row of the list: what, when, where, how many wanted, and my sign-up if any.
function activityRow(activity, signup = null) {
  return {
    id: activity.id,
    title: activity.title,
    team: activity.teamName,
    when: whenText(activity.startsAt, activity.endsAt),
    place: activity.place,
    filled: `招募 ${activity.capacity} 人，满员后可候补`,
    mine: signupLine(signup),
  }
}

// My sign-up of an activity, if I have one that is not cancelled (among my latest 50).
async function mySignupOf(activityId) {
  const { mySignups } = await execute('MySignups', { first: 50, after: null })
  return mySignups.nodes.find((s) => s.activityId === activityId && s.state !== 'CANCELLED') || null
}

// The viewer's community (the page's ?communityId=, else their first) and whether they may show codes there.
async function viewerIn(options = {}) {
  const { viewer } = await execute('Viewer')
  const communityId = options.communityId || (viewer.memberships[0] && viewer.memberships[0].community.id)
  if (!communityId) throw new Error('请先认证住址，再参加志愿服务')
  const showsCodes = viewer.memberships.some((m) => m.community.id === communityId && CODE_ROLES.includes(m.role))
  return { viewer, communityId, showsCodes }
}

// The QR of `text` as rows of dark (true) and light modules, for a canvas to draw.
function qrModules(text) {
  const qr = qrcode(0, 'M')
  qr.addData(text)
  qr.make()
  const size = qr.getModuleCount()
  return Array.from({ length: size }, (_, row) => Array.from({ length: size }, (__, col) => qr.isDark(row, col)))
}

module.exports = {
  ACTIVITY_PAGE, SCAN_PAGE, CODE_PAGE, CERTIFICATES_PAGE,
  SIGNUP_STATE_LABELS, ACTIVITY_STATE_LABELS, QR_PREFIX, WRONG_CODE,
  checkinToken, hoursText, whenText, signupStage, signupLine, activityRow, mySignupOf, viewerIn, qrModules,
}
