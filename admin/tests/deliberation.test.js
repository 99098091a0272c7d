// The 议事厅 pages against a fake server: the list searched on the server, the official response,
// and closing a topic only once confirmed.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { connection, payload, refusal } from './fakeServer'
import { all, answerConfirmations, find, openApp, signedInStaff, textOf, toasts } from './ui'

vi.setConfig({ testTimeout: 20_000 })
vi.mock('../src/charts', () => ({ drawPieChart: () => () => {}, drawBarChart: () => () => {} }))
vi.mock('../src/live', () => ({ subscribe: () => () => {} }))

const topic = (overrides) => ({
  id: 't1',
  state: 'PROPOSED',
  title: '增设电动车充电桩',
  body: '楼下飞线充电很危险。',
  proposed: true,
  authorName: '李叔叔',
  supporters: 4,
  supportersNeeded: 10,
  agendaAt: null,
  response: null,
  respondedAt: null,
  pollId: null,
  hidden: false,
  closedAt: null,
  createdAt: '2026-11-01T02:00:00Z',
  ...overrides,
})
const detail = (overrides, page = {}) => ({
  data: { topic: { topic: topic(overrides), comments: [], supportedByMyHousehold: false, poll: null, ...page } },
})

let wrapper
beforeEach(() => localStorage.clear())
afterEach(() => {
  wrapper?.unmount()
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

describe('topics', () => {
  it('lists the topics with their support and searches by title on the server', async () => {
    const received = signedInStaff({
      Topics: ({ search }) => ({
        data: { topics: { ...connection(search ? [] : [topic(), topic({ id: 't2', proposed: false, state: 'AGENDA', title: '北门停车' })]), totalCount: 2 } },
      }),
    })
    wrapper = await openApp('/topics')

    await vi.waitFor(() => expect(all('topic-row')).toHaveLength(2))
    expect(all('topic-row')[0].text()).toContain('居民提议 · 附议 4/10 户')
    expect(all('topic-state').map((t) => t.text())).toEqual(['征集附议中', '已列入议程'])
    const search = await find('topic-search') // Element Plus puts the attribute on the <input> itself
    await search.setValue('充电')
    search.element.closest('form').dispatchEvent(new Event('submit'))
    await vi.waitFor(() => expect(all('topic-row')).toHaveLength(0))
    expect(received.filter((r) => r.operation === 'Topics').at(-1).variables).toMatchObject({ communityId: 'c1', search: '充电' })
  })
})

describe('topic page', () => {
  it('publishes the official response and shows a refusal as the server words it', async () => {
    let responded = null
    signedInStaff({
      Topic: () => detail({ response: responded }),
      TopicRespond: ({ body }) => {
        if (body.length < 2) return refusal('topicRespond', '请填写官方回应（2–2000 个字）', 'body')
        responded = body
        return payload('topicRespond', { topic: topic({ response: body }) })
      },
    })
    wrapper = await openApp('/topics/t1')

    const input = await find('topic-response-input')
    await input.setValue('好')
    await (await find('topic-respond')).trigger('click')
    await vi.waitFor(async () => expect(await textOf('topic-action-error')).toContain('请填写官方回应（2–2000 个字）'))
    await input.setValue('居委会已联系物业，下月施工。')
    await (await find('topic-respond')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('已发布官方回应，提议人和附议居民会收到通知'))
    await vi.waitFor(async () => expect(await textOf('topic-response')).toContain('居委会已联系物业，下月施工。'))
  })

  it('closes a topic only once confirmed', async () => {
    let state = 'AGENDA'
    const received = signedInStaff({
      Topic: () => detail({ state }),
      TopicClose: () => {
        state = 'CLOSED'
        return payload('topicClose', { topic: topic({ state }) })
      },
    })
    wrapper = await openApp('/topics/t1')

    const confirm = answerConfirmations(false)
    await (await find('topic-close')).trigger('click')
    await vi.waitFor(() => expect(confirm).toHaveBeenCalled())
    expect(received.some((r) => r.operation === 'TopicClose')).toBe(false)

    answerConfirmations(true)
    await (await find('topic-close')).trigger('click')
    await vi.waitFor(() => expect(toasts()).toContain('议题已结束'))
    await vi.waitFor(async () => expect(await textOf('topic-state')).toBe('已结束'))
    expect(all('topic-close')).toHaveLength(0)
  })
})
