// An in-memory stand-in for the backend's /graphql contract as the mini-program uses it
// (graphql_schema/operations/mini_program), and for POST /uploads. It accepts only persisted
// document ids; access tokens expire on demand and refresh tokens rotate (each one works once);
// Viewer answers only to a valid access token; X-Acting-For is honoured only for a principal whose
// active proxy the viewer holds, and answered PROXY_INVALID otherwise, as the server answers a revoked
// proxy. Sign-in, consent and Viewer are answered here, and so are the notices (and downloads of
// their attachments, for the notice's recipient only) and the inbox:
// `sendNotices(notices, to)` delivers notices to a person (by default the viewer; the feed, notice,
// noticeRead and noticeAcknowledge act for the principal under X-Acting-For, as the server does)
// and `deliver(messages)` puts messages in the viewer's own inbox (the server's inbox is always the
// signed-in person's). The viewer's notification settings (channels, quiet hours) are kept and
// checked as the server checks them, and the WeChat subscribe-message grants are counted in
// `subscribeCredits` (both are the signed-in person's own, whomever they act for). Voting is
// ./fakeVoting.js, as `voting` (for the principal under X-Acting-For too), and cases ./fakeCases.js, as `cases`
// (the viewer lives in room r-101, 王爷爷 in r-102). A test gives the answers to any other operation (or replaces these) with
// `answer(operationName, (variables) => data)`.
const crypto = require('crypto')
const fs = require('fs')
const path = require('path')
const { fakeVoting } = require('./fakeVoting')
const { fakeCases } = require('./fakeCases')

const OPERATIONS_DIR = path.resolve(__dirname, '../../../graphql_schema/operations/mini_program')

const read = (file) => fs.readFileSync(path.join(OPERATIONS_DIR, file), 'utf8')
const spreads = (text) => [...text.matchAll(/\.\.\.\s*([A-Z]\w*)/g)].map(([, name]) => name)

// A document as the server knows it (backend/api/contract.py): the document file's text followed by
// the shared fragments it spreads (in turn too), in name order. Its id is the sha256 of that text.
function persistedDocument(operationName) {
  const text = read(`${operationName}.graphql`)
  const used = new Set()
  const pending = spreads(text)
  while (pending.length) {
    const name = pending.pop()
    if (!used.has(name) && fs.existsSync(path.join(OPERATIONS_DIR, 'fragments', `${name}.graphql`))) {
      used.add(name)
      pending.push(...spreads(read(`fragments/${name}.graphql`)))
    }
  }
  return [text, ...[...used].sort().map((name) => `\n${read(`fragments/${name}.graphql`)}`)].join('')
}

function persistedId(operationName) {
  return crypto.createHash('sha256').update(persistedDocument(operationName)).digest('hex')
}

const ELDER = { id: 'p-2', displayName: '王爷爷' }

const VIEWER = {
  id: 'u-1',
  displayName: '张阿姨',
  phone: '138****5678',
  privacyConsentGiven: true,
  memberships: [
    { role: 'RESIDENT', community: { id: 'c-1', name: '阳光社区' } },
    { role: 'VOLUNTEER', community: { id: 'c-1', name: '阳光社区' } },
  ],
  // 王爷爷 lets the viewer act for him (代办).
  proxies: [{ id: 'x-1', active: true, principal: ELDER, agent: { id: 'u-1' } }],
}

// A page of `items` after the cursor `after` (an item's id), as the server pages: `first` at most.
function paginate(items, first, after) {
  const start = after ? items.findIndex((item) => item.id === after) + 1 : 0
  const page = items.slice(start, start + first)
  return {
    nodes: page,
    pageInfo: { hasNextPage: start + first < items.length, endCursor: page.length ? page.at(-1).id : null },
  }
}

// A notice as a recipient sees it: NORMAL, not pinned, nothing to acknowledge, unread.
const NOTICE_DEFAULTS = {
  bodyHtml: '<p>通知正文</p>',
  category: '社区公告',
  importance: 'NORMAL',
  pinned: false,
  mustAcknowledge: false,
  publishedAt: '2026-11-01T02:00:00+00:00',
  readAt: null,
  acknowledgedAt: null,
  attachments: [],
}

