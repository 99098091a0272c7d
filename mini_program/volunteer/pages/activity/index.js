// One volunteer activity: what, when, where, who runs it, the skills wanted, how full it is and
// my sign-up (its state, my place on the waitlist). I sign up (asks first; beyond capacity I join
// the waitlist) or cancel before it starts (asks first; the first on the waitlist moves up), scan
// the code to check in or out, and a coordinator opens the code to show.
const { execute, mutate } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const { confirm, toast } = require('../../../utils/wxp')
const { elderModeBehavior } = require('../../../utils/elderMode')
const {
  ACTIVITY_STATE_LABELS, CODE_PAGE, SCAN_PAGE, hoursText, signupLine, signupStage, viewerIn, whenText,
} = require('../../volunteering')

// Sign-ups that still hold a place (or a waitlist position) and may be cancelled before the start.
const CANCELLABLE = ['SIGNED_UP', 'WAITLISTED']

function activityView(a, showsCodes, now = Date.now()) {
  const signup = a.mySignup
  const open = a.state === 'PUBLISHED'
  const started = Date.parse(a.startsAt) <= now
  const holding = signup && !['CANCELLED'].includes(signup.state)
  return {
    title: a.title,
    state: ACTIVITY_STATE_LABELS[a.state] || a.state,
    team: a.team.name,
    when: whenText(a.startsAt, a.endsAt),
    place: a.placeName,
    description: a.description,
    skills: a.skills.join('、') || '不限',
    filled: `已报名 ${a.signedUpCount} / ${a.capacity}${a.waitlistCount ? `，候补 ${a.waitlistCount} 人` : ''}`,
    points: `${a.pointsPerHour} 积分 / 小时`,
    cancelReason: a.cancelReason || '',
    mine: signupLine(holding ? signup : null),
    hours: signup && signup.approvedMinutes != null ? `记入 ${hoursText(signup.approvedMinutes)}` : '',
    maySignUp: open && !started && !holding,
    full: a.signedUpCount >= a.capacity,
    mayCancel: open && !started && holding && CANCELLABLE.includes(signupStage(signup)),
    mayCheckIn: open && holding && signupStage(signup) === 'SIGNED_UP',
    mayCheckOut: open && holding && signupStage(signup) === 'CHECKED_IN',
    showsCode: open && showsCodes,
  }
}

Component({
  behaviors: [elderModeBehavior],

  data: {
    view: null,
    missing: false,
    busy: false,
    error: '',
  },

  methods: {
    onLoad({ id }) {
      this.activityId = id
      return this.load()
    },

    // Back from scanning: the sign-up has moved on.
    onShow() {
      if (!this.data.view || this.data.busy) return undefined
      return this.load()
    },

    load() {
      return whileBusy(this, () => this.refresh())
    },

    async refresh() {
      const [{ volunteerActivity: activity }, place] = await Promise.all([
        execute('VolunteerActivity', { id: this.activityId }),
        this.place ? Promise.resolve(this.place) : viewerIn(),
      ])
      this.place = place
      if (!activity) {
        this.setData({ missing: true, view: null })
        return
      }
      this.signupId = activity.mySignup && activity.mySignup.id
      this.setData({ view: activityView(activity, place.showsCodes && place.communityId === activity.communityId) })
    },

    async signUp() {
      const { view } = this.data
      const content = view.full ? '名额已满，报名后进入候补，有人取消时按顺序递补。' : `${view.when}\n${view.place}\n请准时到场签到。`
      if (!(await confirm(view.full ? '报名候补' : '确认报名', content, '报名'))) return
      await whileBusy(this, async () => {
        const { signup } = await mutate('VolunteerSignup', { activityId: this.activityId })
        toast(signup.state === 'WAITLISTED' ? `候补第${signup.waitlistPosition}位` : '报名成功')
        await this.refresh()
      })
    },

    async cancelSignup() {
      if (!(await confirm('取消报名', '取消后名额会让给候补的志愿者，确定取消？', '取消报名'))) return
      await whileBusy(this, async () => {
        await mutate('VolunteerSignupCancel', { signupId: this.signupId })
        toast('已取消报名')
        await this.refresh()
      })
    },

    checkIn() {
      wx.navigateTo({ url: `${SCAN_PAGE}?purpose=CHECK_IN` })
    },

    checkOut() {
      wx.navigateTo({ url: `${SCAN_PAGE}?purpose=CHECK_OUT` })
    },

    showCode() {
      wx.navigateTo({ url: `${CODE_PAGE}?activityId=${encodeURIComponent(this.activityId)}` })
    },
  },
})
