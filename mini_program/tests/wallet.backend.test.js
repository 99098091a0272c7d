// 志愿与积分 against the real backend: the demo volunteer, who has earned nothing in a fresh
// community, sees 0 hours and 0 points on the hub and an empty history in the wallet.
const { until } = require('./helpers/wx')
const { openPage, textOf } = require('./helpers/pages')
const { useRealBackend, signIn } = require('./helpers/realBackend')

useRealBackend()

test('a volunteer with nothing earned sees a wallet of zeros', async () => {
  await signIn('志愿者')

  const hub = await openPage('volunteer/pages/index/index')
  await until(() => expect(hub.querySelector('.hours')).toBeTruthy(), 10000)
  expect(textOf(hub.querySelector('.hours'))).toBe('0 小时')
  expect(textOf(hub.querySelector('.points'))).toBe('0')
  expect(hub.querySelector('.error')).toBeFalsy()

  const wallet = await openPage('volunteer/pages/wallet/index')
  await until(() => expect(wallet.querySelector('.empty')).toBeTruthy(), 10000)
  expect(textOf(wallet.querySelector('.empty'))).toBe('还没有记录')
  wallet.querySelectorAll('.tab')[1].dispatchEvent('tap')
  await until(() => expect(wallet.instance.data.ledger).toBe('POINTS'))
  await until(() => expect(wallet.querySelector('.empty')).toBeTruthy(), 10000)
})