// The operations only a signed-in person may send.
const NOTICE_OPERATIONS = ['Feed', 'FeedUnreadCount', 'Notice', 'NoticeRead', 'NoticeAcknowledge']
const SETTINGS_OPERATIONS = ['NotificationSettingsUpdate', 'WechatSubscribeGrant']

const CHANNELS = ['INBOX', 'WECHAT', 'FCM', 'SMS']

const ok = (data) => ({ statusCode: 200, data: { data } })
const topLevelError = (code, message) => ({
  statusCode: 200,
  data: { data: null, errors: [{ message, extensions: { code } }] },
})
const userError = (code, field, message) => ({ code, field, message })

function fakeBackend({ handles = ['resident'], viewer: viewerChanges = {} } = {}) {
  const viewer = { ...VIEWER, ...viewerChanges }
  const accessTokens = new Set()
  const refreshTokens = new Set()
  const principals = new Set(viewer.proxies.filter((p) => p.active && p.agent.id === viewer.id).map((p) => p.principal.id))
  const answers = {}
  const calls = []
  const notices = [] // {to: personId, ...Notice}, newest first
  const inbox = [] // the viewer's InboxMessages, oldest first
  const clock = { now: '2026-11-05T02:00:00+00:00' }
  // The viewer's notification settings: every channel on and no quiet hours, until changed.
  const settings = { channels: Object.fromEntries(CHANNELS.map((c) => [c, true])), quietHours: null }
  const subscribeCredits = {} // template id → one-time messages the viewer accepted
  const voting = fakeVoting({ paginate })
  const cases = fakeCases({
    paginate,
    names: { [viewer.id]: viewer.displayName, [ELDER.id]: ELDER.displayName },
    homes: { [viewer.id]: 'r-101', [ELDER.id]: 'r-102' },
  })
  let serial = 0
  let uploads = 0

  function issueTokens() {
    serial += 1
    const tokens = {
      accessToken: `access-${serial}`,
      refreshToken: `refresh-${serial}`,
      accessExpiresAt: '2030-01-01T00:00:00+00:00',
    }
    accessTokens.add(tokens.accessToken)
    refreshTokens.add(tokens.refreshToken)
    return tokens
  }

  // The notices the person acted for received, newest first.
  const noticesOf = (person) => notices.filter((n) => n.to === person)
  const noticeOf = (person, id) => noticesOf(person).find((n) => n.id === id)
  const asRecipient = ({ to, ...notice }) => notice
  const noticeNotFound = () => [userError('NOT_FOUND', null, '找不到该通知')]

  function feed(person, { first, after }) {
    const mine = noticesOf(person)
    const latest = paginate(mine.filter((n) => !n.pinned), first, after)
    return {
      pinned: after ? [] : mine.filter((n) => n.pinned).map(asRecipient),
      latest: { nodes: latest.nodes.map(asRecipient), pageInfo: latest.pageInfo },
      unreadCount: mine.filter((n) => !n.readAt).length,
    }
  }

  function readNotice(person, { id }) {
    const notice = noticeOf(person, id)
    if (!notice) return { ok: false, errors: noticeNotFound() }
    notice.readAt = notice.readAt || clock.now
    return { ok: true, errors: [] }
  }

  function acknowledgeNotice(person, { id }) {
    const notice = noticeOf(person, id)
    if (!notice) return { ok: false, errors: noticeNotFound() }
    if (!notice.mustAcknowledge) return { ok: false, errors: [userError('INVALID_INPUT', null, '该通知无需确认')] }
    notice.readAt = notice.readAt || clock.now
    notice.acknowledgedAt = notice.acknowledgedAt || clock.now
    return { ok: true, errors: [] }
  }

  const settingsView = () => ({
    channels: CHANNELS.map((channel) => ({ channel, enabled: settings.channels[channel] })),
    quietHours: settings.quietHours && { ...settings.quietHours },
  })

  // As the server checks them: the inbox stays on, quiet hours within a day and not empty. All or nothing.
  function updateSettings({ channels = null, quietHours = null, clearQuietHours = false }) {
    const refuse = (field, message) => ({ settings: null, errors: [userError('INVALID_INPUT', field, message)] })
    if ((channels || []).some((c) => c.channel === 'INBOX' && !c.enabled)) return refuse('channels', '站内消息不能关闭')
    if (quietHours && !clearQuietHours) {
      for (const name of ['startMinute', 'endMinute']) {
        if (!(quietHours[name] >= 0 && quietHours[name] < 24 * 60)) return refuse(`quietHours.${name}`, '时间须在 0–1439 分钟之间')
      }
      if (quietHours.startMinute === quietHours.endMinute) return refuse('quietHours', '免打扰的开始和结束不能相同')
    }
    for (const { channel, enabled } of channels || []) settings.channels[channel] = enabled
    if (clearQuietHours) settings.quietHours = null
    else if (quietHours) settings.quietHours = { startMinute: quietHours.startMinute, endMinute: quietHours.endMinute }
    return { settings: settingsView(), errors: [] }
  }

  function grantSubscribe({ templateIds }) {
    if (!(templateIds.length >= 1 && templateIds.length <= 5)) {
      return { ok: false, errors: [userError('INVALID_INPUT', 'templateIds', '订阅模板无效')] }
    }
    for (const id of templateIds) subscribeCredits[id] = (subscribeCredits[id] || 0) + 1
    return { ok: true, errors: [] }
  }

  function answer({ operationName, variables }, bearer, actingFor) {
    if (answers[operationName]) return ok(answers[operationName](variables))
    const person = actingFor || viewer.id
    const votingOperation = voting.operations[operationName]
    const needsSignIn = NOTICE_OPERATIONS.includes(operationName) || SETTINGS_OPERATIONS.includes(operationName) || votingOperation
    if (needsSignIn && !bearer) return topLevelError('UNAUTHENTICATED', '请先登录')
    if (votingOperation) {
      try {
        return ok(votingOperation(variables, { person, actingFor }))
      } catch (err) {
        if (err instanceof voting.Refusal) return topLevelError(err.code, err.message)
        throw err
      }
    }
    const caseOperation = cases.operations[operationName]
    if (caseOperation) {
      if (!bearer) return topLevelError('UNAUTHENTICATED', '请先登录')
      return ok(caseOperation(variables, { person, actingFor, viewerId: viewer.id }))
    }
    switch (operationName) {
      case 'DemoLogin':
        return handles.includes(variables.handle)
          ? ok({ authDemoLogin: { tokens: issueTokens(), errors: [] } })
          : ok({ authDemoLogin: { tokens: null, errors: [userError('NOT_FOUND', 'handle', '演示账号不存在')] } })
      case 'WechatLogin':
        return ok({ authWechatLogin: { tokens: issueTokens(), errors: [] } })
      case 'TokenRefresh':
        return refreshTokens.delete(variables.refreshToken)
          ? ok({ authTokenRefresh: { tokens: issueTokens(), errors: [] } })
          : ok({ authTokenRefresh: { tokens: null, errors: [userError('UNAUTHENTICATED', 'refreshToken', '登录已失效')] } })
      case 'Logout':
        refreshTokens.delete(variables.refreshToken)
        return ok({ authLogout: { ok: true, errors: [] } })
      case 'PrivacyConsentRecord':
        viewer.privacyConsentGiven = true
        return ok({ privacyConsentRecord: { ok: true, errors: [] } })
      case 'Viewer':
        return ok({ viewer: bearer ? viewer : null })
      case 'Feed':
        return ok({ feed: feed(person, variables) })
      case 'FeedUnreadCount':
        return ok({ feed: { unreadCount: feed(person, { first: 1 }).unreadCount } })
      case 'Notice': {
        const notice = noticeOf(person, variables.id)
        return ok({ notice: notice ? asRecipient(notice) : null })
      }
      case 'NoticeRead':
        return ok({ noticeRead: readNotice(person, variables) })
      case 'NoticeAcknowledge':
        return ok({ noticeAcknowledge: acknowledgeNotice(person, variables) })
      case 'NotificationSettings':
        return ok({ viewer: bearer ? { id: viewer.id, notificationSettings: settingsView() } : null })
      case 'NotificationSettingsUpdate':
        return ok({ notificationSettingsUpdate: updateSettings(variables) })
      case 'WechatSubscribeGrant':
        return ok({ wechatSubscribeGrant: grantSubscribe(variables) })
      case 'Inbox':
        return ok({ viewer: bearer ? { inbox: paginate(inbox, variables.first, variables.after) } : null })
      default:
        throw new Error(`fake backend has no ${operationName}`)
    }
  }

  // The caller's access token, or a refusal: a token it never issued (or expired) is
  // UNAUTHENTICATED, acting for someone without an active proxy PROXY_INVALID.
  function authenticate(header) {
    const bearer = header.Authorization && header.Authorization.replace(/^Bearer /, '')
    if (bearer && !accessTokens.has(bearer)) return { refusal: { code: 'UNAUTHENTICATED', message: '登录已过期' } }
    const actingFor = header['X-Acting-For']
    if (actingFor && !principals.has(actingFor)) {
      return { refusal: { code: 'PROXY_INVALID', message: '代办授权不存在或已失效，请切换回本人' } }
    }
    return { bearer, actingFor }
  }

  function record({ url, header }, details) {
    calls.push({ url, ...details, authorization: header.Authorization, actingFor: header['X-Acting-For'] })
  }

  async function serveUpload(call) {
    record(call, { upload: { name: call.name, filePath: call.filePath } })
    const { refusal } = authenticate(call.header)
    if (refusal) {
      const errors = [userError(refusal.code, null, refusal.message)]
      return { statusCode: refusal.code === 'PROXY_INVALID' ? 403 : 401, data: JSON.stringify({ errors }) }
    }
    uploads += 1
    return { statusCode: 200, data: JSON.stringify({ id: `upload-${uploads}`, kind: 'proof_photo', size: 1024 }) }
  }

  // GET of an attachment url: for the person acted for, when a notice they received lists it (by
  // its path or its full URL).
  async function serveDownload(call) {
    record(call, { download: call.url })
    const { bearer, actingFor, refusal } = authenticate(call.header)
    if (refusal) return { statusCode: refusal.code === 'PROXY_INVALID' ? 403 : 401, tempFilePath: '' }
    const path = call.url.replace(/^https?:\/\/[^/]+/, '')
    const listed = bearer && noticesOf(actingFor || viewer.id)
      .some((n) => n.attachments.some((a) => a.url === path || a.url === call.url))
    return listed ? { statusCode: 200, tempFilePath: `wxfile://tmp/${path.split('/').pop()}` } : { statusCode: 404, tempFilePath: '' }
  }

  async function serve(call) {
    if (call.filePath) return serveUpload(call)
    if (call.download) return serveDownload(call)
    const { body } = call
    record(call, { operationName: body.operationName, variables: body.variables })
    if (body.query !== undefined || body.documentId !== persistedId(body.operationName)) {
      return topLevelError('PERSISTED_QUERY_NOT_FOUND', '未登记的操作')
    }
    const { bearer, actingFor, refusal } = authenticate(call.header)
    return refusal ? topLevelError(refusal.code, refusal.message) : answer(body, bearer, actingFor)
  }

  return {
    serve,
    calls,
    issueTokens,
    viewer,
    answer: (operationName, respond) => { answers[operationName] = respond },
    clock,
    settings,
    voting,
    cases,
    subscribeCredits,
    // Delivers notices (newest first, as the feed lists them) to `to`, the viewer by default.
    sendNotices: (list, to = viewer.id) => {
      for (const notice of list) notices.push({ ...NOTICE_DEFAULTS, ...notice, to })
    },
    notice: (id, person = viewer.id) => noticeOf(person, id),
    // Adds messages (oldest first) to the viewer's inbox.
    deliver: (list) => {
      for (const message of list) inbox.push({ readAt: null, createdAt: clock.now, ...message })
    },
    operations: () => calls.map((c) => c.operationName),
    expireAccessTokens: () => accessTokens.clear(),
    revokeRefreshTokens: () => refreshTokens.clear(),
    revokeProxies: () => principals.clear(),
  }
}

module.exports = { fakeBackend, persistedDocument, VIEWER, ELDER }
