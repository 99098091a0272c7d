"""Redeeming rewards (兑换): the points are held (a PENDING ledger transfer person → the community's
`rewards` account) and the reward's stock taken at once, under the reward's row lock, so a reward
never goes to more people than its stock. The redeemer gets a 6-digit pickup code, which staff enter
to collect (the hold is posted); the redeemer or staff may cancel before (the hold is voided, the
stock comes back); after 14 days an uncollected redemption expires (the ledger releases the points,
our sweep puts the stock back).

Lock order, everywhere: redemption, reward, then the ledger's accounts (id order)."""

import secrets
from datetime import timedelta
from uuid import UUID

from tortoise.exceptions import IntegrityError

from backend.audit import service as audit
from backend.core import crypto
from backend.core.actor import Actor, ProxyScope
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate
from backend.core.permissions import Permission, has, require
from backend.core.runtime import runtime
from backend.core.statemachine import sweep_due
from backend.ledger.models import Ledger, TransferFlags
from backend.ledger.results import ResultCode, TransferSpec
from backend.ledger.service import create_transfers, require_ok
from backend.points.catalogue import not_found as reward_not_found
from backend.points.catalogue import require_member
from backend.points.models import Redemption, RedemptionState, Reward
from backend.wallets.accounts import REWARDS, community_account, person_account, transfer_id
from backend.wallets.codes import REDEMPTION

HOLD_DAYS = 14
CODE_DIGITS = 6
# Wrong pickup codes one staff member may enter before being locked out for the window.
WRONG_CODES, WRONG_CODE_WINDOW_S = 5, 600
_ATTEMPTS = 3  # a new code drawn when one clashes with a pending code of the community


def _not_found() -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, "找不到该兑换记录")


def hold_id(redemption_id: UUID) -> UUID:
    return transfer_id(f"redemption:{redemption_id}:hold")


def _code_key(community_id: UUID, code: str) -> str:
    return crypto.lookup_hash(f"pickup:{community_id}:{code}")


def pickup_code(redemption: Redemption) -> str:
    """The code in clear, for its redeemer only."""
    return crypto.decrypt(redemption.pickup_code)


async def redeem(actor: Actor, *, reward_id: UUID) -> Redemption:
    """For myself, or with the TIMEBANK (wallet) proxy scope for my principal. Refused, with nothing
    changed, when the reward is gone (该奖品已兑完) or the points are short (积分不足)."""
    for attempt in range(_ATTEMPTS):
        try:
            return await _redeem(actor, reward_id=reward_id)
        except IntegrityError:  # the drawn code clashed with a pending one: the transaction rolled back
            if attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


async def _redeem(actor: Actor, *, reward_id: UUID) -> Redemption:
    async with transaction() as tx:
        reward = await Reward.filter(id=reward_id).select_for_update().using_db(tx).first()
        if reward is None:
            raise reward_not_found()
        try:
            person_id = await require_member(actor, reward.community_id)
        except DomainError as refused:
            raise reward_not_found() from refused
        if reward.archived_at is not None or not reward.active:
            raise DomainError(ErrorCode.INVALID_INPUT, "该奖品已下架", field="rewardId")
        if reward.stock <= 0:
            raise DomainError(ErrorCode.INVALID_INPUT, "该奖品已兑完", field="rewardId")
        code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
        redemption = await Redemption.create(
            community_id=reward.community_id, reward_id=reward.id, person_id=person_id,
            redeemed_by_id=actor.person_id, cost=reward.cost, pickup_code=crypto.encrypt(code),
            code_key=_code_key(reward.community_id, code), expires_at=clock.now() + timedelta(days=HOLD_DAYS),
            using_db=tx)
        mine = await person_account(Ledger.POINTS, person_id=person_id, community_id=reward.community_id, tx=tx)
        rewards = await community_account(Ledger.POINTS, REWARDS, community_id=reward.community_id, tx=tx)
        [result] = await create_transfers([TransferSpec(
            id=hold_id(redemption.id), ledger=Ledger.POINTS, code=REDEMPTION, debit_account_id=mine.id,
            credit_account_id=rewards.id, amount=reward.cost, reference=f"redemption:{redemption.id}",
            flags=TransferFlags.PENDING, timeout=HOLD_DAYS * 86400)], tx=tx)
        if result.code == ResultCode.OVERDRAFT:
            raise DomainError(ErrorCode.INVALID_INPUT, "积分不足", field="rewardId")
        require_ok([result])
        reward.stock -= 1
        await reward.save(using_db=tx, update_fields=["stock"])
        if actor.is_proxy:  # in the principal's history
            await audit.record(tx, actor, "redemption.create", "redemption", redemption.id,
                               community_id=reward.community_id, after={"reward": reward.name})
    redemption.reward = reward
    return redemption


