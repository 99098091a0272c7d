// The pages against the real backend: `python -m backend run` on a fresh SQLite database (dev
// mode seeds the demo community 阳光社区, where 王爷爷's daughter may act for him), with
// wx.request bridged to real HTTP.
const { spawn } = require('child_process')
const fs = require('fs')
const http = require('http')
const net = require('net')
const os = require('os')
const path = require('path')
const { installWx, until } = require('./helpers/wx')
const { openPage, textOf, accountButton, bannerText, choose } = require('./helpers/pages')
const tokenStore = require('../utils/tokenStore')
const session = require('../utils/session')
const documentIds = require('../graphql/persisted')

const REPO = path.resolve(__dirname, '../..')
const STARTUP_DEADLINE_MS = 60000

jest.setTimeout(STARTUP_DEADLINE_MS + 30000)

let server
let serverOutput = ''
let apiBase
let dataDir

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
    probe.on('error', reject)
  })
}

// One HTTP exchange, answered the way wx.request answers: a JSON body parsed, any other as text.
function httpRequest(method, url, body, header = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: header }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => { text += chunk })
      res.on('end', () => {
        let data = text
        try { data = JSON.parse(text) } catch { /* not JSON: wx.request hands over the text */ }
        resolve({ statusCode: res.statusCode, data })
      })
    })
    req.on('error', reject)
    req.end(body === undefined ? undefined : JSON.stringify(body))
  })
}

const serverRunning = () => server.pid !== undefined && server.exitCode === null && server.signalCode === null

async function waitUntilHealthy() {
  const deadline = Date.now() + STARTUP_DEADLINE_MS
  while (Date.now() < deadline) {
    if (!serverRunning()) throw new Error(`backend did not start:\n${serverOutput}`)
    const res = await httpRequest('GET', `${apiBase}/healthz`).catch(() => null)
    if (res && res.statusCode === 200) return
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`backend not healthy within ${STARTUP_DEADLINE_MS / 1000}s:\n${serverOutput}`)
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-mini-program-'))
  const port = await freePort()
  apiBase = `http://127.0.0.1:${port}`
  server = spawn(path.join(REPO, '.venv/bin/python'), ['-m', 'backend', 'run', '--host', '127.0.0.1', '--port', String(port)], {
    cwd: REPO,
    env: { ...process.env, LINLI_ENV: 'dev', LINLI_DATABASE_URL: `sqlite://${dataDir}/linli.sqlite3` },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so afterAll stops whatever it starts too
  })
  server.stdout.on('data', (chunk) => { serverOutput += chunk })
  server.stderr.on('data', (chunk) => { serverOutput += chunk })
  server.on('error', (err) => { serverOutput += `${err}\n` })
  await waitUntilHealthy()
})

afterAll(async () => {
  if (server && serverRunning()) {
    const exited = new Promise((resolve) => server.once('exit', resolve))
    process.kill(-server.pid, 'SIGTERM')
    await exited
  }
  fs.rmSync(dataDir, { recursive: true, force: true })
})

const HOME = { url: '/pages/home/index' }

beforeEach(() => {
  installWx((call) => httpRequest('POST', call.url, call.body, call.header), apiBase)
})

// Signs in with a demo account on the login page, accepting the privacy notice the first time
// (the demo people have not accepted it yet).
async function signIn(label) {
  const login = await openPage('login')
  accountButton(login, label).dispatchEvent('tap')
  await until(() => expect(login.querySelector('.agree') || wx.reLaunch.mock.calls.length).toBeTruthy(), 10000)
  if (login.querySelector('.agree')) login.querySelector('.agree').dispatchEvent('agreeprivacyauthorization')
  await until(() => expect(wx.reLaunch).toHaveBeenCalledWith(HOME), 10000)
  wx.reLaunch.mockClear()
}

// One operation sent straight over HTTP, as another person on another phone would.
async function graphql(operationName, variables, accessToken) {
  const header = { 'content-type': 'application/json', ...(accessToken && { Authorization: `Bearer ${accessToken}` }) }
  const res = await httpRequest('POST', `${apiBase}/graphql`, { documentId: documentIds[operationName], operationName, variables }, header)
  expect(res.data.errors).toBeUndefined()
  return res.data.data
}

test('a resident signs in with the demo account and sees their community', async () => {
  await signIn('居民')

  expect(tokenStore.getTokens()).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String) })
  const home = await openPage('home')
  expect(home.querySelector('.error')).toBeUndefined()
  expect(textOf(home.querySelector('.greeting'))).toMatch(/^你好，\S/)
  expect(home.querySelectorAll('.community').map(textOf)).toContain('阳光社区')
})

