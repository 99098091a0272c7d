"""The ledger's service: opening accounts, creating transfers (batched, or in the caller's
transaction), and the sweep that expires pending transfers. See docs/ledger.md."""

from contextlib import nullcontext
from uuid import UUID

from tortoise.exceptions import IntegrityError

from backend.core.bulk import insert_ignoring_conflicts, insert_rows, update_rows
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.statemachine import sweep_due
from backend.ledger.batching import batcher
from backend.ledger.engine import Balance, Engine, Hold
from backend.ledger.models import Account, AccountFlags, Ledger, Pending, PendingState, Rejection, Transfer
from backend.ledger.results import Result, ResultCode, TransferSpec

MAX_CALL = 1000  # transfers in one call
_BALANCES = ("debits_pending", "debits_posted", "credits_pending", "credits_posted")
_RETRIES = 5  # a batch that met another's insert of one of its ids starts again (and then sees it)


async def open_account(*, ledger: Ledger, owner_kind: str, owner_id: UUID, code: str,
                       flags: AccountFlags = AccountFlags.NONE, upper_limit: int | None = None,
                       community_id: UUID | None = None, tx=None) -> Account:
    """The owner's account of this ledger and purpose, opened on first use (the same key gives the
    same account: concurrent first uses open one)."""
    both = AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS | AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS
    if flags & both == both:
        raise DomainError(ErrorCode.INVALID_INPUT, "账户不能同时限制借方和贷方", field="flags")
    if upper_limit is not None and (upper_limit <= 0 or not flags & both):
        raise DomainError(ErrorCode.INVALID_INPUT, "存储上限须为正数，且账户须限制余额方向", field="upperLimit")
    if not code or len(code) > 32 or not owner_kind or len(owner_kind) > 32:
        raise DomainError(ErrorCode.INVALID_INPUT, "账户用途和所有者类型须为 1 到 32 个字符", field="code")
    key = {"ledger": Ledger(ledger), "owner_kind": owner_kind, "owner_id": owner_id, "code": code}
    async with transaction() if tx is None else nullcontext(tx) as tx:
        await insert_ignoring_conflicts(tx, Account, [{
            **key, "ledger": key["ledger"].value, "community_id": community_id, "flags": int(flags),
            "upper_limit": upper_limit, **dict.fromkeys(_BALANCES, 0)}])
        return await Account.get(**key).using_db(tx)


async def set_upper_limit(tx, *, community_id: UUID, owner_kind: str, code: str, upper_limit: int | None) -> int:
    """A new storage cap for every such account of the community (a policy change). It limits what
    they receive from now on; what an account already holds beyond it stays. Returns how many."""
    return await Account.filter(community_id=community_id, owner_kind=owner_kind, code=code).using_db(tx) \
        .update(upper_limit=upper_limit)


async def create_transfers(transfers: list[TransferSpec], *, tx=None) -> list[Result]:
    """Each transfer's own result, in order. Without `tx` the transfers join the process's next
    batch (one transaction with other callers' transfers); with the caller's `tx` they are applied
    at once in it, unbatched, so the caller's own rows commit or roll back with them."""
    if len(transfers) > MAX_CALL:
        raise DomainError(ErrorCode.INVALID_INPUT, f"一次最多提交 {MAX_CALL} 笔转账", field="transfers")
    if not all(isinstance(spec, TransferSpec) and isinstance(spec.id, UUID) for spec in transfers):
        raise DomainError(ErrorCode.INVALID_INPUT, "每笔转账须有 UUID 编号", field="transfers")
    if not transfers:
        return []
    if tx is not None:
        return (await apply(tx, [transfers]))[0]
    return await batcher(apply_batch).submit(transfers)


def require_ok(results: list[Result]) -> None:
    """For callers whose transfers must all be in the ledger: the first failure as a DomainError."""
    failed = next((r for r in results if not r.ok), None)
    if failed is not None:
        raise DomainError(ErrorCode.TRANSFER_REJECTED, failed.message)


async def apply_batch(calls: list[list[TransferSpec]]) -> list[list[Result]]:
    """Several callers' transfers in one transaction of their own."""
    for attempt in range(_RETRIES):
        try:
            async with transaction() as tx:
                return await apply(tx, calls)
        except IntegrityError:  # another batch inserted one of these ids meanwhile: now it shows
            if attempt == _RETRIES - 1:
                raise
    raise AssertionError("unreachable")


