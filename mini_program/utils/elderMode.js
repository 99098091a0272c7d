// 长辈模式 (elder mode): large text and high contrast. On by itself when the phone's font size is
// set large (WeChat's 字体大小 above its standard size), until the user switches it on the home page;
// their choice is kept in wx storage and wins. Every page takes `elderModeBehavior` and gives its
// root view the `elder` class while `elderMode` is set (the styles are in app.wxss).
const KEY = 'linli.elderMode'

// WeChat's font size in px: 17 is its standard size, the larger settings start at 20.
const LARGE_FONT_PX = 20

function phoneFontSize() {
  const info = typeof wx.getAppBaseInfo === 'function' ? wx.getAppBaseInfo() : wx.getSystemInfoSync()
  return (info && info.fontSizeSetting) || 0
}

function isElderMode() {
  const chosen = wx.getStorageSync(KEY) // '' while the user has not chosen
  return typeof chosen === 'boolean' ? chosen : phoneFontSize() >= LARGE_FONT_PX
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
