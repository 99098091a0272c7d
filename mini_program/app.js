App({
  globalData: {
    // The backend's base URL; the development server listens here by default.
    apiBase: 'http://127.0.0.1:8000',
    // The WeChat subscribe-message template of community notices (社区通知). A placeholder: the
    // real template id is configured per deployment, the same one as the backend's
    // LINLI_WECHAT_NOTICE_TEMPLATE setting.
    noticeTemplateId: 'notice-template-id',
  },
})
