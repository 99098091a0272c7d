"""My wallet (我的时长与积分): a person's hours and points in a community, and their history, newest
first, for the person or their proxy holding TIMEBANK. A hold shows as 冻结中 until it is posted
(then as what was posted), voided (已取消) or expired (已过期). Reading opens no account: someone
who never earned anything has a wallet of zeros."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from tortoise.expressions import Q

from backend.core.actor import Actor, ProxyScope
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page
from backend.ledger.models import Account, Ledger, Pending, PendingState, Transfer, TransferFlags
from backend.registry.models import Membership
from backend.wallets import codes
from backend.wallets.accounts import HOURS, POINTS, balance
from backend.wallets.ledger_views import accounts_by_id, newest_first, owner_names

_CODE = {Ledger.TIME: HOURS, Ledger.POINTS: POINTS}
STATE_LABELS = {PendingState.PENDING: "冻结中", PendingState.VOIDED: "已取消", PendingState.EXPIRED: "已过期"}
# A wallet's history lists a hold once (where it was made), not its post or void.
_RESOLUTIONS = [int(f | link) for f in (TransferFlags.POST_PENDING, TransferFlags.VOID_PENDING)
                for link in (TransferFlags.NONE, TransferFlags.LINKED)]


def wallet_owner(actor: Actor) -> UUID | None:
    """Whose wallet the caller sees: themselves, or the principal they act for with TIMEBANK."""
    try:
        return actor.subject(ProxyScope.TIMEBANK)
    except DomainError:
        return None


@dataclass
class Wallet:
    person_id: UUID
    community_id: UUID
    hours: Account | None
    points: Account | None

    def account(self, ledger: Ledger) -> Account | None:
        return self.hours if ledger == Ledger.TIME else self.points


def spendable(account: Account | None) -> int:
    return balance(account) if account else 0


def held(account: Account | None) -> int:
    """What pending debits hold (a booked service, a redemption not yet collected)."""
    return account.debits_pending if account else 0


async def my_wallet(actor: Actor, *, community_id: UUID) -> Wallet:
    person_id = actor.subject(ProxyScope.TIMEBANK)
    if not await Membership.filter(person_id=person_id, community_id=community_id).exists():
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该社区", field="communityId")
    found = {Ledger(a.ledger): a for a in await Account.filter(
        owner_kind="person", owner_id=person_id, community_id=community_id,
        ledger__in=[Ledger.TIME, Ledger.POINTS], code__in=[HOURS, POINTS])}
    return Wallet(person_id, community_id, found.get(Ledger.TIME), found.get(Ledger.POINTS))


@dataclass
class WalletEntry:
    id: UUID
    at: datetime
    code: str
    label: str
    amount: int  # signed: + in, − out
    state: str  # POSTED, PENDING, VOIDED, EXPIRED
    state_label: str
    counterparty: str


async def entries(wallet: Wallet, *, ledger: Ledger, first: int = 20, after: str | None = None) -> Page[WalletEntry]:
    account = wallet.account(ledger)
    if account is None:
        return Page([], False, None)
    query = Transfer.filter(Q(debit_account_id=account.id) | Q(credit_account_id=account.id)) \
        .exclude(flags__in=_RESOLUTIONS)
    page = await newest_first(query, first=first, after=after)
    holds = [t.id for t in page.items if t.flags & TransferFlags.PENDING]
    pendings = {p.id: p for p in await Pending.filter(id__in=holds)} if holds else {}
    posts = [p.resolved_by for p in pendings.values() if p.state == PendingState.POSTED and p.resolved_by]
    posted = dict(await Transfer.filter(id__in=posts).values_list("id", "amount")) if posts else {}
    others = await accounts_by_id(t.credit_account_id if t.debit_account_id == account.id else t.debit_account_id
                                  for t in page.items)
    names = await owner_names(others.values())
    items = []
    for t in page.items:
        amount, state = t.amount, "POSTED"
        if t.flags & TransferFlags.PENDING:
            hold = pendings.get(t.id)
            state = hold.state.value if hold else "PENDING"
            if hold and hold.state == PendingState.POSTED:
                amount = posted.get(hold.resolved_by, t.amount)
        outgoing = t.debit_account_id == account.id
        other = t.credit_account_id if outgoing else t.debit_account_id
        items.append(WalletEntry(id=t.id, at=t.created_at, code=t.code, label=codes.label(t.code),
                                 amount=-amount if outgoing else amount, state=state,
                                 state_label=STATE_LABELS.get(PendingState(state), "") if state != "POSTED" else "",
                                 counterparty=names.get(other, "")))
    return Page(items, page.has_next_page, page.end_cursor, page.count)
