// A poll's result (once the poll lets me see it: after close or 公示, or live): the verdict in one
// line, each step of the decision with its numbers (turnout, participation, the double majority),
// and the counts of each option, motion or question.
const { execute } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { STATE_LABELS } = require('../../utils/polls')

const VERDICTS = { true: '通过', false: '未通过' }
const squareMetres = (dm2) => `${(dm2 / 100).toFixed(2)}㎡`

// A step with its mark: ✓ met, ✗ not met, none for a figure that tests nothing.
const stepView = (s) => ({ text: s.text, mark: s.met === true ? '✓' : s.met === false ? '✗' : '', met: s.met })

function resultView(result) {
  return {
    outcome: result.outcome,
    verdict: result.passed === null || result.passed === undefined ? '' : VERDICTS[result.passed],
    passed: result.passed,
    steps: result.steps.map(stepView),
    options: result.options.map((o) => ({
      key: o.key, label: o.label, count: `${o.votes} 票${o.areaDm2 === null || o.areaDm2 === undefined ? '' : `，${squareMetres(o.areaDm2)}`}`,
    })),
    motions: result.motions.map((m) => ({
      key: m.key,
      label: m.label,
      count: `同意 ${m.yes} · 反对 ${m.no} · 弃权 ${m.abstain}`,
      verdict: m.passed === null ? '' : VERDICTS[m.passed],
      passed: m.passed,
      steps: m.steps.map(stepView),
    })),
    questions: result.questions.map((q) => ({
      key: q.key,
      label: q.label,
      count: `${q.answers} 人回答${q.average === null ? '' : `，平均 ${Math.round(q.average * 100) / 100}`}`,
      texts: q.texts,
    })),
  }
}

Component({
  behaviors: [elderModeBehavior],

  data: {
    title: '',
    state: '',
    result: null,
    hidden: false, // not to be seen yet: turnout only until the poll lets me
    busy: false,
    error: '',
  },

  methods: {
    onLoad({ id }) {
      return whileBusy(this, async () => {
        const { poll } = await execute('Poll', { id })
        if (!poll) throw new Error('找不到该投票，或您不在本次投票的选民名单中')
        this.setData({
          title: poll.title,
          state: STATE_LABELS[poll.state],
          result: poll.result ? resultView(poll.result) : null,
          hidden: !poll.result,
        })
      })
    },
  },
})
