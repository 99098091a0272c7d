// 奖品: one reward with my points; 兑换 asks first, then holds the points and shows the pickup code
// to show at the desk (within 14 days, or the points come back).
const { execute, mutate } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { confirm, toast } = require('../../../utils/wxp')
const { communityOf, redemptionView } = require('../mall/points')

Component({
  behaviors: [elderModeBehavior],

  data: { id: '', communityId: '', reward: null, points: 0, redemption: null, busy: false, error: '' },

  methods: {
    onLoad(options) {
      this.setData({ id: options.id })
      return whileBusy(this, async () => {
        const communityId = await communityOf(options)
        const { reward, pointsBalance } = await execute('Reward', { id: options.id, communityId })
        this.setData({ communityId, reward, points: pointsBalance.points })
      })
    },

    async redeem() {
      const { reward, points } = this.data
      const content = `兑换「${reward.name}」将冻结 ${reward.cost} 积分（现有 ${points}），凭取货码在 14 天内到社区领取，逾期积分退回。确定兑换？`
      if (!(await confirm('确认兑换', content, '兑换'))) return undefined
      return whileBusy(this, async () => {
        const { redemption } = await mutate('RewardRedeem', { rewardId: reward.id })
        this.setData({ redemption: redemptionView(redemption), points: points - reward.cost,
          reward: { ...reward, stock: reward.stock - 1 } })
        toast('兑换成功')
      })
    },

    mine() {
      wx.redirectTo({ url: '/volunteer/pages/redemptions/index' })
    },
  },
})
