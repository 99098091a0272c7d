"""Anti-fraud (风险预警) on hours: a periodic sweep reads the new TIME transfers of the ledger, in
order, and raises an alert for

- SAME_HOUSEHOLD: hours moved between two people living in one household, other than a gift to
  the family (donation_family), which is what that code is for;
- LOOP: hours from A to B after hours from B to A within LOOP_DAYS days (trading hours back and
  forth inflates what both seem to have earned);
- VELOCITY: a person receiving more than VELOCITY_TRANSFERS transfers, or more than
  VELOCITY_MINUTES minutes, in one Asia/Shanghai day.

Only movements count (plain transfers and posts of holds). The sweep keeps its place in the ledger
(FraudSweep: created_at and id of the last transfer read) and reads only transfers older than
SWEEP_LAG, so a batch that is still committing is not passed over. Every alert has a key naming
what it is about and is inserted ignoring conflicts: a sweep run twice, or two sweeps at once,
raise it once. Staff (LEDGER_READ) list alerts and dismiss them with a note (audited)."""

from collections import defaultdict
from datetime import timedelta
from uuid import UUID

from tortoise.expressions import Q

from backend.audit import service as audit
from backend.core.actor import Actor
from backend.core.bulk import insert_ignoring_conflicts
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate
from backend.core.permissions import Permission, require
from backend.ledger.models import Ledger, Transfer
from backend.registry.models import PersonRoom
from backend.wallets import codes
from backend.wallets.fraud_models import AlertKind, AlertState, FraudAlert, FraudSweep
from backend.wallets.ledger_views import POSTED_FLAGS, SHANGHAI, accounts_by_id, day_start, owner_names

LOOP_DAYS = 30
VELOCITY_TRANSFERS = 10
VELOCITY_MINUTES = 8 * 60
SWEEP_LAG = timedelta(seconds=30)
SWEEP_BATCH = 1000
MAX_NOTE = 200
KIND_LABELS = {AlertKind.SAME_HOUSEHOLD: "同户互转", AlertKind.LOOP: "循环互转", AlertKind.VELOCITY: "单日频繁入账"}


def _hours(minutes: int) -> str:
    return f"{minutes / 60:g} 小时"


async def sweep(limit: int = SWEEP_BATCH, lag: timedelta = SWEEP_LAG) -> int:
    """Read up to `limit` new TIME transfers older than `lag` and raise their alerts; returns how many
    were read."""
    async with transaction() as tx:
        await insert_ignoring_conflicts(tx, FraudSweep, [{"name": "ledger", "last_at": None, "last_id": None}])
        place = await FraudSweep.filter(name="ledger").select_for_update().using_db(tx).get()
        query = Transfer.filter(ledger=Ledger.TIME, flags__in=POSTED_FLAGS, created_at__lte=clock.now() - lag)
        if place.last_at is not None:
            query = query.filter(Q(created_at__gt=place.last_at) | Q(created_at=place.last_at, id__gt=place.last_id))
        rows = await query.order_by("created_at", "id").limit(limit).using_db(tx)
        if not rows:
            return 0
        accounts = await accounts_by_id({a for t in rows for a in (t.debit_account_id, t.credit_account_id)})
        names = await owner_names(accounts.values())
        alerts = [*await _same_household(tx, rows, accounts, names), *await _loops(tx, rows, accounts, names),
                  *await _velocity(tx, rows, accounts, names)]
        await insert_ignoring_conflicts(tx, FraudAlert, alerts)
        place.last_at, place.last_id = rows[-1].created_at, rows[-1].id
        await place.save(using_db=tx, update_fields=["last_at", "last_id"])
        return len(rows)


def _between_people(rows, accounts):
    for t in rows:
        debit, credit = accounts[t.debit_account_id], accounts[t.credit_account_id]
        if debit.owner_kind == "person" and credit.owner_kind == "person":
            yield t, debit, credit


def _alert(kind: AlertKind, key: str, community_id: UUID, people, transfers, detail: str) -> dict:
    return {"community_id": community_id, "kind": kind.value, "key": key[:128],
            "person_ids": [str(p) for p in people], "transfer_ids": [str(t) for t in transfers],
            "detail": detail[:500], "state": AlertState.OPEN.value, "dismissed_by_id": None, "dismissed_at": None,
            "note": ""}


async def _same_household(tx, rows, accounts, names) -> list[dict]:
    moves = [(t, d, c) for t, d, c in _between_people(rows, accounts) if t.code != codes.DONATION_FAMILY]
    people = {a.owner_id for _, d, c in moves for a in (d, c)}
    homes = defaultdict(set)
    if people:
        for person_id, household_id in await PersonRoom.filter(person_id__in=people, until=None).using_db(tx) \
                .values_list("person_id", "household_id"):
            homes[person_id].add(household_id)
    return [_alert(AlertKind.SAME_HOUSEHOLD, f"same_household:{t.id}", c.community_id, [d.owner_id, c.owner_id],
                   [t.id], f"{names[d.id]} 向同户的 {names[c.id]} 转出 {_hours(t.amount)}（{codes.label(t.code)}）")
            for t, d, c in moves if homes[d.owner_id] & homes[c.owner_id]]


