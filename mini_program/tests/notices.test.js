// 社区通知 and 消息: the notice list, a notice (read, acknowledged), the inbox, the unread count
// on home and 长辈模式.
const { installWx, until } = require('./helpers/wx')
const { fakeBackend, ELDER } = require('./helpers/fakeBackend')
const { openPage, openUrl, textOf, bannerText, hasClass } = require('./helpers/pages')
const { PAGE_SIZE } = require('../utils/pager')
const tokenStore = require('../utils/tokenStore')
const session = require('../utils/session')

let backend

beforeEach(() => {
  backend = fakeBackend()
  installWx(backend.serve)
  tokenStore.setTokens(backend.issueTokens())
})

const lastCall = () => backend.calls.at(-1)
const texts = (page, selector) => page.querySelectorAll(selector).map(textOf)
const callsOf = (operationName) => backend.calls.filter((c) => c.operationName === operationName)

// `count` notices n-1 … n-count, newest first, the first one read.
function latestNotices(count) {
  return Array.from({ length: count }, (_, i) => ({
    id: `n-${i + 1}`,
    title: `通知 ${i + 1}`,
    readAt: i === 0 ? '2026-11-02T02:00:00+00:00' : null,
  }))
}

test('the list shows pinned notices first with their tags, and dots on the unread', async () => {
  backend.sendNotices([
    { id: 'n-1', title: '本周六停水', importance: 'URGENT', readAt: '2026-11-02T02:00:00+00:00' },
    { id: 'n-2', title: '垃圾分类新规', importance: 'IMPORTANT' },
    { id: 'p-1', title: '社区服务电话', pinned: true, readAt: '2026-11-02T02:00:00+00:00' },
  ])

  const page = await openPage('notices')

  expect(texts(page, '.notice-title')).toEqual(['社区服务电话', '本周六停水', '垃圾分类新规'])
  expect(texts(page, '.notice-head')).toEqual(['置顶', '紧急', '重要'])
  expect(texts(page, '.tag-urgent')).toEqual(['紧急'])
  expect(texts(page, '.tag-important')).toEqual(['重要'])
  expect(page.querySelectorAll('.notice').map((row) => hasClass(row, 'unread'))).toEqual([false, false, true])
  expect(page.querySelectorAll('.unread-dot')).toHaveLength(1)
  expect(textOf(page.querySelector('.unread-count'))).toBe('（1 条未读）')
})

test('reaching the bottom loads the next page after the cursor, until there is no more', async () => {
  backend.sendNotices([{ id: 'p-1', title: '置顶通知', pinned: true }, ...latestNotices(PAGE_SIZE + 5)])
  const page = await openPage('notices')
  expect(page.querySelectorAll('.notice')).toHaveLength(1 + PAGE_SIZE)
  expect(lastCall()).toMatchObject({ operationName: 'Feed', variables: { first: PAGE_SIZE, after: null } })

  await page.instance.onReachBottom()

  expect(lastCall()).toMatchObject({ operationName: 'Feed', variables: { first: PAGE_SIZE, after: `n-${PAGE_SIZE}` } })
  const titles = texts(page, '.notice-title')
  expect(titles).toHaveLength(1 + PAGE_SIZE + 5)
  expect(titles.slice(0, 2)).toEqual(['置顶通知', '通知 1'])
  expect(titles.at(-1)).toBe(`通知 ${PAGE_SIZE + 5}`)
  expect(page.querySelector('.list-end')).toBeDefined()

  await page.instance.onReachBottom()
  expect(callsOf('Feed')).toHaveLength(2)
})

