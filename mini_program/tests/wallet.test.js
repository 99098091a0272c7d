// 志愿与积分: the hub shows my hours and points and leads to every volunteer page; the wallet shows
// my history by tab (时长 / 积分), a page at a time, holds as 冻结中.
const { installWx, until } = require('./helpers/wx')
const { fakeBackend } = require('./helpers/fakeBackend')
const { openPage, textOf, hasClass } = require('./helpers/pages')
const tokenStore = require('../utils/tokenStore')
const { setElderMode } = require('../utils/elderMode')
const pages = require('../volunteer/utils/pages')

const HUB = 'volunteer/pages/index/index'
const WALLET = 'volunteer/pages/wallet/index'
let backend

const entry = (n, extra = {}) => ({
  id: `e-${n}`, at: '2026-12-01T02:00:00Z', label: '志愿服务时长', amount: 90, state: 'POSTED', stateLabel: '',
  counterparty: '发放账户', ...extra,
})

beforeEach(() => {
  backend = fakeBackend()
  installWx(backend.serve)
  tokenStore.setTokens(backend.issueTokens())
  backend.answer('MyWallet', ({ communityId }) => ({
    myWallet: { communityId, hours: 150, hoursHeld: 30, points: 20, pointsHeld: 0 },
  }))
})

const idle = (page) => until(() => expect(page.instance.data.busy).toBeFalsy())

test('the hub shows my hours and points, with what is held, and leads to every volunteer page', async () => {
  const hub = await openPage(HUB)

  expect(textOf(hub.querySelector('.hours'))).toBe('2.5 小时')
  expect(textOf(hub.querySelector('.hours-held'))).toBe('冻结中 0.5 小时')
  expect(textOf(hub.querySelector('.points'))).toBe('20')
  expect(hub.querySelector('.points-held')).toBeFalsy()
  expect(backend.calls.find((c) => c.operationName === 'MyWallet').variables).toEqual({ communityId: 'c-1' })

  hub.querySelector('.wallet-entry').dispatchEvent('tap')
  await until(() => expect(wx.navigateTo).toHaveBeenCalledWith({ url: `${pages.WALLET_PAGE}?communityId=c-1` }))
  expect(hub.querySelectorAll('.entry-label').map(textOf)).toEqual(['志愿活动', '时间银行', '积分商城', '我的兑换',
    '志愿证明', '收支明细'])
  expect(hub.instance.data.entries.map((e) => e.url)).toEqual([pages.ACTIVITIES_PAGE, pages.TIMEBANK_PAGE,
    pages.MALL_PAGE, pages.REDEMPTIONS_PAGE, pages.CERTIFICATES_PAGE, pages.WALLET_PAGE])
})

test('home leads to the hub', async () => {
  const home = await openPage('home')
  expect(textOf(home.querySelector('.volunteer-entry'))).toContain('志愿与积分')
})

test('the wallet lists my hours, holds as 冻结中, then points on their tab, and pages on scroll', async () => {
  backend.answer('MyWalletEntries', ({ communityId, ledger, after }) => {
    const nodes = ledger === 'POINTS'
      ? [entry('p', { label: '积分兑换', amount: -30, state: 'PENDING', stateLabel: '冻结中', counterparty: '兑换' })]
      : after ? [entry(2)] : [entry(1, { label: '时间银行互助', amount: -60, counterparty: '李阿姨' })]
    return { myWallet: { communityId, entries: { nodes, pageInfo: { hasNextPage: ledger === 'TIME' && !after,
      endCursor: after ? 'c2' : 'c1' } } } }
  })
  const wallet = await openPage(WALLET, { communityId: 'c-1' })
  await idle(wallet)
  const lines = () => wallet.querySelectorAll('.entry-line').map(textOf)
  expect(lines()).toEqual([expect.stringContaining('时间银行互助')])
  expect(lines()[0]).toContain('−1 小时')
  expect(lines()[0]).toContain('李阿姨')

  await wallet.instance.onReachBottom()
  await idle(wallet)
  expect(lines()).toHaveLength(2)
  expect(lines()[1]).toContain('+1.5 小时')
  expect(textOf(wallet.querySelector('.list-end'))).toBe('没有更多了')

  wallet.querySelectorAll('.tab')[1].dispatchEvent('tap')
  await until(() => expect(lines()).toEqual([expect.stringContaining('积分兑换')]))
  expect(lines()[0]).toContain('−30 积分')
  expect(textOf(wallet.querySelector('.entry-state'))).toBe('冻结中')
})

test('an empty wallet says so, and elder mode reaches both pages', async () => {
  setElderMode(true)
  backend.answer('MyWalletEntries', ({ communityId }) => ({
    myWallet: { communityId, entries: { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } } },
  }))
  const wallet = await openPage(WALLET)
  await idle(wallet)
  expect(textOf(wallet.querySelector('.empty'))).toBe('还没有记录')
  expect(hasClass(wallet.querySelector('.page'), 'elder')).toBe(true)
  const hub = await openPage(HUB)
  expect(hasClass(hub.querySelector('.page'), 'elder')).toBe(true)
})
