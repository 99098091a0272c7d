// 举报 for any content moderation knows (`kind`: TOPIC, COMMENT…; `target-id`): the reporter picks a
// reason (其他 needs a note), confirms, and is told it went through. Three verified residents' reports
// hide the content pending review; the server says why it refuses (one's own content, twice…).
const { mutate } = require('../../utils/graphql')
const { confirm, toast } = require('../../utils/wxp')
const { whileBusy } = require('../../utils/busy')
const { REASONS } = require('../../utils/moderation')

Component({
  // app.wxss reaches inside, for the theme and 长辈模式's large tap targets.
  options: { styleIsolation: 'apply-shared' },

  properties: {
    kind: { type: String, value: '' },
    targetId: { type: String, value: '' },
  },

  data: {
    reasons: REASONS,
    open: false,
    reason: '',
    note: '',
    reported: false,
    busy: false,
    error: '',
  },

  methods: {
    toggle() {
      if (!this.data.reported) this.setData({ open: !this.data.open, error: '' })
    },

    choose(event) {
      this.setData({ reason: event.detail.value, error: '' })
    },

    onNoteInput(event) {
      this.setData({ note: event.detail.value })
    },

    async submit() {
      const { reason, note, kind, targetId } = this.data
      if (!reason) return this.setData({ error: '请选择举报理由' })
      if (reason === 'OTHER' && !note.trim()) return this.setData({ error: '选择“其他”时请说明举报理由' })
      if (!(await confirm('确认举报', '举报后不能撤回，审核人员会核实处理。确定举报？', '举报'))) return undefined
      return whileBusy(this, async () => {
        await mutate('ContentReport', { kind, targetId, reason, note: note.trim() })
        this.setData({ reported: true, open: false })
        toast('已举报')
      })
    },
  },
})
