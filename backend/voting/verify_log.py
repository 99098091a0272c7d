"""Checking an exported poll log from its contents alone, as anyone can: the tree heads, the ballots, the count.

The export (`export_log`) is one JSON document:

    {"format": "linli-poll-log/1", "poll_id": "...",
     "poll": {"spec": {...}, "electorate": {"entries": 300, "area_dm2": 1200000}},
     "leaves": [<each ballot's leaf as text, in log order>],
     "tree_heads": [{"poll_id", "tree_size", "root_hash", "timestamp", "poll_digest", "signature"}, ...],
     "public_key": "<hex of the raw Ed25519 key>"}

Hashes and signatures are hex. A leaf is hashed as the UTF-8 bytes of its text, exactly as sealed.
A ballot's leaf is canonical JSON — keys sorted, no spaces, UTF-8, integers
only — of {"v": 1, "tracker": <tracker_hash>, "choices": ..., "area_dm2": <int, or null outside owners'
assemblies>}; choices as in `tally.Ballot`: sorted option ids, {motion: "YES"|"NO"|"ABSTAIN"}, or
{question: text | integer}. A leaf never names a person or an electorate entry: the voter finds their
ballot by the tracker code only they hold, hashed with the poll id so one code cannot be matched across
polls. The tree heads sign the poll's digest (SHA-256 of the canonical "poll" object), so the rules and the
electorate cannot be changed under the signature either.

What `verify_log` checks, in order, each failure a `LogInvalid` with a Chinese message saying what is wrong:
every head's signature (a rewritten head), its poll and rules; the heads grow; each published consistency
proof between successive heads (RFC 9162: a forked log, sealed ballots rewritten and signed again); the
ballot count against the last head (deleted or inserted ballots); every head's root against the tree
rebuilt from the ballots, which names the batch where a ballot was edited; tracker codes unique; a
re-count with `tally.tally`; and, given a tracker code, its inclusion proof.
"""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from backend.core.errors import DomainError
from backend.voting.merkle import (
    MerkleTree,
    SignedTreeHead,
    TreeHead,
    verify_consistency,
    verify_inclusion,
    verify_tree_head,
)
from backend.voting.tally import (
    AnswerKind,
    Ballot,
    Count,
    ElectorateKind,
    ElectorateSummary,
    Matter,
    PollKind,
    PollSpec,
    Question,
    Result,
    Stance,
    Threshold,
    Thresholds,
    format_area,
    format_decimal,
    format_percent,
    tally,
)

FORMAT = "linli-poll-log/1"
_TRACKER_LABEL = b"linli/voting/tracker/v1\x00"
_THRESHOLD_FIELDS = ("participation_area", "participation_heads", "passing_area", "passing_heads")


