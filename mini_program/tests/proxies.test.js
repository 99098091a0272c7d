// 家人代办: granting a household member a proxy for chosen matters until a chosen date, and
// revoking the proxies I granted or giving up those I hold.
const { installWx, until } = require('./helpers/wx')
const { fakeBackend, ELDER } = require('./helpers/fakeBackend')
const { openPage, textOf, choose } = require('./helpers/pages')
const tokenStore = require('../utils/tokenStore')
const session = require('../utils/session')

const DAY_MS = 24 * 60 * 60 * 1000
const ME = { id: 'u-1', displayName: '张阿姨' }
const SON = { id: 'u-3', displayName: '李叔叔' }

let backend
let proxies // the viewer's proxies as the server keeps them

beforeEach(() => {
  backend = fakeBackend()
  installWx(backend.serve)
  tokenStore.setTokens(backend.issueTokens())
  proxies = [
    // 王爷爷 lets me act for him.
    { id: 'x-1', active: true, scopes: ['NOTICE'], validUntil: '2027-01-05T02:00:00+00:00', principal: ELDER, agent: ME },
  ]
  backend.answer('Proxies', () => ({
    viewer: {
      id: ME.id,
      residences: [{ id: 'r-1', address: '阳光花园 1栋 1单元 101', members: [
        { residenceId: 'r-1', role: 'OWNER', person: ME },
        { residenceId: 'r-2', role: 'CO_RESIDENT', person: SON },
      ] }],
      proxies,
    },
  }))
  // As the server checks a grant: some matter chosen, within a year.
  backend.answer('ProxyGrant', ({ agentId, scopes, validUntil }) => {
    if (!scopes.length) {
      return { proxyGrant: { proxy: null, errors: [{ code: 'INVALID_INPUT', field: 'scopes', message: '请选择代办事项' }] } }
    }
    const proxy = { id: `x-${proxies.length + 1}`, active: true, scopes, validUntil, principal: ME, agent: agentId === SON.id ? SON : null }
    proxies.unshift(proxy)
    return { proxyGrant: { proxy: { id: proxy.id, active: true }, errors: [] } }
  })
  backend.answer('ProxyRevoke', ({ id }) => {
    const proxy = proxies.find((p) => p.id === id)
    proxy.active = false
    return { proxyRevoke: { proxy: { id, active: false }, errors: [] } }
  })
})

const texts = (page, selector) => page.querySelectorAll(selector).map(textOf)
const callOf = (operationName) => backend.calls.find((c) => c.operationName === operationName)

function tapScope(page, label) {
  const scopes = page.querySelectorAll('.scope')
  const labels = scopes.map(textOf)
  expect(labels).toContain(label)
  scopes[labels.indexOf(label)].dispatchEvent('tap')
}

test('grants a household member the chosen matters for the chosen time, and says so', async () => {
  const page = await openPage('proxies')
  expect(texts(page, '.granted')).toEqual([])
  expect(texts(page, '.held .proxy-name')).toEqual(['王爷爷'])

  choose(page, '.agents', '李叔叔')
  tapScope(page, '查看、确认社区通知')
  tapScope(page, '报事报修')
  tapScope(page, '投票表决')
  tapScope(page, '投票表决') // changed their mind
  choose(page, '.durations', '一年')
  await until(() => expect(textOf(page.querySelectorAll('.scope')[0])).toBe('✓ 查看、确认社区通知'))
  const before = Date.now()
  page.querySelector('.grant').dispatchEvent('tap')

  await until(() => expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已授权' })))
  const { variables } = callOf('ProxyGrant')
  expect(variables).toMatchObject({ agentId: SON.id, scopes: ['NOTICE', 'CASE'] })
  const validUntil = Date.parse(variables.validUntil)
  expect(validUntil).toBeGreaterThanOrEqual(before + 365 * DAY_MS)
  expect(validUntil).toBeLessThanOrEqual(Date.now() + 365 * DAY_MS)
  await until(() => expect(texts(page, '.granted .proxy-name')).toEqual(['李叔叔']))
  expect(textOf(page.querySelector('.granted .proxy-scopes'))).toBe('可代办：查看、确认社区通知、报事报修')
})

test('a grant the server refuses shows its words and lists nothing', async () => {
  const page = await openPage('proxies')

  choose(page, '.agents', '李叔叔')
  page.querySelector('.grant').dispatchEvent('tap')

  await until(() => expect(textOf(page.querySelector('.error'))).toBe('请选择代办事项'))
  expect(wx.showToast).not.toHaveBeenCalled()
  expect(texts(page, '.granted')).toEqual([])
})

test('revoking asks first, then ends the proxy at once', async () => {
  proxies.unshift({ id: 'x-2', active: true, scopes: ['VOTE'], validUntil: '2027-01-05T02:00:00+00:00', principal: ME, agent: SON })
  wx.showModal.mockImplementationOnce((options) => options.success({ confirm: false, cancel: true }))
  const page = await openPage('proxies')

  page.querySelector('.granted .revoke').dispatchEvent('tap')
  await until(() => expect(wx.showModal).toHaveBeenCalledTimes(1))
  expect(wx.showModal.mock.calls[0][0].content).toBe('撤销后 李叔叔 将不能再替您办事。')
  expect(callOf('ProxyRevoke')).toBeUndefined()

  page.querySelector('.granted .revoke').dispatchEvent('tap')

  await until(() => expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已撤销' })))
  expect(callOf('ProxyRevoke').variables).toEqual({ id: 'x-2' })
  await until(() => expect(texts(page, '.granted')).toEqual([]))
})

test('a proxy I hold can be given up', async () => {
  const page = await openPage('proxies')

  page.querySelector('.give-up').dispatchEvent('tap')

  await until(() => expect(callOf('ProxyRevoke')).toBeDefined())
  expect(wx.showModal.mock.calls[0][0].content).toBe('之后您将不能再替 王爷爷 办事。')
  expect(callOf('ProxyRevoke').variables).toEqual({ id: 'x-1' })
  await until(() => expect(texts(page, '.held')).toEqual([]))
})

test('with no one else in the household, the page says whom one may grant to', async () => {
  backend.answer('Proxies', () => ({ viewer: { id: ME.id, residences: [], proxies: [] } }))
  const page = await openPage('proxies')

  expect(textOf(page.querySelector('.no-members'))).toContain('只能授权同住的家庭成员')
  expect(page.querySelector('.grant')).toBeUndefined()
})

test('acting for a relative, nothing can be granted or revoked', async () => {
  session.setActingFor({ id: ELDER.id, name: ELDER.displayName })
  const page = await openPage('proxies')

  expect(textOf(page.querySelector('.acting-note'))).toBe('代办时不能授权或撤销，请先切换回本人。')
  expect(backend.operations()).toEqual([])
  expect(page.querySelector('.grant')).toBeUndefined()
  expect(page.querySelector('.revoke')).toBeUndefined()
})
