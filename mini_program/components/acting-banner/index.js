// On every page while the user acts for a relative (代办): for whom, and the way back to oneself.
const session = require('../../utils/session')

Component({
  // app.wxss reaches inside, for the theme and 长辈模式's large tap targets.
  options: { styleIsolation: 'apply-shared' },

  data: {
    name: '',
  },

  lifetimes: {
    attached() {
      const principal = session.getActingFor()
      this.setData({ name: principal ? principal.name : '' })
    },
  },

  methods: {
    switchBack() {
      session.actAs(null)
    },
  },
})
