// 志愿与积分 against the real backend, on the demo data of backend/seed.py: 王丽 (家属) earned 5 hours
// (_seed_timebank), then 2 hours and 30 points, gave her father 1 hour through the time bank and holds
// 10 points for a redemption not yet collected (_seed_wallets). The hub shows what she may spend and what is held; the wallet lists
// the hours, then on its 积分 tab the points with the hold as 冻结中.
const { until } = require('./helpers/wx')
const { openPage, textOf } = require('./helpers/pages')
const { useRealBackend, signIn } = require('./helpers/realBackend')

useRealBackend()

const idle = (page) => until(() => expect(page.instance.data.busy).toBe(false), 10000)

test('a volunteer sees her hours and points, and their history with the hold frozen', async () => {
  await signIn('家属')

  const hub = await openPage('volunteer/pages/index/index')
  await until(() => expect(hub.querySelector('.hours')).toBeTruthy(), 10000)
  expect(textOf(hub.querySelector('.hours'))).toBe('6 小时')
  expect(textOf(hub.querySelector('.points'))).toBe('20')
  expect(textOf(hub.querySelector('.points-held'))).toBe('冻结中 10 积分')

  const wallet = await openPage('volunteer/pages/wallet/index')
  await idle(wallet)
  const lines = () => wallet.querySelectorAll('.entry-line').map(textOf)
  expect(lines()).toHaveLength(3)
  expect(lines()[0]).toMatch(/时间银行互助.*王爷爷.*−1 小时/)
  expect(lines()[1]).toMatch(/志愿服务时长.*发放账户.*\+2 小时/)
  expect(lines()[2]).toMatch(/志愿服务时长.*发放账户.*\+5 小时/)

  wallet.querySelectorAll('.tab')[1].dispatchEvent('tap')
  await until(() => expect(wallet.instance.data.ledger).toBe('POINTS'))
  await idle(wallet)
  await until(() => expect(lines()).toHaveLength(2), 10000)
  expect(lines()[0]).toMatch(/积分兑换.*兑换.*−10 积分.*冻结中/)
  expect(lines()[1]).toMatch(/志愿服务积分.*\+30 积分/)
})
