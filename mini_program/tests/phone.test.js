const { installWx, until } = require('./helpers/wx')
const { fakeBackend } = require('./helpers/fakeBackend')
const { openPage, textOf } = require('./helpers/pages')
const tokenStore = require('../utils/tokenStore')

let backend

beforeEach(() => {
  backend = fakeBackend({ viewer: { phone: null } })
  installWx(backend.serve)
  tokenStore.setTokens(backend.issueTokens())
})

const sharePhone = (page, detail) => page.querySelector('.bind').dispatchEvent('getphonenumber', { detail })

test("the button's code is bound, and the masked phone shown", async () => {
  backend.answer('WechatPhoneBind', () => {
    backend.viewer.phone = '139****0001'
    return { authWechatPhoneBind: { phone: '139****0001', tokens: null, errors: [] } }
  })
  const page = await openPage('phone')
  expect(textOf(page.querySelector('.phone'))).toBe('尚未绑定手机号')

  sharePhone(page, { code: 'phone-code-1' })

  await until(() => expect(textOf(page.querySelector('.phone'))).toBe('手机号 139****0001'))
  expect(backend.calls.find((c) => c.operationName === 'WechatPhoneBind').variables).toEqual({ code: 'phone-code-1' })
})

test('a phone the committee registered makes the user that resident: the new tokens are kept', async () => {
  const tokens = backend.issueTokens()
  backend.answer('WechatPhoneBind', () => ({ authWechatPhoneBind: { phone: '139****0001', tokens, errors: [] } }))
  const page = await openPage('phone')

  sharePhone(page, { code: 'phone-code-1' })

  await until(() => expect(backend.operations()).toEqual(['Viewer', 'WechatPhoneBind', 'Viewer']))
  expect(tokenStore.getTokens()).toEqual(tokens)
  expect(backend.calls.at(-1).authorization).toBe(`Bearer ${tokens.accessToken}`)
})

test("the server's refusal is shown, and declining to share sends nothing", async () => {
  backend.answer('WechatPhoneBind', () => ({
    authWechatPhoneBind: { phone: null, tokens: null, errors: [{ code: 'INVALID_INPUT', field: 'code', message: '该手机号已绑定其他账号，请联系居委会' }] },
  }))
  const page = await openPage('phone')

  sharePhone(page, { errMsg: 'getPhoneNumber:fail user deny' })
  sharePhone(page, { code: 'phone-code-1' })

  await until(() => expect(page.querySelector('.error').dom.textContent).toBe('该手机号已绑定其他账号，请联系居委会'))
  expect(backend.operations().filter((op) => op === 'WechatPhoneBind')).toHaveLength(1)
})
