"""An append-only Merkle log after RFC 9162 (Certificate Transparency v2) §2.1, and signed tree heads.

Hashes: a leaf SHA-256(0x00 || leaf), a node SHA-256(0x01 || left || right), the empty tree SHA-256("");
a tree over n > 1 leaves splits at the largest power of two below n. `MerkleTree` keeps the hash of every
complete subtree, level by level, so a batch append costs one hash per new node (under two per leaf) and
the root of, or a proof about, any earlier size is O(log n) look-ups — sealing in batches never
recomputes from scratch.

A tree head is signed with Ed25519 over `TreeHead.encode()`, a fixed byte layout (no JSON), and binds
the poll: its id and the digest of its description (what was asked, the frozen electorate).
"""

import hashlib
import itertools
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

EMPTY_ROOT = hashlib.sha256(b"").digest()
_HEAD_LABEL = b"linli/voting/tree-head/v1\x00"


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n ≥ 2)."""
    return 1 << ((n - 1).bit_length() - 1)


class MerkleTree:
    def __init__(self, leaves: Iterable[bytes] = ()) -> None:
        self._levels: list[list[bytes]] = [[]]  # _levels[h][i]: the complete subtree of 2**h leaves from i * 2**h
        self.extend(leaves)

    def __len__(self) -> int:
        return len(self._levels[0])

    def extend(self, leaves: Iterable[bytes]) -> bytes:
        """Append a batch of leaves (their bytes, hashed here) and return the new root."""
        sha256, levels = hashlib.sha256, self._levels
        levels[0].extend([sha256(b"\x00" + leaf).digest() for leaf in leaves])
        for height in itertools.count():
            level = levels[height]
            if height + 1 == len(levels):
                if len(level) < 2:
                    break
                levels.append([])
            parents = levels[height + 1]
            completed = range(len(parents), len(level) // 2)  # pairs this batch completed
            if not completed:
                break  # nothing new here, so nothing new above
            parents.extend([sha256(b"\x01" + level[2 * i] + level[2 * i + 1]).digest() for i in completed])
        return self.root()

    def leaf_hash(self, index: int) -> bytes:
        return self._levels[0][index]

    def root(self, size: int | None = None) -> bytes:
        """MTH of the first `size` leaves (all by default)."""
        return self._hash(0, self._size(size))

    def head(self, poll_id: str, poll_digest: bytes, timestamp: int) -> "TreeHead":
        return TreeHead(poll_id, len(self), self.root(), timestamp, poll_digest)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """The audit path PATH(index, D[size]) of RFC 9162 §2.1.3.1."""
        size = self._size(size)
        if not 0 <= index < size:
            raise ValueError(f"leaf {index} is not in a tree of {size}")
        return self._path(index, 0, size)

    def consistency_proof(self, first: int, size: int | None = None) -> list[bytes]:
        """PROOF(first, D[size]) of RFC 9162 §2.1.4.1; empty when first is 0 or equals size."""
        size = self._size(size)
        if not 0 <= first <= size:
            raise ValueError(f"a tree of {first} is not a prefix of a tree of {size}")
        if first in (0, size):
            return []
        return self._subproof(first, 0, size, True)

    def _size(self, size: int | None) -> int:
        if size is None:
            return len(self)
        if not 0 <= size <= len(self):
            raise ValueError(f"the log has {len(self)} leaves, not {size}")
        return size

    def _hash(self, lo: int, hi: int) -> bytes:
        n = hi - lo
        if n == 0:
            return EMPTY_ROOT
        if n & (n - 1) == 0 and lo % n == 0:  # a complete subtree: stored
            return self._levels[n.bit_length() - 1][lo // n]
        k = _split(n)
        return node_hash(self._hash(lo, lo + k), self._hash(lo + k, hi))

    def _path(self, m: int, lo: int, hi: int) -> list[bytes]:
        if hi - lo == 1:
            return []
        k = _split(hi - lo)
        if m < k:
            return [*self._path(m, lo, lo + k), self._hash(lo + k, hi)]
        return [*self._path(m - k, lo + k, hi), self._hash(lo, lo + k)]

    def _subproof(self, m: int, lo: int, hi: int, whole: bool) -> list[bytes]:
        if m == hi - lo:
            return [] if whole else [self._hash(lo, hi)]
        k = _split(hi - lo)
        if m <= k:
            return [*self._subproof(m, lo, lo + k, whole), self._hash(lo + k, hi)]
        return [*self._subproof(m - k, lo + k, hi, False), self._hash(lo, lo + k)]


def _shift_while_even(fn: int, sn: int) -> tuple[int, int]:
    while fn and not fn & 1:
        fn, sn = fn >> 1, sn >> 1
    return fn, sn


def verify_inclusion(leaf_digest: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2: does `proof` place the leaf hash at `index` in the tree of `size` with `root`?"""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf_digest
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            fn, sn = _shift_while_even(fn, sn)
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes,
                       proof: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2: is the tree of `first` leaves with `first_root` a prefix of the second one?"""
    if not 0 <= first <= second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof and first_root == EMPTY_ROOT
    if not proof:
        return False
    path = [first_root, *proof] if first & (first - 1) == 0 else list(proof)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            fn, sn = _shift_while_even(fn, sn)
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == first_root and sr == second_root and sn == 0


@dataclass(frozen=True)
class TreeHead:
    poll_id: str
    tree_size: int
    root_hash: bytes
    timestamp: int  # milliseconds since the epoch: the seal's time, no finer than the batch
    poll_digest: bytes  # SHA-256 of the poll's description, so the signature covers what was asked

    def encode(self) -> bytes:
        """label, u16 length + UTF-8 poll id, u64 size, u64 timestamp, root (32), poll digest (32)."""
        poll = self.poll_id.encode()
        if len(self.root_hash) != 32 or len(self.poll_digest) != 32 or len(poll) > 0xFFFF:
            raise ValueError("a tree head holds two 32-byte hashes and a poll id under 64 KiB")
        return _HEAD_LABEL + struct.pack(">H", len(poll)) + poll + struct.pack(
            ">QQ", self.tree_size, self.timestamp) + self.root_hash + self.poll_digest


@dataclass(frozen=True)
class SignedTreeHead:
    head: TreeHead
    signature: bytes  # Ed25519 over head.encode()


def sign_tree_head(head: TreeHead, key: Ed25519PrivateKey) -> SignedTreeHead:
    return SignedTreeHead(head, key.sign(head.encode()))


def verify_tree_head(sth: SignedTreeHead, key: Ed25519PublicKey) -> bool:
    try:
        key.verify(sth.signature, sth.head.encode())
    except (InvalidSignature, ValueError, struct.error):
        return False
    return True
