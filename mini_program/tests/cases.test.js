// 诉求 (cases): the hub, raising one (photos, a place from the registry, 我也遇到 instead of a
// duplicate, for a relative), my cases, and a case's page: its timeline without internal notes,
// answering the handlers, 催办 once a day, and confirming with a rating (a reason when not fixed).
const { installWx, until } = require('./helpers/wx')
const { fakeBackend, ELDER, VIEWER } = require('./helpers/fakeBackend')
const { openPage, openUrl, textOf, bannerText, choose, hasClass } = require('./helpers/pages')
const { PAGE_SIZE } = require('../utils/pager')
const tokenStore = require('../utils/tokenStore')
const session = require('../utils/session')
const { setElderMode } = require('../utils/elderMode')

let backend

beforeEach(() => {
  backend = fakeBackend()
  installWx(backend.serve)
  tokenStore.setTokens(backend.issueTokens())
})

const texts = (page, selector) => page.querySelectorAll(selector).map(textOf)
// The tags of each row (or the page's one head) at `selector`, as lists of their texts.
const tags = (page, selector = '.case-tags') => page.querySelectorAll(selector)
  .map((row) => [...row.dom.querySelectorAll('wx-text')].map((tag) => tag.textContent.trim()))
// The labels of the choice-list at `list`.
const choices = (page, list) => texts(page.querySelector(list), '.choice')
const callsOf = (operationName) => backend.calls.filter((c) => c.operationName === operationName)
const lastModal = () => wx.showModal.mock.calls.at(-1)[0]
const toasted = (title) => expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title }))
const idle = (page) => until(() => expect(page.instance.data.busy).toBeFalsy())
const photos = (...names) => ({ tempFiles: names.map((name) => ({ tempFilePath: `wxfile://tmp/${name}` })) })

// Taps a choice once it is offered, and waits for what choosing it loads.
async function pick(page, list, label) {
  await until(() => expect(choices(page, list)).toContain(label))
  choose(page, list, label)
  await until(() => expect(texts(page.querySelector(list), '.chosen')).toEqual([label]))
  await idle(page)
}

async function openRaise() {
  const page = await openPage('raise')
  await until(() => expect(choices(page, '.categories').length).toBeGreaterThan(0))
  return page
}

function typeText(page, text) {
  page.querySelector('.text-input').dispatchEvent('input', { detail: { value: text } })
}

// Taps `selector` and waits for `check` to pass, then for the page's requests to end.
async function tap(page, selector, check) {
  page.querySelector(selector).dispatchEvent('tap')
  await until(check)
  await idle(page)
}

const errorShown = (page, message) => () => expect(textOf(page.querySelector('.error'))).toBe(message)
const photoCount = (page, n) => () => expect(page.querySelectorAll('.photo')).toHaveLength(n)

test('the hub leads to raising, my cases, policy questions and the deliberation hall; home leads to it', async () => {
  const hub = await openPage('cases/pages/index/index')
  expect(texts(hub, '.entry-label')).toEqual(['我要反映', '我的诉求', '政策咨询', '议事厅'])
  hub.querySelectorAll('.hub-entry').forEach((entry) => entry.dispatchEvent('tap'))
  await until(() => expect(wx.navigateTo.mock.calls.map(([{ url }]) => url)).toEqual([
    '/cases/pages/raise/index', '/cases/pages/mine/index', '/cases/pages/faq/index', '/cases/pages/topics/index',
  ]))
  const home = await openPage('home')
  await until(() => expect(home.querySelector('.cases-entry')).toBeDefined())
  expect(textOf(home.querySelector('.cases-entry'))).toBe('诉求与议事›')
})