async def apply(tx, calls: list[list[TransferSpec]]) -> list[list[Result]]:
    """Lock every account the calls touch once (in id order), validate each transfer in order
    against the balances in memory, and write the transfers, holds and balances."""
    specs = [spec for call in calls for spec in call]
    pending_ids = {s.pending_id for s in specs if s.pending_id is not None}
    # A pending transfer's accounts never change, so they can be read before the locks.
    held = await Pending.filter(id__in=pending_ids).using_db(tx).values_list(
        "debit_account_id", "credit_account_id") if pending_ids else []
    account_ids = {a for s in specs for a in (s.debit_account_id, s.credit_account_id) if isinstance(a, UUID)}
    account_ids |= {a for pair in held for a in pair}
    # Everything below is read after the locks, so it includes every batch that committed before.
    accounts = await Account.filter(id__in=account_ids).order_by("id").select_for_update().using_db(tx) \
        if account_ids else []
    ids = {s.id for s in specs}
    engine = Engine(
        now=clock.now(),
        accounts={a.id: Balance(Ledger(a.ledger), a.flags, a.upper_limit, *(getattr(a, c) for c in _BALANCES))
                  for a in accounts},
        holds={p.id: Hold(p.debit_account_id, p.credit_account_id, p.amount, Ledger(p.ledger), p.state, p.expires_at,
                          p.resolved_by, p.resolved_at)
               for p in (await Pending.filter(id__in=pending_ids).using_db(tx) if pending_ids else [])},
        transfers=dict(await Transfer.filter(id__in=ids).using_db(tx).values_list("id", "body_hash")),
        rejections={i: (h, ResultCode(code)) for i, h, code in
                    await Rejection.filter(id__in=ids).using_db(tx).values_list("id", "body_hash", "result")},
    )
    codes = [engine.apply_call(call) for call in calls]
    await _write(tx, engine)
    return [[Result(spec.id, code) for spec, code in zip(call, call_codes, strict=True)]
            for call, call_codes in zip(calls, codes, strict=True)]


async def _write(tx, engine: Engine) -> None:
    await insert_rows(tx, Transfer, list(engine.new_transfers.values()))
    holds = engine.holds
    await insert_rows(tx, Pending, [
        {"id": i, "debit_account_id": holds[i].debit_account_id, "credit_account_id": holds[i].credit_account_id,
         "amount": holds[i].amount, "ledger": holds[i].ledger.value, "state": holds[i].state.value,
         "expires_at": holds[i].expires_at,
         "resolved_by": holds[i].resolved_by, "resolved_at": holds[i].resolved_at} for i in engine.new_holds])
    await update_rows(tx, Pending, [
        {"id": i, "state": holds[i].state.value, "resolved_by": holds[i].resolved_by,
         "resolved_at": holds[i].resolved_at} for i in engine.changed_holds])
    await insert_ignoring_conflicts(tx, Rejection, [
        {"id": i, "body_hash": body, "result": code.value} for i, (body, code) in engine.new_rejections.items()])
    await update_rows(tx, Account, [
        {"id": i, **{c: getattr(engine.accounts[i], c) for c in _BALANCES}} for i in sorted(engine.changed_accounts)])


async def expire_due(limit: int = 500) -> int:
    """Release every pending transfer whose timeout has passed (by the ledger clock); returns how
    many. Each in its own transaction, under its accounts' locks, so it races no post or void."""
    async def due() -> list[UUID]:
        return await Pending.filter(state=PendingState.PENDING, expires_at__lte=clock.now()) \
            .order_by("expires_at").limit(limit).values_list("id", flat=True)

    return await sweep_due(due, _expire)


async def _expire(tx, pending_id: UUID) -> bool:
    pending = await Pending.get(id=pending_id).using_db(tx)
    locked = {a.id: a for a in await Account.filter(
        id__in=[pending.debit_account_id, pending.credit_account_id]).order_by("id").select_for_update().using_db(tx)}
    now = clock.now()
    expired = await Pending.filter(id=pending_id, state=PendingState.PENDING, expires_at__lte=now).using_db(tx) \
        .update(state=PendingState.EXPIRED, resolved_at=now)
    if not expired:  # posted, voided or expired meanwhile
        return False
    debit, credit = locked[pending.debit_account_id], locked[pending.credit_account_id]
    await update_rows(tx, Account, [{"id": debit.id, "debits_pending": debit.debits_pending - pending.amount}])
    await update_rows(tx, Account, [{"id": credit.id, "credits_pending": credit.credits_pending - pending.amount}])
    return True
