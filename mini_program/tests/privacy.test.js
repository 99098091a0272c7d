// WeChat's privacy API: one tap on an agreePrivacyAuthorization button gives WeChat's consent and
// the platform's (privacyConsentRecord), at sign-in and wherever WeChat asks again
// (wx.onNeedPrivacyAuthorization) as a page uses the phone number, photos or the clipboard.
const { installWx, until } = require('./helpers/wx')
const { fakeBackend } = require('./helpers/fakeBackend')
const { openPage, textOf } = require('./helpers/pages')
const tokenStore = require('../utils/tokenStore')
const { handlePrivacyAuthorization, AGREE_BUTTON_ID } = require('../utils/privacy')

let backend
let askPrivacy // what WeChat calls when an API needs the user's consent: (resolve) => …

beforeEach(() => {
  backend = fakeBackend({ viewer: { privacyConsentGiven: false } })
  installWx(backend.serve)
  wx.onNeedPrivacyAuthorization = jest.fn((listener) => { askPrivacy = listener })
  handlePrivacyAuthorization(getApp())
})

const consentCalls = () => backend.calls.filter((c) => c.operationName === 'PrivacyConsentRecord')

test('the sign-in notice links to WeChat\'s privacy guide, and one tap on 同意 gives both consents', async () => {
  const page = await openPage('login')
  page.querySelector('.wechat-login').dispatchEvent('tap')
  await until(() => expect(page.querySelector('.consent')).toBeDefined())

  page.querySelector('.privacy-contract').dispatchEvent('tap')
  await until(() => expect(wx.openPrivacyContract).toHaveBeenCalledTimes(1))

  // A plain tap is not WeChat's agreement: nothing is recorded for it.
  page.querySelector('.agree').dispatchEvent('tap')
  page.querySelector('.agree').dispatchEvent('agreeprivacyauthorization')

  await until(() => expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index' }))
  expect(consentCalls()).toEqual([expect.objectContaining({ variables: { version: '2026-11', channel: 'mini_program' } })])
})

describe('when WeChat asks as a page uses a private API', () => {
  beforeEach(() => tokenStore.setTokens(backend.issueTokens()))

  const host = (page) => page.querySelector('.privacy-card-host')
  const card = (page) => host(page).querySelector('.privacy-card')

  test('the card shows, and 同意并继续 lets the API go on and records the consent', async () => {
    const page = await openPage('phone')
    expect(card(page)).toBeUndefined()

    const resolve = jest.fn()
    askPrivacy(resolve, { referrer: 'getPhoneNumber' })

    await until(() => expect(textOf(card(page))).toContain('《邻里隐私保护指引》'))
    host(page).querySelector('.privacy-contract').dispatchEvent('tap')
    await until(() => expect(wx.openPrivacyContract).toHaveBeenCalledTimes(1))
    host(page).querySelector('.agree-privacy').dispatchEvent('agreeprivacyauthorization')

    await until(() => expect(consentCalls()).toHaveLength(1))
    expect(resolve).toHaveBeenCalledWith({ buttonId: AGREE_BUTTON_ID, event: 'agree' })
    await until(() => expect(card(page)).toBeUndefined())
  })

  test('a card opened after WeChat asked still shows the question; 不同意 refuses the API', async () => {
    const resolve = jest.fn()
    askPrivacy(resolve)
    const page = await openPage('apply')

    host(page).querySelector('.decline-privacy').dispatchEvent('tap')

    await until(() => expect(resolve).toHaveBeenCalledWith({ event: 'disagree' }))
    expect(card(page)).toBeUndefined()
    expect(consentCalls()).toHaveLength(0)
  })
})
