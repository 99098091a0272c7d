import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { all, answerConfirmations, find, openApp, signedInStaff, toasts } from './ui'
import { connection } from './fakeServer'

const question = (id, text, extra = {}) => ({
  id, text, state: 'OPEN', answer: null, answeredAt: null, published: false, createdAt: '2026-03-01T02:00:00Z',
  askerName: '张阿姨', ...extra,
})

/** The desk's questions; suggestions answer with one published question like the typed text. */
function deskServer() {
  const questions = [
    question('q1', '小区什么时候恢复供水'),
    question('q2', '停车费怎么交', { state: 'ANSWERED', answer: '物业服务中心缴纳', published: true }),
  ]
  const changed = (mutation, change) => ({ id, ...rest }) => {
    const q = questions.find((x) => x.id === id)
    Object.assign(q, change(rest))
    return { data: { [mutation]: { question: q, errors: [] } } }
  }
  return signedInStaff({
    Questions: ({ state }) => ({
      data: { questions: { ...connection(questions.filter((q) => !state || q.state === state)), totalCount: 1 } },
    }),
    QuestionSuggestions: () => ({
      data: { questionSuggestions: [{ id: 'q0', text: '停水通知什么时候恢复', answer: '今晚 8 点前恢复供水' }] },
    }),
    QuestionAnswer: changed('questionAnswer', ({ answer, publish }) => ({ answer, published: publish, state: 'ANSWERED' })),
    QuestionUnpublish: changed('questionUnpublish', () => ({ published: false })),
  })
}

let wrapper
beforeEach(() => localStorage.clear())
afterEach(() => {
  wrapper?.unmount()
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

describe('咨询台', () => {
  it('answers with the wording of a similar published answer, publishes it and says so', async () => {
    const received = deskServer()
    wrapper = await openApp('/questions')
    await vi.waitFor(() => expect(all('question-row')).toHaveLength(1))
    expect(received.find((r) => r.operation === 'Questions').variables).toMatchObject({ communityId: 'c1', state: 'OPEN' })

    await all('question-answer-open')[0].trigger('click')
    const similar = await find('similar-question')
    expect(similar.text()).toContain('停水通知什么时候恢复')
    expect(received.find((r) => r.operation === 'QuestionSuggestions').variables).toEqual({
      communityId: 'c1', text: '小区什么时候恢复供水',
    })
    await (await find('similar-use')).trigger('click')
    await (await find('answer-submit')).trigger('click')

    await vi.waitFor(() => expect(toasts()).toContain('已答复，并公开到常见问题'))
    expect(received.find((r) => r.operation === 'QuestionAnswer').variables).toEqual({
      id: 'q1', answer: '今晚 8 点前恢复供水', publish: true,
    })
    await vi.waitFor(() => expect(all('question-row')).toHaveLength(0)) // no longer waiting for an answer
  })

  it('takes a published question out of the FAQ once confirmed', async () => {
    const received = deskServer()
    wrapper = await openApp('/questions')
    await vi.waitFor(() => expect(all('question-row')).toHaveLength(1))
    await all('question-state-filter')[0].findAll('label').at(-1).trigger('click') // 全部
    await vi.waitFor(() => expect(all('question-unpublish')).toHaveLength(1))

    answerConfirmations(false)
    await all('question-unpublish')[0].trigger('click')
    expect(received.some((r) => r.operation === 'QuestionUnpublish')).toBe(false)
    answerConfirmations(true)
    await all('question-unpublish')[0].trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('已从常见问题撤回'))
    expect(all('question-published')).toHaveLength(0)
  })
})
