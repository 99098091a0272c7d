// 长者助餐 (?communityId=): the community's meal menus of a day (today and the next days), whether the
// meal subsidy pays for me — or, acting for a parent (代办), for them — ("高龄补贴 每餐 ¥5", or why
// not), dishes and how many of each, pickup or delivery (with its fee), 使用助餐补贴 (only when
// eligible); 下单 places the order and opens it.
const { execute, mutate } = require('../../../utils/graphql')
const { whileBusy } = require('../../../utils/busy')
const { toast } = require('../../../utils/wxp')
const { communityOf } = require('../../../utils/community')
const { formatDateTime } = require('../../../utils/format')
const session = require('../../../utils/session')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { ORDER_PAGE, shanghaiDays, formErrors, yuanText } = require('../../services')

const DAYS = 7

function menuView(menu) {
  const fulfilments = []
  if (menu.pickup) fulfilments.push({ value: 'PICKUP', label: '到店自取' })
  if (menu.delivery) fulfilments.push({ value: 'DELIVERY', label: `送餐上门（配送费 ${yuanText(menu.deliveryFeeFen)}）` })
  return {
    id: menu.id,
    provider: menu.provider.name,
    cutoff: formatDateTime(menu.cutoffAt),
    deliveryFeeFen: menu.deliveryFeeFen,
    fulfilments,
    dishes: menu.dishes.map((d) => ({ id: d.id, name: d.name, priceFen: d.priceFen, price: yuanText(d.priceFen), left: d.left, soldOut: d.left <= 0 })),
  }
}

function eligibilityText(e) {
  if (!e) return ''
  return e.eligible ? `${e.tierLabel} 每餐补贴 ${yuanText(e.subsidyFen)}（每天一份${e.funder ? `，${e.funder}` : ''}）` : e.reason
}

Component({
  behaviors: [elderModeBehavior],

  data: {
    days: shanghaiDays(DAYS),
    day: '',
    menus: [],
    menuId: '',
    counts: {}, // dish id → how many
    fulfilment: '',
    subsidised: false,
    eligible: false,
    eligibility: '',
    note: '',
    total: '',
    errors: {},
    actingFor: '',
    loaded: false,
    busy: false,
    error: '',
  },

  methods: {
    onLoad(options) {
      const principal = session.getActingFor()
      this.setData({ actingFor: principal ? principal.name : '', day: this.data.days[0].value })
      return whileBusy(this, async () => {
        this.communityId = await communityOf(options, '长者助餐')
        const { mealEligibility } = await execute('MealEligibility', { communityId: this.communityId })
        const eligible = !!(mealEligibility && mealEligibility.eligible)
        this.setData({ eligible, subsidised: eligible, eligibility: eligibilityText(mealEligibility) })
        await this.loadMenus()
      })
    },

    async loadMenus() {
      const { mealMenus } = await execute('MealMenus', { communityId: this.communityId, day: this.data.day })
      const menus = mealMenus.map(menuView)
      this.menus = menus
      const first = menus[0]
      this.setData({
        menus, loaded: true, counts: {}, errors: {},
        menuId: first ? first.id : '',
        fulfilment: first && first.fulfilments.length ? first.fulfilments[0].value : '',
      })
      this.recount()
    },

    chooseDay(event) {
      this.setData({ day: event.currentTarget.dataset.day })
      return whileBusy(this, () => this.loadMenus())
    },

    chooseMenu(event) {
      const menu = this.menus.find((m) => m.id === event.currentTarget.dataset.id)
      this.setData({ menuId: menu.id, counts: {}, fulfilment: menu.fulfilments.length ? menu.fulfilments[0].value : '' })
      this.recount()
    },

    chooseFulfilment(event) {
      this.setData({ fulfilment: event.currentTarget.dataset.value })
      this.recount()
    },

    step(event) {
      const { id, by } = event.currentTarget.dataset
      const dish = this.menu().dishes.find((d) => d.id === id)
      const count = Math.max(0, Math.min((this.data.counts[id] || 0) + Number(by), dish.left))
      this.setData({ counts: { ...this.data.counts, [id]: count }, errors: {} })
      this.recount()
    },

    toggleSubsidy(event) {
      this.setData({ subsidised: !!event.detail.value })
    },

    onInput(event) {
      this.setData({ [event.currentTarget.dataset.field]: event.detail.value })
    },

    menu() {
      return this.menus.find((m) => m.id === this.data.menuId)
    },

    // The dishes and the delivery fee; the subsidy's share the order itself shows.
    recount() {
      const menu = this.menu()
      if (!menu) return this.setData({ total: '' })
      const dishes = menu.dishes.reduce((sum, d) => sum + d.priceFen * (this.data.counts[d.id] || 0), 0)
      if (!dishes) return this.setData({ total: '' })
      const fee = this.data.fulfilment === 'DELIVERY' ? menu.deliveryFeeFen : 0
      return this.setData({ total: `菜品 ${yuanText(dishes)}${fee ? ` + 配送费 ${yuanText(fee)}` : ''}` })
    },

    place() {
      const menu = this.menu()
      const dishes = menu ? menu.dishes.filter((d) => this.data.counts[d.id]).map((d) => ({ dishId: d.id, quantity: this.data.counts[d.id] })) : []
      if (!dishes.length) return this.setData({ errors: { dishes: '请至少选择一份菜品' } })
      return whileBusy(this, async () => {
        try {
          const { order } = await mutate('MealOrderPlace', {
            menuId: menu.id, dishes, fulfilment: this.data.fulfilment,
            subsidised: this.data.eligible && this.data.subsidised, note: this.data.note.trim() || null,
          })
          toast('下单成功')
          wx.redirectTo({ url: `${ORDER_PAGE}?id=${encodeURIComponent(order.id)}` })
        } catch (err) {
          if (!err.code) throw err
          this.setData({ errors: formErrors(err, ['dishes', 'fulfilment', 'subsidised', 'note']) })
          if (err.code === 'CONFLICT') await this.loadMenus().catch(() => null)
        }
      })
    },
  },
})
