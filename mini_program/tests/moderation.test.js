// 举报 and 申诉: the report button (a reason, a note for 其他, a confirmation, a toast, the server's
// refusals), and 我的被隐藏内容 (the original as reported, what became of it, one appeal each).
const path = require('path')
const simulate = require('miniprogram-simulate')
const { installWx, until } = require('./helpers/wx')
const { fakeBackend } = require('./helpers/fakeBackend')
const { ROOT, openPage, textOf, choose, hasClass } = require('./helpers/pages')
const tokenStore = require('../utils/tokenStore')
const { setElderMode } = require('../utils/elderMode')

let backend

beforeEach(() => {
  backend = fakeBackend()
  installWx(backend.serve)
  tokenStore.setTokens(backend.issueTokens())
})

const callsOf = (name) => backend.calls.filter((c) => c.operationName === name)
const confirmation = () => wx.showModal.mock.calls.at(-1)[0]

let reportButton
function renderReportButton(properties) {
  if (!reportButton) {
    jest.isolateModules(() => {
      reportButton = simulate.load(path.join(ROOT, 'components/report-button/index'), { rootPath: ROOT })
    })
  }
  const button = simulate.render(reportButton, properties)
  button.attach(document.createElement('parent-wrapper'))
  return button
}

// Taps 提交举报 and waits for `done` (what the user then sees).
async function submitReport(button, done) {
  button.querySelector('.report-submit').dispatchEvent('tap')
  await until(done)
}

describe('the report button', () => {
  test('reports with the chosen reason after a confirmation, says so, and cannot report twice', async () => {
    backend.answer('ContentReport', () => ({ contentReport: { ok: true, errors: [] } }))
    const button = renderReportButton({ kind: 'TOPIC', targetId: 't-1' })

    button.querySelector('.report-toggle').dispatchEvent('tap')
    await until(() => expect(button.querySelector('.report-form')).toBeTruthy())
    expect(button.querySelector('.report-reasons').querySelectorAll('.choice').map(textOf))
      .toEqual(['广告', '辱骂', '诈骗', '泄露隐私', '违法违规', '其他'])
    choose(button, '.report-reasons', '诈骗')
    await until(() => expect(button.instance.data.reason).toBe('FRAUD'))

    await submitReport(button, () => expect(textOf(button.querySelector('.report-toggle'))).toBe('已举报'))
    expect(confirmation().content).toContain('举报后不能撤回')
    expect(callsOf('ContentReport')[0].variables).toEqual({ kind: 'TOPIC', targetId: 't-1', reason: 'FRAUD', note: '' })
    expect(wx.showToast).toHaveBeenCalledWith({ title: '已举报', icon: 'success' })
    expect(textOf(button.querySelector('.report-toggle'))).toBe('已举报')
    expect(button.querySelector('.report-form')).toBeFalsy()
    button.querySelector('.report-toggle').dispatchEvent('tap')
    expect(button.querySelector('.report-form')).toBeFalsy()
  })

  test('其他 needs a note before anything is sent; cancelling the confirmation sends nothing', async () => {
    backend.answer('ContentReport', () => ({ contentReport: { ok: true, errors: [] } }))
    const button = renderReportButton({ kind: 'COMMENT', targetId: 'c-1' })
    button.querySelector('.report-toggle').dispatchEvent('tap')
    await until(() => expect(button.querySelector('.report-form')).toBeTruthy())
    choose(button, '.report-reasons', '其他')
    await until(() => expect(button.querySelector('.report-note')).toBeTruthy())

    await submitReport(button, () => expect(textOf(button.querySelector('.error'))).toBe('选择“其他”时请说明举报理由'))
    expect(wx.showModal).not.toHaveBeenCalled()

    button.querySelector('.report-note').dispatchEvent('input', { detail: { value: '冒充物业收费' } })
    wx.showModal.mockImplementationOnce((options) => options.success({ confirm: false, cancel: true }))
    await submitReport(button, () => expect(wx.showModal).toHaveBeenCalledTimes(1))
    expect(callsOf('ContentReport')).toHaveLength(0)

    await submitReport(button, () => expect(callsOf('ContentReport')).toHaveLength(1))
    expect(callsOf('ContentReport')[0].variables).toMatchObject({ reason: 'OTHER', note: '冒充物业收费' })
  })

  test("shows the server's refusal and stays open to try again", async () => {
    backend.answer('ContentReport', () => ({
      contentReport: { ok: false, errors: [{ code: 'FORBIDDEN', field: null, message: '只有本社区已认证住址的居民才能举报' }] },
    }))
    const button = renderReportButton({ kind: 'TOPIC', targetId: 't-1' })
    button.querySelector('.report-toggle').dispatchEvent('tap')
    await until(() => expect(button.querySelector('.report-form')).toBeTruthy())
    choose(button, '.report-reasons', '广告')
    await submitReport(button, () => expect(button.querySelector('.error')).toBeTruthy())

    expect(textOf(button.querySelector('.error'))).toBe('只有本社区已认证住址的居民才能举报')
    expect(textOf(button.querySelector('.report-toggle'))).toBe('举报')
    expect(wx.showToast).not.toHaveBeenCalled()
  })
})

const HIDDEN = {
  id: 'm-1', kind: 'TOPIC', state: 'HIDDEN', original: '停车费太贵\n物业乱收费', hiddenAt: '2026-11-20T02:00:00Z',
  appeal: null,
}
const KEPT = {
  id: 'm-2', kind: 'COMMENT', state: 'REMOVED', original: '骂人的话', hiddenAt: '2026-11-19T02:00:00Z',
  appeal: { id: 'a-2', text: '我没有骂人', state: 'KEPT', reason: '内容含辱骂', decidedAt: '2026-11-19T05:00:00Z' },
}

