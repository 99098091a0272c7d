// 我的被隐藏内容: what I wrote that was hidden after reports (hidden pending review, removed, or
// restored since), as it was first reported, with what became of my appeal; content still hidden
// may be appealed once, with a reason, to a moderator other than the one who decided.
const { execute, mutate } = require('../../../utils/graphql')
const { PAGED_DATA, loadNextPage } = require('../../../utils/pager')
const { whileBusy } = require('../../../utils/busy')
const { confirm, toast } = require('../../../utils/wxp')
const { formatDateTime } = require('../../../utils/format')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { APPEAL_LABELS, KIND_LABELS, STATE_LABELS } = require('../../../utils/moderation')

const HIDDEN = ['HIDDEN', 'REMOVED']

function itemView(item) {
  const appeal = item.appeal && { ...item.appeal, label: APPEAL_LABELS[item.appeal.state] }
  return {
    id: item.id,
    kind: KIND_LABELS[item.kind] || item.kind,
    state: item.state,
    stateLabel: STATE_LABELS[item.state],
    original: item.original,
    hiddenAt: item.hiddenAt ? formatDateTime(item.hiddenAt) : '',
    appeal,
    mayAppeal: HIDDEN.includes(item.state) && !item.appeal,
  }
}

Component({
  behaviors: [elderModeBehavior],

  data: {
    ...PAGED_DATA,
    writing: '', // the item whose appeal is being written
    text: '',
    busy: false,
    error: '',
  },

  methods: {
    onLoad() {
      return this.loadMore()
    },

    onReachBottom() {
      return this.loadMore()
    },

    loadMore() {
      return loadNextPage(this, async ({ first, after }) => {
        const { myModeratedContent } = await execute('MyModeratedContent', { first, after })
        return { nodes: myModeratedContent.nodes.map(itemView), pageInfo: myModeratedContent.pageInfo }
      })
    },

    write(event) {
      this.setData({ writing: event.currentTarget.dataset.id, text: '', error: '' })
    },

    onTextInput(event) {
      this.setData({ text: event.detail.value })
    },

    async appeal() {
      const { writing, text } = this.data
      if (text.trim().length < 5) return this.setData({ error: '请填写申诉理由（5–500 个字）' })
      if (!(await confirm('提交申诉', '每条内容只能申诉一次，由其他审核人员复核。确定提交？', '提交'))) return undefined
      return whileBusy(this, async () => {
        const { appeal } = await mutate('ModerationAppeal', { itemId: writing, text: text.trim() })
        const items = this.data.items.map((item) => (item.id === writing
          ? { ...item, appeal: { ...appeal, label: APPEAL_LABELS[appeal.state] }, mayAppeal: false } : item))
        this.setData({ items, writing: '', text: '' })
        toast('已提交申诉')
      })
    },
  },
})
