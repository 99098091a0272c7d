// 我要提议: a resident with a verified home proposes a topic for their household (its first
// supporter); it becomes an agenda item once enough households support it.
const { mutate } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { confirm, toast } = require('../../../utils/wxp')
const { TOPIC_PAGE } = require('../../utils/topics')

Component({
  behaviors: [elderModeBehavior],

  data: {
    communityId: '',
    title: '',
    body: '',
    busy: false,
    error: '',
  },

  methods: {
    onLoad({ communityId }) {
      this.setData({ communityId: communityId || '' })
    },

    onTitle(event) {
      this.setData({ title: event.detail.value })
    },

    onBody(event) {
      this.setData({ body: event.detail.value })
    },

    async submit() {
      if (!(await confirm('提交提议', '提交后不能撤回，将以您家的名义征集附议（每户一次）。确定提交？', '提交'))) return
      await whileBusy(this, async () => {
        const { communityId, title, body } = this.data
        const { topic } = await mutate('TopicPropose', { communityId, input: { title, body } })
        toast('提议已提交')
        wx.redirectTo({ url: `${TOPIC_PAGE}?id=${encodeURIComponent(topic.id)}` })
      })
    },
  },
})
