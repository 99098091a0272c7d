// 志愿活动 (the volunteer subpackage) against a fake server: the lists 可报名 and 我的, signing up
// (into the waitlist when full) and cancelling once confirmed, scanning a check-in code (a QR that
// is not one is refused before the server is asked; an expired one by the server, in its words),
// the coordinator's code page that asks for a new code before the old one expires, and
// certificates issued and opened as PDF.
const { installWx, until } = require('./helpers/wx')
const { fakeBackend } = require('./helpers/fakeBackend')
const { openPage, textOf } = require('./helpers/pages')
const tokenStore = require('../utils/tokenStore')
const { checkinToken, qrModules, whenText, WRONG_CODE } = require('../volunteer/volunteering')

// The operations this file's fake answers (the rest are fakeBackend's).
const VOLUNTEER_OPERATIONS = ['VolunteerActivities', 'VolunteerActivity', 'VolunteerSignup', 'VolunteerSignupCancel', 'MySignups',
  'VolunteerCheckIn', 'VolunteerCheckOut', 'VolunteerCheckinCode', 'MyVolunteerCertificates', 'VolunteerCertificateIssue']
const documentIds = require('../graphql/persisted')

const ACTIVITY = {
  id: 'a-1',
  state: 'PUBLISHED',
  title: '敬老院陪伴',
  description: '陪老人聊天、读报',
  teamId: 't-1',
  teamName: '阳光志愿服务队',
  startsAt: '2099-12-03T01:00:00Z',
  endsAt: '2099-12-03T03:00:00Z',
  place: '阳光花园 1栋',
  buildingId: 'b-1',
  estateId: null,
  placeText: '',
  capacity: 2,
  skills: ['陪护'],
  pointsPerHour: 10,
  cancelReason: null,
}
const SIGNUP = { id: 's-1', activityId: 'a-1', position: 1, checkedInAt: null, checkedOutAt: null, computedMinutes: null, approvedMinutes: null, points: null, rejectReason: null }

// The volunteering operations as the server answers them, for one activity and the viewer.
function fakeVolunteering() {
  const state = { activity: { ...ACTIVITY }, signup: null, full: false, certificates: [], codes: 0, expired: new Set() }
  const ok = (data) => ({ statusCode: 200, data: { data } })
  const refuse = (key, message) => ok({ [key]: { signup: null, errors: [{ code: 'INVALID_INPUT', field: 'token', message }] } })
  const change = (key, changes) => {
    state.signup = { ...state.signup, ...changes }
    return ok({ [key]: { signup: state.signup, errors: [] } })
  }
  const answers = {
    VolunteerActivities: () => ok({ volunteerActivities: { nodes: [state.activity], pageInfo: { hasNextPage: false, endCursor: null } } }),
    VolunteerActivity: ({ id }) => ok({ volunteerActivity: id === state.activity.id ? state.activity : null }),
    MySignups: () => ok({
      mySignups: { nodes: state.signup ? [{ ...state.signup, activity: state.activity }] : [], pageInfo: { hasNextPage: false, endCursor: null } },
    }),
    VolunteerSignup: () => {
      state.signup = { ...SIGNUP, id: `s-${state.codes + 1}`, state: state.full ? 'WAITLISTED' : 'SIGNED_UP' }
      return ok({ volunteerSignup: { signup: state.signup, errors: [] } })
    },
    VolunteerSignupCancel: () => change('volunteerSignupCancel', { state: 'CANCELLED' }),
    VolunteerCheckIn: ({ qrText }) => (state.expired.has(qrText)
      ? refuse('volunteerCheckIn', '签到码已过期，请扫描最新的二维码')
      : change('volunteerCheckIn', { checkedInAt: '2099-12-03T01:00:00Z' })),
    VolunteerCheckOut: () => change('volunteerCheckOut', { checkedOutAt: '2099-12-03T02:35:00Z', computedMinutes: 95 }),
    VolunteerCheckinCode: ({ purpose }) => {
      state.codes += 1
      return ok({ volunteerCheckinCode: { token: `t${state.codes}`, expiresAt: '2099-12-03T01:01:00Z', qrText: `linli:checkin:t${state.codes}-${purpose}` } })
    },
    MyVolunteerCertificates: () => ok({ myVolunteerCertificates: { nodes: state.certificates, pageInfo: { hasNextPage: false, endCursor: null } } }),
    VolunteerCertificateIssue: () => {
      const id = `cert-${state.certificates.length + 1}`
      const certificate = {
        id, code: 'K7M2Q9XW4P', organisation: '阳光社区', totalMinutes: 150, recordCount: 2, issuedAt: '2026-12-02T02:00:00Z',
        pdfUrl: `/certificates/${id}.pdf`, verifyUrl: 'http://linli.test/verify/K7M2Q9XW4P',
      }
      state.certificates.unshift(certificate)
      return ok({ volunteerCertificateIssue: { certificate, errors: [] } })
    },
  }
  return { state, answers }
}

