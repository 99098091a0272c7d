// 政策咨询 against the real backend (SQLite, FTS5 trigram): the committee has answered and published
// 停水通知什么时候恢复 (as the console would); a resident typing 什么时候恢复供水 on 我要咨询 is shown it
// with its answer, and asking a question of her own says so.
const { until } = require('./helpers/wx')
const { openPage, textOf } = require('./helpers/pages')
const { useRealBackend, signIn } = require('./helpers/realBackend')

const { graphql } = useRealBackend()

const WATER = '停水通知什么时候恢复'
const ANSWER = '管道抢修结束后恢复供水，预计今晚 8 点前'

async function publishedWaterQuestion() {
  const { authPasswordLogin } = await graphql('StaffLogin', { username: 'committee', password: 'Linli@2026' }, null, 'admin')
  const token = authPasswordLogin.tokens.accessToken
  const { viewer } = await graphql('Viewer', {}, token, 'admin')
  const communityId = viewer.memberships[0].community.id
  // The committee member asks as a member of the community, so the question is there to answer.
  const { questionAsk } = await graphql('QuestionAsk', { communityId, text: WATER }, token)
  expect(questionAsk.errors).toEqual([])
  const { questionAnswer } = await graphql('QuestionAnswer', { id: questionAsk.question.id, answer: ANSWER, publish: true }, token, 'admin')
  expect(questionAnswer.errors).toEqual([])
}

test('typing a question shows the published one like it, and asking shows a success toast', async () => {
  await publishedWaterQuestion()
  await signIn('居民')

  const page = await openPage('ask')
  page.querySelector('.question-input').dispatchEvent('input', { detail: { value: '什么时候恢复供水' } })
  await until(() => expect(page.querySelectorAll('.suggestion-text').map(textOf)).toEqual([WATER]), 10000)
  page.querySelector('.suggestion').dispatchEvent('tap')
  await until(() => expect(textOf(page.querySelector('.suggestion-answer'))).toBe(ANSWER))

  page.querySelector('.question-input').dispatchEvent('input', { detail: { value: '垃圾分类怎么投放' } })
  await until(() => expect(page.instance.data.text).toBe('垃圾分类怎么投放'))
  page.querySelector('.submit').dispatchEvent('tap')
  await until(() => expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已提交，答复后会通知您' })), 10000)
  expect(page.querySelector('.error')).toBeUndefined()
  expect(page.querySelectorAll('.suggestion')).toHaveLength(0)
  expect(textOf(page.querySelector('.my-question'))).toContain('垃圾分类怎么投放')
})
