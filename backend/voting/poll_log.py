"""A poll's published log: the `verify_log` document exported from the stored rows, the server's own check
of it, a receipt's inclusion proof, and who may read them.

The log holds every sealed ballot's choices, so whoever reads it can re-count: it is shown exactly where
the result may be seen (`results.visible`), never earlier.
"""

from dataclasses import dataclass
from uuid import UUID

from tortoise.expressions import Q

from backend.core.actor import Actor
from backend.core.errors import DomainError, ErrorCode
from backend.voting import results
from backend.voting.merkle import MerkleTree
from backend.voting.models import BallotContent, BallotParticipation, Poll, PollTreeHead
from backend.voting.sealing import ENDED, sealed_ballots, signing_key
from backend.voting.service import get_poll_for, get_poll_for_staff
from backend.voting.spec import electorate_summary, poll_spec
from backend.voting.verify_log import LogInvalid, export_log, report, verify_log


def _check_visible(actor: Actor, poll: Poll) -> None:
    if not results.visible(actor, poll):
        raise DomainError(ErrorCode.FORBIDDEN, "结果可以查看时才公布选票日志（居民在结果公示后可见）")


def public_key_hex() -> str:
    return signing_key().public_key().public_bytes_raw().hex()


async def export(poll: Poll) -> dict:
    """The log document of `verify_log`, read from the poll_ballot rows as they are now and the heads as
    signed, each with the consistency proof published at its seal."""
    leaves = [leaf for _, leaf in await sealed_ballots(poll)]
    heads = await PollTreeHead.filter(poll_id=poll.id).order_by("batch")
    document = export_log(str(poll.id), poll_spec(poll), electorate_summary(poll), leaves, [],
                          signing_key().public_key())
    document["tree_heads"] = [_head_json(h) for h in heads]
    return document


def _head_json(head: PollTreeHead) -> dict:
    return {"poll_id": str(head.poll_id), "tree_size": head.tree_size, "root_hash": head.root_hash,
            "timestamp": head.timestamp, "poll_digest": head.poll_digest, "signature": head.signature,
            "consistency_proof": head.consistency_proof}


async def stored_problems(poll: Poll, document: dict) -> list[str]:
    """What the document cannot show by itself: once a poll has ended, every ballot taken part with is
    sealed, and the log holds one ballot per participation (a row inserted and sealed after the fact)."""
    if poll.state not in ENDED:
        return []
    problems = []
    unsealed = await BallotContent.filter(poll_id=poll.id, batch__isnull=True).count()
    if unsealed:
        problems.append(f"有 {unsealed} 张选票尚未封存（投票已截止；封存任务稍后完成，请再校验）")
    took_part = await BallotParticipation.filter(poll_id=poll.id).count()
    if took_part != len(document["leaves"]) + unsealed:
        problems.append(f"参与记录 {took_part} 条，选票却有 {len(document['leaves']) + unsealed} 张：选票被插入或删除")
    return problems


@dataclass
class LogCheck:
    ok: bool
    lines: list[str]
    tree_size: int
    root_hash: str | None


async def check(poll: Poll, tracker_code: str | None = None) -> LogCheck:
    """`verify_log` on the export, against the server's public key, and the checks of `stored_problems`."""
    document = await export(poll)
    last = document["tree_heads"][-1] if document["tree_heads"] else None
    size, root = (last["tree_size"], last["root_hash"]) if last else (0, None)
    try:
        lines = report(verify_log(document, tracker_code, bytes.fromhex(public_key_hex())))
    except LogInvalid as invalid:
        return LogCheck(False, [f"投票 {poll.id}：日志校验未通过", invalid.message], size, root)
    problems = await stored_problems(poll, document)
    if problems:
        return LogCheck(False, [f"投票 {poll.id}：日志校验未通过", *problems], size, root)
    return LogCheck(True, lines, size, root)


async def poll_log(actor: Actor, *, poll_id: UUID) -> dict:
    """The log, for whoever may see the poll, where its results may be seen."""
    poll = await get_poll_for(actor, poll_id)
    _check_visible(actor, poll)
    return await export(poll)


async def poll_log_check(actor: Actor, *, poll_id: UUID) -> LogCheck:
    """The server's check of the log, for the poll's staff (VOTE_MANAGE); it re-counts, so it follows the
    log's visibility."""
    poll = await get_poll_for_staff(actor, poll_id)
    _check_visible(actor, poll)
    return await check(poll)


@dataclass
class Inclusion:
    leaf: str
    leaf_index: int
    tree_size: int
    audit_path: list[str]
    head: PollTreeHead


async def inclusion(poll: Poll, tracker_hash: str) -> Inclusion | None:
    """The RFC 9162 audit path of a sealed ballot against the poll's last signed head; None while it is
    unsealed. Built from the rows as they are: if they were altered, the proof fails against the head."""
    head = await PollTreeHead.filter(poll_id=poll.id).order_by("-batch").first()
    if head is None or not await BallotContent.filter(Q(poll_id=poll.id, tracker_hash=tracker_hash) & Q(
            batch__lte=head.batch)).exists():
        return None
    ballots = await sealed_ballots(poll)
    index = next(n for n, (tracker, _) in enumerate(ballots) if tracker == tracker_hash)
    tree = MerkleTree(leaf for _, leaf in ballots)
    if index >= head.tree_size or len(tree) < head.tree_size:
        return None  # the rows no longer fit the signed head: nothing to prove against
    return Inclusion(ballots[index][1].decode(), index, head.tree_size,
                     [p.hex() for p in tree.inclusion_proof(index, head.tree_size)], head)