async def my_redemptions(actor: Actor, *, first: int, after: str | None) -> Page[Redemption]:
    me = actor.subject(ProxyScope.TIMEBANK)
    return await paginate(Redemption.filter(person_id=me).select_related("reward"), first=first, after=after,
                          newest_first=True)


async def list_redemptions(actor: Actor, *, community_id: UUID, state: RedemptionState | None, first: int,
                           after: str | None) -> Page[Redemption]:
    """The community's redemptions for the pickup desk, newest first (never their codes)."""
    require(actor, Permission.POINTS_MANAGE, community_id)
    query = Redemption.filter(community_id=community_id).select_related("reward", "person")
    if state is not None:
        query = query.filter(state=state)
    return await paginate(query, first=first, after=after, newest_first=True)


def _locked() -> DomainError:
    return DomainError(ErrorCode.RATE_LIMITED, f"取货码连续输错 {WRONG_CODES} 次，已锁定，请 10 分钟后再试",
                       field="pickupCode")


async def _streak(actor: Actor) -> str:
    """The staff member's current run of wrong codes: refused while locked out, else the run's name
    (a right code starts a new run, so only wrong codes in a row count)."""
    if await runtime().cache.get(f"points:pickup-locked:{actor.person_id}"):
        raise _locked()
    return await runtime().cache.get(f"points:pickup-streak:{actor.person_id}") or "0"


async def _wrong_code(actor: Actor, streak: str) -> DomainError:
    """A wrong code spends one from the run's bucket (core.ratelimit), which holds one fewer than
    WRONG_CODES and refills over the window: the fifth wrong code in a row within ten minutes finds
    it empty and locks the staff member out for the window."""
    decision = await runtime().ratelimit.allow(
        f"points:pickup-wrong:{actor.person_id}:{streak}", capacity=WRONG_CODES - 1,
        per_second=(WRONG_CODES - 1) / WRONG_CODE_WINDOW_S)
    if not decision:
        await runtime().cache.set(f"points:pickup-locked:{actor.person_id}", "1", WRONG_CODE_WINDOW_S)
        return _locked()
    return DomainError(ErrorCode.NOT_FOUND, "取货码不正确或已失效", field="pickupCode")


async def _by_code(actor: Actor, *, community_id: UUID, pickup_code: str, tx=None, lock: bool = False) -> Redemption:
    require(actor, Permission.POINTS_MANAGE, community_id)
    streak = await _streak(actor)
    code = (pickup_code or "").strip()
    found = None
    if code.isdigit() and len(code) == CODE_DIGITS:
        query = Redemption.filter(community_id=community_id, state=RedemptionState.PENDING,
                                  code_key__in=crypto.lookup_hashes(f"pickup:{community_id}:{code}"))
        found = await (query.select_for_update() if lock else query).using_db(tx).first()
    if found is None:
        raise await _wrong_code(actor, streak)
    await found.fetch_related("reward", "person", using_db=tx)
    if streak != str(found.id):
        await runtime().cache.set(f"points:pickup-streak:{actor.person_id}", str(found.id), WRONG_CODE_WINDOW_S)
    return found


async def find_by_code(actor: Actor, *, community_id: UUID, pickup_code: str) -> Redemption:
    """What a pickup code is for (the reward and the person), for staff to check before collecting."""
    return await _by_code(actor, community_id=community_id, pickup_code=pickup_code)