async def _loops(tx, rows, accounts, names) -> list[dict]:
    moves = list(_between_people(rows, accounts))
    if not moves:
        return []
    since = min(t.created_at for t, _, _ in moves) - timedelta(days=LOOP_DAYS)
    back = await Transfer.filter(ledger=Ledger.TIME, flags__in=POSTED_FLAGS, created_at__gte=since,
                                 debit_account_id__in={t.credit_account_id for t, _, _ in moves},
                                 credit_account_id__in={t.debit_account_id for t, _, _ in moves}) \
        .order_by("created_at", "id").using_db(tx)
    alerts = []
    for t, d, c in moves:
        earlier = next((b for b in back if b.debit_account_id == t.credit_account_id
                        and b.credit_account_id == t.debit_account_id
                        and t.created_at - timedelta(days=LOOP_DAYS) <= b.created_at
                        and (b.created_at, b.id) < (t.created_at, t.id)), None)
        if earlier is not None:
            alerts.append(_alert(
                AlertKind.LOOP, f"loop:{t.id}", c.community_id, [c.owner_id, d.owner_id], [earlier.id, t.id],
                f"{names[c.id]} 向 {names[d.id]} 转出 {_hours(earlier.amount)} 后，{LOOP_DAYS} 天内 "
                f"{names[d.id]} 又向 {names[c.id]} 转回 {_hours(t.amount)}"))
    return alerts


async def _velocity(tx, rows, accounts, names) -> list[dict]:
    credited = {(t.credit_account_id, t.created_at.astimezone(SHANGHAI).date()) for t in rows
                if accounts[t.credit_account_id].owner_kind == "person"}
    if not credited:
        return []
    days = {day for _, day in credited}
    received = await Transfer.filter(
        ledger=Ledger.TIME, flags__in=POSTED_FLAGS, credit_account_id__in={a for a, _ in credited},
        created_at__gte=day_start(min(days)), created_at__lt=day_start(max(days) + timedelta(days=1))) \
        .using_db(tx).values_list("id", "credit_account_id", "created_at", "amount")
    tally = defaultdict(list)
    for transfer_id, account_id, at, amount in received:
        tally[(account_id, at.astimezone(SHANGHAI).date())].append((transfer_id, amount))
    alerts = []
    for account_id, day in sorted(credited):
        found = tally[(account_id, day)]
        minutes = sum(amount for _, amount in found)
        if len(found) > VELOCITY_TRANSFERS or minutes > VELOCITY_MINUTES:
            account = accounts[account_id]
            alerts.append(_alert(
                AlertKind.VELOCITY, f"velocity:{account.owner_id}:{day.isoformat()}", account.community_id,
                [account.owner_id], [i for i, _ in found][:50],
                f"{names[account_id]} 在 {day.isoformat()} 收到 {len(found)} 笔共 {_hours(minutes)}"
                f"（单日超过 {VELOCITY_TRANSFERS} 笔或 {_hours(VELOCITY_MINUTES)}）"))
    return alerts


# --- Staff -------------------------------------------------------------------------------------------

async def alerts(actor: Actor, *, community_id: UUID, state: AlertState | None = None, first: int = 20,
                 after: str | None = None) -> Page[FraudAlert]:
    """The community's alerts, newest first."""
    require(actor, Permission.LEDGER_READ, community_id)
    query = FraudAlert.filter(community_id=community_id)
    if state is not None:
        query = query.filter(state=state)
    return await paginate(query, first=first, after=after, newest_first=True)


async def dismiss(actor: Actor, *, alert_id: UUID, note: str) -> FraudAlert:
    """Staff looked into it and found nothing wrong: dismissed with their note, once."""
    note = (note or "").strip()
    if not 1 <= len(note) <= MAX_NOTE:
        raise DomainError(ErrorCode.INVALID_INPUT, f"请填写处理说明（1–{MAX_NOTE} 个字）", field="note")
    async with transaction() as tx:
        alert = await FraudAlert.filter(id=alert_id).select_for_update().using_db(tx).first()
        if alert is None or alert.community_id not in actor.roles:
            raise DomainError(ErrorCode.NOT_FOUND, "找不到该预警")
        require(actor, Permission.LEDGER_READ, alert.community_id)
        if alert.state != AlertState.OPEN:
            raise DomainError(ErrorCode.INVALID_INPUT, "该预警已处理")
        alert.state, alert.note = AlertState.DISMISSED, note
        alert.dismissed_by_id, alert.dismissed_at = actor.require_person(), clock.now()
        await alert.save(using_db=tx, update_fields=["state", "note", "dismissed_by_id", "dismissed_at"])
        await audit.record(tx, actor, "wallet.fraud_alert_dismiss", "fraud_alert", alert.id,
                           community_id=alert.community_id, before={"state": AlertState.OPEN.value},
                           after={"state": alert.state.value, "note": note})
    return alert
