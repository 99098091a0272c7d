// 投票表决: the polls I am asked to vote in, a poll's rules, casting each kind of ballot (in 长辈模式
// one question a screen), the server's refusals, acting for a relative, and the receipt.
const { installWx, until } = require('./helpers/wx')
const { fakeBackend, VIEWER, ELDER } = require('./helpers/fakeBackend')
const { openPage, openUrl, textOf, bannerText, choose } = require('./helpers/pages')
const tokenStore = require('../utils/tokenStore')
const session = require('../utils/session')
const { setElderMode } = require('../utils/elderMode')

let backend

beforeEach(() => {
  backend = fakeBackend()
  installWx(backend.serve)
  tokenStore.setTokens(backend.issueTokens())
})

const MY_HOME = { entryId: 'e-1', label: '阳光花园 1栋 1单元 101' }
const options = (...labels) => labels.map((label, i) => ({ key: `o${i + 1}`, label, type: null }))

function addPoll(poll, voters = { [VIEWER.id]: [MY_HOME] }) {
  return backend.voting.addPoll({ id: `poll-${poll.title}`, ...poll }, { voters })
}

const castCalls = () => backend.calls.filter((c) => c.operationName === 'BallotCast')
const texts = (page, selector) => page.querySelectorAll(selector).map(textOf)

// Taps the option (or 同意/反对/弃权) labelled `label` of the ballot's `question`th question.
function tapOption(ballot, label, question = 0) {
  const buttons = ballot.querySelectorAll('.choice').filter((b) => b.dom.getAttribute('data-question') === String(question))
  const labels = buttons.map(textOf).map((t) => t.replace(/^✓ /, ''))
  expect(labels).toContain(label)
  buttons[labels.indexOf(label)].dispatchEvent('tap')
}

// Taps 投出选票, confirms, and waits for the cast to be answered.
async function castBallot(ballot) {
  const sent = castCalls().length
  ballot.querySelector('.cast').dispatchEvent('tap')
  await until(() => expect(castCalls()).toHaveLength(sent + 1))
  await until(() => expect(ballot.instance.data.busy).toBe(false))
}

const confirmation = () => wx.showModal.mock.calls.at(-1)[0]

test('the list: open polls first, with their deadline and whether my ballot is in, then the finished ones', async () => {
  addPoll({ title: '去年的议题', state: 'PUBLISHED' })
  addPoll({ title: '电梯加装', closesAt: '2026-11-20T10:00:00+00:00' })
  backend.voting.entries('poll-电梯加装', VIEWER.id)[0].voted = true
  addPoll({ title: '停车位划线', state: 'CLOSED' })
  addPoll({ title: '垃圾分类时间', closesAt: '2026-11-25T10:00:00+00:00' })
  addPoll({ title: '别人的投票' }, { 'p-9': [MY_HOME] })

  const list = await openPage('polls')

  expect(texts(list, '.open-title')).toEqual(['垃圾分类时间', '电梯加装'])
  expect(texts(list, '.ballot-state')).toEqual(['未投票', '已投票'])
  expect(textOf(list.querySelectorAll('.open-poll')[0])).toMatch(/截止 2026-11-25 \d\d:00/)
  expect(texts(list, '.finished-title')).toEqual(['停车位划线', '去年的议题'])
  expect(textOf(list.querySelectorAll('.finished-poll')[0])).toContain('已截止')
  // Whether my ballots are in comes with the page: no request per poll.
  expect(backend.calls.filter((c) => c.operationName === 'Poll')).toEqual([])

  list.querySelectorAll('.open-poll')[0].dispatchEvent('tap')
  await until(() => expect(wx.navigateTo).toHaveBeenCalledWith({ url: `/voting/pages/poll/index?id=${encodeURIComponent('poll-垃圾分类时间')}` }))
})

test('home counts the open polls still waiting for my ballot', async () => {
  addPoll({ title: '电梯加装' })
  addPoll({ title: '垃圾分类时间' })
  addPoll({ title: '停车位划线', state: 'CLOSED' })
  backend.voting.entries('poll-电梯加装', VIEWER.id)[0].voted = true

  const home = await openPage('home')
  await home.instance.onShow()

  await until(() => expect(home.querySelector('.polls-badge')).toBeDefined())
  expect(textOf(home.querySelector('.polls-badge'))).toBe('1 项待投')
})