test('raising with two photos and a unit as the place: the limit shown, a confirmation, a toast, then the case', async () => {
  wx.chooseMedia = jest.fn((options) => options.success(photos('leak-1.jpg', 'leak-2.jpg')))
  const page = await openRaise()
  expect(choices(page, '.categories')).toEqual(['报修（网格员处理）', '物业服务（物业处理）'])
  await pick(page, '.categories', '报修（网格员处理）')
  typeText(page, '1单元楼道灯坏了，晚上很黑')
  await until(() => expect(textOf(page.querySelector('.text-count'))).toBe('13 / 1000 字'))

  await tap(page, '.choose-photos', photoCount(page, 2))
  expect(wx.chooseMedia).toHaveBeenCalledWith(expect.objectContaining({ count: 9, mediaType: ['image'] }))
  expect(backend.calls.filter((c) => c.upload).map((c) => c.url)).toEqual([
    'http://linli.test/uploads?kind=case_photo', 'http://linli.test/uploads?kind=case_photo'])
  expect(page.querySelectorAll('.photo')).toHaveLength(2)
  expect(textOf(page.querySelector('.photo-count'))).toBe('已选 2 / 9 张')

  await pick(page, '.place-kinds', '楼栋、单元或我家')
  expect(page.instance.data.ready).toBe(false) // no place yet: nothing to submit
  await pick(page, '.buildings', '阳光花园 1栋')
  expect(choices(page, '.units')).toEqual(['整栋楼', '1单元', '2单元'])
  await pick(page, '.units', '1单元')
  await pick(page, '.rooms', '整个单元（楼道、电梯等）')
  await tap(page, '.submit', () => toasted('提交成功'))

  expect(lastModal()).toMatchObject({ title: '提交诉求', confirmText: '提交' })
  expect(lastModal().content).toBe('分类：报修（网格员处理）\n地点：阳光花园 1栋 1单元\n照片：2 张')
  expect(callsOf('CaseRaise')[0].variables).toEqual({
    communityId: 'c-1',
    input: { categoryId: 'cat-repair', text: '1单元楼道灯坏了，晚上很黑', place: { unitId: 'u-1' }, photos: ['upload-1', 'upload-2'] },
  })
  toasted('提交成功')
  const [raised] = backend.cases.cases()
  expect(raised).toMatchObject({ resident: VIEWER.id, placeName: '阳光花园 1栋 1单元', photos: ['upload-1', 'upload-2'] })
  const [[{ url }]] = wx.redirectTo.mock.calls
  const casePage = await openUrl(url)
  expect(textOf(casePage.querySelector('.case-text'))).toBe('1单元楼道灯坏了，晚上很黑')
  expect(casePage.querySelectorAll('.photo')).toHaveLength(2)
  expect(casePage.instance.data.view.photos).toEqual([ // what the images load: the server's links made absolute
    'http://linli.test/media/upload-1?expires=1&sig=s', 'http://linli.test/media/upload-2?expires=1&sig=s'])
})

test('a room that is not my home, or a photo too many, is refused in Chinese and nothing is raised', async () => {
  wx.chooseMedia = jest.fn((options) => options.success(photos(...Array.from({ length: 9 }, (_, i) => `p${i}.jpg`))))
  const page = await openRaise()
  await pick(page, '.categories', '报修（网格员处理）')
  typeText(page, '卫生间漏水')
  await tap(page, '.choose-photos', photoCount(page, 9))
  expect(page.querySelector('.choose-photos')).toBeUndefined() // nine is all a case takes

  await pick(page, '.place-kinds', '楼栋、单元或我家')
  await pick(page, '.buildings', '阳光花园 1栋')
  await pick(page, '.units', '1单元')
  await pick(page, '.rooms', '102') // 王爷爷's, not mine
  await tap(page, '.submit', errorShown(page, '只能选择自己的房屋，或所在的单元、楼栋、公共区域'))
  expect(wx.showToast).not.toHaveBeenCalled()
  expect(wx.redirectTo).not.toHaveBeenCalled()
  expect(backend.cases.cases()).toEqual([])

  page.querySelectorAll('.remove-photo')[0].dispatchEvent('tap')
  await until(() => expect(page.querySelectorAll('.photo')).toHaveLength(8))
  await pick(page, '.rooms', '101')
  await tap(page, '.submit', () => toasted('提交成功'))
  expect(backend.cases.cases()[0]).toMatchObject({ placeName: '阳光花园 1栋 1单元 101' })
  expect(backend.cases.cases()[0].photos).toHaveLength(8)
})

