// The volunteering pages' shared words and rules: states in Chinese, minutes as hours, an
// activity's place as the server takes it, and which roster rows staff may act on.

export const ACTIVITY_STATE_LABELS = {
  DRAFT: '草稿',
  PUBLISHED: '已发布',
  FINISHED: '已结束',
  CANCELLED: '已取消',
}
export const ACTIVITY_STATE_TAGS = { DRAFT: 'info', PUBLISHED: 'success', FINISHED: 'info', CANCELLED: 'danger' }

export const SIGNUP_STATE_LABELS = {
  SIGNED_UP: '已报名',
  WAITLISTED: '候补中',
  CHECKED_IN: '已签到',
  CHECKED_OUT: '已签退',
  APPROVED: '已审核',
  REJECTED: '已驳回',
  NO_SHOW: '未到场',
  CANCELLED: '已取消',
}
export const SIGNUP_STATE_TAGS = {
  SIGNED_UP: 'primary',
  WAITLISTED: 'warning',
  CHECKED_IN: 'warning',
  CHECKED_OUT: 'primary',
  APPROVED: 'success',
  REJECTED: 'danger',
  NO_SHOW: 'danger',
  CANCELLED: 'info',
}

/** Where a sign-up stands, as the roster shows it: the server keeps check-in and check-out as times of
 * a SIGNED_UP sign-up, the roster tells them apart. */
export function signupStage(signup) {
  if (signup.state !== 'SIGNED_UP') return signup.state
  if (signup.checkedOutAt) return 'CHECKED_OUT'
  return signup.checkedInAt ? 'CHECKED_IN' : 'SIGNED_UP'
}

export const SELF_APPROVAL = '不能审批自己的志愿时长'

/** 90 minutes as "1.5 小时", 0 or none as "0 小时". */
export function hoursText(minutes) {
  const hours = Math.round(((minutes ?? 0) / 60) * 100) / 100
  return `${hours} 小时`
}

/** The place of the activity dialog's form as VolunteerActivityInput takes it: a building, an
 * estate (小区) or a free text, exactly one. */
export function placeInput({ placeKind, buildingId, estateId, placeText }) {
  if (placeKind === 'BUILDING') return { buildingId: buildingId || null }
  if (placeKind === 'ESTATE') return { estateId: estateId || null }
  return { placeText: placeText.trim() }
}

/** Skills typed as "急救, 陪护，搬运" as a list of distinct short strings. */
export const skillList = (text) => [...new Set(text.split(/[,，、\s]+/).map((s) => s.trim()).filter(Boolean))]

/** Whether a signed-up volunteer may be marked absent: the activity is over and they never checked in. */
export const mayMarkNoShow = (signup, activity, now = Date.now()) =>
  signupStage(signup) === 'SIGNED_UP' && Date.parse(activity.endsAt) <= now

/** A sign-up of the approval queue the viewer may decide: anyone's but their own. */
export const isOwnSignup = (signup, viewer) => !!viewer && signup.personId === viewer.id

/** Each waitlisted sign-up's place in the queue among `rows` (the server orders them by sign-up). */
export function waitlistRanks(rows) {
  const waiting = rows.filter((r) => r.state === 'WAITLISTED').sort((a, b) => a.position - b.position)
  return Object.fromEntries(waiting.map((r, i) => [r.id, i + 1]))
}

/** How long before a check-in code expires the panel asks for the next one (codes live 60 s). */
export const CODE_REFRESH_MS = 50_000