let backend
let volunteering

beforeEach(() => {
  backend = fakeBackend({ viewer: { memberships: [
    { role: 'RESIDENT', community: { id: 'c-1', name: '阳光社区' } },
    { role: 'VOLUNTEER_COORDINATOR', community: { id: 'c-1', name: '阳光社区' } },
  ] } })
  volunteering = fakeVolunteering()
  installWx((call) => {
    const name = call.body && call.body.operationName
    if (VOLUNTEER_OPERATIONS.includes(name)) {
      expect(call.body.documentId).toBe(documentIds[name]) // the persisted id, never a document
      backend.calls.push({ operationName: name, variables: call.body.variables })
      return Promise.resolve(volunteering.answers[name](call.body.variables))
    }
    return backend.serve(call)
  })
  tokenStore.setTokens(backend.issueTokens())
})

const callsOf = (name) => backend.calls.filter((c) => c.operationName === name)
const idle = (page) => until(() => expect(page.instance.data.busy).toBeFalsy())
const toasted = (title) => expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title }))
const lastModal = () => wx.showModal.mock.calls.at(-1)[0]
// Taps `selector`, waits for `check` to pass, then for the page's requests to end.
async function tap(page, selector, check) {
  page.querySelector(selector).dispatchEvent('tap')
  await until(check)
  await idle(page)
}

describe('rules', () => {
  test('reads the token of a check-in QR and refuses any other text', () => {
    expect(checkinToken(' linli:checkin:abc.def ')).toBe('abc.def')
    expect(() => checkinToken('https://example.com')).toThrow(WRONG_CODE)
    expect(() => checkinToken('linli:checkin:')).toThrow(WRONG_CODE)
  })

  test('a QR is a square of modules, and one day is told once', () => {
    const modules = qrModules('linli:checkin:abc')
    expect(modules.length).toBeGreaterThanOrEqual(21)
    expect(modules.every((row) => row.length === modules.length)).toBe(true)
    expect(modules[0][0]).toBe(true) // the finder pattern's corner
    const start = new Date(2026, 11, 3, 9, 0).toISOString()
    expect(whenText(start, new Date(2026, 11, 3, 11, 30).toISOString())).toBe('2026-12-03 09:00–11:30')
    expect(whenText(start, new Date(2026, 11, 4, 9, 0).toISOString())).toBe('2026-12-03 09:00 至 2026-12-04 09:00')
  })
})