test('the same problem already raised nearby is offered: 我也遇到 follows it instead of a duplicate', async () => {
  const lift = backend.cases.addCase({ resident: 'p-9', text: '1栋电梯又坏了', placeName: '阳光花园 1栋' })
  backend.cases.addCase({ resident: 'p-9', categoryId: 'cat-property', text: '楼道没人打扫' })
  const page = await openRaise()
  expect(page.querySelector('.nearby-case')).toBeUndefined()

  await pick(page, '.categories', '报修（网格员处理）')
  expect(texts(page, '.nearby-text')).toEqual(['1栋电梯又坏了'])
  expect(callsOf('CasesNearby')[0].variables).toMatchObject({ communityId: 'c-1', categoryId: 'cat-repair' })
  await tap(page, '.me-too', () => toasted('已关注'))

  expect(lastModal()).toMatchObject({ title: '我也遇到', confirmText: '关注' })
  toasted('已关注')
  expect(lift.followers.has(VIEWER.id)).toBe(true)
  expect(callsOf('CaseRaise')).toEqual([])
  expect(wx.redirectTo).toHaveBeenCalledWith({ url: `/cases/pages/case/index?id=${lift.id}` })
  const mine = await openPage('cases/pages/mine/index')
  expect(texts(mine, '.case-text')).toEqual(['1栋电梯又坏了'])
})

test('a common area as the place', async () => {
  const page = await openRaise()
  await pick(page, '.categories', '物业服务（物业处理）')
  typeText(page, '东门的道闸抬不起来')
  await pick(page, '.place-kinds', '公共区域（小区大门、花园等）')
  await pick(page, '.areas', '小区东门')
  await tap(page, '.submit', () => toasted('提交成功'))
  expect(callsOf('CaseRaise')[0].variables.input.place).toEqual({ areaId: 'area-gate' })
  toasted('提交成功')
})

test('acting for 王爷爷: the banner says so, the confirmation names him, and the case is his', async () => {
  session.setActingFor({ id: ELDER.id, name: ELDER.displayName })
  const page = await openRaise()
  expect(bannerText(page)).toBe('正在为 王爷爷 代办')
  await pick(page, '.categories', '报修（网格员处理）')
  typeText(page, '老人家水管漏水')
  await pick(page, '.place-kinds', '楼栋、单元或我家')
  await pick(page, '.buildings', '阳光花园 1栋')
  await pick(page, '.units', '1单元')
  await pick(page, '.rooms', '102')
  await tap(page, '.submit', () => toasted('提交成功'))

  expect(lastModal().content).toMatch(/^为 王爷爷 提交\n/)
  expect(callsOf('CaseRaise')[0].actingFor).toBe(ELDER.id)
  toasted('提交成功')
  expect(backend.cases.cases()[0]).toMatchObject({ resident: ELDER.id, raisedBy: VIEWER.id })
  const mine = await openPage('cases/pages/mine/index')
  expect(bannerText(mine)).toBe('正在为 王爷爷 代办')
  expect(texts(mine, '.case-text')).toEqual(['老人家水管漏水'])
})

test('my cases: a page at a time, states in Chinese, overdue and waiting for me shown', async () => {
  for (let i = 1; i <= PAGE_SIZE + 3; i += 1) backend.cases.addCase({ resident: VIEWER.id, text: `诉求 ${i}` })
  backend.cases.addCase({ resident: VIEWER.id, text: '超时的诉求', state: 'ACCEPTED', overdue: true })
  backend.cases.addCase({ resident: VIEWER.id, text: '待补充的诉求', state: 'IN_PROGRESS', waiting: true })
  backend.cases.addCase({ resident: VIEWER.id, text: '已办结的诉求', state: 'RESOLVED' })
  backend.cases.addCase({ resident: 'p-9', text: '别人的诉求' })

  const mine = await openPage('cases/pages/mine/index')
  const rows = mine.querySelectorAll('.my-case')
  expect(rows).toHaveLength(PAGE_SIZE)
  expect(texts(mine, '.case-text').slice(0, 3)).toEqual(['已办结的诉求', '待补充的诉求', '超时的诉求'])
  expect(tags(mine).slice(0, 4)).toEqual([['已办结', '待评价'], ['处理中', '待您补充'], ['已受理', '已超时'], ['待受理']])
  expect(rows[2].dom.querySelectorAll('wx-text')[1].className).toMatch(/tag-urgent/) // in red

  await mine.instance.onReachBottom()
  expect(callsOf('MyCases').at(-1).variables).toMatchObject({ first: PAGE_SIZE })
  expect(callsOf('MyCases').at(-1).variables.after).not.toBeNull()
  expect(mine.querySelectorAll('.my-case')).toHaveLength(PAGE_SIZE + 6)
  expect(texts(mine, '.case-text')).not.toContain('别人的诉求')
  expect(textOf(mine.querySelector('.list-end'))).toBe('没有更多了')

  mine.querySelectorAll('.my-case')[0].dispatchEvent('tap')
  const newest = backend.cases.cases().find((k) => k.text === '已办结的诉求')
  await until(() => expect(wx.navigateTo).toHaveBeenCalledWith({ url: `/cases/pages/case/index?id=${newest.id}` }))
})

