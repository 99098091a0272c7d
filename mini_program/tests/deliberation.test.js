// 议事厅: the list of topics, a proposal's support button with its count and threshold (one per
// household, asked before), comments with one level of replies, the official response and the linked
// poll's result, proposing; the server's refusals shown as it words them.
const { installWx, until } = require('./helpers/wx')
const { fakeBackend } = require('./helpers/fakeBackend')
const { openPage, openUrl, textOf } = require('./helpers/pages')
const tokenStore = require('../utils/tokenStore')

let backend
let topics // the server's topics, newest first, as the Topic operation answers them

const TOPIC = {
  id: 't-1', state: 'PROPOSED', title: '增设电动车充电桩', body: '楼下飞线充电很危险，建议增设充电桩。', proposed: true,
  authorName: '李叔叔', supporters: 2, supportersNeeded: 3, agendaAt: null, response: null, respondedAt: null,
  pollId: null, hidden: false, closedAt: null, createdAt: '2026-11-01T02:00:00+00:00',
}

function addTopic(changes = {}, page = {}) {
  const topic = { ...TOPIC, ...changes }
  topics.unshift({ topic, comments: [], supportedByMyHousehold: false, poll: null, ...page })
  return topics[0]
}

const payload = (key, value, errors = []) => ({ [key]: { ...value, errors } })
const refusal = (key, message, code = 'INVALID_INPUT') => ({ [key]: { topic: null, comment: null, errors: [{ code, field: null, message }] } })
const callsOf = (name) => backend.calls.filter((c) => c.operationName === name)

beforeEach(() => {
  backend = fakeBackend()
  installWx(backend.serve)
  tokenStore.setTokens(backend.issueTokens())
  topics = []
  const find = (id) => topics.find((t) => t.topic.id === id)
  backend.answer('Topics', ({ communityId, first }) => {
    expect(communityId).toBe('c-1')
    const nodes = topics.slice(0, first).map((t) => t.topic)
    return { topics: { nodes, pageInfo: { hasNextPage: false, endCursor: null } } }
  })
  backend.answer('Topic', ({ id }) => ({ topic: find(id) || null }))
  backend.answer('TopicSupport', ({ id }) => {
    const found = find(id)
    if (found.supportedByMyHousehold) return refusal('topicSupport', '您家已附议过该提议（每户一次）')
    found.supportedByMyHousehold = true
    found.topic.supporters += 1
    if (found.topic.supporters >= found.topic.supportersNeeded) found.topic.state = 'AGENDA'
    return payload('topicSupport', { topic: found.topic })
  })
  backend.answer('TopicComment', ({ id, body, parentId }) => {
    if (!body.trim()) return refusal('topicComment', '请填写评论内容（1–500 个字）')
    const comment = { id: `cm-${find(id).comments.length + 1}`, parentId, body, authorName: '张阿姨', hidden: false,
      at: '2026-11-05T02:00:00+00:00' }
    find(id).comments.push(comment)
    return payload('topicComment', { comment })
  })
})

