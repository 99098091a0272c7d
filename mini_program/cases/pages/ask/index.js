// 我要咨询: ask the community a policy question (or, acting for a relative, ask for them). While the
// user types, published questions like theirs are suggested (a pause in typing, then one request);
// tapping one shows its answer, so many need not ask at all. Below: my questions and their answers.
const { execute, mutate } = require('../../../utils/graphql')
const { PAGED_DATA, loadNextPage } = require('../../../utils/pager')
const { whileBusy } = require('../../../utils/busy')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { formatDateTime } = require('../../../utils/format')
const { communityOf } = require('../../community')

const SUGGEST_AFTER_MS = 300 // the pause in typing that asks for suggestions
const SUGGEST_MIN_CHARS = 3 // the server suggests nothing for less
const MAX_CHARS = 200

const STATE_LABELS = { OPEN: '待答复', ANSWERED: '已答复' }
const questionView = (q) => ({ ...q, stateLabel: STATE_LABELS[q.state], time: formatDateTime(q.createdAt) })

Component({
  behaviors: [elderModeBehavior],

  data: {
    ...PAGED_DATA,
    communityId: '',
    maxChars: MAX_CHARS,
    text: '',
    suggestions: [],
    open: '', // the id of the suggestion whose answer shows
    sending: false,
    busy: false,
    error: '',
  },

  lifetimes: {
    detached() {
      clearTimeout(this.suggestTimer)
    },
  },

  methods: {
    onLoad(options) {
      return whileBusy(this, async () => {
        this.setData({ communityId: await communityOf(options) })
      }).then(() => this.data.communityId && this.loadMore())
    },

    onReachBottom() {
      return this.loadMore()
    },

    loadMore() {
      return loadNextPage(this, async ({ first, after }) => {
        const { myQuestions } = await execute('MyQuestions', { first, after })
        return { nodes: myQuestions.nodes.map(questionView), pageInfo: myQuestions.pageInfo }
      })
    },

    onInput(event) {
      const text = event.detail.value
      this.setData({ text })
      clearTimeout(this.suggestTimer)
      this.suggestTimer = setTimeout(() => this.suggest(text), SUGGEST_AFTER_MS)
    },

    // What the server suggests for `text`, unless the user has typed on since.
    async suggest(text) {
      if (text.trim().length < SUGGEST_MIN_CHARS) {
        this.setData({ suggestions: [], open: '' })
        return
      }
      try {
        const { questionSuggestions } = await execute('QuestionSuggestions', { communityId: this.data.communityId, text })
        if (text === this.data.text) this.setData({ suggestions: questionSuggestions })
      } catch {
        // Suggestions only help: the question can be asked without them.
      }
    },

    toggle(event) {
      const { id } = event.currentTarget.dataset
      this.setData({ open: this.data.open === id ? '' : id })
    },

    async submit() {
      if (this.data.sending) return
      clearTimeout(this.suggestTimer)
      this.setData({ sending: true, error: '' })
      try {
        const { question } = await mutate('QuestionAsk', { communityId: this.data.communityId, text: this.data.text })
        this.setData({ text: '', suggestions: [], open: '', items: [questionView(question), ...this.data.items] })
        wx.showToast({ title: '已提交，答复后会通知您', icon: 'none' })
      } catch (err) {
        this.setData({ error: err.message })
      } finally {
        this.setData({ sending: false })
      }
    },

    browse() {
      wx.navigateTo({ url: `/cases/pages/faq/index?communityId=${this.data.communityId}` })
    },
  },
})
