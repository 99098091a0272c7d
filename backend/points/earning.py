"""Earning points by participation: the outbox events other domains write (an urgent notice read, a
poll closed with its participants), and the job that credits them within the daily cap.

Every event has a key (`points:notice:<notice>:<person>`, `points:poll:<poll>:<person>`): the
transfer's id derives from it, so a redelivered job is a replay. The cap is decided under the lock
of the person's row for that Asia/Shanghai day (PointsDay), so concurrent events never pass it."""

from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from backend.core import outbox
from backend.core.bulk import insert_ignoring_conflicts
from backend.core.clock import clock
from backend.core.db import after_commit, transaction
from backend.core.outbox import OutboxMessage
from backend.ledger.models import Ledger, Transfer
from backend.ledger.results import TransferSpec
from backend.ledger.service import create_transfers, require_ok
from backend.points.models import PointsDay, RuleKind
from backend.points.rules import rule_of
from backend.wallets.accounts import ISSUE, community_account, person_account, transfer_id
from backend.wallets.codes import PARTICIPATION
from backend.wallets.policy import policy_of

SHANGHAI = ZoneInfo("Asia/Shanghai")
TOPIC = "points.participation"


async def notice_read(tx, *, notice_id: UUID, community_id: UUID, person_id: UUID, at: datetime) -> None:
    """An urgent notice was read (or acknowledged) for the first time: queue its points."""
    await outbox.add(tx, TOPIC, key=f"points:notice:{notice_id}:{person_id}", kind=RuleKind.URGENT_NOTICE_READ.value,
                     community_id=str(community_id), person_id=str(person_id), object_id=str(notice_id),
                     at=at.isoformat())


async def poll_closed(tx, *, poll_id: UUID, community_id: UUID, voter_ids: list[UUID], at: datetime) -> None:
    """A poll closed: each who took part (voting reads them from its participation rows, never at
    the time of casting: a secret ballot's timing must not name its voter) earns the POLL_VOTED
    points, one outbox message each, written in one statement."""
    if not voter_ids:
        return
    await insert_ignoring_conflicts(tx, OutboxMessage, [
        {"topic": TOPIC, "key": f"points:poll:{poll_id}:{person_id}", "available_at": clock.now(), "attempts": 0,
         "payload": {"kind": RuleKind.POLL_VOTED.value, "community_id": str(community_id), "person_id": str(person_id),
                     "object_id": str(poll_id), "at": at.isoformat()}}
        for person_id in sorted(set(voter_ids))])
    after_commit(tx, outbox.wake_relay)


async def award(*, key: str, kind: RuleKind, community_id: UUID, person_id: UUID, object_id: str,
                at: datetime) -> int:
    """Credit the rule's points for one event, as much as the person's daily cap still allows on the
    event's day; returns the points credited (0 for a replay, an inactive rule or a full day)."""
    tid = transfer_id(key)
    async with transaction() as tx:
        rule = await rule_of(community_id, kind, tx=tx)
        if not rule.active or rule.points <= 0:
            return 0
        day = at.astimezone(SHANGHAI).date().isoformat()
        await insert_ignoring_conflicts(tx, PointsDay, [
            {"community_id": community_id, "person_id": person_id, "day": day, "earned": 0}])
        counter = await PointsDay.filter(community_id=community_id, person_id=person_id, day=day) \
            .select_for_update().using_db(tx).get()
        if await Transfer.filter(id=tid).using_db(tx).exists():  # a redelivery: credited before
            return 0
        cap = (await policy_of(community_id, tx=tx)).points_daily_cap
        points = min(rule.points, max(0, cap - counter.earned))
        if not points:
            return 0
        issue = await community_account(Ledger.POINTS, ISSUE, community_id=community_id, tx=tx)
        mine = await person_account(Ledger.POINTS, person_id=person_id, community_id=community_id, tx=tx)
        require_ok(await create_transfers([TransferSpec(
            id=tid, ledger=Ledger.POINTS, code=PARTICIPATION, debit_account_id=issue.id,
            credit_account_id=mine.id, amount=points, reference=f"rule:{kind.value}:{object_id}")], tx=tx))
        counter.earned += points
        await counter.save(using_db=tx, update_fields=["earned"])
    return points