test('a poll explains its rules in plain words, its turnout and my ballot', async () => {
  addPoll({
    title: '使用维修资金', kind: 'MOTIONS', items: options('更换水泵', '外墙修缮'), electorate: 'OWNERS_ASSEMBLY',
    matter: 'MAJOR', secrecy: 'SECRET', results: 'AFTER_CLOSE', electorateSize: 120, electorateAreaDm2: 1200000,
    thresholds: {
      participationArea: { numerator: 2, denominator: 3, strict: false },
      participationHeadcount: { numerator: 2, denominator: 3, strict: false },
      passArea: { numerator: 3, denominator: 4, strict: false },
      passHeadcount: { numerator: 3, denominator: 4, strict: false },
    },
  })

  const poll = await openPage('poll', { id: 'poll-使用维修资金' })

  const rules = texts(poll, '.rule')
  expect(rules[0]).toContain('业主大会')
  expect(rules).toEqual(expect.arrayContaining([
    '重大事项，按面积和人数双重计算（民法典 第二百七十八条）',
    '参与表决的业主：专有面积不少于 2/3，人数不少于 2/3',
    '通过须同意的：参与表决面积不少于 3/4，参与表决人数不少于 3/4',
    '无记名投票：任何人（包括工作人员）都无法知道您投了什么',
    '截止后才公布结果，之前只显示参与人数',
    '投出后不能修改',
  ]))
  expect(textOf(poll.querySelector('.turnout'))).toContain('已参与 0 / 120 户业主')
  expect(textOf(poll.querySelector('.entry-label'))).toBe('阳光花园 1栋 1单元 101')
  expect(textOf(poll.querySelector('.entry-state'))).toBe('未投票')
  expect(textOf(poll.querySelector('.vote'))).toBe('去投票')

  poll.querySelector('.vote').dispatchEvent('tap')
  await until(() => expect(wx.navigateTo).toHaveBeenCalledWith({ url: `/voting/pages/ballot/index?id=${encodeURIComponent('poll-使用维修资金')}` }))
})

test('casting a single choice: the confirmation reads it back, a toast, then the receipt with its code', async () => {
  addPoll({ title: '小区名称', items: options('阳光家园', '幸福里') })
  const ballot = await openPage('ballot', { id: 'poll-小区名称' })

  tapOption(ballot, '幸福里')
  await castBallot(ballot)

  expect(confirmation()).toMatchObject({ title: '确认投票', confirmText: '投出' })
  expect(confirmation().content).toBe('请选择一项：幸福里\n投出后不能修改')
  expect(castCalls()[0].variables).toEqual({ pollId: 'poll-小区名称', ballot: { choices: ['o2'] }, entryId: 'e-1', receiptCode: null })
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '投票成功' }))
  const [{ code }] = backend.voting.ballots('poll-小区名称')
  const [[{ url }]] = wx.redirectTo.mock.calls
  expect(url).not.toContain(code.slice(0, 4)) // handed over in memory, never in a URL

  const receipt = await openUrl(url)
  expect(textOf(receipt.querySelector('.cast-done'))).toBe('投票成功')
  expect(textOf(receipt.querySelector('.receipt-code'))).toBe(code)
  expect(textOf(receipt.querySelector('.keep'))).toBe('请保存，改票或核验时需要')
  expect(textOf(receipt.querySelector('.line-value'))).toBe('幸福里')
  expect(textOf(receipt.querySelector('.log-pending'))).toContain('尚未封存')

  receipt.querySelector('.copy').dispatchEvent('tap')
  await until(() => expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已复制' })))
  expect(wx.setClipboardData).toHaveBeenCalledWith(expect.objectContaining({ data: code }))
})

test('a motions ballot: 同意, 反对 or 弃权 on each motion', async () => {
  addPoll({ title: '年度议题', kind: 'MOTIONS', items: options('更换物业', '增设充电桩', '调整停车费') })
  const ballot = await openPage('ballot', { id: 'poll-年度议题' })
  expect(texts(ballot, '.question-title')).toEqual(['更换物业', '增设充电桩', '调整停车费'])

  tapOption(ballot, '反对', 0)
  tapOption(ballot, '同意', 1)
  tapOption(ballot, '同意', 2)
  tapOption(ballot, '弃权', 2) // changing one's mind before casting
  await castBallot(ballot)

  expect(confirmation().content).toBe('更换物业：反对\n增设充电桩：同意\n调整停车费：弃权\n投出后不能修改')
  expect(castCalls()[0].variables.ballot).toEqual({
    motions: [{ key: 'o1', answer: 'NO' }, { key: 'o2', answer: 'YES' }, { key: 'o3', answer: 'ABSTAIN' }],
  })
  expect(backend.voting.ballots('poll-年度议题')[0].answer).toEqual({ motions: { o1: 'NO', o2: 'YES', o3: 'ABSTAIN' } })
  expect(wx.redirectTo).toHaveBeenCalled()
})

