// Big buttons to choose one of `choices` ({value, label}); the chosen one stands out. Tapping one
// sends a `choose` event with its value.
Component({
  // app.wxss reaches inside, for the theme and 长辈模式's large tap targets.
  options: { styleIsolation: 'apply-shared' },

  properties: {
    choices: { type: Array, value: [] },
    chosen: { type: String, value: '' },
  },

  methods: {
    choose(event) {
      this.triggerEvent('choose', { value: event.currentTarget.dataset.value })
    },
  },
})
