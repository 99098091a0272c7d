"""The ledger as staff read it (LEDGER_READ, in the accounts' community): accounts with their
owners' names, transfers newest first, holds, and the 工作台's volunteering figures. Owners are
named in batch: people by their display name, community accounts by what they are for.

Tenancy: an account belongs to the community of Account.community_id, a transfer and a hold to the
community of their accounts. Outside the staff member's communities everything is not-found."""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from tortoise.expressions import Q, Subquery
from tortoise.functions import Count, Sum

from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.errors import DomainError, ErrorCode
from backend.core.limits import MAX_PAGE_SIZE
from backend.core.pagination import Page, count_capped, paginate
from backend.core.permissions import Permission, require
from backend.ledger.models import Account, Ledger, Pending, PendingState, Transfer, TransferFlags
from backend.people.models import Person
from backend.wallets import codes
from backend.wallets.accounts import EXPIRED, ISSUE, POOL, REWARDS

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the day and month of every figure and statement
MAX_SEARCH = 32
# The community's own accounts, by code, as staff and residents read them.
COMMUNITY_ACCOUNT_LABELS = {ISSUE: "发放账户", POOL: "互助池", EXPIRED: "到期清零", REWARDS: "兑换"}
# Transfer flags of a row that moves a balance for good: a plain transfer or the post of a hold
# (linked or not). A PENDING row only holds, a VOID_PENDING row only releases.
POSTED_FLAGS = sorted({int(f | link) for f in (TransferFlags.NONE, TransferFlags.POST_PENDING)
                       for link in (TransferFlags.NONE, TransferFlags.LINKED)})
HOLD_FLAGS = sorted({int(TransferFlags.PENDING | link) for link in (TransferFlags.NONE, TransferFlags.LINKED)})


def not_found() -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, "找不到该账户")


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), SHANGHAI)


def month_start(day: date) -> date:
    return day.replace(day=1)


def today() -> date:
    return clock.now().astimezone(SHANGHAI).date()


def is_posted(transfer: Transfer) -> bool:
    return transfer.flags in POSTED_FLAGS


def _community_accounts(community_id: UUID, ledger: Ledger | None = None) -> Subquery:
    query = Account.filter(community_id=community_id)
    if ledger is not None:
        query = query.filter(ledger=ledger)
    return Subquery(query.values("id"))


# --- Names -----------------------------------------------------------------------------------------

async def owner_names(accounts) -> dict[UUID, str]:
    """Each account's owner in words, by account id, in one query for all the people among them."""
    people = {a.owner_id for a in accounts if a.owner_kind == "person"}
    names = dict(await Person.filter(id__in=people).values_list("id", "display_name")) if people else {}
    return {a.id: _owner_name(a, names) for a in accounts}


def _owner_name(account: Account, people: dict[UUID, str]) -> str:
    if account.owner_kind == "person":
        return people.get(account.owner_id, "（已注销）")
    if account.owner_kind == "community":
        return COMMUNITY_ACCOUNT_LABELS.get(account.code, account.code)
    return f"{account.owner_kind}:{account.code}"


async def accounts_by_id(ids) -> dict[UUID, Account]:
    ids = set(ids)
    return {a.id: a for a in await Account.filter(id__in=ids)} if ids else {}


# --- Accounts --------------------------------------------------------------------------------------

async def get_account_for(actor: Actor, account_id: UUID) -> Account:
    """An account of a community the staff member reads the ledger of; not-found otherwise."""
    account = await Account.filter(id=account_id).first()
    if account is None or account.community_id is None or account.community_id not in actor.roles:
        raise not_found()
    require(actor, Permission.LEDGER_READ, account.community_id)
    return account


async def accounts(actor: Actor, *, community_id: UUID, ledger: Ledger | None = None, search: str | None = None,
                   first: int = 20, after: str | None = None) -> Page[Account]:
    """The community's accounts, oldest first; `search` matches the owner's name (a person's, or
    a community account's 互助池, 发放账户…)."""
    require(actor, Permission.LEDGER_READ, community_id)
    query = Account.filter(community_id=community_id)
    if ledger is not None:
        query = query.filter(ledger=ledger)
    search = (search or "").strip()
    if len(search) > MAX_SEARCH:
        raise DomainError(ErrorCode.INVALID_INPUT, f"搜索词最多 {MAX_SEARCH} 个字", field="search")
    if search:
        named = [code for code, label in COMMUNITY_ACCOUNT_LABELS.items() if search in label]
        people = Subquery(Person.filter(display_name__icontains=search).values("id"))
        query = query.filter(Q(owner_kind="person", owner_id__in=people) | Q(owner_kind="community", code__in=named))
    return await paginate(query, first=first, after=after)