async def collect(actor: Actor, *, community_id: UUID, pickup_code: str) -> Redemption:
    """Staff hand the reward over: the held points are spent (the hold posted)."""
    async with transaction() as tx:
        redemption = await _by_code(actor, community_id=community_id, pickup_code=pickup_code, tx=tx, lock=True)
        if redemption.expires_at <= clock.now():
            raise DomainError(ErrorCode.INVALID_INPUT, "该兑换已过期，积分已退回", field="pickupCode")
        require_ok(await create_transfers([TransferSpec(
            id=transfer_id(f"redemption:{redemption.id}:collect"), ledger=Ledger.POINTS, code=REDEMPTION,
            reference=f"redemption:{redemption.id}", flags=TransferFlags.POST_PENDING,
            pending_id=hold_id(redemption.id))], tx=tx))
        await _resolve(tx, redemption, RedemptionState.COLLECTED, by=actor.person_id)
        await audit.record(tx, actor, "redemption.collect", "redemption", redemption.id, community_id=community_id,
                           after={"reward": redemption.reward.name, "cost": redemption.cost})
    return redemption


async def _resolve(tx, redemption: Redemption, state: RedemptionState, *, by: UUID | None) -> None:
    redemption.state, redemption.code_key = state, None
    redemption.resolved_at, redemption.resolved_by_id = clock.now(), by
    await redemption.save(using_db=tx, update_fields=["state", "code_key", "resolved_at", "resolved_by_id"])


async def _restock(tx, redemption: Redemption) -> None:
    reward = await Reward.filter(id=redemption.reward_id).select_for_update().using_db(tx).get()
    reward.stock += 1
    await reward.save(using_db=tx, update_fields=["stock"])
    redemption.reward = reward


async def cancel(actor: Actor, *, redemption_id: UUID) -> Redemption:
    """The redeemer (or their proxy with TIMEBANK) or staff with POINTS_MANAGE cancel a redemption
    not yet collected: the points are released and the stock comes back."""
    async with transaction() as tx:
        redemption = await Redemption.filter(id=redemption_id).select_for_update().using_db(tx).first()
        if redemption is None:
            raise _not_found()
        staff = has(actor, Permission.POINTS_MANAGE, redemption.community_id)
        if not staff and redemption.person_id != actor.subject(ProxyScope.TIMEBANK):
            raise _not_found()
        if redemption.state == RedemptionState.COLLECTED:
            raise DomainError(ErrorCode.INVALID_INPUT, "已核销的兑换不能取消")
        if redemption.state != RedemptionState.PENDING:
            raise DomainError(ErrorCode.INVALID_INPUT, "该兑换已取消或已过期")
        [result] = await create_transfers([TransferSpec(
            id=transfer_id(f"redemption:{redemption.id}:void"), ledger=Ledger.POINTS, code=REDEMPTION,
            reference=f"redemption:{redemption.id}", flags=TransferFlags.VOID_PENDING,
            pending_id=hold_id(redemption.id))], tx=tx)
        if result.code != ResultCode.PENDING_EXPIRED:  # expired: the points are back already
            require_ok([result])
        await _restock(tx, redemption)
        await _resolve(tx, redemption, RedemptionState.CANCELLED, by=actor.person_id)
        if staff or actor.is_proxy:
            await audit.record(tx, actor, "redemption.cancel", "redemption", redemption.id,
                               community_id=redemption.community_id, after={"reward": redemption.reward.name})
    return redemption


async def expire_due(limit: int = 500) -> int:
    """The sweep: every pending redemption past its pickup deadline expires and its stock comes back
    (the ledger's own sweep releases the held points; a post after the deadline is refused anyway)."""
    async def due() -> list[UUID]:
        return await Redemption.filter(state=RedemptionState.PENDING, expires_at__lte=clock.now()) \
            .order_by("expires_at").limit(limit).values_list("id", flat=True)

    async def expire_one(tx, redemption_id: UUID) -> bool:
        redemption = await Redemption.filter(id=redemption_id, state=RedemptionState.PENDING,
                                             expires_at__lte=clock.now()).select_for_update().using_db(tx).first()
        if redemption is None:
            return False
        await _restock(tx, redemption)
        await _resolve(tx, redemption, RedemptionState.EXPIRED, by=None)
        return True

    return await sweep_due(due, expire_one)