class LogInvalid(Exception):
    """The log does not verify; `message` says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def canonical_json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def tracker_hash(poll_id: str, tracker_code: str) -> str:
    return hashlib.sha256(_TRACKER_LABEL + poll_id.encode() + b"\x00" + tracker_code.encode()).hexdigest()


def ballot_leaf(tracker: str, choices: frozenset[str] | dict, area_dm2: int | None = None) -> bytes:
    """The canonical leaf of one ballot: `tracker` from `tracker_hash`, choices as in `tally.Ballot`,
    `area_dm2` the ballot's weight in an owners' assembly (None elsewhere)."""
    if isinstance(choices, frozenset | set):
        encoded: object = sorted(choices)
    else:
        encoded = {k: v.value if isinstance(v, Stance) else v for k, v in choices.items()}
    return canonical_json({"v": 1, "tracker": tracker, "choices": encoded, "area_dm2": area_dm2})


def describe_poll(spec: PollSpec, electorate: ElectorateSummary) -> dict:
    """The "poll" object of the export: what was asked, how it is decided, and how many could vote."""
    thresholds = spec.thresholds
    return {
        "spec": {
            "kind": spec.kind.value, "electorate": spec.electorate.value, "matter": spec.matter.value,
            "options": list(spec.options), "motions": list(spec.motions),
            "questions": [{"id": q.question_id, "answer": q.answer.value} for q in spec.questions],
            "min_choices": spec.min_choices, "max_choices": spec.max_choices,
            "thresholds": None if thresholds is None else {
                name: {"numerator": t.fraction.numerator, "denominator": t.fraction.denominator, "strict": t.strict}
                for name, t in zip(_THRESHOLD_FIELDS, (t for _, t in thresholds.pairs()), strict=True)
            },
        },
        "electorate": {"entries": electorate.entries, "area_dm2": electorate.area_dm2},
    }


def poll_digest(description: dict) -> bytes:
    return hashlib.sha256(canonical_json(description)).digest()


def export_log(poll_id: str, spec: PollSpec, electorate: ElectorateSummary, leaves: Sequence[bytes],
               heads: Sequence[SignedTreeHead], public_key: Ed25519PublicKey) -> dict:
    """The document `verify_log` reads. Each head after the first carries the RFC 9162 consistency proof
    from the one before, as published at its seal for those who keep heads but not ballots."""
    tree = MerkleTree(leaves)
    sizes = [0, *(s.head.tree_size for s in heads)]
    return {
        "format": FORMAT, "poll_id": poll_id, "poll": describe_poll(spec, electorate),
        "leaves": [leaf.decode() for leaf in leaves],
        "tree_heads": [{
            "poll_id": s.head.poll_id, "tree_size": s.head.tree_size, "root_hash": s.head.root_hash.hex(),
            "timestamp": s.head.timestamp, "poll_digest": s.head.poll_digest.hex(), "signature": s.signature.hex(),
            "consistency_proof": [p.hex() for p in tree.consistency_proof(previous, s.head.tree_size)] if n else [],
        } for n, (previous, s) in enumerate(zip(sizes, heads, strict=False))],
        "public_key": public_key.public_bytes_raw().hex(),
    }


@dataclass(frozen=True)
class Receipt:
    tracker_hash: str
    index: int  # the ballot's place in the log
    tree_size: int  # the tree head the proof is against: the last one
    proof: tuple[bytes, ...]  # RFC 9162 audit path


@dataclass(frozen=True)
class Verification:
    poll_id: str
    ballots: int
    tree_heads: int
    root_hash: bytes  # of the last tree head
    result: Result
    receipt: Receipt | None


def verify_log(document: dict, tracker_code: str | None = None, public_key: bytes | None = None) -> Verification:
    """Verify an exported log and re-count it. `public_key` (raw bytes), when given, is the key published
    for the poll, and the document's own key must equal it. Raises LogInvalid."""
    try:
        return _verify(document, tracker_code, public_key)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise LogInvalid(f"日志格式无效：{error!r}") from error


