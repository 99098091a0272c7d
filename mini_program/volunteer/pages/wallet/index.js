// 收支明细: the history of my hours (时长) and points (积分), newest first, a page at a time as the
// user scrolls; a hold (a booked service, a redemption not yet collected) shows as 冻结中.
const { execute } = require('../../../utils/graphql')
const { PAGED_DATA, loadNextPage } = require('../../../utils/pager')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { communityOf, entryLine } = require('../../utils/wallet')

const TABS = [{ ledger: 'TIME', label: '时长' }, { ledger: 'POINTS', label: '积分' }]

Component({
  behaviors: [elderModeBehavior],

  data: {
    ...PAGED_DATA,
    tabs: TABS,
    ledger: 'TIME',
    busy: false,
    error: '',
  },

  methods: {
    async onLoad(options) {
      try {
        this.communityId = await communityOf(options || {})
      } catch (err) {
        this.setData({ error: err.message })
        return undefined
      }
      return this.loadMore()
    },

    onReachBottom() {
      return this.loadMore()
    },

    switchTab(event) {
      const { ledger } = event.currentTarget.dataset
      if (ledger === this.data.ledger || this.data.busy) return undefined
      this.setData({ ...PAGED_DATA, ledger })
      return this.loadMore()
    },

    loadMore() {
      const { ledger } = this.data
      return loadNextPage(this, async ({ first, after }) => {
        const { myWallet } = await execute('MyWalletEntries', { communityId: this.communityId, ledger, first, after })
        const { entries } = myWallet
        return { nodes: entries.nodes.map((e) => entryLine(ledger, e)), pageInfo: entries.pageInfo }
      })
    },
  },
})
