"""Sealing a poll's ballots into its append-only Merkle log (RFC 9162) and signing a tree head.

The worker seals each poll's unsealed ballots as one batch (`seal_due` each minute, `seal_poll` right
after a poll closes): every ballot's leaf is `verify_log.ballot_leaf`, the batch is ordered by tracker hash
(random, so the log never follows the order of casting), each row gets its `batch`, and a tree head over
the whole log so far is signed with LINLI_VOTING_SIGNING_KEY and stored with the consistency proof from
the previous head. Casting goes on meanwhile: a sealer locks only its poll's row, FOR NO KEY UPDATE,
which a ballot's insert (a KEY SHARE on the poll through its foreign key) does not wait for; a second
sealer of the same poll waits, then finds nothing left to seal.

The log is read back from the poll_ballot rows themselves, never from a copy, so an edited, deleted or
inserted row no longer matches the signed heads (`python -m backend.voting.verify`).
"""

import random
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from tortoise.expressions import Q, Subquery

from backend.core import outbox
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.settings import get_settings, voting_seed
from backend.core.statemachine import sweep_due
from backend.voting.merkle import MerkleTree, SignedTreeHead, TreeHead, sign_tree_head
from backend.voting.models import (
    BallotContent,
    ElectorateKind,
    HouseholdRule,
    Poll,
    PollState,
    PollTreeHead,
)
from backend.voting.spec import ballot_of, electorate_summary, poll_spec
from backend.voting.verify_log import ballot_leaf, describe_poll, poll_digest

ENDED = (PollState.CLOSED, PollState.PUBLISHED)
_shuffle = random.SystemRandom().shuffle


class LogMismatch(RuntimeError):
    """The stored ballots no longer match the poll's last signed head: nothing is signed on top of them."""


def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(voting_seed(get_settings()))


def seals_while_open(poll: Poll) -> bool:
    """A sealed ballot is in the log for good, so a poll whose ballots can still be replaced before it
    closes is sealed once, at close: when changes are allowed, when a household's last cast counts, and
    when proxies may vote — a direct vote overrides a proxy's until close, and in a secret poll nothing
    tells which ballot was a proxy's."""
    last_counts = poll.electorate is ElectorateKind.HOUSEHOLD and poll.household_rule is HouseholdRule.LAST_COUNTS
    return not (poll.allow_change or last_counts or poll.proxy_cap > 0)


def leaf_of(poll: Poll, tracker_hash: str, answer: dict, area_dm2: int) -> bytes:
    ballot = ballot_of(poll, answer, area_dm2)
    return ballot_leaf(tracker_hash, ballot.choices, ballot.area_dm2)


async def sealed_ballots(poll: Poll, tx=None) -> list[tuple[str, bytes]]:
    """(tracker hash, leaf) of every sealed ballot, in log order: by batch, then by tracker hash (sorted
    here, as at the seal, so the database's collation has no say)."""
    query = BallotContent.filter(poll_id=poll.id, batch__isnull=False)
    rows = await (query.using_db(tx) if tx else query).values_list("batch", "tracker_hash", "answer", "area_dm2")
    return [(tracker, leaf_of(poll, tracker, answer, area)) for _, tracker, answer, area in sorted(rows)]


def signed(head: PollTreeHead) -> SignedTreeHead:
    return SignedTreeHead(TreeHead(str(head.poll_id), head.tree_size, bytes.fromhex(head.root_hash), head.timestamp,
                                   bytes.fromhex(head.poll_digest)), bytes.fromhex(head.signature))


async def queue_seal(tx, poll: Poll) -> None:
    """Seal right after the closing commits: the head published at close."""
    await outbox.add(tx, "voting.seal", key=f"poll:{poll.id}:seal-at-close", poll_id=str(poll.id))


async def seal_poll(poll_id: UUID) -> PollTreeHead | None:
    async with transaction() as tx:
        return await seal(tx, poll_id)


async def seal(tx, poll_id: UUID) -> PollTreeHead | None:
    """Seal the poll's unsealed ballots as the next batch, in `tx`; the new head, or None when there is
    nothing to seal (or the poll is not sealed now). An ended poll gets a head even with no new ballot."""
    poll = await Poll.filter(id=poll_id).select_for_update(no_key=True).using_db(tx).first()
    ended = poll is not None and poll.state in ENDED
    if poll is None or not (ended or (poll.state is PollState.OPEN and seals_while_open(poll))):
        return None
    last = await PollTreeHead.filter(poll_id=poll.id).order_by("-batch").using_db(tx).first()
    # Rows a cast is replacing right now are locked by it: skipped, for the next batch if they stay.
    rows = await BallotContent.filter(poll_id=poll.id, batch__isnull=True).select_for_update(skip_locked=True) \
        .using_db(tx)
    if not rows and not (ended and not (last and last.at_close)):
        return None
    tree = MerkleTree(leaf for _, leaf in await sealed_ballots(poll, tx))
    if last and (len(tree) != last.tree_size or tree.root().hex() != last.root_hash):
        raise LogMismatch(f"poll {poll.id}: the sealed ballots do not match tree head {last.batch}")
    rows.sort(key=lambda r: r.tracker_hash)
    tree.extend(leaf_of(poll, r.tracker_hash, r.answer, r.area_dm2) for r in rows)
    batch = last.batch + 1 if last else 1
    timestamp = max(int(clock.now().timestamp() * 1000), last.timestamp if last else 0)
    sth = sign_tree_head(tree.head(str(poll.id), poll_digest(describe_poll(poll_spec(poll), electorate_summary(poll))),
                                   timestamp), signing_key())
    await _rewrite(tx, [r.id for r in rows], batch)
    return await PollTreeHead.create(
        poll_id=poll.id, batch=batch, tree_size=sth.head.tree_size, root_hash=sth.head.root_hash.hex(),
        timestamp=timestamp, poll_digest=sth.head.poll_digest.hex(), signature=sth.signature.hex(),
        consistency_proof=[p.hex() for p in tree.consistency_proof(last.tree_size)] if last else [],
        at_close=ended, using_db=tx)


async def _rewrite(tx, ids: list, batch: int) -> None:
    """Set the batch one row at a time in a random order: each update writes a new version of its row,
    and the versions land in the table in the order written, so the physical order of the rows no longer
    follows the order they were cast in."""
    _shuffle(ids)
    sql = "UPDATE poll_ballot SET batch = $1 WHERE id = $2"
    if tx.capabilities.dialect != "postgres":
        sql, ids = sql.replace("$1", "?").replace("$2", "?"), [str(i) for i in ids]
    await tx.execute_many(sql, [[batch, i] for i in ids])


async def seal_due() -> int:
    """The sweep: every poll with unsealed ballots, and every ended poll without its closing head."""
    async def due() -> list[UUID]:
        unsealed = Subquery(BallotContent.filter(batch__isnull=True).distinct().values("poll_id"))
        closed = Subquery(PollTreeHead.filter(at_close=True).values("poll_id"))
        return await Poll.filter(Q(id__in=unsealed, state=PollState.OPEN) | Q(
            Q(id__in=unsealed) | ~Q(id__in=closed), state__in=ENDED)).values_list("id", flat=True)

    async def seal_one(tx, poll_id: UUID) -> bool:
        return await seal(tx, poll_id) is not None

    return await sweep_due(due, seal_one)