test('the list shows each topic with its state and support, opens it, and leads to proposing', async () => {
  addTopic({ id: 't-2', state: 'AGENDA', title: '北门停车管理', proposed: false, response: '已安排' })
  addTopic()

  const list = await openPage('topics')

  expect(list.querySelectorAll('.topic-title').map(textOf)).toEqual(['增设电动车充电桩', '北门停车管理'])
  expect(list.querySelectorAll('.topic-state').map(textOf)).toEqual(['征集附议中', '已列入议程'])
  expect(list.querySelectorAll('.topic-origin').map(textOf)).toEqual(['居民提议 · 已附议 2/3 户', '居委会发起 · 已回应'])
  list.querySelectorAll('.topic')[1].dispatchEvent('tap')
  await until(() => expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/cases/pages/topic/index?id=t-2' }))
  list.querySelector('.propose').dispatchEvent('tap')
  await until(() => expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/cases/pages/propose/index?communityId=c-1' }))
})

test('supporting asks first, then the N-th household makes it an agenda item, and a second support is refused', async () => {
  addTopic()
  const page = await openUrl('/cases/pages/topic/index?id=t-1')
  expect(textOf(page.querySelector('.support-count'))).toBe('已附议 2/3 户')

  wx.showModal.mockImplementationOnce((options) => options.success({ confirm: false, cancel: true }))
  await page.instance.support()
  expect(callsOf('TopicSupport')).toHaveLength(0)
  expect(wx.showModal.mock.calls.at(-1)[0].content).toContain('每户只能附议一次')

  page.querySelector('.support-button').dispatchEvent('tap')
  await until(() => expect(wx.showToast).toHaveBeenCalledWith({ title: '已列入议程', icon: 'success' }))
  await until(() => expect(textOf(page.querySelector('.topic-meta'))).toContain('已列入议程'))
  expect(page.querySelector('.support')).toBeUndefined()

  topics[0].topic.state = 'PROPOSED' // as if still gathering: the server refuses a second support
  await page.instance.load()
  await page.instance.support()
  expect(textOf(page.querySelector('.error'))).toBe('您家已附议过该提议（每户一次）')
})

test('comments show in threads, a reply answers its comment, and an empty one shows the server\'s refusal', async () => {
  addTopic({ state: 'AGENDA' }, { comments: [
    { id: 'cm-1', parentId: null, body: '建议装在北门', authorName: '李叔叔', hidden: false, at: '2026-11-02T02:00:00+00:00' },
  ] })
  const page = await openUrl('/cases/pages/topic/index?id=t-1')
  expect(page.querySelectorAll('.comment-body').map(textOf)).toEqual(['建议装在北门'])

  page.querySelector('.reply-button').dispatchEvent('tap')
  await until(() => expect(textOf(page.querySelector('.replying'))).toContain('回复 李叔叔'))
  page.instance.onDraft({ detail: { value: '同意' } })
  page.querySelector('.send').dispatchEvent('tap')
  await until(() => expect(wx.showToast).toHaveBeenCalledWith({ title: '回复已发布', icon: 'success' }))
  expect(callsOf('TopicComment')[0].variables).toEqual({ id: 't-1', body: '同意', parentId: 'cm-1' })
  await until(() => expect(page.querySelectorAll('.reply .comment-body').map(textOf)).toEqual(['同意']))
  expect(page.querySelector('.replying')).toBeUndefined()

  page.instance.onDraft({ detail: { value: ' ' } })
  await page.instance.comment()
  expect(textOf(page.querySelector('.error'))).toBe('请填写评论内容（1–500 个字）')
})

test('the official response and the linked poll\'s result show, and a poll still hiding its result says so', async () => {
  const poll = { id: 'poll-1', title: '充电桩选址', state: 'PUBLISHED', closesAt: '2026-11-20T02:00:00+00:00', result: {
    outcome: '「北门」获得通过', passed: true, steps: [],
    options: [{ key: 'i1', label: '北门', votes: 12 }, { key: 'i2', label: '南门', votes: 5 }], motions: [] } }
  addTopic({ state: 'CLOSED', response: '居委会已联系物业，下月施工。', pollId: 'poll-1' }, { poll })
  addTopic({ id: 't-2', state: 'AGENDA', pollId: 'poll-2' }, { poll: { ...poll, id: 'poll-2', state: 'OPEN', result: null } })

  const page = await openUrl('/cases/pages/topic/index?id=t-1')
  expect(textOf(page.querySelector('.response'))).toBe('居委会已联系物业，下月施工。')
  expect(textOf(page.querySelector('.poll-outcome'))).toBe('「北门」获得通过')
  expect(page.querySelectorAll('.poll-count').map(textOf)).toEqual(['北门：12 票', '南门：5 票'])
  expect(textOf(page.querySelector('.closed-note'))).toBe('议题已结束，不能再评论')
  expect(page.querySelector('.send')).toBeUndefined()
  page.querySelector('.poll').dispatchEvent('tap')
  await until(() => expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/voting/pages/poll/index?id=poll-1' }))

  const open = await openUrl('/cases/pages/topic/index?id=t-2')
  expect(textOf(open.querySelector('.poll-pending'))).toBe('投票结果尚未公开')
  expect(open.querySelector('.poll-outcome')).toBeUndefined()
})

test('proposing asks first, then opens the new proposal; a resident without a verified home reads why not', async () => {
  backend.answer('TopicPropose', ({ communityId, input }) => {
    expect(communityId).toBe('c-1')
    if (input.title === '没有住址') {
      return refusal('topicPropose', '只有已认证住址的居民才能发起提议，请先认证住址', 'FORBIDDEN')
    }
    return payload('topicPropose', { topic: addTopic({ id: 't-9', title: input.title, supporters: 1 }).topic })
  })
  const page = await openUrl('/cases/pages/propose/index?communityId=c-1')
  page.instance.onTitle({ detail: { value: '增设充电桩' } })
  page.instance.onBody({ detail: { value: '楼下飞线充电很危险。' } })
  page.querySelector('.submit').dispatchEvent('tap')
  await until(() => expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/cases/pages/topic/index?id=t-9' }))
  expect(wx.showModal.mock.calls.at(-1)[0].content).toContain('不能撤回')
  expect(wx.showToast).toHaveBeenCalledWith({ title: '提议已提交', icon: 'success' })

  page.instance.onTitle({ detail: { value: '没有住址' } })
  await page.instance.submit()
  expect(textOf(page.querySelector('.error'))).toBe('只有已认证住址的居民才能发起提议，请先认证住址')
})