def _verify(document: dict, tracker_code: str | None, pinned: bytes | None) -> Verification:
    if document.get("format") != FORMAT:
        raise LogInvalid(f"这不是 {FORMAT} 格式的投票日志")
    poll_id, key_bytes = document["poll_id"], bytes.fromhex(document["public_key"])
    if pinned is not None and key_bytes != pinned:
        raise LogInvalid("日志中的公钥与公布的公钥不符")
    key = Ed25519PublicKey.from_public_bytes(key_bytes)
    spec, electorate = _read_poll(document["poll"])
    heads = [_read_head(h) for h in document["tree_heads"]]
    digest = poll_digest(document["poll"])
    if not heads:
        raise LogInvalid("日志没有已签名的树头")
    for n, sth in enumerate(heads, 1):
        if not verify_tree_head(sth, key):
            raise LogInvalid(f"第 {n} 个树头（{sth.head.tree_size} 张选票）的签名无效："
                             "树头被改写，或不是用本投票的密钥签发")
        if sth.head.poll_id != poll_id:
            raise LogInvalid(f"第 {n} 个树头属于另一个投票（{sth.head.poll_id}）")
        if sth.head.poll_digest != digest:
            raise LogInvalid(f"投票的规则或名册与第 {n} 个树头签署的不符：日志中的投票说明被改动")
    for n, (earlier, later) in enumerate(zip(heads, heads[1:], strict=False), 1):
        if later.head.tree_size < earlier.head.tree_size or later.head.timestamp < earlier.head.timestamp:
            raise LogInvalid(f"第 {n + 1} 个树头比第 {n} 个更小或更早：树头顺序错乱")
        proof = [bytes.fromhex(p) for p in document["tree_heads"][n]["consistency_proof"]]
        if not verify_consistency(earlier.head.tree_size, later.head.tree_size, earlier.head.root_hash,
                                  later.head.root_hash, proof):
            raise LogInvalid(f"第 {n} 与第 {n + 1} 个树头之间的一致性证明不成立："
                             "日志出现分叉（已封存的选票被改写后重新签署），或公布的证明有误")

    leaves = [leaf.encode() for leaf in document["leaves"]]
    last = heads[-1].head
    if len(leaves) < last.tree_size:
        raise LogInvalid(f"日志只有 {len(leaves)} 张选票，但最后的树头签署了 {last.tree_size} 张：有选票被删除")
    if len(leaves) > last.tree_size:
        raise LogInvalid(f"日志有 {len(leaves)} 张选票，但最后的树头只签署了 {last.tree_size} 张："
                         f"有 {len(leaves) - last.tree_size} 张未经签署的选票（被插入）")
    tree = MerkleTree(leaves)
    sealed = 0  # ballots up to here match every head so far
    for n, sth in enumerate(heads, 1):
        if tree.root(sth.head.tree_size) != sth.head.root_hash:
            raise LogInvalid(f"第 {n} 个树头（{sth.head.tree_size} 张选票）的根哈希与日志重建的不符："
                             f"第 {sealed + 1} 到 {sth.head.tree_size} 张选票中有被修改、删除或插入的")
        sealed = sth.head.tree_size

    trackers: dict[str, int] = {}
    ballots = []
    for index, leaf in enumerate(document["leaves"]):
        tracker, ballot = _read_leaf(spec, json.loads(leaf), index)
        if tracker in trackers:
            raise LogInvalid(f"第 {index + 1} 张选票与第 {trackers[tracker] + 1} 张的追踪码相同：同一张票出现两次")
        trackers[tracker] = index
        ballots.append(ballot)
    try:
        result = tally(spec, electorate, ballots)
    except DomainError as error:
        raise LogInvalid(f"重新计票失败：{error.message}") from error
    return Verification(poll_id, len(leaves), len(heads), last.root_hash, result,
                        None if tracker_code is None else _receipt(tree, poll_id, tracker_code, trackers, last))


def report(checked: Verification) -> list[str]:
    """What `python -m backend.voting.verify` prints: the checks passed, then the re-count, in Chinese."""
    result, turnout = checked.result, checked.result.turnout
    lines = [f"投票 {checked.poll_id}：日志校验通过",
             f"选票 {checked.ballots} 张，树头 {checked.tree_heads} 个，最后的根哈希 {checked.root_hash.hex()}",
             f"投票率 {turnout.ballots} / {turnout.electorate} = {format_percent(turnout.ratio)}"
             + (f"，面积 {format_area(turnout.area_dm2)} / {format_area(turnout.total_area_dm2)}"
                if turnout.total_area_dm2 else "")]
    area = bool(turnout.total_area_dm2)

    def counted(c: Count) -> str:
        return f"{c.ballots} 票" + (f"（{format_area(c.area_dm2)}）" if area else "")

    lines += [f"选项「{option}」：{counted(c)}" for option, c in result.options.items()]
    lines += [f"议题「{motion}」：" + "，".join(f"{_STANCES[s]} {counted(c)}" for s, c in counts.items())
              for motion, counts in result.motions.items()]
    for question, q in result.questions.items():
        numbers = "" if q.mean is None else (f"，合计 {q.total}，最小 {q.minimum}，最大 {q.maximum}，"
                                             f"平均 {format_decimal(q.mean, 2)}")
        lines.append(f"问题「{question}」：作答 {q.answered} 份{numbers}")
    for decision in result.decisions:
        lines += [decision.text, *(f"  {step.text}" for step in decision.steps)]
    if checked.receipt:
        r = checked.receipt
        lines.append(f"回执：这张选票是日志中的第 {r.index + 1} 张，包含证明在 {r.tree_size} 张选票的树头下成立")
    return lines