test('in 长辈模式 one question a screen, 上一题 and 下一题, and the cast on the last', async () => {
  setElderMode(true)
  addPoll({ title: '年度议题', kind: 'MOTIONS', items: options('更换物业', '增设充电桩', '调整停车费') })
  const ballot = await openPage('ballot', { id: 'poll-年度议题' })
  const shown = () => texts(ballot, '.question-title')

  expect(shown()).toEqual(['更换物业'])
  expect(textOf(ballot.querySelector('.progress'))).toBe('第 1 / 3 题')
  expect(ballot.querySelector('.cast')).toBeUndefined()
  const go = async (button, title) => {
    ballot.querySelector(button).dispatchEvent('tap')
    await until(() => expect(shown()).toEqual([title]))
  }
  tapOption(ballot, '同意')
  await go('.next', '增设充电桩')
  tapOption(ballot, '反对', 1)
  await go('.previous', '更换物业')
  expect(textOf(ballot.querySelector('.chosen'))).toBe('✓ 同意') // kept while going back and forth
  await go('.next', '增设充电桩')
  await go('.next', '调整停车费')
  expect(textOf(ballot.querySelector('.progress'))).toBe('第 3 / 3 题')
  expect(ballot.querySelector('.next')).toBeUndefined()
  tapOption(ballot, '弃权', 2)
  await castBallot(ballot)

  expect(castCalls()[0].variables.ballot.motions.map((m) => m.answer)).toEqual(['YES', 'NO', 'ABSTAIN'])
})

test('a refused ballot shows the server\'s words and stays on the ballot, the choices kept', async () => {
  addPoll({ title: '活动项目', kind: 'MULTIPLE', items: options('太极', '合唱', '书法'), minChoices: 1, maxChoices: 2 })
  const ballot = await openPage('ballot', { id: 'poll-活动项目' })
  expect(textOf(ballot.querySelector('.question'))).toContain('可选 1–2 项')

  tapOption(ballot, '太极')
  tapOption(ballot, '合唱')
  tapOption(ballot, '书法')
  await castBallot(ballot)

  expect(textOf(ballot.querySelector('.error'))).toBe('最多只能选择 2 项')
  expect(wx.redirectTo).not.toHaveBeenCalled()
  expect(wx.showToast).not.toHaveBeenCalled()
  expect(texts(ballot, '.chosen')).toEqual(['✓ 太极', '✓ 合唱', '✓ 书法'])
  expect(backend.voting.ballots('poll-活动项目')).toEqual([])

  tapOption(ballot, '书法') // a second tap takes it back
  await castBallot(ballot)
  expect(ballot.querySelector('.error')).toBeUndefined()
  expect(backend.voting.ballots('poll-活动项目')[0].answer).toEqual({ choices: ['o1', 'o2'] })
})

test('a questionnaire: text and number answers, a number the server refuses', async () => {
  addPoll({
    title: '出行调查', kind: 'QUESTIONNAIRE',
    items: [{ key: 'q1', label: '您家有几辆车', type: 'NUMBER' }, { key: 'q2', label: '您的建议', type: 'TEXT' }],
  })
  const ballot = await openPage('ballot', { id: 'poll-出行调查' })
  const [number, text] = ballot.querySelectorAll('.answer')

  number.dispatchEvent('input', { detail: { value: '两辆' } })
  text.dispatchEvent('input', { detail: { value: ' 多设非机动车位 ' } })
  await castBallot(ballot)
  expect(textOf(ballot.querySelector('.error'))).toBe('「您家有几辆车」须填写数字')

  number.dispatchEvent('input', { detail: { value: '2' } })
  await castBallot(ballot)
  expect(castCalls().at(-1).variables.ballot).toEqual({ answers: [{ key: 'q1', number: 2 }, { key: 'q2', text: '多设非机动车位' }] })
  expect(wx.redirectTo).toHaveBeenCalled()
})

