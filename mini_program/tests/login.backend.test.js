// The pages against the real backend: `python -m backend run` on a fresh SQLite database (dev
// mode seeds the demo community 阳光社区, where 王爷爷's daughter may act for him), with
// wx.request bridged to real HTTP.
const { until } = require('./helpers/wx')
const { openPage, textOf, bannerText, choose } = require('./helpers/pages')
const { useRealBackend, signIn, HOME } = require('./helpers/realBackend')
const tokenStore = require('../utils/tokenStore')
const session = require('../utils/session')

const { graphql } = useRealBackend()

test('a resident signs in with the demo account and sees their community', async () => {
  await signIn('居民')

  expect(tokenStore.getTokens()).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String) })
  const home = await openPage('home')
  expect(home.querySelector('.error')).toBeUndefined()
  expect(textOf(home.querySelector('.greeting'))).toMatch(/^你好，\S/)
  expect(home.querySelectorAll('.community').map(textOf)).toContain('阳光社区')
})

test('a daughter acts for 王爷爷 until he revokes the proxy', async () => {
  await signIn('家属')
  const home = await openPage('home')
  expect(home.querySelectorAll('.principal-name').map(textOf)).toEqual(['王爷爷'])

  home.querySelector('.act-for').dispatchEvent('tap')
  await until(() => expect(wx.reLaunch).toHaveBeenCalledWith(HOME))
  const household = await openPage('household')
  expect(household.querySelector('.error')).toBeUndefined()
  expect(bannerText(household)).toBe('正在为 王爷爷 代办')
  expect(textOf(household.querySelector('.residence'))).toContain('业主') // his home, where she is 同住人

  const { authDemoLogin } = await graphql('DemoLogin', { handle: 'elder' })
  const elder = authDemoLogin.tokens.accessToken
  const { viewer } = await graphql('Proxies', {}, elder)
  const granted = viewer.proxies.filter((p) => p.active && p.principal.id === viewer.id)
  expect(granted.map((p) => p.agent.displayName)).toEqual(['王爷爷的女儿 王丽'])
  await graphql('ProxyRevoke', { id: granted[0].id }, elder)

  wx.reLaunch.mockClear()
  await openPage('home')
  await until(() => expect(wx.reLaunch).toHaveBeenCalledWith(HOME))
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '代办授权已失效' }))
  expect(session.getActingFor()).toBeNull()
  const herself = await openPage('home')
  expect(herself.querySelector('.error')).toBeUndefined()
  expect(bannerText(herself)).toBe('')
  expect(herself.querySelector('.principal')).toBeUndefined()
})

test('a resident applies for a room chosen from the directory', async () => {
  await signIn('志愿者')
  const apply = await openPage('apply')

  choose(apply, '.communities', '阳光社区')
  await until(() => expect(apply.querySelector('.buildings')).toBeDefined(), 5000)
  const [building] = apply.querySelector('.buildings').querySelectorAll('.choice').map(textOf)
  choose(apply, '.buildings', building)
  await until(() => expect(apply.querySelector('.rooms')).toBeDefined(), 5000)
  choose(apply, '.rooms', '1单元 101')
  await until(() => expect(apply.querySelector('.roles')).toBeDefined())
  choose(apply, '.roles', '租户')
  apply.querySelector('.submit').dispatchEvent('tap')

  await until(() => expect(apply.querySelector('.done')).toBeDefined(), 5000)
  expect(apply.querySelector('.error')).toBeUndefined()
})

test('the head of a household invites family, and the invitee joins with the code', async () => {
  await signIn('居民')
  const household = await openPage('household')
  household.querySelector('.invite').dispatchEvent('tap')
  await until(() => expect(household.querySelector('.invite-code')).toBeDefined(), 5000)
  const code = textOf(household.querySelector('.invite-code'))

  await signIn('志愿者')
  const join = await openPage('join')
  join.querySelector('.code-input').dispatchEvent('input', { detail: { value: code } })
  join.querySelector('.join').dispatchEvent('tap')

  await until(() => expect(join.querySelector('.done')).toBeDefined(), 5000)
  const joined = await openPage('household')
  expect(joined.querySelectorAll('.member-name').map(textOf)).toEqual(expect.arrayContaining(['张阿姨', '志愿者 小林']))
})

test("王爷爷's own pages: granting his daughter a proxy, his devices, what is held about him", async () => {
  await signIn('长者')

  const proxies = await openPage('proxies')
  choose(proxies, '.agents', '王爷爷的女儿 王丽')
  proxies.querySelectorAll('.scope')[0].dispatchEvent('tap')
  await until(() => expect(proxies.instance.data.scopes[0].chosen).toBe(true))
  proxies.querySelector('.grant').dispatchEvent('tap')
  await until(() => expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已授权' })), 5000)
  await until(() => expect(proxies.querySelectorAll('.granted .proxy-name').map(textOf)).toContain('王爷爷的女儿 王丽'))
  expect(proxies.querySelector('.error')).toBeUndefined()

  const sessions = await openPage('sessions')
  expect(sessions.querySelector('.error')).toBeUndefined()
  expect(sessions.querySelectorAll('.this-device')).toHaveLength(1)

  const myData = await openPage('my-data')
  expect(myData.querySelector('.error')).toBeUndefined()
  expect(textOf(myData.querySelector('.display-name'))).toBe('王爷爷')
})
