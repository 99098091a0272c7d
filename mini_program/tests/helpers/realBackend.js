// The real backend for the *.backend.test.js files: `python -m backend run` on a fresh SQLite
// database (dev mode seeds the demo community 阳光社区), with wx.request bridged to real HTTP.
// `useRealBackend()` starts it before the file's tests and stops it after; the pages then talk to
// it through installWx (uploads too, of real files), and `graphql` sends an operation straight over
// HTTP, as another person on another phone (or the console) would.
const { spawn } = require('child_process')
const fs = require('fs')
const http = require('http')
const net = require('net')
const os = require('os')
const path = require('path')
const { installWx, until } = require('./wx')
const { openPage, accountButton } = require('./pages')

const REPO = path.resolve(__dirname, '../../..')
const STARTUP_DEADLINE_MS = 180000 // a failure detector: a loaded machine took 58 s to start the server
const MANIFESTS = {
  mini_program: require('../../graphql/persisted'),
  admin: require('../../../admin/src/graphql/persisted.json'),
}
const HOME = { url: '/pages/home/index' }

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

// wx.uploadFile as WeChat sends it: the file at `filePath` (a real file here) as the multipart field
// `name`; answered with the body as text, as wx.uploadFile answers.
function httpUpload({ url, filePath, name, header }) {
  const boundary = `linli-${Date.now()}`
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"; filename="${path.basename(filePath)}"\r\n` +
      'content-type: application/octet-stream\r\n\r\n'),
    fs.readFileSync(filePath),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ])
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { ...header, 'content-type': `multipart/form-data; boundary=${boundary}` } }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => { text += chunk })
      res.on('end', () => resolve({ statusCode: res.statusCode, data: text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

// Starts the backend before the file's tests (and installs wx before each), stops it after.
// Returns {apiBase()}, the server's address once it is up.
function useRealBackend() {
  let server
  let serverOutput = ''
  let apiBase
  let dataDir

  jest.setTimeout(STARTUP_DEADLINE_MS + 30000)
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

  beforeEach(() => {
    installWx((call) => (call.filePath ? httpUpload(call) : httpRequest('POST', call.url, call.body, call.header)), apiBase)
  })

  // One operation of `client`'s manifest sent straight over HTTP; resolves with its data.
  async function graphql(operationName, variables, accessToken, client = 'mini_program') {
    const header = { 'content-type': 'application/json', ...(accessToken && { Authorization: `Bearer ${accessToken}` }) }
    const body = { documentId: MANIFESTS[client][operationName], operationName, variables }
    const res = await httpRequest('POST', `${apiBase}/graphql`, body, header)
    expect(res.data.errors).toBeUndefined()
    return res.data.data
  }

  return { apiBase: () => apiBase, graphql }
}

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

module.exports = { useRealBackend, signIn, HOME }