// A case of mine the handlers have accepted, replied to and noted on among themselves.
function handledCase() {
  const c = backend.cases.addCase({ resident: VIEWER.id, text: '楼道灯坏了' })
  backend.cases.accept(c.id)
  backend.cases.note(c.id, '该户上次投诉态度激烈，注意沟通')
  backend.cases.reply(c.id, '您好，师傅明天上午上门')
  return c
}

test('the case page: the staff reply in the timeline, never an internal note, even when the server sends one', async () => {
  const c = handledCase()
  backend.cases.staffView(c.id) // a handler opens it on their own phone: the server adds internal entries
  const page = await openPage('case', { id: c.id })

  expect(tags(page)).toEqual([['已受理']])
  expect(textOf(page.querySelector('.facts'))).toContain(`处理方：网格员（${backend.cases.HANDLER}）`)
  expect(textOf(page.querySelector('.deadline'))).toMatch(/^须在 2026-11-06 \d\d:00 前办结$/)
  const timeline = textOf(page.querySelector('.timeline'))
  expect(texts(page, '.line-title')).toEqual(['提交诉求', '待受理 → 已受理', '工作人员回复'])
  expect(timeline).toContain('您好，师傅明天上午上门')
  expect(timeline).not.toContain('注意沟通')
  expect(textOf(page.querySelector('.page'))).not.toContain('注意沟通')
})

test('answering the handlers\' question: a toast, and the answer in the timeline', async () => {
  const c = handledCase()
  backend.cases.ask(c.id, '请问是几楼的灯？')
  const page = await openPage('case', { id: c.id })
  expect(tags(page)).toEqual([['已受理', '待您补充']])
  expect(textOf(page.querySelector('.deadline'))).toBe('等待您补充信息，办理时限暂停计算')
  expect(texts(page, '.section-title')).toContain('工作人员需要您补充信息')

  page.querySelector('.answer-input').dispatchEvent('input', { detail: { value: '三楼和四楼' } })
  await tap(page, '.send-answer', () => toasted('已发送'))

  toasted('已发送')
  expect(callsOf('CaseAnswer')[0].variables).toEqual({ id: c.id, body: '三楼和四楼' })
  expect(texts(page, '.line-body').slice(-2)).toEqual(['请问是几楼的灯？', '三楼和四楼'])
  expect(page.instance.data.answer).toBe('')
  expect(tags(page)).toEqual([['已受理']])
})

test('催办 once a day: a toast the first time; the second, from another phone, gets the Chinese refusal', async () => {
  const c = handledCase()
  const here = await openPage('case', { id: c.id })
  const there = await openPage('case', { id: c.id }) // opened before the first 催办

  await tap(here, '.urge', () => toasted('已催办'))
  toasted('已催办')
  expect(here.querySelector('.urge')).toBeUndefined()
  expect(textOf(here.querySelector('.urged'))).toBe('今天已催办，明天可再次催办')
  expect(texts(here, '.line-title').at(-1)).toBe('居民催办')

  await tap(there, '.urge', errorShown(there, '今天已经催办过了，请明天再试'))
  expect(c.entries.filter((e) => e.kind === 'URGE')).toHaveLength(1)

  backend.cases.nextDay()
  const tomorrow = await openPage('case', { id: c.id })
  expect(tomorrow.querySelector('.urge')).toBeDefined()
})

