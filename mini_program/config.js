// Where the mini-program finds its backend, by the build WeChat runs (envVersion): the developer
// tools and preview builds (develop), the 体验版 testers use (trial), and the released one. The
// trial and release domains must be listed as the mini-program's request, uploadFile, downloadFile
// and socket domains (服务器域名) in the WeChat console.
const API_BASES = {
  develop: 'http://127.0.0.1:8000',
  trial: 'https://trial.linli.example.cn',
  release: 'https://api.linli.example.cn',
}

// The WeChat subscribe-message template of community notices (社区通知): the same one as the
// backend's LINLI_WECHAT_NOTICE_TEMPLATE setting. A placeholder until a deployment has its own.
const NOTICE_TEMPLATE_ID = 'notice-template-id'

function envVersion() {
  try {
    return wx.getAccountInfoSync().miniProgram.envVersion
  } catch {
    return 'release' // an old WeChat without the API: only a released build runs there
  }
}

function apiBase() {
  return API_BASES[envVersion()] || API_BASES.release
}

module.exports = { API_BASES, NOTICE_TEMPLATE_ID, apiBase }
