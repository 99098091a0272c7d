// 收支明细: the history of my hours (时长) and points (积分).
const { elderModeBehavior } = require('../../../utils/elderMode')

Component({
  behaviors: [elderModeBehavior],
  data: {},
})
