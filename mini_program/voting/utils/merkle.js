// Checking on the phone that my ballot is in the poll's public log (an append-only Merkle tree
// after RFC 9162, built by backend/voting/merkle.py): the leaf the server sealed is mine (its
// tracker is the hash of my receipt code's first half with the poll's id, and it says what my
// receipt says), and its audit path leads from that leaf to the root of the signed tree head.
// Hashes (RFC 9162 §2.1.1): a leaf SHA-256(0x00 || leaf), a node SHA-256(0x01 || left || right).
const { sha256 } = require('js-sha256')

const TRACKER_LABEL = 'linli/voting/tracker/v1\u0000'
const TRACKER_LENGTH = 16 // the receipt code's first half, without dashes

const toHex = (bytes) => bytes.map((b) => b.toString(16).padStart(2, '0')).join('')
const fromHex = (hex) => (/^([0-9a-f]{2})*$/i.test(hex) ? hex.match(/../g) || [] : [NaN]).map((h) => parseInt(h, 16))

// `leaf` is the leaf's text, hashed as its UTF-8 bytes; digests are byte arrays.
const leafHash = (leaf) => sha256.create().update([0]).update(leaf).array()
const nodeHash = (left, right) => sha256.create().update([1]).update(left).update(right).array()

// The tracker a leaf carries for the ballot with this receipt code (verify_log.tracker_hash).
function trackerHash(pollId, receiptCode) {
  const tracker = receiptCode.replace(/[-\s]/g, '').toUpperCase().slice(0, TRACKER_LENGTH)
  return sha256(`${TRACKER_LABEL}${pollId}\u0000${tracker}`)
}

// RFC 9162 §2.1.3.2: does `auditPath` place `leafDigest` at `index` in the tree of `size` with `root`?
// (Tree sizes stay far below 2^53, so halving is plain arithmetic.)
function verifyInclusion(leafDigest, index, size, auditPath, root) {
  if (!(index >= 0 && index < size)) return false
  let fn = index
  let sn = size - 1
  let r = leafDigest
  for (const p of auditPath) {
    if (sn === 0) return false
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r)
      while (fn !== 0 && fn % 2 === 0) {
        fn /= 2
        sn = Math.floor(sn / 2)
      }
    } else {
      r = nodeHash(r, p)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  return sn === 0 && toHex(r) === toHex(root)
}

// JSON with object keys in order, to compare what a leaf says with what the receipt says.
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`
  }
  return JSON.stringify(value)
}

function parseLeaf(text) {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

// {ok, message}: whether `inclusion` (BallotInclusion) shows the ballot of `receiptCode`, which says
// `answer` ({choices} | {motions} | {answers}), in the log of the poll `pollId` under its signed head.
function checkInclusion({ pollId, receiptCode, answer, inclusion }) {
  const { leaf, leafIndex, treeSize, auditPath, treeHead } = inclusion
  const sealed = parseLeaf(leaf)
  if (!sealed || sealed.tracker !== trackerHash(pollId, receiptCode)) {
    return { ok: false, message: '核验失败：日志中的这张选票不是本回执的' }
  }
  const said = answer.choices || answer.motions || answer.answers
  if (canonical(sealed.choices) !== canonical(said)) {
    return { ok: false, message: '核验失败：日志中的选票内容与回执不一致' }
  }
  const proved = treeSize === treeHead.treeSize
    && verifyInclusion(leafHash(leaf), leafIndex, treeSize, auditPath.map(fromHex), fromHex(treeHead.rootHash))
  if (!proved) return { ok: false, message: '核验失败：包含证明与公示日志的根哈希不符' }
  return { ok: true, message: '我的选票已在公示日志中' }
}

module.exports = { leafHash, nodeHash, trackerHash, verifyInclusion, checkInclusion }