test('a daughter acts for 王爷爷 until he revokes the proxy', async () => {
  await signIn('家属')
  const home = await openPage('home')
  expect(home.querySelectorAll('.principal-name').map(textOf)).toEqual(['王爷爷'])

  home.querySelector('.act-for').dispatchEvent('tap')
  await until(() => expect(wx.reLaunch).toHaveBeenCalledWith(HOME))
  const household = await openPage('household')
  expect(household.querySelector('.error')).toBeUndefined()
  expect(bannerText(household)).toBe('正在为 王爷爷 代办')
  expect(textOf(household.querySelector('.residence'))).toContain('业主') // his home, where she is 同住人

  const { authDemoLogin } = await graphql('DemoLogin', { handle: 'elder' })
  const elder = authDemoLogin.tokens.accessToken
  const { viewer } = await graphql('Proxies', {}, elder)
  const granted = viewer.proxies.filter((p) => p.active && p.principal.id === viewer.id)
  expect(granted.map((p) => p.agent.displayName)).toEqual(['王爷爷的女儿 王丽'])
  await graphql('ProxyRevoke', { id: granted[0].id }, elder)

  wx.reLaunch.mockClear()
  await openPage('home')
  await until(() => expect(wx.reLaunch).toHaveBeenCalledWith(HOME))
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '代办授权已失效' }))
  expect(session.getActingFor()).toBeNull()
  const herself = await openPage('home')
  expect(herself.querySelector('.error')).toBeUndefined()
  expect(bannerText(herself)).toBe('')
  expect(herself.querySelector('.principal')).toBeUndefined()
})

test('a resident applies for a room chosen from the directory', async () => {
  await signIn('志愿者')
  const apply = await openPage('apply')

  choose(apply, '.communities', '阳光社区')
  await until(() => expect(apply.querySelector('.buildings')).toBeDefined(), 5000)
  const [building] = apply.querySelector('.buildings').querySelectorAll('.choice').map(textOf)
  choose(apply, '.buildings', building)
  await until(() => expect(apply.querySelector('.rooms')).toBeDefined(), 5000)
  choose(apply, '.rooms', '1单元 101')
  await until(() => expect(apply.querySelector('.roles')).toBeDefined())
  choose(apply, '.roles', '租户')
  apply.querySelector('.submit').dispatchEvent('tap')

  await until(() => expect(apply.querySelector('.done')).toBeDefined(), 5000)
  expect(apply.querySelector('.error')).toBeUndefined()
})

test('the head of a household invites family, and the invitee joins with the code', async () => {
  await signIn('居民')
  const household = await openPage('household')
  household.querySelector('.invite').dispatchEvent('tap')
  await until(() => expect(household.querySelector('.invite-code')).toBeDefined(), 5000)
  const code = textOf(household.querySelector('.invite-code'))

  await signIn('志愿者')
  const join = await openPage('join')
  join.querySelector('.code-input').dispatchEvent('input', { detail: { value: code } })
  join.querySelector('.join').dispatchEvent('tap')

  await until(() => expect(join.querySelector('.done')).toBeDefined(), 5000)
  const joined = await openPage('household')
  expect(joined.querySelectorAll('.member-name').map(textOf)).toEqual(expect.arrayContaining(['张阿姨', '志愿者 小林']))
})

test("王爷爷's own pages: granting his daughter a proxy, his devices, what is held about him", async () => {
  await signIn('长者')

  const proxies = await openPage('proxies')
  choose(proxies, '.agents', '王爷爷的女儿 王丽')
  proxies.querySelectorAll('.scope')[0].dispatchEvent('tap')
  await until(() => expect(proxies.instance.data.scopes[0].chosen).toBe(true))
  proxies.querySelector('.grant').dispatchEvent('tap')
  await until(() => expect(wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已授权' })), 5000)
  await until(() => expect(proxies.querySelectorAll('.granted .proxy-name').map(textOf)).toContain('王爷爷的女儿 王丽'))
  expect(proxies.querySelector('.error')).toBeUndefined()

  const sessions = await openPage('sessions')
  expect(sessions.querySelector('.error')).toBeUndefined()
  expect(sessions.querySelectorAll('.this-device')).toHaveLength(1)

  const myData = await openPage('my-data')
  expect(myData.querySelector('.error')).toBeUndefined()
  expect(textOf(myData.querySelector('.display-name'))).toBe('王爷爷')
})
