// 长辈模式 (elder mode): large text and high contrast, switched on the home page and kept in wx
// storage. A page follows it by taking `elderModeBehavior` and giving its root view the `elder`
// class while `elderMode` is set (the styles are in app.wxss).
const KEY = 'linli.elderMode'

function isElderMode() {
  return !!wx.getStorageSync(KEY)
}

function setElderMode(on) {
  wx.setStorageSync(KEY, !!on)
}

// Read when the page is created: the switch lives on the home page, which opens every page that
// follows it, so no such page is open while it is switched.
const elderModeBehavior = Behavior({
  data: { elderMode: false },
  lifetimes: {
    attached() {
      this.setData({ elderMode: isElderMode() })
    },
  },
})

module.exports = { isElderMode, setElderMode, elderModeBehavior }
