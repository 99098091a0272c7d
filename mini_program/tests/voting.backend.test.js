// 投票表决 against the real backend: the committee opens a poll (as the console would), a resident
// finds it on the list, casts a ballot on the ballot page and reads the receipt; once the committee
// has closed the poll (which seals the ballots into the log) and published its results (公示), the
// resident checks on the receipt page that the ballot is in the log, and reads the results.
const { until } = require('./helpers/wx')
const { openPage, openUrl, textOf } = require('./helpers/pages')
const { useRealBackend, signIn } = require('./helpers/realBackend')

const { graphql } = useRealBackend()

const DAY_MS = 24 * 3600 * 1000

async function committeeToken() {
  const { authPasswordLogin } = await graphql('StaffLogin', { username: 'committee', password: 'Linli@2026' }, null, 'admin')
  return authPasswordLogin.tokens.accessToken
}

// A secret single-choice poll of every adult of the committee's community, open now.
async function openPoll(title) {
  const token = await committeeToken()
  const { viewer } = await graphql('Viewer', {}, token, 'admin')
  const { pollCreate } = await graphql('PollCreate', {
    communityId: viewer.memberships[0].community.id,
    input: {
      title, kind: 'SINGLE', items: [{ label: '阳光家园' }, { label: '幸福里' }], electorate: 'PERSON',
      scope: { kind: 'COMMUNITY' }, secrecy: 'SECRET', closesAt: new Date(Date.now() + DAY_MS).toISOString(),
    },
  }, token, 'admin')
  expect(pollCreate.errors).toEqual([])
  const { pollOpen } = await graphql('PollOpen', { id: pollCreate.poll.id }, token, 'admin')
  expect(pollOpen.errors).toEqual([])
  return pollCreate.poll.id
}

async function closeAndPublish(pollId) {
  const token = await committeeToken()
  for (const step of ['PollClose', 'PollPublish']) {
    const data = await graphql(step, { id: pollId }, token, 'admin')
    expect(Object.values(data)[0].errors).toEqual([])
  }
}

// The receipt of `code` looked up again, until its ballot is sealed (a job the close queues runs
// the seal) or the wait is over.
async function receiptOnceSealed(pollId, code) {
  const deadline = Date.now() + 20000
  for (;;) {
    const page = await openPage('receipt', { pollId })
    page.querySelector('.code-input').dispatchEvent('input', { detail: { value: code } })
    page.querySelector('.look-up').dispatchEvent('tap')
    await until(() => expect(page.instance.data.receipt).not.toBeNull(), 5000)
    if (page.instance.data.receipt.log || Date.now() > deadline) return page
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

test('a resident finds the open poll, casts a ballot, reads its receipt, checks it is in the log, reads the results', async () => {
  const pollId = await openPoll('小区新名称')
  await signIn('居民')

  const list = await openPage('polls')
  expect(list.querySelector('.error')).toBeUndefined()
  expect(list.querySelectorAll('.open-title').map(textOf)).toEqual(['小区新名称'])
  expect(textOf(list.querySelector('.ballot-state'))).toBe('未投票')

  const poll = await openPage('poll', { id: pollId })
  expect(poll.querySelectorAll('.rule').map(textOf)).toContain('无记名投票：任何人（包括工作人员）都无法知道您投了什么')

  const ballot = await openPage('ballot', { id: pollId })
  const option = ballot.querySelectorAll('.choice').find((b) => textOf(b) === '幸福里')
  option.dispatchEvent('tap')
  await until(() => expect(ballot.querySelector('.chosen')).toBeDefined())
  ballot.querySelector('.cast').dispatchEvent('tap')
  await until(() => expect(wx.redirectTo).toHaveBeenCalled(), 10000)
  expect(ballot.querySelector('.error')).toBeUndefined()
  expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '投票成功' }))

  const receipt = await openUrl(wx.redirectTo.mock.calls[0][0].url)
  expect(receipt.querySelector('.error')).toBeUndefined()
  const code = textOf(receipt.querySelector('.receipt-code'))
  expect(code).toMatch(/^([A-Z2-9]{4}-){7}[A-Z2-9]{4}$/)
  expect(textOf(receipt.querySelector('.line-value'))).toBe('幸福里')

  const after = await openPage('polls')
  expect(textOf(after.querySelector('.ballot-state'))).toBe('已投票')
  const hidden = await openPage('results', { id: pollId })
  expect(hidden.querySelector('.hidden-result')).toBeDefined()

  await closeAndPublish(pollId)
  const sealed = await receiptOnceSealed(pollId, code)
  expect(textOf(sealed.querySelector('.log-message'))).toBe('✓ 我的选票已在公示日志中')
  expect(textOf(sealed.querySelector('.log-detail'))).toContain('日志共 1 张选票，本票为第 1 张')
  const results = await openPage('results', { id: pollId })
  expect(results.querySelector('.error')).toBeUndefined()
  expect(textOf(results.querySelector('.outcome-text'))).not.toBe('')
  expect(results.querySelectorAll('.option-result').map(textOf)).toEqual(['阳光家园0 票', '幸福里1 票'])
})
