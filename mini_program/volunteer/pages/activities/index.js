// 志愿活动: the community's published activities open for sign-up (可报名), or the ones I signed up
// for (我的) with where each sign-up stands, a page at a time; each opens its page.
const { execute } = require('../../../utils/graphql')
const { PAGED_DATA, loadNextPage } = require('../../../utils/pager')
const { whileBusy } = require('../../../utils/busy')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { ACTIVITY_PAGE, CERTIFICATES_PAGE, SCAN_PAGE, activityRow, viewerIn } = require('../../volunteering')

const FILTERS = [
  { value: 'open', label: '可报名' },
  { value: 'mine', label: '我的' },
]

Component({
  behaviors: [elderModeBehavior],

  data: {
    ...PAGED_DATA,
    filters: FILTERS,
    filter: 'open',
    busy: false,
    error: '',
  },

  methods: {
    onLoad(options) {
      this.options = options
      return whileBusy(this, async () => {
        this.place = await viewerIn(options)
      }).then(() => this.place && this.loadMore())
    },

    // Back from an activity (signed up, cancelled, checked in): its row has changed.
    onShow() {
      if (!this.data.loaded || this.data.busy) return undefined
      return this.restart()
    },

    retry() {
      return this.place ? this.loadMore() : this.onLoad(this.options || {})
    },

    onReachBottom() {
      return this.loadMore()
    },

    chooseFilter(event) {
      if (event.detail.value === this.data.filter) return undefined
      this.setData({ filter: event.detail.value })
      return this.restart()
    },

    restart() {
      this.setData({ ...PAGED_DATA })
      return this.loadMore()
    },

    loadMore() {
      return loadNextPage(this, async ({ first, after }) => {
        if (this.data.filter === 'mine') {
          const { mySignups } = await execute('MySignups', { first, after })
          return { nodes: mySignups.nodes.map((s) => activityRow(s.activity, s)), pageInfo: mySignups.pageInfo }
        }
        const { volunteerActivities } = await execute('VolunteerActivities', {
          communityId: this.place.communityId, state: 'PUBLISHED', first, after,
        })
        return { nodes: volunteerActivities.nodes.map((a) => activityRow(a)), pageInfo: volunteerActivities.pageInfo }
      })
    },

    open(event) {
      wx.navigateTo({ url: `${ACTIVITY_PAGE}?id=${encodeURIComponent(event.currentTarget.dataset.id)}` })
    },

    scan() {
      wx.navigateTo({ url: SCAN_PAGE })
    },

    certificates() {
      wx.navigateTo({ url: CERTIFICATES_PAGE })
    },
  },
})
