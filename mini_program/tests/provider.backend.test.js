// 服务商工作台 against the real backend (the demo: 幸福家政, its admin 吴老板 and worker 小何, the
// resident 张阿姨). 张阿姨 books 日常保洁 and pays it (模拟支付) on her own phone, straight over HTTP;
// on the provider's phone 吴老板 finds it under 待接单 and accepts it for 小何, who then (signed in
// on the phone) departs, checks in with a photo taken at the door, starts and completes it; 张阿姨's
// order then says 待确认.
const fs = require('fs')
const os = require('os')
const path = require('path')
const { until } = require('./helpers/wx')
const { openPage, openUrl, textOf, choose } = require('./helpers/pages')
const { useRealBackend, signIn } = require('./helpers/realBackend')
const tokenStore = require('../utils/tokenStore')

const { graphql } = useRealBackend()

// A real 1×1 PNG: the server decodes and re-encodes every photo.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')
const WAIT_MS = 10000

const texts = (page, selector) => page.querySelectorAll(selector).map(textOf)
const text = (page, selector) => textOf(page.querySelector(selector))
const idle = (page) => until(() => expect(page.instance.data.busy).toBeFalsy(), WAIT_MS)
const toasted = (title) => expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title }))

async function tokensOf(handle) {
  const { authDemoLogin } = await graphql('DemoLogin', { handle })
  return authDemoLogin.tokens
}

// One mini-program operation as `token`: its payload, its errors checked.
async function act(token, operation, variables) {
  const payload = Object.values(await graphql(operation, variables, token))[0]
  expect(payload.errors).toEqual([])
  return payload
}

// 张阿姨 books the first free time of 日常保洁 tomorrow or later and pays it in the sandbox.
async function paidOrder(token) {
  const { viewer } = await graphql('Viewer', {}, token)
  const communityId = viewer.memberships[0].community.id
  const { communityServices } = await graphql('CommunityServices', { communityId, category: 'HOUSEKEEPING', first: 20, after: null }, token)
  const service = communityServices.nodes.find((s) => s.name === '日常保洁')
  const tomorrow = new Date(Date.now() + 24 * 3600 * 1000).toISOString().slice(0, 10)
  const { serviceSlots } = await graphql('ServiceSlots', { serviceId: service.id, from: tomorrow, days: 7 }, token)
  const slot = serviceSlots.find((s) => s.left > 0)
  const { order } = await act(token, 'ServiceOrderBook', {
    serviceId: service.id, slotId: slot.id, quantity: service.minQuantity, note: '请带上拖把', roomId: null,
  })
  await act(token, 'ServiceOrderPay', { orderId: order.id, gateway: null })
  const paid = await act(token, 'ServiceOrderSandboxPay', { orderId: order.id })
  expect(paid.order.state).toBe('PAID')
  return order.id
}

async function step(page, selector, done) {
  await until(() => expect(page.querySelector(selector)).toBeDefined(), WAIT_MS)
  page.querySelector(selector).dispatchEvent('tap')
  await until(() => toasted(done), WAIT_MS)
  await idle(page)
}

test('the admin accepts a paid order for the worker, who departs, checks in with a photo, starts and completes', async () => {
  const resident = (await tokensOf('resident')).accessToken
  const orderId = await paidOrder(resident)

  await signIn('服务商')
  const home = await openPage('home')
  await home.instance.onShow()
  await until(() => expect(home.querySelector('.provider-entry')).toBeDefined(), WAIT_MS)
  home.querySelector('.provider-entry').dispatchEvent('tap')
  await until(() => expect(wx.navigateTo).toHaveBeenCalled())
  const workbench = await openUrl(wx.navigateTo.mock.calls.at(-1)[0].url)
  await idle(workbench)
  expect(text(workbench, '.provider-name')).toBe('幸福家政')
  expect(texts(workbench, '.order-note')).toContain('备注：请带上拖把')

  const rows = workbench.querySelectorAll('.order-row')
  const mine = rows.findIndex((r) => r.dom.textContent.includes('请带上拖把'))
  wx.navigateTo.mockClear()
  rows[mine].dispatchEvent('tap')
  await until(() => expect(wx.navigateTo).toHaveBeenCalledWith({ url: `/provider/pages/work-order/index?id=${orderId}` }))
  const admin = await openUrl(wx.navigateTo.mock.calls.at(-1)[0].url)
  await idle(admin)
  expect(text(admin, '.order-state')).toBe('待接单')
  expect(text(admin, '.order-note')).toBe('居民备注：请带上拖把')
  await until(() => expect(texts(admin.querySelector('.workers'), '.choice')).toContain('幸福家政 小何（服务人员）'), WAIT_MS)
  choose(admin, '.workers', '幸福家政 小何（服务人员）')
  await step(admin, '.accept', '已接单')
  expect(text(admin, '.order-worker')).toBe('服务人员：幸福家政 小何')
  admin.instance.onUnload()

  // 小何 on the phone now.
  tokenStore.setTokens(await tokensOf('worker'))
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-provider-'))
  const photo = path.join(dir, 'door.png')
  fs.writeFileSync(photo, PNG)
  wx.chooseMedia = jest.fn((options) => options.success({ tempFiles: [{ tempFilePath: photo }] }))
  const worker = await openPage('provider/pages/work-order/index', { id: orderId })
  await idle(worker)
  expect(worker.querySelector('.workers')).toBeUndefined()
  await step(worker, '.depart', '已出发')
  await step(worker, '.check-in-button', '已签到')
  expect(text(worker, '.checked-in-at')).toMatch(/到达签到$/)
  expect(worker.instance.data.view.photo).toBeTruthy()
  await step(worker, '.start', '已开始服务')
  await step(worker, '.complete', '服务已完成')
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '完成服务' }))
  expect(text(worker, '.order-state')).toBe('待确认')
  worker.instance.onUnload()
  fs.rmSync(dir, { recursive: true, force: true })

  const { serviceOrder } = await graphql('ServiceOrder', { id: orderId }, resident)
  expect(serviceOrder.stateLabel).toBe('待确认')
  expect(serviceOrder.checkedInAt).toBeTruthy()
})
