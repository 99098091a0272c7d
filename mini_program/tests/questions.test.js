// 政策咨询: typing a question shows the published questions the server finds like it, tapping one
// shows its answer, asking says so in a toast and lists the question under 我的咨询; the FAQ searches.
const { installWx, until } = require('./helpers/wx')
const { fakeBackend } = require('./helpers/fakeBackend')
const { openPage, textOf } = require('./helpers/pages')
const tokenStore = require('../utils/tokenStore')

const WATER = { id: 'q-1', text: '停水通知什么时候恢复', answer: '管道抢修结束后恢复供水，预计今晚 8 点前' }

let backend
let asked

jest.setTimeout(20000) // the first page a file opens loads slowly on a busy machine

beforeEach(() => {
  backend = fakeBackend()
  installWx(backend.serve)
  tokenStore.setTokens(backend.issueTokens())
  asked = []
  // The server's matching is tested in tests/integration/test_consult.py: here, one question like 恢复供水.
  backend.answer('QuestionSuggestions', ({ text }) => ({ questionSuggestions: text.includes('恢复供水') ? [WATER] : [] }))
  backend.answer('MyQuestions', () => ({ myQuestions: { nodes: asked, pageInfo: { hasNextPage: false, endCursor: null } } }))
  backend.answer('QuestionAsk', ({ text }) => {
    if (text.trim().length < 5) {
      return { questionAsk: { question: null, errors: [{ code: 'INVALID_INPUT', field: 'text', message: '咨询内容须为 5–200 个字' }] } }
    }
    const question = { id: `q-${asked.length + 10}`, text, state: 'OPEN', answer: null, answeredAt: null,
      published: false, createdAt: '2026-11-02T02:00:00+00:00' }
    asked.unshift(question)
    return { questionAsk: { question, errors: [] } }
  })
  backend.answer('Faq', ({ search }) => ({
    faq: { nodes: !search || WATER.answer.includes(search) ? [{ ...WATER, publishedAt: '2026-11-01T02:00:00+00:00' }] : [],
      pageInfo: { hasNextPage: false, endCursor: null } },
  }))
})

const callsOf = (operationName) => backend.calls.filter((c) => c.operationName === operationName)
const type = (page, value) => page.querySelector('.question-input').dispatchEvent('input', { detail: { value } })

test('typing shows the similar answered question after a pause, and tapping it shows its answer', async () => {
  const page = await openPage('ask', { communityId: 'c-1' })
  type(page, '什么')
  type(page, '什么时候恢复供水')

  await until(() => expect(page.querySelectorAll('.suggestion-text').map(textOf)).toEqual([WATER.text]), 5000)
  // One request for the pause, with what was typed last (两个字 is too short to ask about).
  expect(callsOf('QuestionSuggestions').map((c) => c.variables)).toEqual([
    { communityId: 'c-1', text: '什么时候恢复供水' }])
  expect(page.querySelector('.suggestion-answer')).toBeFalsy()
  page.querySelector('.suggestion').dispatchEvent('tap')
  await until(() => expect(textOf(page.querySelector('.suggestion-answer'))).toBe(WATER.answer))

  type(page, '垃圾分类怎么投放')
  await until(() => expect(page.querySelectorAll('.suggestion')).toHaveLength(0))
})

test('asking shows a success toast and the question under 我的咨询', async () => {
  const page = await openPage('ask', { communityId: 'c-1' })
  expect(textOf(page.querySelector('.page'))).toContain('还没有咨询过')
  type(page, '什么时候恢复供水')
  page.querySelector('.submit').dispatchEvent('tap')

  await until(() => expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已提交，答复后会通知您' })))
  expect(callsOf('QuestionAsk').map((c) => c.variables)).toEqual([{ communityId: 'c-1', text: '什么时候恢复供水' }])
  await until(() => expect(textOf(page.querySelector('.my-question'))).toContain('什么时候恢复供水'))
  expect(textOf(page.querySelector('.my-question'))).toContain('待答复')
  expect(page.instance.data.text).toBe('')
})

test("a refused question shows the server's message and no toast", async () => {
  const page = await openPage('ask', { communityId: 'c-1' })
  type(page, '停水')
  page.querySelector('.submit').dispatchEvent('tap')
  await until(() => expect(textOf(page.querySelector('.error'))).toBe('咨询内容须为 5–200 个字'))
  expect(wx.showToast).not.toHaveBeenCalled()
})

test("without a community in the url the page asks in the viewer's", async () => {
  const page = await openPage('ask')
  expect(callsOf('Viewer')).toHaveLength(1)
  type(page, '什么时候恢复供水')
  await until(() => expect(callsOf('QuestionSuggestions').at(-1).variables.communityId).toBe('c-1'))
})

test('the FAQ finds a question by a word of its answer and shows the answer on a tap', async () => {
  const page = await openPage('faq', { communityId: 'c-1' })
  expect(page.querySelectorAll('.faq-question').map(textOf)).toEqual([WATER.text])
  const search = async (value) => {
    page.querySelector('.search-input').dispatchEvent('input', { detail: { value } })
    await until(() => expect(page.instance.data.search).toBe(value))
    page.querySelector('.search-button').dispatchEvent('tap')
    await until(() => expect(callsOf('Faq').at(-1).variables).toMatchObject({ communityId: 'c-1', search: value, after: null }))
  }
  await search('停车')
  await until(() => expect(textOf(page.querySelector('.empty'))).toBe('没有找到相关问题'))
  await search('供水')
  await until(() => expect(page.querySelectorAll('.faq-question').map(textOf)).toEqual([WATER.text]))
  page.querySelector('.faq-entry').dispatchEvent('tap')
  await until(() => expect(textOf(page.querySelector('.faq-answer'))).toBe(WATER.answer))
})
