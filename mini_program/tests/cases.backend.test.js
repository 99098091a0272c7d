// 诉求 against the real backend: the committee sets up a category (as the console would), a resident
// raises a case on the raise page with two photos and their own room, the committee accepts it,
// notes on it among themselves and replies; the resident reads the reply (never the note) on the
// case page, rates the resolution 部分解决 with 2 stars (refused without a reason, then reopened
// with one), urges once (a second 催办 the same day is refused in Chinese), and confirms the second
// resolution.
const fs = require('fs')
const os = require('os')
const path = require('path')
const { until } = require('./helpers/wx')
const { openPage, openUrl, textOf, choose } = require('./helpers/pages')
const { useRealBackend, signIn } = require('./helpers/realBackend')

const { graphql } = useRealBackend()

// A real 1×1 PNG: the server decodes and re-encodes every photo.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')

async function committee() {
  const { authPasswordLogin } = await graphql('StaffLogin', { username: 'committee', password: 'Linli@2026' }, null, 'admin')
  const token = authPasswordLogin.tokens.accessToken
  const { viewer } = await graphql('Viewer', {}, token, 'admin')
  // Each step's payload, its errors checked.
  const act = async (operation, variables) => {
    const payload = Object.values(await graphql(operation, variables, token, 'admin'))[0]
    expect(payload.errors).toEqual([])
    return payload
  }
  return { act, communityId: viewer.memberships[0].community.id }
}

const texts = (page, selector) => page.querySelectorAll(selector).map(textOf)
const idle = (page) => until(() => expect(page.instance.data.busy).toBe(false), 10000)
const toasted = (title) => expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title }))

async function pick(page, list, label) {
  await until(() => expect(texts(page.querySelector(list), '.choice')).toContain(label), 10000)
  choose(page, list, label)
  await until(() => expect(texts(page.querySelector(list), '.chosen')).toEqual([label]))
  await idle(page)
}

async function tap(page, selector, check) {
  page.querySelector(selector).dispatchEvent('tap')
  await until(check, 10000)
  await idle(page)
}

test('raise with photos and a room → handled by the committee → rated partly, reopened, urged, confirmed', async () => {
  const staff = await committee()
  await staff.act('CaseCategoryCreate', {
    communityId: staff.communityId, input: { name: '公共设施', party: 'COMMITTEE', acceptHours: 8, resolveHours: 48 },
  })
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-case-photos-'))
  const files = ['light-1.png', 'light-2.png'].map((name) => path.join(dir, name))
  files.forEach((file) => fs.writeFileSync(file, PNG))
  await signIn('居民')

  wx.chooseMedia = jest.fn((options) => options.success({ tempFiles: files.map((tempFilePath) => ({ tempFilePath })) }))
  const raise = await openPage('raise')
  await pick(raise, '.categories', '公共设施（居委会处理）')
  raise.querySelector('.text-input').dispatchEvent('input', { detail: { value: '家门口的声控灯不亮了' } })
  await tap(raise, '.choose-photos', () => expect(raise.querySelectorAll('.photo')).toHaveLength(2))
  await pick(raise, '.place-kinds', '楼栋、单元或我家')
  await pick(raise, '.buildings', '阳光花园 1栋')
  await pick(raise, '.units', '1单元')
  await pick(raise, '.rooms', '101')
  await tap(raise, '.submit', () => toasted('提交成功'))
  expect(raise.querySelector('.error')).toBeUndefined()
  const url = wx.redirectTo.mock.calls[0][0].url
  const caseId = decodeURIComponent(url.split('id=')[1])
  fs.rmSync(dir, { recursive: true, force: true })

  const raised = await openUrl(url)
  expect(textOf(raised.querySelector('.case-text'))).toBe('家门口的声控灯不亮了')
  expect(textOf(raised.querySelector('.case-meta'))).toBe('公共设施 · 阳光花园 1栋 1单元 101')
  expect(raised.querySelectorAll('.photo')).toHaveLength(2)

  await staff.act('CaseAccept', { id: caseId })
  await staff.act('CaseNote', { id: caseId, body: '电工周三有空' })
  await staff.act('CaseReply', { id: caseId, body: '已安排电工上门' })
  await staff.act('CaseResolve', { id: caseId, note: '已更换声控灯' })

  const page = await openPage('case', { id: caseId })
  expect(page.querySelector('.error')).toBeUndefined()
  expect(textOf(page.querySelector('.timeline'))).toContain('已安排电工上门')
  expect(textOf(page.querySelector('.page'))).not.toContain('电工周三有空')
  await pick(page, '.outcomes', '部分解决')
  await pick(page, '.stars', '★★☆☆☆ 2 星')
  await tap(page, '.send-rating', () => expect(textOf(page.querySelector('.error'))).toBe('请填写未解决的原因（2–500 个字）'))
  page.querySelector('.reason-input').dispatchEvent('input', { detail: { value: '楼下的灯也不亮' } })
  await tap(page, '.send-rating', () => toasted('已重新打开'))
  expect(textOf(page.querySelector('.case-tags'))).toBe('处理中')

  const elsewhere = await openPage('case', { id: caseId }) // the same case open on another phone
  await tap(page, '.urge', () => toasted('已催办'))
  await tap(elsewhere, '.urge', () => expect(textOf(elsewhere.querySelector('.error'))).toBe('今天已经催办过了，请明天再试'))

  await staff.act('CaseResolve', { id: caseId, note: '楼下的灯也已更换' })
  await page.instance.load()
  await pick(page, '.outcomes', '已解决')
  await pick(page, '.stars', '★★★★★ 5 星')
  await tap(page, '.send-rating', () => toasted('评价成功'))
  expect(textOf(page.querySelector('.case-tags'))).toBe('已办结')
  expect(texts(page, '.confirmation')).toEqual(['第 1 次评价：部分解决，2 星', '第 2 次评价：已解决，5 星'])
})
