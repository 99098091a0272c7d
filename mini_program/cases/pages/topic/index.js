// 议题详情: a topic with the committee's official response, the result of its linked poll (once the
// poll lets me see it), its comments (one level of replies), and, for a proposal still gathering
// support, the support button with the count and the threshold (one per household).
const { execute, mutate } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { confirm, toast } = require('../../../utils/wxp')
const { STATE_LABELS, POLL_STATE_LABELS, originText } = require('../../utils/topics')

const POLL_PAGE = '/voting/pages/poll/index'

// Top-level comments, each with its replies, oldest first.
function threadsOf(comments) {
  const threads = comments.filter((c) => !c.parentId).map((c) => ({ ...c, replies: [] }))
  for (const c of comments) {
    const thread = c.parentId && threads.find((t) => t.id === c.parentId)
    if (thread) thread.replies.push(c)
  }
  return threads
}

function pollView(poll) {
  if (!poll) return null
  const result = poll.result && {
    outcome: poll.result.outcome,
    counts: [
      ...poll.result.options.map((o) => `${o.label}：${o.votes} 票`),
      ...poll.result.motions.map((m) => `${m.label}：同意 ${m.yes} · 反对 ${m.no} · 弃权 ${m.abstain}`),
    ],
  }
  return { id: poll.id, title: poll.title, state: POLL_STATE_LABELS[poll.state], result }
}

function topicView({ topic, comments, supportedByMyHousehold, poll }) {
  return {
    id: topic.id,
    title: topic.title,
    body: topic.body,
    state: STATE_LABELS[topic.state],
    origin: originText(topic),
    author: topic.authorName,
    response: topic.response,
    hidden: topic.hidden,
    closed: topic.state === 'CLOSED',
    // 附议: a proposal gathering support, once per household.
    support: topic.proposed && topic.state === 'PROPOSED'
      ? { count: `已附议 ${topic.supporters}/${topic.supportersNeeded} 户`, done: supportedByMyHousehold }
      : null,
    threads: threadsOf(comments),
    poll: pollView(poll),
  }
}

Component({
  behaviors: [elderModeBehavior],

  data: {
    id: '',
    topic: null,
    missing: false,
    draft: '',
    replyTo: null, // {id, author}: the comment a reply answers
    busy: false,
    error: '',
  },

  methods: {
    onLoad({ id }) {
      this.setData({ id })
      return this.load()
    },

    load() {
      return whileBusy(this, async () => {
        const { topic } = await execute('Topic', { id: this.data.id })
        this.setData({ topic: topic && topicView(topic), missing: !topic })
      })
    },

    async support() {
      if (!(await confirm('附议', '每户只能附议一次，附议后不能撤回。确定以您家的名义附议？', '附议'))) return
      await whileBusy(this, async () => {
        const { topic } = await mutate('TopicSupport', { id: this.data.id })
        toast(topic.state === 'AGENDA' ? '已列入议程' : '已附议')
      })
      if (!this.data.error) await this.load()
    },

    onDraft(event) {
      this.setData({ draft: event.detail.value })
    },

    reply(event) {
      const { id, author } = event.currentTarget.dataset
      this.setData({ replyTo: { id, author } })
    },

    cancelReply() {
      this.setData({ replyTo: null })
    },

    async comment() {
      await whileBusy(this, async () => {
        const { draft, replyTo } = this.data
        await mutate('TopicComment', { id: this.data.id, body: draft, parentId: replyTo ? replyTo.id : null })
        toast(replyTo ? '回复已发布' : '评论已发布')
        this.setData({ draft: '', replyTo: null })
      })
      if (!this.data.error) await this.load()
    },

    openPoll() {
      wx.navigateTo({ url: `${POLL_PAGE}?id=${encodeURIComponent(this.data.topic.poll.id)}` })
    },
  },
})