_STANCES = {Stance.YES: "同意", Stance.NO: "反对", Stance.ABSTAIN: "弃权"}


def _receipt(tree: MerkleTree, poll_id: str, code: str, trackers: dict[str, int], last: TreeHead) -> Receipt:
    hashed = tracker_hash(poll_id, code)
    if hashed not in trackers:
        raise LogInvalid(f"追踪码 {code} 的选票不在已公布的日志中")
    index = trackers[hashed]
    proof = tree.inclusion_proof(index, last.tree_size)
    if not verify_inclusion(tree.leaf_hash(index), index, last.tree_size, proof, last.root_hash):
        raise LogInvalid(f"追踪码 {code} 的选票的包含证明不成立")
    return Receipt(hashed, index, last.tree_size, tuple(proof))


def _read_poll(poll: dict) -> tuple[PollSpec, ElectorateSummary]:
    spec, thresholds = poll["spec"], poll["spec"]["thresholds"]
    try:
        return PollSpec(
            kind=PollKind(spec["kind"]), electorate=ElectorateKind(spec["electorate"]), matter=Matter(spec["matter"]),
            options=tuple(spec["options"]), motions=tuple(spec["motions"]),
            questions=tuple(Question(q["id"], AnswerKind(q["answer"])) for q in spec["questions"]),
            min_choices=spec["min_choices"], max_choices=spec["max_choices"],
            thresholds=None if thresholds is None else Thresholds(*(
                Threshold(Fraction(t["numerator"], t["denominator"]), t["strict"])
                for t in (thresholds[name] for name in _THRESHOLD_FIELDS))),
        ), ElectorateSummary(poll["electorate"]["entries"], poll["electorate"]["area_dm2"])
    except DomainError as error:
        raise LogInvalid(f"投票规则无效：{error.message}") from error


def _read_head(head: dict) -> SignedTreeHead:
    return SignedTreeHead(TreeHead(head["poll_id"], head["tree_size"], bytes.fromhex(head["root_hash"]),
                                   head["timestamp"], bytes.fromhex(head["poll_digest"])),
                          bytes.fromhex(head["signature"]))


def _read_leaf(spec: PollSpec, leaf: dict, index: int) -> tuple[str, Ballot]:
    """A leaf as a ballot. Choices of the wrong shape pass through, for tally to refuse with its message."""
    if not isinstance(leaf, dict) or set(leaf) != {"v", "tracker", "choices", "area_dm2"} or leaf["v"] != 1:
        raise LogInvalid(f"第 {index + 1} 张选票的格式无效")
    choices = leaf["choices"]
    if isinstance(choices, list):
        if choices != sorted(set(choices)):
            raise LogInvalid(f"第 {index + 1} 张选票的选项须不重复且按顺序排列")
        choices = frozenset(choices)
    elif spec.kind is PollKind.MOTIONS and isinstance(choices, dict):
        choices = {motion: _stance(stance) for motion, stance in choices.items()}
    return leaf["tracker"], Ballot(choices, area_dm2=leaf["area_dm2"])


def _stance(value: object) -> object:
    # A dict look-up: calling the enum is most of a 100,000-ballot verification's time otherwise.
    return _STANCE_VALUES.get(value, value) if isinstance(value, str) else value


_STANCE_VALUES = {s.value: s for s in Stance}
