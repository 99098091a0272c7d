// 代办: a relative acts for the person who granted them a proxy, and that person sees what was
// done in their name.
const { installWx, until } = require('./helpers/wx')
const { fakeBackend, ELDER } = require('./helpers/fakeBackend')
const { openPage, textOf, bannerText } = require('./helpers/pages')
const tokenStore = require('../utils/tokenStore')
const session = require('../utils/session')

const HOME = { url: '/pages/home/index' }

let backend

beforeEach(() => {
  backend = fakeBackend()
  installWx(backend.serve)
  tokenStore.setTokens(backend.issueTokens())
})

const actAsElder = () => session.setActingFor({ id: ELDER.id, name: ELDER.displayName })
const lastCall = () => backend.calls.at(-1)

test('switching sends X-Acting-For on every request from then on and shows the banner', async () => {
  const home = await openPage('home')
  expect(textOf(home.querySelector('.principal'))).toContain('王爷爷')
  expect(lastCall().actingFor).toBeUndefined()

  home.querySelector('.act-for').dispatchEvent('tap')

  await until(() => expect(wx.reLaunch).toHaveBeenCalledWith(HOME))
  const reopened = await openPage('home')
  expect(bannerText(reopened)).toBe('正在为 王爷爷 代办')
  expect(reopened.querySelector('.act-for')).toBeUndefined()
  expect(lastCall()).toMatchObject({ operationName: 'Viewer', actingFor: ELDER.id })

  backend.answer('History', () => ({ viewer: { history: { nodes: [] } } }))
  const history = await openPage('history')
  expect(bannerText(history)).toBe('正在为 王爷爷 代办')
  expect(lastCall()).toMatchObject({ operationName: 'History', actingFor: ELDER.id })
})

test('a PROXY_INVALID while acting (the proxy was revoked) clears it, says so and reloads as oneself', async () => {
  actAsElder()
  backend.revokeProxies()

  const home = await openPage('home')

  expect(home.querySelector('.error').dom.textContent).toBe('代办授权不存在或已失效，请切换回本人')
  await until(() => expect(wx.reLaunch).toHaveBeenCalledWith(HOME))
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '代办授权已失效' }))
  expect(session.getActingFor()).toBeNull()

  const reopened = await openPage('home')
  expect(bannerText(reopened)).toBe('')
  expect(lastCall()).toMatchObject({ operationName: 'Viewer', actingFor: undefined })
  // The refused request was meant for the principal: it is not repeated as oneself.
  expect(backend.operations()).toEqual(['Viewer', 'Viewer'])
})

test('切换回本人 removes the header', async () => {
  actAsElder()
  const home = await openPage('home')
  expect(lastCall().actingFor).toBe(ELDER.id)

  home.querySelector('.acting-banner').querySelector('.switch-back').dispatchEvent('tap')

  await until(() => expect(wx.reLaunch).toHaveBeenCalledWith(HOME))
  expect(session.getActingFor()).toBeNull()
  await openPage('home')
  expect(lastCall().actingFor).toBeUndefined()
})

test('我的记录 shows which entries a relative did for me', async () => {
  backend.answer('History', () => ({
    viewer: {
      history: {
        nodes: [
          { id: 'e-3', action: 'notice.acknowledge', after: { title: '停水通知' }, createdAt: '2026-11-04T02:30:00+00:00', actor: { displayName: '王丽' }, actingFor: { displayName: '张阿姨' } },
          { id: 'e-2', action: 'residence.apply', createdAt: '2026-11-03T02:30:00+00:00', actor: { displayName: '王丽' }, actingFor: { displayName: '张阿姨' } },
          { id: 'e-1', action: 'household.invite', createdAt: '2026-11-02T02:30:00+00:00', actor: { displayName: '张阿姨' }, actingFor: null },
        ],
      },
    },
  }))

  const page = await openPage('history')

  expect(page.querySelectorAll('.action-name').map(textOf)).toEqual(['确认通知', '申请入住', '邀请家人'])
  const [acknowledged, forMe, mine] = page.querySelectorAll('.entry').map(textOf)
  expect(acknowledged).toContain('停水通知')
  expect(forMe).toContain('由 王丽 代办')
  expect(mine).not.toContain('代办')
})
