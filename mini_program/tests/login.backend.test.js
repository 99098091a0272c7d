// The login and home pages against the real backend: `python -m backend run` on a fresh SQLite
// database (dev mode seeds the demo community 阳光社区), with wx.request bridged to real HTTP.
const { spawn } = require('child_process')
const fs = require('fs')
const http = require('http')
const net = require('net')
const os = require('os')
const path = require('path')
const { installWx, until } = require('./helpers/wx')
const { openPage, textOf, accountButton } = require('./helpers/pages')
const tokenStore = require('../utils/tokenStore')

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

test('a resident signs in with the demo account and sees their community', async () => {
  installWx((call) => httpRequest('POST', call.url, call.body, call.header), apiBase)
  const login = await openPage('login')

  accountButton(login, '居民').dispatchEvent('tap')

  await until(() => expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index' }), 10000)
  expect(tokenStore.getTokens()).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String) })

  const home = await openPage('home')

  expect(home.querySelector('.error')).toBeUndefined()
  expect(textOf(home.querySelector('.greeting'))).toMatch(/^你好，\S/)
  expect(home.querySelectorAll('.community').map(textOf)).toContain('阳光社区')
})