test('rating PARTLY with 2 stars needs a reason; with it the case reopens; then resolved with 5 stars', async () => {
  const c = handledCase()
  backend.cases.resolve(c.id, '已更换灯泡')
  const page = await openPage('case', { id: c.id })
  expect(tags(page)).toEqual([['已办结', '待评价']])
  expect(textOf(page.querySelector('.resolution'))).toBe('处理结果：已更换灯泡')
  expect(page.querySelector('.urge')).toBeUndefined()
  expect(page.querySelector('.answer-input')).toBeUndefined()

  expect(page.querySelector('.reason-input')).toBeUndefined()
  await pick(page, '.outcomes', '部分解决')
  await pick(page, '.stars', '★★☆☆☆ 2 星')
  expect(page.querySelector('.reason-input')).toBeDefined()
  page.querySelector('.comment-input').dispatchEvent('input', { detail: { value: '只修了一层' } })
  await tap(page, '.send-rating', errorShown(page, '请填写未解决的原因（2–500 个字）'))

  expect(lastModal()).toMatchObject({ title: '确认评价', content: '部分解决，2 星\n诉求将重新交给工作人员处理\n提交后不能修改' })
  expect(textOf(page.querySelector('.error'))).toBe('请填写未解决的原因（2–500 个字）')
  expect(c.state).toBe('RESOLVED')
  expect(c.confirmations).toEqual([])

  page.querySelector('.reason-input').dispatchEvent('input', { detail: { value: '三楼的灯还是不亮' } })
  await tap(page, '.send-rating', () => toasted('已重新打开'))
  expect(callsOf('CaseConfirm').at(-1).variables).toEqual({
    id: c.id, input: { outcome: 'PARTLY', rating: 2, comment: '只修了一层', reason: '三楼的灯还是不亮' },
  })
  toasted('已重新打开')
  expect(tags(page)).toEqual([['处理中']])
  expect(page.querySelector('.send-rating')).toBeUndefined()
  expect(texts(page, '.confirmation')).toEqual(['第 1 次评价：部分解决，2 星，只修了一层'])
  expect(textOf(page.querySelector('.timeline'))).toContain('已办结 → 处理中')
  expect(textOf(page.querySelector('.timeline'))).toContain('三楼的灯还是不亮')

  backend.cases.resolve(c.id, '三楼灯也已更换')
  await page.instance.load()
  await pick(page, '.outcomes', '已解决')
  expect(page.querySelector('.reason-input')).toBeUndefined()
  await pick(page, '.stars', '★★★★★ 5 星')
  await tap(page, '.send-rating', () => toasted('评价成功'))
  expect(callsOf('CaseConfirm').at(-1).variables.input).toEqual({ outcome: 'RESOLVED', rating: 5, comment: '', reason: null })
  expect(page.querySelector('.send-rating')).toBeUndefined()
  expect(tags(page)).toEqual([['已办结']])
})

test('acting for 王爷爷, his case is rated for him, and the confirmation says so', async () => {
  session.setActingFor({ id: ELDER.id, name: ELDER.displayName })
  const c = backend.cases.addCase({ resident: ELDER.id, text: '老人家水管漏水' })
  backend.cases.accept(c.id)
  backend.cases.resolve(c.id, '已修好水管')
  const page = await openPage('case', { id: c.id })
  expect(bannerText(page)).toBe('正在为 王爷爷 代办')
  await pick(page, '.outcomes', '已解决')
  await pick(page, '.stars', '★★★★☆ 4 星')
  await tap(page, '.send-rating', () => toasted('评价成功'))
  expect(lastModal().content).toBe('为 王爷爷 评价\n已解决，4 星\n提交后不能修改')
  expect(callsOf('CaseConfirm')[0].actingFor).toBe(ELDER.id)
  expect(c.entries.at(-1)).toMatchObject({ kind: 'CONFIRM', authorName: VIEWER.displayName, actingForName: ELDER.displayName })
})

test('a follower reads the case and may urge, but answering and rating are its resident\'s', async () => {
  const c = backend.cases.addCase({ resident: 'p-9', text: '电梯又坏了', state: 'RESOLVED', followers: new Set([VIEWER.id]) })
  const page = await openPage('case', { id: c.id })
  expect(textOf(page.querySelector('.case-text'))).toBe('电梯又坏了')
  expect(page.querySelector('.send-rating')).toBeUndefined()
  c.state = 'IN_PROGRESS'
  await page.instance.load()
  expect(page.querySelector('.answer-input')).toBeUndefined()
  expect(page.querySelector('.urge')).toBeDefined()
})

test('a case I cannot reach says so', async () => {
  const c = backend.cases.addCase({ resident: 'p-9', text: '别人家的事', common: false })
  const page = await openPage('case', { id: c.id })
  expect(textOf(page.querySelector('.missing'))).toBe('找不到该诉求')
})

test('长辈模式 reaches every cases page, with its content loaded', async () => {
  const c = handledCase()
  setElderMode(true)
  for (const [name, query] of [['cases/pages/index/index'], ['raise'], ['cases/pages/mine/index'], ['case', { id: c.id }]]) {
    const page = await openPage(name, query)
    await idle(page)
    expect({ name, elder: hasClass(page.querySelector('.page'), 'elder') }).toEqual({ name, elder: true })
  }
})
