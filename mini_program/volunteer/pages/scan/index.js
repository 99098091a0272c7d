// 扫码签到 / 签退: the volunteer scans the QR the coordinator shows (wx.scanCode, camera only) and
// is checked in or out of the activity it names. A QR that is not a check-in code is refused here;
// an expired one, another activity's, the wrong purpose or a time outside the activity are
// refused by the server, in its words. Opened from an activity with ?purpose=, else both are offered.
const { mutate } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const { wxCall, toast } = require('../../../utils/wxp')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { checkinToken, hoursText } = require('../../volunteering')

const PURPOSES = {
  CHECK_IN: { label: '扫码签到', operation: 'VolunteerCheckIn', done: '签到成功' },
  CHECK_OUT: { label: '扫码签退', operation: 'VolunteerCheckOut', done: '签退成功' },
}

// wx.scanCode fails with "scanCode:fail cancel" when the user closes the camera: no error then.
const cancelled = (err) => /cancel/.test(err.message || '')

Component({
  behaviors: [elderModeBehavior],

  data: {
    purposes: [],
    result: null, // {title, line} after a check-in or check-out
    busy: false,
    error: '',
  },

  methods: {
    onLoad({ purpose } = {}) {
      const chosen = PURPOSES[purpose] ? [purpose] : Object.keys(PURPOSES)
      this.setData({ purposes: chosen.map((value) => ({ value, label: PURPOSES[value].label })) })
    },

    async scan(event) {
      const purpose = event.currentTarget.dataset.purpose
      this.setData({ error: '', result: null })
      let scanned
      try {
        scanned = await wxCall('scanCode', { onlyFromCamera: true, scanType: ['qrCode'] })
      } catch (err) {
        if (!cancelled(err)) this.setData({ error: '无法打开相机扫码，请检查相机权限后重试' })
        return
      }
      await whileBusy(this, async () => {
        checkinToken(scanned.result) // another QR is refused here, before the server is asked
        const { signup } = await mutate(PURPOSES[purpose].operation, { qrText: scanned.result.trim() })
        const line = purpose === 'CHECK_OUT' && signup.computedMinutes != null
          ? `本次服务 ${hoursText(signup.computedMinutes)}，等待协调员审核`
          : '活动结束时请再扫码签退'
        this.setData({ result: { title: PURPOSES[purpose].done, line } })
        toast(PURPOSES[purpose].done)
      })
    },
  },
})