test('tapping a notice opens it and its dot goes', async () => {
  backend.sendNotices([{ id: 'n-7', title: '电梯检修' }])
  const page = await openPage('notices')

  page.querySelector('.notice').dispatchEvent('tap')

  await until(() => expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/notices/pages/notice/index?id=n-7' }))
  expect(page.querySelector('.unread-dot')).toBeUndefined()
  expect(page.querySelector('.unread-count')).toBeUndefined()
})

test('opening a notice shows it and sends noticeRead once', async () => {
  backend.sendNotices([{
    id: 'n-1', title: '本周六停水', category: '物业通知', bodyHtml: '<p>周六 <b>8:00-12:00</b> 停水</p>',
    publishedAt: '2026-11-03T02:30:00+00:00',
  }])

  const page = await openPage('notice', { id: 'n-1' })

  expect(textOf(page.querySelector('.notice-title'))).toBe('本周六停水')
  expect(textOf(page.querySelector('.notice-meta'))).toContain('物业通知')
  // miniprogram-simulate does not render rich-text: the nodes it is given are what WeChat renders.
  expect(page.instance.data.notice.nodes).toEqual([{ name: 'p', attrs: {}, children: [
    { type: 'text', text: '周六 ' },
    { name: 'b', attrs: {}, children: [{ type: 'text', text: '8:00-12:00' }] },
    { type: 'text', text: ' 停水' },
  ] }])
  expect(page.querySelector('.phone-call')).toBeUndefined()
  expect(callsOf('NoticeRead')).toEqual([expect.objectContaining({ variables: { id: 'n-1' } })])
  expect(backend.notice('n-1').readAt).not.toBeNull()
  expect(page.querySelector('.acknowledge')).toBeUndefined()

  // Already read: opening it again tells the server nothing new.
  await openPage('notice', { id: 'n-1' })
  expect(callsOf('NoticeRead')).toHaveLength(1)
})

test('an attachment downloads with the session token and opens in WeChat\'s viewer', async () => {
  const url = '/media/notices/n-1/attachments/a-1'
  backend.sendNotices([{
    id: 'n-1', title: '停水通知',
    attachments: [{ name: '停水安排.pdf', size: 250 * 1024, contentType: 'application/pdf', url }],
  }])
  const page = await openPage('notice', { id: 'n-1' })
  expect(textOf(page.querySelector('.attachment-name'))).toBe('停水安排.pdf')
  expect(textOf(page.querySelector('.attachment-size'))).toBe('250 KB')

  page.querySelector('.attachment').dispatchEvent('tap')

  await until(() => expect(wx.openDocument).toHaveBeenCalledWith(
    expect.objectContaining({ filePath: 'wxfile://tmp/a-1', fileType: 'pdf' })))
  const [download] = backend.calls.filter((c) => c.download)
  expect(download).toMatchObject({ url: `http://linli.test${url}`, authorization: expect.stringMatching(/^Bearer /) })
  expect(page.querySelector('.error')).toBeUndefined()
})

// The server may give the image and the attachment relative to itself or as full URLs: both load.
test('a notice with an image, phone numbers and an attachment, as a resident needs them', async () => {
  const attachmentUrl = 'http://linli.test/media/notices/n-5/attachments/a-5'
  backend.sendNotices([{
    id: 'n-5',
    title: '加装电梯公示',
    bodyHtml: '<p>效果图：</p><p><img src="/media/public/lift.png" width="1080" height="720" alt="效果图"></p>'
      + '<p>咨询电话 0571-87654321，或<a href="tel:13812345678">联系楼长</a>（身份证号 330102199001011234 请勿外传）</p>',
    attachments: [{ name: '公示.pdf', size: 3 * 1024 * 1024, contentType: 'application/pdf', url: attachmentUrl }],
  }])
  const page = await openPage('notice', { id: 'n-5' })

  // The image loads from the server and fits the screen, whatever width it was inserted at.
  const [, imageParagraph] = page.instance.data.notice.nodes
  expect(imageParagraph.children).toEqual([{ name: 'img', children: [], attrs: {
    src: 'http://linli.test/media/public/lift.png', alt: '效果图', style: expect.stringContaining('max-width:100%'),
  } }])

  // The numbers it mentions are buttons to call (an ID number is not one).
  expect(texts(page, '.phone-call')).toEqual(['拨打 0571-87654321', '拨打 13812345678'])
  page.querySelectorAll('.phone-call')[0].dispatchEvent('tap')
  await until(() => expect(wx.makePhoneCall).toHaveBeenCalledWith(expect.objectContaining({ phoneNumber: '057187654321' })))

  expect(texts(page, '.attachment-name')).toEqual(['公示.pdf'])
  expect(texts(page, '.attachment-size')).toEqual(['3.0 MB'])
  page.querySelector('.attachment').dispatchEvent('tap')

  await until(() => expect(wx.openDocument).toHaveBeenCalledWith(
    expect.objectContaining({ filePath: 'wxfile://tmp/a-5', fileType: 'pdf' })))
  expect(wx.downloadFile).toHaveBeenCalledWith(expect.objectContaining({
    url: attachmentUrl, header: expect.objectContaining({ Authorization: 'Bearer access-1' }),
  }))
})

test('an attachment acted for a relative is fetched for them, and a refused one says so', async () => {
  const url = '/media/notices/n-9/attachments/a-9'
  backend.sendNotices([{ id: 'n-9', title: '老人体检', attachments: [{ name: '体检.docx', size: 2048,
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', url }] }], ELDER.id)
  session.setActingFor({ id: ELDER.id, name: ELDER.displayName })
  const page = await openPage('notice', { id: 'n-9' })

  page.querySelector('.attachment').dispatchEvent('tap')

  await until(() => expect(wx.openDocument).toHaveBeenCalledWith(expect.objectContaining({ fileType: 'docx' })))
  expect(backend.calls.filter((c) => c.download)).toEqual([expect.objectContaining({ actingFor: ELDER.id })])

  // The notice no longer lists it (or never did for this person): the server answers 404.
  backend.notice('n-9', ELDER.id).attachments = []
  page.querySelector('.attachment').dispatchEvent('tap')
  await until(() => expect(textOf(page.querySelector('.error'))).toBe('附件已不存在'))
})

test('我已知晓 sends noticeAcknowledge and shows 已确认 with the time', async () => {
  backend.sendNotices([{ id: 'n-1', title: '燃气安全检查', importance: 'IMPORTANT', mustAcknowledge: true }])
  const page = await openPage('notice', { id: 'n-1' })
  expect(page.querySelector('.acknowledged')).toBeUndefined()

  page.querySelector('.acknowledge').dispatchEvent('tap')

  await until(() => expect(textOf(page.querySelector('.acknowledged'))).toMatch(/^已确认 · 2026-11-0[45] \d\d:\d\d$/))
  expect(callsOf('NoticeAcknowledge')).toEqual([expect.objectContaining({ variables: { id: 'n-1' } })])
  expect(page.querySelector('.acknowledge')).toBeUndefined()
})

test('a refused acknowledgement shows the server\'s message', async () => {
  backend.sendNotices([{ id: 'n-1', title: '燃气安全检查', mustAcknowledge: true }])
  backend.answer('NoticeAcknowledge', () => ({
    noticeAcknowledge: { ok: false, errors: [{ code: 'NOT_FOUND', field: null, message: '找不到该通知' }] },
  }))
  const page = await openPage('notice', { id: 'n-1' })

  page.querySelector('.acknowledge').dispatchEvent('tap')

  await until(() => expect(textOf(page.querySelector('.error'))).toBe('找不到该通知'))
  expect(page.querySelector('.acknowledged')).toBeUndefined()
})

test('a notice that is gone says so', async () => {
  const page = await openPage('notice', { id: 'n-404' })

  expect(textOf(page.querySelector('.missing'))).toBe('这条通知已撤回或不存在')
  expect(callsOf('NoticeRead')).toHaveLength(0)
})

test('an inbox message about a notice opens the notice; the others show their body', async () => {
  backend.sendNotices([{ id: 'n-9', title: '停电通知' }])
  backend.deliver([
    { id: 'm-1', kind: 'security', title: '新设备登录', body: '您的账号在新设备上登录' },
    { id: 'm-2', kind: 'notice', title: '停电通知', body: 'notice:n-9' },
  ])
  const inbox = await openPage('inbox')
  expect(texts(inbox, '.message-title')).toEqual(['新设备登录', '停电通知'])
  expect(texts(inbox, '.message-body')).toEqual(['您的账号在新设备上登录'])

  inbox.querySelectorAll('.message')[0].dispatchEvent('tap')
  inbox.querySelectorAll('.message')[1].dispatchEvent('tap')

  await until(() => expect(wx.navigateTo).toHaveBeenCalledTimes(1))
  const [{ url }] = wx.navigateTo.mock.calls[0]
  expect(url).toBe('/notices/pages/notice/index?id=n-9')
  const notice = await openUrl(url)
  expect(textOf(notice.querySelector('.notice-title'))).toBe('停电通知')
})

test('messages about a case, a poll or a topic link to it instead of showing the reference', async () => {
  backend.deliver([
    { id: 'm-1', kind: 'case', title: '您的诉求已受理', body: 'case:c-1' },
    { id: 'm-2', kind: 'poll', title: '投票开始了', body: 'poll:p-1' },
    { id: 'm-3', kind: 'topic', title: '提议成为议题', body: 'topic:t-1' },
  ])
  const inbox = await openPage('inbox')
  expect(texts(inbox, '.message-body')).toEqual([])
  expect(texts(inbox, '.view-link')).toEqual(['查看诉求 ›', '查看投票 ›', '查看议题 ›'])

  inbox.querySelectorAll('.message').forEach((message) => message.dispatchEvent('tap'))

  await until(() => expect(wx.navigateTo).toHaveBeenCalledTimes(3))
  expect(wx.navigateTo.mock.calls.map(([{ url }]) => url)).toEqual([
    '/cases/pages/case/index?id=c-1', '/voting/pages/poll/index?id=p-1', '/cases/pages/topic/index?id=t-1',
  ])
})

test('the inbox loads the next page after the cursor', async () => {
  backend.deliver(Array.from({ length: PAGE_SIZE + 1 }, (_, i) => ({
    id: `m-${i + 1}`, kind: 'registry', title: `登记消息 ${i + 1}`, body: '您的入住申请已通过',
  })))
  const inbox = await openPage('inbox')
  expect(inbox.querySelectorAll('.message')).toHaveLength(PAGE_SIZE)

  await inbox.instance.onReachBottom()

  expect(lastCall()).toMatchObject({ operationName: 'Inbox', variables: { after: `m-${PAGE_SIZE}` } })
  expect(inbox.querySelectorAll('.message')).toHaveLength(PAGE_SIZE + 1)
})

test('home shows the unread count on 社区通知', async () => {
  backend.sendNotices(latestNotices(3))
  const home = await openPage('home')

  await home.instance.onShow()

  expect(textOf(home.querySelector('.notices-entry'))).toContain('社区通知')
  expect(textOf(home.querySelector('.unread-badge'))).toBe('2')
  expect(home.querySelector('.inbox-entry')).toBeDefined()
})

test('acting for a relative, the list shows their notices', async () => {
  backend.sendNotices([{ id: 'n-1', title: '给张阿姨的通知' }])
  backend.sendNotices([{ id: 'n-2', title: '给王爷爷的通知' }], ELDER.id)
  session.setActingFor({ id: ELDER.id, name: ELDER.displayName })

  const page = await openPage('notices')

  expect(bannerText(page)).toBe('正在为 王爷爷 代办')
  expect(texts(page, '.notice-title')).toEqual(['给王爷爷的通知'])
  expect(lastCall()).toMatchObject({ operationName: 'Feed', actingFor: ELDER.id })
})

describe('长辈模式', () => {
  const isElder = (page) => hasClass(page.querySelector('.page'), 'elder')

  beforeEach(() => {
    backend.sendNotices([{ id: 'n-1', title: '本周六停水', mustAcknowledge: true }])
    backend.deliver([{ id: 'm-1', kind: 'notice', title: '本周六停水', body: 'notice:n-1' }])
  })

  test('is off until switched on', async () => {
    for (const [name, query] of [['notices'], ['notice', { id: 'n-1' }], ['inbox']]) {
      expect(isElder(await openPage(name, query))).toBe(false)
    }
  })

  test('the switch on home turns the notice pages to large text, and back', async () => {
    const home = await openPage('home')
    const elderSwitch = home.querySelector('.elder-switch')

    elderSwitch.dispatchEvent('change', { detail: { value: true } })

    await until(() => expect(wx.getStorageSync('linli.elderMode')).toBe(true))
    for (const [name, query] of [['notices'], ['notice', { id: 'n-1' }], ['inbox']]) {
      expect(isElder(await openPage(name, query))).toBe(true)
    }

    elderSwitch.dispatchEvent('change', { detail: { value: false } })

    await until(() => expect(wx.getStorageSync('linli.elderMode')).toBe(false))
    expect(isElder(await openPage('notices'))).toBe(false)
  })
})
