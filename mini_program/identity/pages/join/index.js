// Joining a household with the invitation code its head shared: pasted or scanned.
const { mutate } = require('../../../utils/graphql')
const { wxCall } = require('../../../utils/wxp')
const { whileBusy } = require('../../../utils/busy')
const { elderModeBehavior } = require('../../../utils/elderMode')

Component({
  behaviors: [elderModeBehavior],

  data: {
    code: '',
    joined: false,
    busy: false,
    error: '',
  },

  methods: {
    onCodeInput(event) {
      this.setData({ code: event.detail.value })
    },

    async scan() {
      const scanned = await wxCall('scanCode', { scanType: ['qrCode'] }).catch(() => null) // closed the scanner
      if (scanned) this.setData({ code: scanned.result })
    },

    join() {
      return whileBusy(this, async () => {
        await mutate('HouseholdInviteAccept', { code: this.data.code.trim() })
        this.setData({ joined: true })
      })
    },
  },
})
