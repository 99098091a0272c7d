"""The Merkle log against RFC 9162's definitions, its worked example, and tampering."""

import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from backend.voting.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    TreeHead,
    leaf_hash,
    sign_tree_head,
    verify_consistency,
    verify_inclusion,
    verify_tree_head,
)


def h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


# The RFC's recursive definitions, written out over a list of leaves (§2.1.1, §2.1.3.1, §2.1.4.1).
def k_of(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d):
    if not d:
        return h(b"")
    if len(d) == 1:
        return h(b"\x00" + d[0])
    k = k_of(len(d))
    return h(b"\x01" + mth(d[:k]) + mth(d[k:]))


def path(m, d):
    if len(d) == 1:
        return []
    k = k_of(len(d))
    return path(m, d[:k]) + [mth(d[k:])] if m < k else path(m - k, d[k:]) + [mth(d[:k])]


def subproof(m, d, b):
    if m == len(d):
        return [] if b else [mth(d)]
    k = k_of(len(d))
    return subproof(m, d[:k], b) + [mth(d[k:])] if m <= k else subproof(m - k, d[k:], False) + [mth(d[:k])]


def leaves(n):
    return [f"d{i}".encode() for i in range(n)]


def test_the_rfc_example_tree_of_seven_leaves():
    """RFC 9162 §2.1.5: its named nodes, audit paths and consistency proofs, by hand."""
    d = leaves(7)
    a, b, c, dd, e, f, j = (h(b"\x00" + x) for x in d)
    g, hh, i = h(b"\x01" + a + b), h(b"\x01" + c + dd), h(b"\x01" + e + f)
    k, l_ = h(b"\x01" + g + hh), h(b"\x01" + i + j)
    root = h(b"\x01" + k + l_)
    tree = MerkleTree(d)
    assert tree.root() == root
    assert tree.inclusion_proof(0) == [b, hh, l_]
    assert tree.inclusion_proof(3) == [c, g, l_]
    assert tree.inclusion_proof(4) == [f, j, k]
    assert tree.inclusion_proof(6) == [i, k]
    assert tree.root(3) == h(b"\x01" + g + c)
    assert tree.consistency_proof(3) == [c, dd, g, l_]
    assert tree.consistency_proof(4) == [l_]
    assert tree.root(6) == h(b"\x01" + k + i)
    assert tree.consistency_proof(6) == [i, j, k]


@pytest.mark.parametrize("n", range(9))
def test_every_proof_up_to_eight_leaves_matches_the_definitions_and_verifies(n):
    d = leaves(n)
    tree = MerkleTree(d)
    assert tree.root() == mth(d)
    for m in range(n):
        proof = tree.inclusion_proof(m)
        assert proof == path(m, d)
        assert verify_inclusion(leaf_hash(d[m]), m, n, proof, tree.root())
        assert not verify_inclusion(leaf_hash(d[m]), (m + 1) % n, n, proof, tree.root()) or n == 1
    for m in range(n + 1):
        proof = tree.consistency_proof(m)
        assert proof == ([] if m in (0, n) else subproof(m, d, True))
        assert verify_consistency(m, n, mth(d[:m]), tree.root(), proof)
        if 0 < m < n:
            assert not verify_consistency(m, n, mth(d[: m - 1]), tree.root(), proof)


def test_the_empty_tree():
    assert MerkleTree().root() == EMPTY_ROOT == hashlib.sha256(b"").digest()
    assert not verify_inclusion(leaf_hash(b"x"), 0, 0, [], EMPTY_ROOT)


@given(st.lists(st.binary(max_size=8), max_size=70), st.lists(st.integers(1, 9), max_size=20), st.data())
def test_appending_in_batches_gives_the_same_log_and_proofs_verify(d, cuts, data):
    tree, start = MerkleTree(), 0
    heads = []
    for cut in [*cuts, len(d)]:
        tree.extend(d[start:start + cut])
        start = min(start + cut, len(d))
        heads.append((len(tree), tree.root()))
    tree.extend(d[start:])
    assert tree.root() == mth(d)
    for (m, first), (n, second) in zip(heads, heads[1:], strict=False):
        assert verify_consistency(m, n, first, second, tree.consistency_proof(m, n))
    if d:
        size = data.draw(st.integers(1, len(d)))
        index = data.draw(st.integers(0, size - 1))
        assert verify_inclusion(leaf_hash(d[index]), index, size, tree.inclusion_proof(index, size), mth(d[:size]))


def test_tampering_with_a_leaf_fails_verification():
    d = leaves(13)
    tree = MerkleTree(d)
    root, proof = tree.root(), tree.inclusion_proof(5)
    flipped = bytes([d[5][0] ^ 1]) + d[5][1:]
    assert not verify_inclusion(leaf_hash(flipped), 5, 13, proof, root)
    assert MerkleTree([*d[:5], flipped, *d[6:]]).root() != root


def test_a_deleted_or_inserted_leaf_breaks_consistency_with_the_published_head():
    d = leaves(13)
    first = MerkleTree(d[:8]).root()
    for rewritten in ([*d[:3], *d[4:]], [*d[:3], b"forged", *d[3:]]):
        tree = MerkleTree(rewritten)
        assert not verify_consistency(8, len(tree), first, tree.root(), tree.consistency_proof(8))
    honest = MerkleTree(d)
    assert verify_consistency(8, 13, first, honest.root(), honest.consistency_proof(8))


def test_a_tampered_proof_fails():
    tree = MerkleTree(leaves(11))
    proof = tree.inclusion_proof(6)
    for i in range(len(proof)):
        bad = list(proof)
        bad[i] = bytes([bad[i][0] ^ 0x80]) + bad[i][1:]
        assert not verify_inclusion(leaf_hash(b"d6"), 6, 11, bad, tree.root())
    assert not verify_inclusion(leaf_hash(b"d6"), 6, 11, proof[:-1], tree.root())
    assert not verify_inclusion(leaf_hash(b"d6"), 6, 11, [*proof, proof[0]], tree.root())


def test_a_signed_tree_head_verifies_and_a_rewritten_one_does_not():
    key = Ed25519PrivateKey.generate()
    tree = MerkleTree(leaves(5))
    head = tree.head("poll-1", h(b"poll"), 1_790_000_000_000)
    sth = sign_tree_head(head, key)
    assert verify_tree_head(sth, key.public_key())
    assert not verify_tree_head(sth, Ed25519PrivateKey.generate().public_key())
    for field, value in [("tree_size", 4), ("root_hash", tree.root(4)), ("timestamp", 1), ("poll_id", "poll-2"),
                         ("poll_digest", h(b"other"))]:
        forged = type(sth)(TreeHead(**{**head.__dict__, field: value}), sth.signature)
        assert not verify_tree_head(forged, key.public_key()), field


def test_the_tree_head_encoding_is_fixed():
    head = TreeHead("p", 2, b"\x11" * 32, 3, b"\x22" * 32)
    assert head.encode() == (b"linli/voting/tree-head/v1\x00" + b"\x00\x01p" + (2).to_bytes(8, "big")
                             + (3).to_bytes(8, "big") + b"\x11" * 32 + b"\x22" * 32)
