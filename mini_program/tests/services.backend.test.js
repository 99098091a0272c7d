// 社区服务 against the real backend (the demo community: 幸福家政's 日常保洁 with slots for the next 7
// days, the canteen 社区长者食堂 with its menus, the street's meal subsidy by age):
// (a) 张阿姨 finds 日常保洁 among the services, picks the first slot with places, reads the price and
//     the cancellation fees before booking, books, pays with 模拟支付 and sees 待接单.
// (b) 王丽, acting for her father 王爷爷 (born 1948), sees his subsidy on 长者助餐, orders tomorrow's
//     first dish with it, and the order shows the subsidy's share of the line.
const { until } = require('./helpers/wx')
const { openPage, openUrl, textOf, bannerText } = require('./helpers/pages')
const { useRealBackend, signIn, HOME } = require('./helpers/realBackend')

useRealBackend()

const INDEX = 'services/pages/index/index'
const MEALS = 'services/pages/meals/index'
const WAIT_MS = 10000

const texts = (page, selector) => page.querySelectorAll(selector).map(textOf)
const text = (page, selector) => textOf(page.querySelector(selector))
const idle = (page) => until(() => expect(page.instance.data.busy).toBeFalsy(), WAIT_MS)
const toasted = (title) => expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title }))

async function tap(page, selector, check, index = 0) {
  page.querySelectorAll(selector)[index].dispatchEvent('tap')
  await until(check, WAIT_MS)
  await idle(page)
}

// The url the page navigated to last, forgotten so the next one is the only one.
function lastNavigation(api = 'navigateTo') {
  const { url } = wx[api].mock.calls.at(-1)[0]
  wx[api].mockClear()
  return url
}

test('张阿姨 books 日常保洁 with the fees shown first, pays with 模拟支付 and sees 待接单', async () => {
  await signIn('居民')
  const index = await openPage(INDEX)
  await until(() => expect(texts(index, '.service-name')).toContain('日常保洁'), WAIT_MS)
  expect(texts(index, '.category-title')).toEqual(expect.arrayContaining(['家政保洁', '跑腿代办免费']))
  await tap(index, '.service-card', () => expect(wx.navigateTo).toHaveBeenCalled(), texts(index, '.service-name').indexOf('日常保洁'))

  const service = await openUrl(lastNavigation())
  await idle(service)
  expect(text(service, '.service-title')).toBe('日常保洁')
  expect(service.querySelectorAll('.slot').length).toBeGreaterThan(0)
  const free = service.instance.data.slots.findIndex((s) => !s.full)
  await tap(service, '.slot', () => expect(service.querySelector('.quote')).toBeTruthy(), free)
  expect(text(service, '.quote-amount')).toMatch(/^合计 ¥\d+/)
  expect(text(service, '.quote-tiers')).toMatch(/^取消规则：服务开始前 24 小时以上取消免费，2–24 小时收取 20%（¥[\d.]+），不足 2 小时收取 50%（¥[\d.]+）/)
  await tap(service, '.book', () => expect(wx.redirectTo).toHaveBeenCalled())
  toasted('预约成功')

  const order = await openUrl(lastNavigation('redirectTo'))
  await idle(order)
  expect(text(order, '.order-state')).toBe('待支付')
  expect(texts(order, '.order-action')).toEqual(['支付', '取消订单'])
  await tap(order, '.action-PAY', () => toasted('支付成功'))
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '模拟支付' }))
  await until(() => expect(text(order, '.order-state')).toBe('待接单'), WAIT_MS)
  expect(texts(order, '.order-action')).toEqual(['取消订单'])
  expect(texts(order, '.event-label')).toEqual(['已下单', '待接单'])
  order.instance.onUnload()
})

test('王丽 acting for 王爷爷 orders tomorrow\'s meal with his subsidy', async () => {
  await signIn('家属')
  const home = await openPage('home')
  home.querySelector('.act-for').dispatchEvent('tap')
  await until(() => expect(wx.reLaunch).toHaveBeenCalledWith(HOME), WAIT_MS)

  const meals = await openPage(MEALS)
  await idle(meals)
  expect(bannerText(meals)).toBe('正在为 王爷爷 代办')
  expect(text(meals, '.eligibility')).toMatch(/^王爷爷：60 周岁以上 每餐补贴 ¥2/)
  await tap(meals, '.day', () => expect(meals.querySelectorAll('.dish').length).toBeGreaterThan(0), 1)
  expect(meals.querySelector('.subsidy-switch')).toBeTruthy()
  await tap(meals, '.more', () => expect(texts(meals, '.dish-count')[0]).toBe('1'))
  await tap(meals, '.place', () => expect(wx.redirectTo).toHaveBeenCalled())
  toasted('下单成功')

  const order = await openUrl(lastNavigation('redirectTo'))
  await idle(order)
  expect(text(order, '.order-for')).toBe('王爷爷的订单（代办）')
  expect(text(order, '.order-fulfilment')).toBe('方式：到店自取')
  expect(texts(order, '.line-detail')[0]).toMatch(/补贴 ¥2 · 自付 ¥/)
  expect(text(order, '.order-split')).toMatch(/^补贴 ¥2 · 自付 ¥/)
  order.instance.onUnload()
})
