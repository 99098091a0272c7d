// One volunteer activity: what, when, where, who runs it, the skills wanted, how full it is and
// my sign-up (its state, or that I am waitlisted). I sign up (asks first; beyond capacity I join
// the waitlist) or cancel before it starts (asks first; the first on the waitlist moves up), scan
// the code to check in or out, and a coordinator opens the code to show.
const { execute, mutate } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const { confirm, toast } = require('../../../utils/wxp')
const { elderModeBehavior } = require('../../../utils/elderMode')
const {
  ACTIVITY_STATE_LABELS, CODE_PAGE, SCAN_PAGE, hoursText, mySignupOf, signupLine, signupStage, viewerIn, whenText,
} = require('../../volunteering')

// Sign-ups that still hold a place (or a waitlist position) and may be cancelled before the start.
const CANCELLABLE = ['SIGNED_UP', 'WAITLISTED']

function activityView(a, signup, showsCodes, now = Date.now()) {
  const open = a.state === 'PUBLISHED'
  const started = Date.parse(a.startsAt) <= now
  const holding = signup && !['CANCELLED'].includes(signup.state)
  return {
    title: a.title,
    state: ACTIVITY_STATE_LABELS[a.state] || a.state,
    team: a.teamName,
    when: whenText(a.startsAt, a.endsAt),
    place: a.place,
    description: a.description,
    skills: a.skills.join('、') || '不限',
    filled: `招募 ${a.capacity} 人，满员后报名进入候补`,
    points: `${a.pointsPerHour} 积分 / 小时`,
    cancelReason: a.cancelReason || '',
    mine: signupLine(holding ? signup : null),
    hours: signup && signup.approvedMinutes != null ? `记入 ${hoursText(signup.approvedMinutes)}` : '',
    maySignUp: open && !started && !holding,
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
      const [{ volunteerActivity: activity }, signup, place] = await Promise.all([
        execute('VolunteerActivity', { id: this.activityId }),
        mySignupOf(this.activityId),
        this.place ? Promise.resolve(this.place) : viewerIn(),
      ])
      this.place = place
      if (!activity) {
        this.setData({ missing: true, view: null })
        return
      }
      this.signupId = signup && signup.id
      this.setData({ view: activityView(activity, signup, place.showsCodes) })
    },

    async signUp() {
      const { view } = this.data
      const content = `${view.when}\n${view.place}\n满员时进入候补，有人取消后按顺序递补。请准时到场签到。`
      if (!(await confirm('确认报名', content, '报名'))) return
      await whileBusy(this, async () => {
        const { signup } = await mutate('VolunteerSignup', { activityId: this.activityId })
        toast(signup.state === 'WAITLISTED' ? '已进入候补' : '报名成功')
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
