// One order (?id=), followed live while the page is open (ServiceOrderUpdated): its state, what it
// costs and who pays each line (补贴 / 自付), its timeline, and the actions the server offers me now:
// 支付 (模拟支付 in the sandbox, WeChat Pay otherwise), 取消订单 (the fee it costs now, asked first),
// 确认完成, 申请售后 (a reason), 未上门, 评价 (stars and a comment). Each irreversible one asks first;
// after a refusal the order is shown as it is now. Acting for a relative (代办): their order.
const { execute, mutate } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const { confirm, toast, wxCall } = require('../../../utils/wxp')
const { subscribe } = require('../../../utils/live')
const session = require('../../../utils/session')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { orderView, formErrors, yuanText } = require('../../services')

const STARS = [5, 4, 3, 2, 1].map((n) => ({ value: String(n), label: `${'★'.repeat(n)}${'☆'.repeat(5 - n)} ${n} 星` }))

Component({
  behaviors: [elderModeBehavior],

  data: {
    order: null,
    missing: '',
    stars: STARS,
    rating: '',
    comment: '',
    reason: '',
    errors: {},
    actingFor: '',
    busy: false,
    error: '',
  },

  methods: {
    onLoad({ id }) {
      const principal = session.getActingFor()
      this.setData({ actingFor: principal ? principal.name : '' })
      this.orderId = id
      return whileBusy(this, () => this.refresh()).then(() => {
        if (this.data.order) this.watch()
      })
    },

    onUnload() {
      if (this.live) this.live.close()
      this.live = null
    },

    watch() {
      this.live = subscribe('ServiceOrderUpdated', (data) => this.show(data.serviceOrderUpdated), { orderId: this.orderId })
    },

    show(order) {
      this.order = order
      this.setData({ order: orderView(order), missing: '' })
    },

    async refresh() {
      const { serviceOrder } = await execute('ServiceOrder', { id: this.orderId })
      if (serviceOrder) this.show(serviceOrder)
      else this.setData({ order: null, missing: '找不到这个订单' })
    },

    onInput(event) {
      this.setData({ [event.currentTarget.dataset.field]: event.detail.value })
    },

    chooseStars(event) {
      this.setData({ rating: event.detail.value })
    },

    act(event) {
      const handlers = { PAY: 'pay', CANCEL: 'cancel', CONFIRM: 'confirmDone', DISPUTE: 'dispute', NO_SHOW: 'noShow' }
      const handler = handlers[event.currentTarget.dataset.action]
      return handler ? this[handler]() : undefined
    },

    // Asks `question` ([title, content, button]) if any, runs `work`, says `done`; the server's
    // refusal is shown beside its input (or as a toast), and the order as it is now.
    async run(question, work, done, fields = []) {
      if (question && !(await confirm(...question))) return
      await whileBusy(this, async () => {
        try {
          const payload = await work()
          this.setData({ errors: {} })
          if (payload && payload.order) this.show(payload.order)
          if (done) toast(done)
        } catch (err) {
          if (!err.code) throw err
          this.setData({ errors: formErrors(err, fields) })
          await this.refresh().catch(() => null)
        }
      })
    },

    // The gateway's session for this order, then 模拟支付 (the sandbox, with its confirmation) or
    // WeChat Pay's own sheet, which is the confirmation there.
    async pay() {
      let started = null
      await whileBusy(this, async () => {
        try {
          started = await mutate('ServiceOrderPay', { orderId: this.orderId, gateway: null })
        } catch (err) {
          if (!err.code) throw err
          formErrors(err, [])
        }
      })
      if (!started) return
      if (started.order) this.show(started.order)
      if (started.gateway === 'SANDBOX') {
        await this.run(['模拟支付', `演示环境的模拟支付：确认支付 ${this.data.order.resident}？支付后等待服务商接单。`, '确认支付'],
          () => mutate('ServiceOrderSandboxPay', { orderId: this.orderId }), '支付成功')
        return
      }
      const params = JSON.parse(started.clientParams || '{}')
      try {
        await wxCall('requestPayment', params)
      } catch {
        wx.showToast({ title: '支付未完成', icon: 'none' })
        return
      }
      toast('支付成功')
      // The payment's notice reaches the server on its own: the page follows it live.
      await whileBusy(this, () => this.refresh())
    },

    cancel() {
      const fee = this.data.order.cancelFeeFen
      const content = fee ? `现在取消将收取取消费 ${yuanText(fee)}，其余款项原路退回。` : '现在取消不收取费用，已付款项原路退回。'
      return this.run(['取消订单', content, '确认取消'],
        () => mutate('ServiceOrderCancel', { orderId: this.orderId, reason: this.data.reason.trim() || null }), '已取消', ['reason'])
    },

    confirmDone() {
      return this.run(['确认完成', '确认服务已经完成？确认后款项将结算给服务商。', '确认完成'],
        () => mutate('ServiceOrderConfirm', { orderId: this.orderId }), '已确认')
    },

    dispute() {
      const reason = this.data.reason.trim()
      if (!reason) return this.setData({ errors: { reason: '请填写申请售后的原因' } })
      return this.run(['申请售后', '提交后由平台处理，处理期间款项暂不结算。', '提交'],
        () => mutate('ServiceOrderDispute', { orderId: this.orderId, reason }), '已提交', ['reason'])
    },

    noShow() {
      return this.run(['服务人员未上门', '确认服务人员没有按约定上门？报告后订单结束，款项全额退回。', '确认未上门'],
        () => mutate('ServiceOrderNoShow', { orderId: this.orderId }), '已报告')
    },

    rate() {
      if (!this.data.rating) return this.setData({ errors: { stars: '请选择星级' } })
      return this.run(null, () => mutate('ServiceOrderRate', {
        orderId: this.orderId, stars: Number(this.data.rating), comment: this.data.comment.trim() || null,
      }), '评价成功', ['stars', 'comment'])
    },
  },
})