function serveMine(items) {
  backend.answer('MyModeratedContent', () => ({
    myModeratedContent: { nodes: items, pageInfo: { hasNextPage: false, endCursor: null } },
  }))
}

describe('我的被隐藏内容', () => {
  test('lists my hidden content as first reported, with what became of each appeal', async () => {
    serveMine([HIDDEN, KEPT])
    const page = await openPage('appeals')

    const cards = page.querySelectorAll('.moderated').map(textOf)
    expect(page.querySelectorAll('.moderated-state').map(textOf)).toEqual(['已隐藏，审核中', '已删除'])
    expect(textOf(page.querySelectorAll('.moderated-original')[0])).toBe('停车费太贵 物业乱收费')
    expect(cards[1]).toContain('申诉未通过')
    expect(cards[1]).toContain('审核意见：内容含辱骂')
    // Only the first may be appealed: the second was appealed already.
    expect(page.querySelectorAll('.appeal-write').map(textOf)).toEqual(['申诉'])
  })

  test('appeals once, with a reason and a confirmation, and says so', async () => {
    serveMine([HIDDEN])
    backend.answer('ModerationAppeal', ({ text }) => ({
      moderationAppeal: { appeal: { id: 'a-1', text, state: 'PENDING' }, errors: [] },
    }))
    const page = await openPage('appeals')
    page.querySelector('.appeal-write').dispatchEvent('tap')
    await until(() => expect(page.querySelector('.appeal-text')).toBeTruthy())

    page.querySelector('.appeal-text').dispatchEvent('input', { detail: { value: '太短' } })
    page.querySelector('.appeal-submit').dispatchEvent('tap')
    await until(() => expect(textOf(page.querySelector('.error'))).toBe('请填写申诉理由（5–500 个字）'))
    expect(callsOf('ModerationAppeal')).toHaveLength(0)

    page.querySelector('.appeal-text').dispatchEvent('input', { detail: { value: '我说的是事实，有照片为证' } })
    page.querySelector('.appeal-submit').dispatchEvent('tap')
    await until(() => expect(callsOf('ModerationAppeal')).toHaveLength(1))
    await until(() => expect(page.querySelector('.appeal-state')).toBeTruthy())

    expect(confirmation().content).toContain('每条内容只能申诉一次')
    expect(callsOf('ModerationAppeal')[0].variables).toEqual({ itemId: 'm-1', text: '我说的是事实，有照片为证' })
    expect(textOf(page.querySelector('.appeal-state'))).toBe('申诉审核中')
    expect(page.querySelector('.appeal-write')).toBeFalsy()
    expect(wx.showToast).toHaveBeenCalledWith({ title: '已提交申诉', icon: 'success' })
  })

  test('says when nothing of mine was hidden, in elder mode too', async () => {
    setElderMode(true)
    serveMine([])
    const page = await openPage('appeals')
    expect(textOf(page.querySelector('.empty'))).toBe('您没有被隐藏的内容')
    expect(hasClass(page.querySelector('.page'), 'elder')).toBe(true)
  })
})

describe('on a topic of the 议事厅', () => {
  const topicPage = {
    topic: {
      id: 't-1', state: 'AGENDA', title: '北门停车管理', body: '晚上车太多。', proposed: false, authorName: '李叔叔',
      supporters: 0, supportersNeeded: 3, agendaAt: null, response: null, respondedAt: null, pollId: null,
      hidden: false, closedAt: null, createdAt: '2026-11-01T02:00:00+00:00',
    },
    comments: [
      { id: 'cm-1', parentId: null, body: '同意', authorName: '张阿姨', hidden: false, at: '2026-11-02T02:00:00+00:00' },
      { id: 'cm-2', parentId: 'cm-1', body: '加微信买车位', authorName: '陌生人', hidden: false, at: '2026-11-02T03:00:00+00:00' },
      { id: 'cm-3', parentId: null, body: '我自己被隐藏的评论', authorName: '张阿姨', hidden: true, at: '2026-11-02T04:00:00+00:00' },
    ],
    supportedByMyHousehold: false,
    poll: null,
  }

  test('the topic and every comment still shown can be reported; a reply is reported as a COMMENT', async () => {
    backend.answer('Topic', () => ({ topic: topicPage }))
    backend.answer('ContentReport', () => ({ contentReport: { ok: true, errors: [] } }))
    const page = await openPage('topic', { id: 't-1' })

    expect(page.querySelectorAll('.report-topic')).toHaveLength(1)
    const buttons = page.querySelectorAll('.report-comment')
    expect(buttons).toHaveLength(2) // 同意 and its reply; not the comment already hidden
    const reply = buttons[1]
    reply.querySelector('.report-toggle').dispatchEvent('tap')
    await until(() => expect(reply.querySelector('.report-form')).toBeTruthy())
    choose(reply, '.report-reasons', '广告')
    reply.querySelector('.report-submit').dispatchEvent('tap')
    await until(() => expect(callsOf('ContentReport')).toHaveLength(1))

    expect(callsOf('ContentReport')[0].variables).toEqual({ kind: 'COMMENT', targetId: 'cm-2', reason: 'SPAM', note: '' })
    await until(() => expect(textOf(reply.querySelector('.report-toggle'))).toBe('已举报'))
    expect(textOf(buttons[0].querySelector('.report-toggle'))).toBe('举报')
  })
})