# --- Transfers and holds: newest first --------------------------------------------------------------
# Transfer ids are chosen by their callers (uuid5 of what they pay for), so they do not sort by
# time: these lists page by (created_at, id), newest first, with both in the cursor.

def _encode(row) -> str:
    raw = json.dumps([row.created_at.isoformat(), str(row.id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, UUID]:
    try:
        at, row_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return datetime.fromisoformat(at), UUID(row_id)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise DomainError(ErrorCode.INVALID_INPUT, "无效的分页游标", field="after") from exc


async def newest_first(query, *, first: int, after: str | None) -> Page:
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise DomainError(ErrorCode.INVALID_INPUT, f"每页条数须在 1 到 {MAX_PAGE_SIZE} 之间", field="first")
    counted = query
    if after is not None:
        at, row_id = _decode(after)
        query = query.filter(Q(created_at__lt=at) | Q(created_at=at, id__lt=row_id))
    rows = await query.order_by("-created_at", "-id").limit(first + 1)
    items = rows[:first]
    return Page(items, len(rows) > first, _encode(items[-1]) if items else None, lambda: count_capped(counted))


def _period(since: date | None, until: date | None) -> Q:
    """Transfers made on the Asia/Shanghai days [since, until], both included."""
    if since and until and until < since:
        raise DomainError(ErrorCode.INVALID_INPUT, "结束日期不能早于开始日期", field="to")
    q = Q()
    if since:
        q &= Q(created_at__gte=day_start(since))
    if until:
        q &= Q(created_at__lt=day_start(until + timedelta(days=1)))
    return q


async def transfers(actor: Actor, *, community_id: UUID, account_id: UUID | None = None,
                    ledger: Ledger | None = None, code: str | None = None, since: date | None = None,
                    until: date | None = None, first: int = 20, after: str | None = None) -> Page[Transfer]:
    """The community's transfers (holds, posts and voids included), newest first."""
    require(actor, Permission.LEDGER_READ, community_id)
    mine = _community_accounts(community_id)
    query = Transfer.filter(Q(debit_account_id__in=mine) | Q(credit_account_id__in=mine)).filter(_period(since, until))
    if account_id is not None:
        account = await get_account_for(actor, account_id)
        if account.community_id != community_id:
            raise not_found()
        query = query.filter(Q(debit_account_id=account_id) | Q(credit_account_id=account_id))
    if ledger is not None:
        query = query.filter(ledger=ledger)
    if code:
        query = query.filter(code=code[:32])
    return await newest_first(query, first=first, after=after)


async def holds(actor: Actor, *, community_id: UUID, state: PendingState | None = None, first: int = 20,
                after: str | None = None) -> Page[Pending]:
    """The community's holds (冻结), newest first, with their state."""
    require(actor, Permission.LEDGER_READ, community_id)
    mine = _community_accounts(community_id)
    query = Pending.filter(Q(debit_account_id__in=mine) | Q(credit_account_id__in=mine))
    if state is not None:
        query = query.filter(state=state)
    return await newest_first(query, first=first, after=after)


async def hold_transfers(holds_: list[Pending]) -> dict[UUID, Transfer]:
    """The pending transfer of each hold (same id), for its code and reference."""
    ids = [h.id for h in holds_]
    return {t.id: t for t in await Transfer.filter(id__in=ids)} if ids else {}


# --- 工作台 ------------------------------------------------------------------------------------------

@dataclass
class VolunteeringFigures:
    hours_this_month: int  # minutes
    active_volunteers: int
    redemptions_this_month: int


async def volunteering_figures(actor: Actor, *, community_id: UUID) -> VolunteeringFigures:
    """This month's (Asia/Shanghai) volunteer hours, volunteers credited and redemptions, from the
    ledger by transfer code (volunteering, the time bank and points write them)."""
    require(actor, Permission.LEDGER_READ, community_id)
    start = day_start(month_start(today()))
    posted = Transfer.filter(flags__in=POSTED_FLAGS, created_at__gte=start,
                             credit_account_id__in=_community_accounts(community_id))
    hours = posted.filter(Q(code=codes.VOLUNTEER_HOURS) | Q(code=codes.OVERFLOW, reference__startswith="volunteer:"))
    [minutes] = await hours.annotate(total=Sum("amount")).values_list("total", flat=True)
    [people] = await posted.filter(code=codes.VOLUNTEER_HOURS).annotate(
        n=Count("credit_account_id", distinct=True)).values_list("n", flat=True)
    redemptions = await posted.filter(code=codes.REDEMPTION).count()
    return VolunteeringFigures(hours_this_month=int(minutes or 0), active_volunteers=int(people or 0),
                               redemptions_this_month=redemptions)
