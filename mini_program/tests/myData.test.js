// 我的数据: what is held about me, saved as a file to send to a chat, and 注销账号 with the
// one-time code the server shows.
const { installWx, until } = require('./helpers/wx')
const { fakeBackend, ELDER } = require('./helpers/fakeBackend')
const { openPage, textOf } = require('./helpers/pages')
const tokenStore = require('../utils/tokenStore')
const session = require('../utils/session')

const EXPORT = {
  person: { id: 'u-1', displayName: '张阿姨', phone: '13812345678', idNumber: null, createdAt: '2026-01-05T02:00:00+00:00' },
  memberships: [{ community: 'c-1', role: 'RESIDENT' }],
  residences: [{ room: 'R-101', role: 'OWNER', since: '2026-01-05T02:00:00+00:00', until: null }],
  applications: [],
  consents: [{ document: 'privacy_notice', version: '2026-11', at: '2026-01-05T02:00:00+00:00' }],
  sessions: [{ method: 'wechat', createdAt: '2026-01-05T02:00:00+00:00', revokedAt: null }],
  history: [],
}
const ERASE_CODE = '042917'

let backend
let files
let erased

beforeEach(() => {
  backend = fakeBackend()
  ;({ files } = installWx(backend.serve))
  tokenStore.setTokens(backend.issueTokens())
  erased = false
  backend.answer('MyDataExport', () => ({ myDataExport: EXPORT }))
  backend.answer('PrivacyEraseCodeRequest', () => ({
    privacyEraseCodeRequest: { code: ERASE_CODE, expiresAt: '2026-11-05T02:10:00+00:00', errors: [] },
  }))
  // As the server checks it: only the code it showed.
  backend.answer('PrivacyEraseMe', ({ code }) => {
    if (code !== ERASE_CODE) {
      return { privacyEraseMe: { ok: false, errors: [{ code: 'INVALID_INPUT', field: 'code', message: '确认码不正确' }] } }
    }
    erased = true
    return { privacyEraseMe: { ok: true, errors: [] } }
  })
})

async function typeCode(page, code) {
  page.querySelector('.code-input').dispatchEvent('input', { detail: { value: code } })
  await until(() => expect(page.instance.data.typedCode).toBe(code))
}

test('shows what is held about me', async () => {
  const page = await openPage('my-data')

  expect(textOf(page.querySelector('.display-name'))).toBe('张阿姨')
  expect(textOf(page.querySelector('.phone'))).toBe('13812345678')
  expect(textOf(page.querySelector('.id-number'))).toBe('未登记')
  expect(page.querySelectorAll('.record').map(textOf)).toEqual([
    '社区身份1 条', '住址记录1 条', '入住申请0 条', '隐私政策同意记录1 条', '登录记录1 条', '家人代办记录0 条',
  ])
})

test('saves all of it as a file and sends it to a chat', async () => {
  const page = await openPage('my-data')

  page.querySelector('.save').dispatchEvent('tap')

  await until(() => expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已发送' })))
  const [[{ filePath, fileName }]] = wx.shareFileMessage.mock.calls
  expect(fileName).toBe('邻里-我的数据.json')
  expect(JSON.parse(files.get(filePath))).toEqual(EXPORT)
})

test('a WeChat that cannot send files says so', async () => {
  delete wx.shareFileMessage
  const page = await openPage('my-data')

  page.querySelector('.save').dispatchEvent('tap')

  await until(() => expect(textOf(page.querySelector('.error'))).toBe('当前微信版本不能发送文件，请升级微信后再试'))
  expect(wx.showToast).not.toHaveBeenCalled()
})

test('erasing shows the code to type back, asks once more, then ends the session', async () => {
  const page = await openPage('my-data')

  page.querySelector('.erase-start').dispatchEvent('tap')
  await until(() => expect(textOf(page.querySelector('.erase-code'))).toBe(ERASE_CODE))

  // A wrong code: the server's words, and nothing erased.
  await typeCode(page, '111111')
  page.querySelector('.erase-confirm').dispatchEvent('tap')
  await until(() => expect(textOf(page.querySelector('.error'))).toBe('确认码不正确'))
  expect(erased).toBe(false)

  // Changing one's mind at the last question sends nothing.
  await typeCode(page, ERASE_CODE)
  wx.showModal.mockImplementationOnce((options) => options.success({ confirm: false, cancel: true }))
  page.querySelector('.erase-confirm').dispatchEvent('tap')
  await until(() => expect(wx.showModal).toHaveBeenCalledTimes(2))
  expect(backend.calls.filter((c) => c.operationName === 'PrivacyEraseMe')).toHaveLength(1)

  page.querySelector('.erase-confirm').dispatchEvent('tap')

  await until(() => expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/login/index' }))
  expect(erased).toBe(true)
  expect(wx.showModal.mock.calls[2][0].content).toContain('无法恢复')
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '账号已注销' }))
  expect(tokenStore.getTokens()).toBeNull()
})

test('acting for a relative, their data is neither shown nor erased', async () => {
  session.setActingFor({ id: ELDER.id, name: ELDER.displayName })
  const page = await openPage('my-data')

  expect(textOf(page.querySelector('.acting-note'))).toContain('请先切换回本人')
  expect(backend.operations()).toEqual([])
  expect(page.querySelector('.erase-start')).toBeUndefined()
})
