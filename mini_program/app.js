App({
  globalData: {
    // The backend's base URL; the development server listens here by default.
    apiBase: 'http://127.0.0.1:8000',
  },
})