test('the list shows what is open, 我的 shows my sign-ups, and a row opens its activity', async () => {
  const page = await openPage('activities')
  await until(() => expect(page.querySelectorAll('.activity-row')).toHaveLength(1))
  expect(textOf(page.querySelector('.activity-title'))).toBe('敬老院陪伴')
  expect(textOf(page.querySelector('.activity-filled'))).toBe('招募 2 人，满员后可候补')
  expect(callsOf('VolunteerActivities')[0].variables).toEqual({ communityId: 'c-1', state: 'PUBLISHED', first: 20, after: null })

  page.querySelector('.activity-row').dispatchEvent('tap')
  await until(() => expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/volunteer/pages/activity/index?id=a-1' }))
  page.instance.chooseFilter({ detail: { value: 'mine' } })
  await idle(page)
  expect(page.querySelector('.empty') && textOf(page.querySelector('.empty'))).toBe('还没有报名志愿活动')
})

test('signing up asks first and toasts; cancelling asks first; when full one is waitlisted', async () => {
  const page = await openPage('activity', { id: 'a-1' })
  await until(() => expect(page.querySelector('.sign-up')).toBeDefined())
  await tap(page, '.sign-up', () => toasted('报名成功'))
  expect(lastModal()).toMatchObject({ title: '确认报名', confirmText: '报名' })
  expect(textOf(page.querySelector('.my-signup'))).toBe('我的报名：已报名')
  expect(page.querySelector('.check-in')).toBeDefined()

  wx.showModal.mockImplementation((options) => options.success({ confirm: false, cancel: true }))
  await tap(page, '.cancel-signup', () => expect(wx.showModal).toHaveBeenCalledTimes(2))
  expect(callsOf('VolunteerSignupCancel')).toHaveLength(0) // declined: nothing sent
  wx.showModal.mockImplementation((options) => options.success({ confirm: true, cancel: false }))
  await tap(page, '.cancel-signup', () => toasted('已取消报名'))
  expect(callsOf('VolunteerSignupCancel')[0].variables).toEqual({ signupId: 's-1' })

  volunteering.state.full = true
  await until(() => expect(page.querySelector('.sign-up')).toBeDefined())
  await tap(page, '.sign-up', () => toasted('已进入候补'))
  expect(textOf(page.querySelector('.my-signup'))).toBe('我的报名：候补中，有人取消后按报名顺序自动递补')
})

test('a coordinator opens the code page from the activity', async () => {
  const page = await openPage('activity', { id: 'a-1' })
  await until(() => expect(page.querySelector('.show-code')).toBeDefined())
  page.querySelector('.show-code').dispatchEvent('tap')
  await until(() => expect(wx.navigateTo).toHaveBeenCalledWith({ url: '/volunteer/pages/code/index?activityId=a-1' }))
})

test('scanning checks in and out; another QR, an expired code and a closed camera say what happened', async () => {
  volunteering.state.signup = { ...SIGNUP, state: 'SIGNED_UP' }
  const page = await openPage('scan', { purpose: 'CHECK_IN' })
  expect(page.querySelectorAll('.action').map(textOf)).toEqual(['扫码签到'])

  wx.scanCode = jest.fn((options) => options.success({ result: 'https://example.com/not-ours' }))
  await tap(page, '.scan-in', () => expect(textOf(page.querySelector('.error'))).toBe(WRONG_CODE))
  expect(callsOf('VolunteerCheckIn')).toHaveLength(0)

  volunteering.state.expired.add('linli:checkin:old')
  wx.scanCode = jest.fn((options) => options.success({ result: 'linli:checkin:old' }))
  await tap(page, '.scan-in', () => expect(textOf(page.querySelector('.error'))).toBe('签到码已过期，请扫描最新的二维码'))

  wx.scanCode = jest.fn((options) => options.fail({ errMsg: 'scanCode:fail cancel' }))
  await tap(page, '.scan-in', () => expect(page.querySelector('.error')).toBeUndefined())

  wx.scanCode = jest.fn((options) => options.success({ result: 'linli:checkin:fresh' }))
  await tap(page, '.scan-in', () => toasted('签到成功'))
  expect(wx.scanCode).toHaveBeenCalledWith(expect.objectContaining({ onlyFromCamera: true }))
  expect(callsOf('VolunteerCheckIn').at(-1).variables).toEqual({ qrText: 'linli:checkin:fresh' })
  toasted('签到成功')
  expect(textOf(page.querySelector('.result-title'))).toBe('签到成功')

  const out = await openPage('scan', { purpose: 'CHECK_OUT' })
  await tap(out, '.scan-out', () => toasted('签退成功'))
  expect(textOf(out.querySelector('.result-line'))).toBe('本次服务 1.58 小时，等待协调员审核')
})

test('the code page shows a code and asks for the next one every 50 s, and for the purpose chosen', async () => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'setTimeout'] })
  try {
    const page = await openPage('code', { activityId: 'a-1' })
    await idle(page)
    expect(page.instance.data.qrText).toBe('linli:checkin:t1-CHECK_IN')
    expect(page.querySelector('.qr-card').dom.getAttribute('data-qr-text')).toBe('linli:checkin:t1-CHECK_IN')
    jest.advanceTimersByTime(50000)
    await until(() => expect(page.instance.data.qrText).toBe('linli:checkin:t2-CHECK_IN'))
    await page.instance.choosePurpose({ detail: { value: 'CHECK_OUT' } })
    expect(page.instance.data.qrText).toBe('linli:checkin:t3-CHECK_OUT')
    expect(callsOf('VolunteerCheckinCode').map((c) => c.variables.purpose)).toEqual(['CHECK_IN', 'CHECK_IN', 'CHECK_OUT'])
    page.instance.onUnload()
    jest.advanceTimersByTime(120000)
    expect(callsOf('VolunteerCheckinCode')).toHaveLength(3) // gone: no more codes asked for
  } finally {
    jest.useRealTimers()
  }
})

test('a certificate is issued once confirmed, shows its code and total, and opens as a PDF', async () => {
  wx.downloadFile = jest.fn((options) => options.success({ statusCode: 200, tempFilePath: 'wxfile://tmp/cert-1.pdf' }))
  const page = await openPage('certificates')
  expect(textOf(page.querySelector('.empty'))).toBe('还没有开具过证明')
  await tap(page, '.issue', () => toasted('已开具'))
  expect(lastModal()).toMatchObject({ title: '开具志愿证明', confirmText: '开具' })
  expect(callsOf('VolunteerCertificateIssue')[0].variables).toEqual({ communityId: 'c-1' })
  expect(textOf(page.querySelector('.certificate-hours'))).toBe('累计 2.5 小时（2 次服务）')
  expect(textOf(page.querySelector('.certificate-verify'))).toBe('核验网址：http://linli.test/verify/K7M2Q9XW4P')
  expect(textOf(page.querySelector('.certificate-code'))).toBe('验证码：K7M2Q9XW4P（点按复制）')

  await tap(page, '.open-pdf', () => expect(wx.openDocument).toHaveBeenCalled())
  expect(wx.downloadFile.mock.calls[0][0].url).toBe('http://linli.test/certificates/cert-1.pdf')
  expect(wx.downloadFile.mock.calls[0][0].header.Authorization).toMatch(/^Bearer /)
  expect(wx.openDocument).toHaveBeenCalledWith(expect.objectContaining({ filePath: 'wxfile://tmp/cert-1.pdf', fileType: 'pdf' }))
})
