// 服务商工作台: the orders of the provider I work for (?providerId=, else my first), in the tabs 待接单,
// 进行中 and 已完成, a page at a time, each opening its order. Its admin sees every order, a worker
// those assigned to them and the paid ones nobody has taken yet (the server decides). With more than
// one provider, a choice of which; links to the schedule (排班).
const { execute } = require('../../../utils/graphql')
const { PAGED_DATA, loadNextPage } = require('../../../utils/pager')
const { whileBusy } = require('../../../utils/busy')
const { roleLabel } = require('../../../utils/roles')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { ORDER_PAGE, SCHEDULE_PAGE, APPLY_PAGE, TABS, orderRow, myProviders } = require('../../provider')

const tabOf = (value) => TABS.find((t) => t.value === value)

Component({
  behaviors: [elderModeBehavior],

  data: {
    ...PAGED_DATA,
    tabs: TABS.map(({ value, label }) => ({ value, label })),
    tab: 'waiting',
    empty: TABS[0].empty,
    providers: [], // {value, label} when I work for more than one
    provider: null, // {id, name, role}
    none: false, // I work for no provider
    busy: false,
    error: '',
  },

  methods: {
    onLoad(options) {
      this.options = options || {}
      return whileBusy(this, async () => {
        const { mine, current } = await myProviders(this.options.providerId)
        this.setData({
          none: !current,
          providers: mine.length > 1 ? mine.map((m) => ({ value: m.provider.id, label: m.provider.name })) : [],
          provider: current && { id: current.provider.id, name: current.provider.name, role: roleLabel(`PROVIDER_${current.role}`) },
        })
      }).then(() => this.data.provider && this.loadMore())
    },

    // Back from an order: it may have moved to another tab.
    onShow() {
      if (!this.data.loaded || this.data.busy) return undefined
      return this.restart()
    },

    onReachBottom() {
      return this.loadMore()
    },

    retry() {
      return this.data.provider ? this.restart() : this.onLoad(this.options)
    },

    chooseTab(event) {
      this.setData({ tab: event.detail.value, empty: tabOf(event.detail.value).empty })
      return this.restart()
    },

    chooseProvider(event) {
      this.options = { ...this.options, providerId: event.detail.value }
      this.setData({ ...PAGED_DATA })
      return this.onLoad(this.options)
    },

    restart() {
      this.setData({ ...PAGED_DATA })
      return this.loadMore()
    },

    loadMore() {
      const { provider, tab } = this.data
      return loadNextPage(this, async ({ first, after }) => {
        const { providerOrders } = await execute('ProviderOrders', {
          providerId: provider.id, states: tabOf(tab).states, from: null, to: null, first, after,
        })
        return { nodes: providerOrders.nodes.map(orderRow), pageInfo: providerOrders.pageInfo }
      })
    },

    open(event) {
      const { id } = event.currentTarget.dataset
      wx.navigateTo({ url: `${ORDER_PAGE}?id=${encodeURIComponent(id)}` })
    },

    openSchedule() {
      wx.navigateTo({ url: `${SCHEDULE_PAGE}?providerId=${encodeURIComponent(this.data.provider.id)}` })
    },

    openApply() {
      wx.navigateTo({ url: APPLY_PAGE })
    },
  },
})
