// The ballot of a poll as questions to answer, and the answers as the server's BallotInput. A
// single or multiple choice is one question (its options); motions and questionnaires are one
// question per item. What the answers must be (how many choices, every motion, numbers) is the
// server's to say: its Chinese error is shown as it comes.
const { MOTION_CHOICES, choiceRange } = require('./polls')

// questions: [{index, key, title, hint, type: 'choice' | 'motion' | 'TEXT' | 'NUMBER',
//              options: [{value, label, chosen}], value}]
function ballotQuestions(poll) {
  if (poll.kind === 'SINGLE' || poll.kind === 'MULTIPLE') {
    const multiple = poll.kind === 'MULTIPLE'
    return [{
      index: 0,
      key: 'choices',
      title: multiple ? '请选择' : '请选择一项',
      hint: multiple ? choiceRange(poll) : '',
      type: 'choice',
      multiple,
      options: poll.items.map((item) => ({ value: item.key, label: item.label, chosen: false })),
      value: '',
    }]
  }
  return poll.items.map((item, index) => ({
    index,
    key: item.key,
    title: item.label,
    hint: poll.kind === 'MOTIONS' ? '请选择同意、反对或弃权' : item.type === 'NUMBER' ? '请填写数字' : '',
    type: poll.kind === 'MOTIONS' ? 'motion' : item.type || 'TEXT',
    multiple: false,
    options: poll.kind === 'MOTIONS' ? MOTION_CHOICES.map((c) => ({ ...c, chosen: false })) : [],
    value: '',
  }))
}

// The options of `question` after tapping `value`: a multiple choice toggles it, others pick it alone.
function tapOption(question, value) {
  return question.options.map((o) => ({
    ...o,
    chosen: o.value === value ? !(question.multiple && o.chosen) : question.multiple && o.chosen,
  }))
}

const chosenOf = (q) => q.options.filter((o) => o.chosen)

// The BallotInput: what is chosen or filled in, nothing for what is not.
function ballotInput(kind, questions) {
  if (kind === 'SINGLE' || kind === 'MULTIPLE') return { choices: chosenOf(questions[0]).map((o) => o.value) }
  if (kind === 'MOTIONS') {
    return { motions: questions.filter((q) => chosenOf(q).length).map((q) => ({ key: q.key, answer: chosenOf(q)[0].value })) }
  }
  return {
    answers: questions.filter((q) => q.value.trim()).map((q) => {
      const text = q.value.trim()
      const number = Number(text)
      return q.type === 'NUMBER' && Number.isFinite(number) ? { key: q.key, number } : { key: q.key, text }
    }),
  }
}

// The answers as lines for the confirmation before casting.
function summaryLines(questions) {
  return questions.map((q) => {
    const value = q.options.length ? chosenOf(q).map((o) => o.label).join('、') : q.value.trim()
    return `${q.title}：${value || '（未填写）'}`
  })
}

module.exports = { ballotQuestions, tapOption, ballotInput, summaryLines }