test('acting for 王爷爷: the banner says so, his ballot is cast with X-Acting-For, the confirmation names him', async () => {
  session.setActingFor({ id: ELDER.id, name: ELDER.displayName })
  addPoll({ title: '电梯加装', items: options('同意加装', '不同意') }, { [ELDER.id]: [{ entryId: 'e-2', label: '阳光花园 1栋 1单元 102' }] })

  const list = await openPage('polls')
  expect(bannerText(list)).toBe('正在为 王爷爷 代办')
  expect(texts(list, '.open-title')).toEqual(['电梯加装'])
  const ballot = await openPage('ballot', { id: 'poll-电梯加装' })
  expect(bannerText(ballot)).toBe('正在为 王爷爷 代办')

  tapOption(ballot, '同意加装')
  await castBallot(ballot)

  expect(confirmation().content).toBe('为 王爷爷 代投\n请选择一项：同意加装\n投出后不能修改')
  expect(castCalls()[0]).toMatchObject({ actingFor: ELDER.id, variables: { entryId: 'e-2' } })
  expect(backend.voting.entries('poll-电梯加装', ELDER.id)[0]).toMatchObject({ voted: true, channel: 'PROXY' })
  const poll = await openPage('poll', { id: 'poll-电梯加装' })
  expect(textOf(poll.querySelector('.entry-state'))).toBe('已投票（代投）')
  expect(poll.querySelector('.vote')).toBeUndefined()
})

test('whoever may cast two ballots chooses which, and a written authorisation says so', async () => {
  addPoll({ title: '小区名称', items: options('阳光家园', '幸福里') }, {
    [VIEWER.id]: [MY_HOME, { entryId: 'e-7', label: '阳光花园 2栋 1单元 301', proxied: true }],
  })
  backend.voting.entries('poll-小区名称', VIEWER.id)[0].voted = true
  const ballot = await openPage('ballot', { id: 'poll-小区名称' })

  expect(ballot.querySelector('.entries').querySelectorAll('.choice').map(textOf)).toEqual(['阳光花园 1栋 1单元 101（已投）', '阳光花园 2栋 1单元 301（受托代投）'])
  expect(textOf(ballot.querySelector('.entries').querySelector('.chosen'))).toBe('阳光花园 2栋 1单元 301（受托代投）')
  tapOption(ballot, '阳光家园')
  await castBallot(ballot)
  expect(castCalls()[0].variables.entryId).toBe('e-7')

  choose(ballot, '.entries', '阳光花园 1栋 1单元 101（已投）')
  await castBallot(ballot)
  expect(textOf(ballot.querySelector('.error'))).toBe('您已投票，本次投票不允许改票')
})

test('changing a secret ballot asks for the old receipt code, which the change makes void', async () => {
  addPoll({ title: '小区名称', items: options('阳光家园', '幸福里'), secrecy: 'SECRET', allowChange: true })
  const { receiptCode } = backend.voting.operations.BallotCast(
    { pollId: 'poll-小区名称', ballot: { choices: ['o1'] } }, { person: VIEWER.id }).ballotCast
  const poll = await openPage('poll', { id: 'poll-小区名称' })
  expect(textOf(poll.querySelector('.vote'))).toBe('改票')

  const ballot = await openPage('ballot', { id: 'poll-小区名称' })
  tapOption(ballot, '幸福里')
  await castBallot(ballot)
  expect(confirmation().content).toBe('请选择一项：幸福里\n截止前可以改票')
  expect(textOf(ballot.querySelector('.error'))).toBe('秘密投票改票须提供原选票的回执码')

  ballot.querySelector('.receipt-code-input').dispatchEvent('input', { detail: { value: receiptCode } })
  await castBallot(ballot)
  expect(castCalls().at(-1).variables.receiptCode).toBe(receiptCode)
  expect(backend.voting.ballots('poll-小区名称').map((b) => b.answer)).toEqual([{ choices: ['o2'] }])
  expect(wx.redirectTo).toHaveBeenCalled()
})

