// 通知设置: the channel switches and 免打扰时段, loaded from the viewer and saved at once.
const { installWx, until } = require('./helpers/wx')
const { fakeBackend, ELDER } = require('./helpers/fakeBackend')
const { APP_PAGES, openPage, textOf, hasClass } = require('./helpers/pages')
const { setElderMode } = require('../utils/elderMode')
const tokenStore = require('../utils/tokenStore')
const session = require('../utils/session')

let backend

beforeEach(() => {
  backend = fakeBackend()
  installWx(backend.serve)
  tokenStore.setTokens(backend.issueTokens())
})

const callsOf = (operationName) => backend.calls.filter((c) => c.operationName === operationName)

// The channels' labels, as listed.
const channelLabels = (page) => page.querySelectorAll('.channel-label').map(textOf)

// The switch of the channel labelled `label`.
function channelSwitch(page, label) {
  const labels = channelLabels(page)
  expect(labels).toContain(label)
  return page.querySelectorAll('.channel-switch')[labels.indexOf(label)]
}

// Switches the quiet hours on and picks their start and end.
async function pickQuietHours(page, start, end) {
  page.querySelector('.quiet-switch').dispatchEvent('change', { detail: { value: true } })
  await until(() => expect(page.querySelector('.quiet-start')).toBeDefined())
  page.querySelector('.quiet-start').dispatchEvent('change', { detail: { value: start } })
  page.querySelector('.quiet-end').dispatchEvent('change', { detail: { value: end } })
  await until(() => expect(textOf(page.querySelector('.end-time'))).toBe(end))
}

const enabledOf = (page) => Object.fromEntries(page.instance.data.channels.map((c) => [c.channel, c.enabled]))

async function save(page) {
  const before = callsOf('NotificationSettingsUpdate').length
  page.querySelector('.save').dispatchEvent('tap')
  await until(() => expect(callsOf('NotificationSettingsUpdate')).toHaveLength(before + 1))
  await until(() => expect(page.instance.data.busy).toBe(false))
  return callsOf('NotificationSettingsUpdate').at(-1).variables
}

test('home links to 通知设置', async () => {
  const home = await openPage('home')
  const entry = home.querySelector('.notify-settings-entry')
  expect(textOf(entry)).toContain('通知设置')
  // miniprogram-simulate keeps no navigator's url: the page it opens is at least a registered one.
  expect(APP_PAGES).toContain('notices/pages/notify-settings/index')
})

test('the switches and quiet hours are loaded from the viewer; the inbox is always on', async () => {
  Object.assign(backend.settings.channels, { WECHAT: true, FCM: false, SMS: false })
  backend.settings.quietHours = { startMinute: 22 * 60 + 30, endMinute: 7 * 60 }

  const page = await openPage('notify-settings')

  expect(channelLabels(page)).toEqual(['站内消息', '微信服务通知', 'App 推送', '短信'])
  expect(enabledOf(page)).toEqual({ INBOX: true, WECHAT: true, FCM: false, SMS: false })
  expect(textOf(page.querySelectorAll('.channel')[0])).toBe('站内消息始终开启')
  expect(page.querySelectorAll('.locked-note')).toHaveLength(1)
  expect(page.instance.data.channels.map((c) => c.locked)).toEqual([true, false, false, false])
  expect(textOf(page.querySelector('.start-time'))).toBe('22:30')
  expect(textOf(page.querySelector('.end-time'))).toBe('07:00')
  expect(page.instance.data.quietOn).toBe(true)
  expect(textOf(page.querySelector('.urgent-note'))).toBe('紧急通知不受免打扰限制')
})

test('saving sends the switched channels and the quiet hours in minutes since midnight', async () => {
  const page = await openPage('notify-settings')
  expect(page.instance.data.quietOn).toBe(false)
  expect(page.querySelector('.quiet-start')).toBeUndefined()

  channelSwitch(page, '短信').dispatchEvent('change', { detail: { value: false } })
  channelSwitch(page, '站内消息').dispatchEvent('change', { detail: { value: false } }) // cannot be switched off
  await pickQuietHours(page, '21:45', '06:30')
  const variables = await save(page)

  expect(variables).toEqual({
    channels: [
      { channel: 'WECHAT', enabled: true },
      { channel: 'FCM', enabled: true },
      { channel: 'SMS', enabled: false },
    ],
    quietHours: { startMinute: 21 * 60 + 45, endMinute: 6 * 60 + 30 },
  })
  expect(backend.settings.channels).toEqual({ INBOX: true, WECHAT: true, FCM: true, SMS: false })
  expect(backend.settings.quietHours).toEqual({ startMinute: 1305, endMinute: 390 })
  expect(textOf(page.querySelector('.saved'))).toBe('已保存')
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已保存' }))

  // Opened again, the page shows what was saved.
  const again = await openPage('notify-settings')
  expect(enabledOf(again)).toEqual({ INBOX: true, WECHAT: true, FCM: true, SMS: false })
  expect(textOf(again.querySelector('.start-time'))).toBe('21:45')
  expect(textOf(again.querySelector('.end-time'))).toBe('06:30')
})

test('switching quiet hours off sends clearQuietHours', async () => {
  backend.settings.quietHours = { startMinute: 1320, endMinute: 420 }
  const page = await openPage('notify-settings')

  page.querySelector('.quiet-switch').dispatchEvent('change', { detail: { value: false } })
  await until(() => expect(page.instance.data.quietOn).toBe(false))
  const variables = await save(page)

  expect(variables.clearQuietHours).toBe(true)
  expect(variables.quietHours).toBeUndefined()
  expect(backend.settings.quietHours).toBeNull()
  expect(page.querySelector('.quiet-start')).toBeUndefined()
})

test("the server's refusal is shown and nothing is saved", async () => {
  const page = await openPage('notify-settings')

  await pickQuietHours(page, '07:00', '07:00')
  await save(page)

  expect(textOf(page.querySelector('.error'))).toBe('免打扰的开始和结束不能相同')
  expect(page.querySelector('.saved')).toBeUndefined()
  expect(wx.showToast).not.toHaveBeenCalled()
  expect(backend.settings.quietHours).toBeNull()
})

test('any payload error is shown as the server words it', async () => {
  backend.answer('NotificationSettingsUpdate', () => ({
    notificationSettingsUpdate: { settings: null, errors: [{ code: 'INVALID_INPUT', field: 'channels', message: '站内消息不能关闭' }] },
  }))
  const page = await openPage('notify-settings')

  await save(page)

  expect(textOf(page.querySelector('.error'))).toBe('站内消息不能关闭')
})

test('while acting for a relative, the page says these are still my own settings', async () => {
  session.setActingFor({ id: ELDER.id, name: ELDER.displayName })

  const page = await openPage('notify-settings')

  expect(textOf(page.querySelector('.own-settings'))).toBe('代办时，这里仍是您本人的通知设置')
  expect(page.instance.data.loaded).toBe(true)
})

test('长辈模式 gives the page large text', async () => {
  expect(hasClass((await openPage('notify-settings')).querySelector('.page'), 'elder')).toBe(false)
  setElderMode(true)
  expect(hasClass((await openPage('notify-settings')).querySelector('.page'), 'elder')).toBe(true)
})
