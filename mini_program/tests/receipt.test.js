// The receipt's inclusion check (voting/utils/merkle.js) against proofs the backend's own log code
// builds (backend/voting/merkle.py, through tests/helpers/merkle_fixture.py): every one passes, and
// any tampering — with the path, the position, the root, the leaf or whose leaf it is — fails; and
// what the receipt page says of it.
const { execFileSync } = require('child_process')
const path = require('path')
const { checkInclusion, verifyInclusion, leafHash } = require('../voting/utils/merkle')
const { installWx, until } = require('./helpers/wx')
const { fakeBackend, VIEWER } = require('./helpers/fakeBackend')
const { openPage, textOf } = require('./helpers/pages')
const tokenStore = require('../utils/tokenStore')

const REPO = path.resolve(__dirname, '../..')

let fixture

beforeAll(() => {
  const script = path.join(__dirname, 'helpers/merkle_fixture.py')
  fixture = JSON.parse(execFileSync(path.join(REPO, '.venv/bin/python'), [script], { cwd: REPO, encoding: 'utf8' }))
})

const check = (c, changes = {}) => checkInclusion({ pollId: fixture.pollId, ...c, ...changes })
const withInclusion = (c, changes) => ({ inclusion: { ...c.inclusion, ...changes } })
const flip = (hex) => `${hex[0] === '0' ? '1' : '0'}${hex.slice(1)}`
const hexBytes = (hex) => hex.match(/../g).map((h) => parseInt(h, 16))
// A case whose tree has more than two leaves, so its path has several steps.
const deep = () => fixture.cases.find((c) => c.inclusion.treeSize === 13 && c.inclusion.leafIndex === 6)

test('every proof the backend builds passes, in trees of 1 to 13 ballots', () => {
  expect(fixture.cases.length).toBe(1 + 2 + 3 + 5 + 8 + 13)
  for (const c of fixture.cases) expect(check(c)).toEqual({ ok: true, message: '我的选票已在公示日志中' })
})

test('a changed audit path, position or root fails', () => {
  const c = deep()
  const { auditPath, treeHead, leafIndex } = c.inclusion
  const broken = '核验失败：包含证明与公示日志的根哈希不符'
  expect(check(c, withInclusion(c, { auditPath: [flip(auditPath[0]), ...auditPath.slice(1)] })).message).toBe(broken)
  expect(check(c, withInclusion(c, { auditPath: auditPath.slice(0, -1) })).message).toBe(broken)
  expect(check(c, withInclusion(c, { auditPath: [...auditPath, auditPath[0]] })).message).toBe(broken)
  expect(check(c, withInclusion(c, { leafIndex: leafIndex + 1 })).message).toBe(broken)
  expect(check(c, withInclusion(c, { treeHead: { ...treeHead, rootHash: flip(treeHead.rootHash) } })).message).toBe(broken)
  expect(check(c, withInclusion(c, { treeHead: { ...treeHead, treeSize: 14 } })).message).toBe(broken)
  expect(check(c, withInclusion(c, { auditPath: ['not hex', ...auditPath.slice(1)] })).message).toBe(broken)
})

test('an edited leaf fails: against the receipt, and against the root when the receipt is edited with it', () => {
  const c = fixture.cases.find((x) => x.inclusion.treeSize === 8 && x.answer.choices)
  const edited = c.inclusion.leaf.replace(`"${c.answer.choices[0]}"`, '"o9"')
  expect(edited).not.toBe(c.inclusion.leaf)

  expect(check(c, withInclusion(c, { leaf: edited })).message).toBe('核验失败：日志中的选票内容与回执不一致')
  expect(check(c, { ...withInclusion(c, { leaf: edited }), answer: { choices: ['o9'] } }).message)
    .toBe('核验失败：包含证明与公示日志的根哈希不符')
})

test("someone else's leaf, with its valid proof, is not my ballot", () => {
  const [mine, theirs] = fixture.cases.filter((x) => x.inclusion.treeSize === 5)
  expect(check({ ...theirs, receiptCode: mine.receiptCode }).message).toBe('核验失败：日志中的这张选票不是本回执的')
})

test('RFC 9162 §2.1.3.2 by itself: a leaf hash at its index, not at another', () => {
  const c = deep()
  const { leaf, leafIndex, treeSize, auditPath, treeHead } = c.inclusion
  const proof = auditPath.map(hexBytes)
  const root = hexBytes(treeHead.rootHash)
  expect(verifyInclusion(leafHash(leaf), leafIndex, treeSize, proof, root)).toBe(true)
  expect(verifyInclusion(leafHash(leaf), leafIndex, 8, proof, root)).toBe(false) // a path too long for the size
  expect(verifyInclusion(leafHash(leaf), treeSize, treeSize, proof, root)).toBe(false)
  expect(verifyInclusion(leafHash(`${leaf} `), leafIndex, treeSize, proof, root)).toBe(false)
})

describe('the receipt page', () => {
  let backend
  let sealed

  beforeEach(() => {
    backend = fakeBackend()
    installWx(backend.serve)
    tokenStore.setTokens(backend.issueTokens())
    backend.voting.addPoll({
      id: fixture.pollId, title: '小区名称', state: 'CLOSED',
      items: [{ key: 'o1', label: '阳光家园' }, { key: 'o2', label: '幸福里' }, { key: 'o3', label: '和谐苑' }],
    }, { voters: { [VIEWER.id]: [{ entryId: 'e-1', label: '1栋 101', voted: true }] } })
    sealed = fixture.cases.find((c) => c.inclusion.treeSize === 13 && c.answer.choices)
  })

  // The receipt page, with the code typed in as one comes back later to check.
  async function openReceipt({ receiptCode, answer, inclusion }, shows = '.log-check') {
    backend.voting.addBallot(fixture.pollId, { code: receiptCode, answer, inclusion })
    const page = await openPage('receipt', { pollId: fixture.pollId })
    page.querySelector('.code-input').dispatchEvent('input', { detail: { value: receiptCode } })
    page.querySelector('.look-up').dispatchEvent('tap')
    await until(() => expect(page.querySelector(shows)).toBeDefined())
    return page
  }

  test('says my ballot is in the published log when the proof checks out', async () => {
    const page = await openReceipt(sealed)

    expect(textOf(page.querySelector('.log-message'))).toBe('✓ 我的选票已在公示日志中')
    expect(textOf(page.querySelector('.log-detail'))).toContain(`日志共 13 张选票，本票为第 ${sealed.inclusion.leafIndex + 1} 张`)
    expect(page.querySelector('.log-ok')).toBeDefined()
  })

  test('says so clearly when the proof does not lead to the signed root', async () => {
    const { treeHead } = sealed.inclusion
    const page = await openReceipt({ ...sealed, inclusion: { ...sealed.inclusion, treeHead: { ...treeHead, rootHash: flip(treeHead.rootHash) } } })

    expect(textOf(page.querySelector('.log-message'))).toBe('✗ 核验失败：包含证明与公示日志的根哈希不符')
    expect(page.querySelector('.log-ok')).toBeUndefined()
  })

  test('before sealing it asks to come back later', async () => {
    const page = await openReceipt({ ...sealed, inclusion: null }, '.log-pending')

    expect(textOf(page.querySelector('.log-pending'))).toBe('选票尚未封存进公示日志，请稍后再来核验')
    expect(page.querySelector('.log-check')).toBeUndefined()
  })
})
