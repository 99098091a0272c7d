"""Inclusion proofs built by the backend's own log code, for the mini-program's check of them
(tests/receipt.test.js runs this in its beforeAll): `python mini_program/tests/helpers/merkle_fixture.py`
from the repository's root prints JSON {"pollId", "cases": [{"receiptCode", "answer", "inclusion"}]},
one case per leaf of trees of several sizes, each inclusion as the API's BallotInclusion holds it."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from backend.voting.merkle import MerkleTree  # noqa: E402
from backend.voting.verify_log import ballot_leaf, tracker_hash  # noqa: E402

POLL_ID = "0190f3a2-7c4e-7d6b-9a51-2f8e4c1b0a77"
SIZES = (1, 2, 3, 5, 8, 13)
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def receipt_code(n: int) -> str:
    plain = "".join(ALPHABET[(n * 7 + i * 3) % len(ALPHABET)] for i in range(32))
    return "-".join(plain[i:i + 4] for i in range(0, 32, 4))


def answer(n: int) -> dict:
    """Alternately a choice and motions (with a Chinese key, so the leaf's UTF-8 is exercised)."""
    return {"choices": [f"o{n % 3 + 1}"]} if n % 2 else {"motions": {"o1": "YES", "议题2": "ABSTAIN"}}


def cases() -> list[dict]:
    found = []
    for size in SIZES:
        codes = [receipt_code(size * 100 + i) for i in range(size)]
        answers = [answer(i) for i in range(size)]
        leaves = [ballot_leaf(tracker_hash(POLL_ID, code.replace("-", "")[:16]),
                              frozenset(a["choices"]) if "choices" in a else a["motions"])
                  for code, a in zip(codes, answers, strict=True)]
        tree = MerkleTree(leaves)
        head = {"treeSize": size, "rootHash": tree.root().hex(), "timestamp": 1764633600000,
                "pollDigest": "00" * 32, "signature": "00" * 64}
        for index in range(size):
            found.append({"receiptCode": codes[index], "answer": answers[index], "inclusion": {
                "leaf": leaves[index].decode(), "leafIndex": index, "treeSize": size,
                "auditPath": [h.hex() for h in tree.inclusion_proof(index)], "treeHead": head}})
    return found


if __name__ == "__main__":
    print(json.dumps({"pollId": POLL_ID, "cases": cases()}, ensure_ascii=False))
