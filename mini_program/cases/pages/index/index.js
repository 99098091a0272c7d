// 诉求与议事: the way to raising a case, my cases, policy questions (政策咨询) and the deliberation
// hall (议事厅), each with a line saying what it is for.
const { elderModeBehavior } = require('../../../utils/elderMode')
const { RAISE_PAGE, MINE_PAGE } = require('../../utils/cases')

const ENTRIES = [
  { url: RAISE_PAGE, label: '我要反映', hint: '报修、投诉、建议，可附照片', className: 'raise-entry' },
  { url: MINE_PAGE, label: '我的诉求', hint: '查看进度、补充信息、催办和评价', className: 'mine-entry' },
  { url: '/cases/pages/faq/index', label: '政策咨询', hint: '常见问题解答，也可以直接提问', className: 'faq-entry' },
  { url: '/cases/pages/topics/index', label: '议事厅', hint: '社区议题讨论，提出您的建议', className: 'topics-entry' },
]

Component({
  behaviors: [elderModeBehavior],

  data: {
    entries: ENTRIES,
  },

  methods: {
    open(event) {
      wx.navigateTo({ url: event.currentTarget.dataset.url })
    },
  },
})
