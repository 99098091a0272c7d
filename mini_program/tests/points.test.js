// 积分商城: my points above the rewards on sale; a reward redeemed after a confirmation shows its
// pickup code with a success toast; 我的兑换 lists the codes and cancels after a confirmation; a
// refused redemption shows the server's message.
const { installWx, until } = require('./helpers/wx')
const { fakeBackend } = require('./helpers/fakeBackend')
const { openPage, textOf } = require('./helpers/pages')
const { setElderMode } = require('../utils/elderMode')
const tokenStore = require('../utils/tokenStore')

const BAG = { id: 'r-1', name: '环保购物袋', description: '可重复使用', cost: 30, stock: 2 }
const SOAP = { id: 'r-2', name: '洗衣液', description: '', cost: 80, stock: 5 }
const PAGE_END = { hasNextPage: false, endCursor: null }

let backend
let points
let mine

jest.setTimeout(20000)

beforeEach(() => {
  backend = fakeBackend()
  installWx(backend.serve)
  tokenStore.setTokens(backend.issueTokens())
  points = 50
  mine = []
  backend.answer('Rewards', () => ({ pointsBalance: { points, held: 0 }, rewards: { nodes: [BAG, SOAP], pageInfo: PAGE_END } }))
  backend.answer('Reward', ({ id }) => ({ pointsBalance: { points, held: 0 }, reward: [BAG, SOAP].find((r) => r.id === id) }))
  backend.answer('RewardRedeem', ({ rewardId }) => {
    const reward = [BAG, SOAP].find((r) => r.id === rewardId)
    if (reward.cost > points) {
      return { rewardRedeem: { redemption: null, errors: [{ code: 'INVALID_INPUT', field: 'rewardId', message: '积分不足' }] } }
    }
    points -= reward.cost
    const redemption = { id: `d-${mine.length + 1}`, rewardName: reward.name, cost: reward.cost, state: 'PENDING',
      pickupCode: '482913', expiresAt: '2026-11-16T02:00:00+00:00', resolvedAt: null, createdAt: '2026-11-02T02:00:00+00:00' }
    mine.unshift(redemption)
    return { rewardRedeem: { redemption, errors: [] } }
  })
  backend.answer('RedemptionsMine', () => ({ myRedemptions: { nodes: mine, pageInfo: PAGE_END } }))
  backend.answer('RedemptionCancel', ({ id }) => {
    const found = mine.find((r) => r.id === id)
    found.state = 'CANCELLED'
    points += found.cost
    return { redemptionCancel: { redemption: { id, state: 'CANCELLED', resolvedAt: '2026-11-03T02:00:00+00:00' }, errors: [] } }
  })
})

const callsOf = (name) => backend.calls.filter((c) => c.operationName === name)

test('the mall shows my points and the rewards, and opens one', async () => {
  const page = await openPage('mall', { communityId: 'c-1' })
  await until(() => expect(textOf(page.querySelector('.balance-points'))).toBe('50'))
  expect(page.querySelectorAll('.reward-name').map(textOf)).toEqual(['环保购物袋', '洗衣液'])
  expect(textOf(page.querySelectorAll('.reward-meta')[1])).toContain('积分不足')
  page.querySelector('.reward-item').dispatchEvent('tap')
  await until(() => expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/volunteer/pages/reward/index?id=r-1&communityId=c-1' }))
})

test('redeeming asks first, then shows the pickup code with a toast', async () => {
  const page = await openPage('reward', { id: 'r-1', communityId: 'c-1' })
  await until(() => expect(textOf(page.querySelector('.reward-name'))).toBe('环保购物袋'))
  wx.showModal.mockImplementationOnce((options) => options.success({ confirm: false, cancel: true }))
  await page.instance.redeem()
  expect(callsOf('RewardRedeem')).toHaveLength(0) // declined: nothing asked of the server
  expect(wx.showModal.mock.calls[0][0].title).toBe('确认兑换')

  page.querySelector('.redeem').dispatchEvent('tap')
  await until(() => expect(textOf(page.querySelector('.pickup-code'))).toBe('482913'))
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '兑换成功' }))
  expect(callsOf('RewardRedeem').map((c) => c.variables)).toEqual([{ rewardId: 'r-1' }])
  expect(textOf(page.querySelector('.reward-meta'))).toContain('我的积分 20')
})

test("a refused redemption shows the server's message and no toast", async () => {
  points = 100
  const page = await openPage('reward', { id: 'r-2', communityId: 'c-1' })
  points = 10 // spent elsewhere meanwhile
  await page.instance.redeem()
  await until(() => expect(textOf(page.querySelector('.error'))).toBe('积分不足'))
  expect(wx.showToast).not.toHaveBeenCalled()
  expect(page.querySelector('.pickup-code')).toBeFalsy()
})

test('my redemptions show the pickup code and cancel after a confirmation', async () => {
  const reward = await openPage('reward', { id: 'r-1', communityId: 'c-1' })
  await reward.instance.redeem()
  const page = await openPage('redemptions')
  await until(() => expect(textOf(page.querySelector('.pickup-code'))).toBe('482913'))
  expect(textOf(page.querySelector('.redemption-meta'))).toContain('待领取')
  page.querySelector('.cancel').dispatchEvent('tap')
  await until(() => expect(textOf(page.querySelector('.redemption-meta'))).toContain('已取消'))
  expect(wx.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ title: '取消兑换' }))
  expect(wx.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '已取消' }))
  expect(page.querySelector('.pickup-code')).toBeFalsy()
})

test('the mall in elder mode', async () => {
  setElderMode(true)
  const page = await openPage('mall', { communityId: 'c-1' })
  expect(page.querySelector('.page').dom.className).toContain('elder')
  setElderMode(false)
})