test('a receipt found again by its code; a wrong code is told so', async () => {
  addPoll({ title: '小区名称', items: options('阳光家园', '幸福里') })
  const { receiptCode } = backend.voting.operations.BallotCast(
    { pollId: 'poll-小区名称', ballot: { choices: ['o1'] } }, { person: VIEWER.id }).ballotCast
  const receipt = await openPage('receipt', { pollId: 'poll-小区名称' })
  const typeCode = (code) => {
    receipt.querySelector('.code-input').dispatchEvent('input', { detail: { value: code } })
    receipt.querySelector('.look-up').dispatchEvent('tap')
  }

  typeCode('AAAA-BBBB')
  await until(() => expect(receipt.querySelector('.error')).toBeDefined())
  expect(textOf(receipt.querySelector('.error'))).toBe('找不到该回执码的选票（改票后旧回执码作废）')

  typeCode(` ${receiptCode} `)
  await until(() => expect(receipt.querySelector('.receipt-code')).toBeDefined())
  expect(textOf(receipt.querySelector('.receipt-code'))).toBe(receiptCode)
  expect(textOf(receipt.querySelector('.line-value'))).toBe('阳光家园')
  expect(receipt.querySelector('.cast-done')).toBeUndefined()

  wx.setClipboardData.mockImplementation((options) => options.fail({ errMsg: 'setClipboardData:fail privacy permission is not authorized' }))
  receipt.querySelector('.copy').dispatchEvent('tap')
  await until(() => expect(receipt.querySelector('.error')).toBeDefined())
  expect(textOf(receipt.querySelector('.error'))).toBe('未能复制，请长按回执码手动复制')
})

test('the results once the poll shows them: the verdict, each step with its numbers, the counts', async () => {
  addPoll({
    title: '年度议题', kind: 'MOTIONS', state: 'PUBLISHED', items: options('更换物业', '增设充电桩'),
    result: {
      outcome: '2 项议题中 1 项通过',
      passed: false,
      quorumMet: true,
      steps: [{ text: '参与表决 210 / 300 户（70%），达到 2/3', met: true }, { text: '共收到 210 张选票', met: null }],
      options: [],
      motions: [
        { key: 'o1', label: '更换物业', yes: 150, no: 50, abstain: 10, passed: true, steps: [{ text: '同意 150 / 210 户，过半数', met: true }] },
        { key: 'o2', label: '增设充电桩', yes: 90, no: 100, abstain: 20, passed: false, steps: [{ text: '同意 90 / 210 户，未过半数', met: false }] },
      ],
      questions: [],
    },
  })
  const poll = await openPage('poll', { id: 'poll-年度议题' })
  poll.querySelector('.open-results').dispatchEvent('tap')
  await until(() => expect(wx.navigateTo).toHaveBeenCalled())

  const results = await openUrl(wx.navigateTo.mock.calls[0][0].url)

  expect(textOf(results.querySelector('.verdict'))).toBe('未通过')
  expect(textOf(results.querySelector('.outcome-text'))).toBe('2 项议题中 1 项通过')
  expect(texts(results, '.step')).toEqual(['✓参与表决 210 / 300 户（70%），达到 2/3', '共收到 210 张选票'])
  expect(texts(results, '.motion-result')).toEqual([
    '更换物业通过同意 150 · 反对 50 · 弃权 10✓ 同意 150 / 210 户，过半数',
    '增设充电桩未通过同意 90 · 反对 100 · 弃权 20✗ 同意 90 / 210 户，未过半数',
  ])
})

test('a single choice\'s counts (with the area in an owners\' assembly), and no results before they may be seen', async () => {
  addPoll({
    title: '选聘物业', state: 'CLOSED', electorate: 'OWNERS_ASSEMBLY', items: options('甲物业', '乙物业'),
    result: {
      outcome: '甲物业当选', passed: true, quorumMet: true, steps: [], motions: [], questions: [],
      options: [{ key: 'o1', label: '甲物业', votes: 80, areaDm2: 812345 }, { key: 'o2', label: '乙物业', votes: 20, areaDm2: 200000 }],
    },
  })
  addPoll({ title: '年度议题', kind: 'MOTIONS', items: options('更换物业'), result: null })

  const results = await openPage('results', { id: 'poll-选聘物业' })
  expect(textOf(results.querySelector('.verdict'))).toBe('通过')
  expect(texts(results, '.option-result')).toEqual(['甲物业80 票，8123.45㎡', '乙物业20 票，2000.00㎡'])

  const hidden = await openPage('results', { id: 'poll-年度议题' })
  expect(textOf(hidden.querySelector('.hidden-result'))).toBe('结果尚未公布：截止（或公示）后可以查看')
  expect(hidden.querySelector('.outcome')).toBeUndefined()
  const poll = await openPage('poll', { id: 'poll-年度议题' })
  expect(poll.querySelector('.open-results')).toBeUndefined()
})
