"""Expiry of earned hours and points (到期清零), first in, first out: what a person received longest
ago is what they spent first. The amount that has expired for an account at time T is

    max(0, credits posted before T − valid_days − every debit (posted and held))

(earlier expiries are debits too, so they are counted once). A daily sweep moves that amount from
the person's account to the community's `expired` account, under an id of the account and the day
(transfer_id("expiry:<account>:<date>")), so a rerun the same day writes nothing new; and tells the
holder `expiry_notice_days` ahead what will expire that day, once (an inbox message keyed by the
account and the day of expiry). Time is the injectable clock's."""

from datetime import date, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from tortoise.expressions import F
from tortoise.functions import Sum

from backend.core.clock import clock
from backend.core.statemachine import sweep_due
from backend.ledger.models import Account, Ledger, Transfer, TransferFlags
from backend.ledger.results import TransferSpec
from backend.ledger.service import create_transfers, require_ok
from backend.notify import service as notify
from backend.wallets.accounts import EXPIRED, HOURS, POINTS, community_account, transfer_id
from backend.wallets.codes import EXPIRY
from backend.wallets.policy import policy_of

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A posted credit: plain, linked, or the posting of a hold (pending and void transfers move nothing).
_POSTED_FLAGS = [int(TransferFlags.NONE), int(TransferFlags.LINKED), int(TransferFlags.POST_PENDING),
                 int(TransferFlags.POST_PENDING | TransferFlags.LINKED)]


def expiry_key(account_id: UUID, day: date) -> str:
    return f"expiry:{account_id}:{day.isoformat()}"


def _valid_days(policy, ledger: Ledger) -> int:
    return policy.hours_valid_days if ledger == Ledger.TIME else policy.points_valid_days


async def _credits_before(account_id: UUID, moment: datetime, *, tx=None) -> int:
    rows = await Transfer.filter(credit_account_id=account_id, created_at__lt=moment, flags__in=_POSTED_FLAGS) \
        .using_db(tx).annotate(total=Sum("amount")).values("total")
    return int((rows[0]["total"] if rows else None) or 0)


async def expired_by(account: Account, moment: datetime, *, valid_days: int, tx=None) -> int:
    """How much of the account has expired by `moment` (FIFO, see the module docstring)."""
    if valid_days <= 0:
        return 0
    credits = await _credits_before(account.id, moment - timedelta(days=valid_days), tx=tx)
    return max(0, credits - account.debits_posted - account.debits_pending)


async def _due_accounts(community_id: UUID | None = None) -> list[UUID]:
    query = Account.filter(owner_kind="person", code__in=[HOURS, POINTS])
    if community_id is not None:
        query = query.filter(community_id=community_id)
    return await query \
        .annotate(available=F("credits_posted") - F("debits_posted") - F("debits_pending")) \
        .filter(available__gt=0).order_by("id").values_list("id", flat=True)


def _amount_text(ledger: Ledger, amount: int) -> str:
    if ledger == Ledger.POINTS:
        return f"{amount} 积分"
    hours, minutes = divmod(amount, 60)
    return f"{hours} 小时" + (f" {minutes} 分钟" if minutes else "") if hours else f"{minutes} 分钟"


async def expire_account(tx, account_id: UUID) -> bool:
    """Today's expiry of one account, and the notice of what expires `expiry_notice_days` from now.
    Returns True when something expired."""
    account = await Account.filter(id=account_id).select_for_update().using_db(tx).first()
    if account is None or account.community_id is None:
        return False
    ledger = Ledger(account.ledger)
    policy = await policy_of(account.community_id, tx=tx)
    valid_days = _valid_days(policy, ledger)
    if valid_days <= 0:
        return False
    now = clock.now()
    today = now.astimezone(SHANGHAI).date()
    expired = False
    transfer = transfer_id(expiry_key(account.id, today))
    amount = await expired_by(account, now, valid_days=valid_days, tx=tx)
    if amount and not await Transfer.filter(id=transfer).using_db(tx).exists():
        sink = await community_account(ledger, EXPIRED, community_id=account.community_id, tx=tx)
        require_ok(await create_transfers([TransferSpec(
            id=transfer, ledger=ledger, code=EXPIRY, debit_account_id=account.id, credit_account_id=sink.id,
            amount=amount, reference=f"expiry:{today.isoformat()}")], tx=tx))
        await account.refresh_from_db(using_db=tx)
        expired = True
    if policy.expiry_notice_days > 0:
        ahead = timedelta(days=policy.expiry_notice_days)
        # What becomes due on that one day: expired by then, less what is expired by the day before.
        soon = await expired_by(account, now + ahead, valid_days=valid_days, tx=tx) \
            - await expired_by(account, now + ahead - timedelta(days=1), valid_days=valid_days, tx=tx)
        if soon > 0:
            day = today + ahead
            await notify.deliver_many(
                tx, person_ids=[account.owner_id], kind="wallet_expiry",
                title="时长即将到期" if ledger == Ledger.TIME else "积分即将到期",
                body=f"您有 {_amount_text(ledger, soon)}将于 {day.month}月{day.day}日 到期，请及时使用",
                key_prefix=expiry_key(account.id, day))
    return expired


async def sweep_expiry(community_id: UUID | None = None) -> int:
    """Every person account with something left (of one community, when given), one transaction
    each; returns how many expired."""
    return await sweep_due(lambda: _due_accounts(community_id), expire_account)
