"""Applying transfers to balances in memory: every rule of the ledger, and nothing of the database.

The service loads (and locks) what a batch touches, hands it to an Engine, which validates each
transfer in order against the balances as the earlier ones left them, then writes what the Engine
changed. A linked chain that fails is undone from the Engine's undo log, so the transfers after it
see the balances as if it had never been tried.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from backend.ledger.models import AccountFlags, Ledger, PendingState, TransferFlags
from backend.ledger.results import NOT_RECORDED, SUCCESS, ResultCode, TransferSpec

R = ResultCode
F = TransferFlags
MAX_AMOUNT = 10**15  # far beyond any real transfer, and the sums stay far below a bigint's range
MAX_TIMEOUT = 366 * 24 * 3600  # a hold lasts at most a year
_KINDS = F.PENDING | F.POST_PENDING | F.VOID_PENDING


@dataclass
class Balance:
    """An account as the engine sees it."""

    ledger: Ledger
    flags: int
    upper_limit: int | None
    debits_pending: int
    debits_posted: int
    credits_pending: int
    credits_posted: int


@dataclass
class Hold:
    """A pending transfer and its state."""

    debit_account_id: UUID
    credit_account_id: UUID
    amount: int
    ledger: Ledger
    state: PendingState
    expires_at: datetime | None
    resolved_by: UUID | None = None
    resolved_at: datetime | None = None


class Engine:
    def __init__(self, *, now: datetime, accounts: dict[UUID, Balance], holds: dict[UUID, Hold],
                 transfers: dict[UUID, str], rejections: dict[UUID, tuple[str, ResultCode]]) -> None:
        self.now = now
        self.accounts = accounts
        self.holds = holds  # by pending transfer id: every one a post or void of this batch names
        self.transfers = transfers  # id -> body hash of each transfer already written (of the batch's ids)
        self.rejections = rejections  # id -> (body hash, result) of each id that already failed
        self.new_transfers: dict[UUID, dict] = {}  # rows to insert
        self.new_holds: set[UUID] = set()
        self.changed_holds: set[UUID] = set()
        self.new_rejections: dict[UUID, tuple[str, ResultCode]] = {}
        self.changed_accounts: set[UUID] = set()
        self._undo: list[Callable[[], None]] = []

    def apply_call(self, call: list[TransferSpec]) -> list[ResultCode]:
        """One caller's transfers, in order; a linked chain never reaches past the end of its call."""
        codes: list[ResultCode] = []
        chain_start, chain_mark, chain_failed = None, 0, False
        for i, spec in enumerate(call):
            linked = bool(spec.flags & F.LINKED)
            if chain_start is None and linked:
                chain_start, chain_mark, chain_failed = i, len(self._undo), False
            if chain_failed:
                code = R.LINKED_EVENT_FAILED
            elif linked and i == len(call) - 1:
                code = R.LINKED_EVENT_CHAIN_OPEN
            else:
                code = self._one(spec)
            codes.append(code)
            if chain_start is not None and not chain_failed and code not in SUCCESS:
                self._rollback(chain_mark)
                codes[chain_start:i] = [R.LINKED_EVENT_FAILED] * (i - chain_start)
                chain_failed = True
            if code not in NOT_RECORDED and spec.id not in self.rejections:  # after the rollback: it stands
                self.rejections[spec.id] = self.new_rejections[spec.id] = (spec.body_hash(), code)
            if not linked:
                chain_start = None
        return codes

    def _one(self, spec: TransferSpec) -> ResultCode:
        body = spec.body_hash()
        if spec.id in self.transfers:
            return R.EXISTS if self.transfers[spec.id] == body else R.EXISTS_WITH_DIFFERENT_BODY
        if spec.id in self.rejections:
            first_body, first_code = self.rejections[spec.id]
            return first_code if first_body == body else R.EXISTS_WITH_DIFFERENT_BODY
        kind = spec.flags & _KINDS
        if kind not in (F.NONE, F.PENDING, F.POST_PENDING, F.VOID_PENDING) or spec.flags & ~(_KINDS | F.LINKED):
            return R.FLAGS_INVALID
        if not isinstance(spec.timeout, int) or not 0 <= spec.timeout <= MAX_TIMEOUT or \
                (spec.timeout and kind != F.PENDING):
            return R.FLAGS_INVALID
        if not isinstance(spec.code, str) or not 0 < len(spec.code) <= 32 or \
                not isinstance(spec.reference, str) or len(spec.reference) > 128:
            return R.CODE_INVALID
        if kind in (F.POST_PENDING, F.VOID_PENDING):
            return self._resolve(spec, body) if spec.pending_id is not None else R.FLAGS_INVALID
        if spec.pending_id is not None:
            return R.FLAGS_INVALID
        if not _valid_amount(spec.amount):
            return R.AMOUNT_INVALID
        if spec.debit_account_id is not None and spec.debit_account_id == spec.credit_account_id:
            return R.ACCOUNTS_MUST_BE_DIFFERENT
        debit, credit = self.accounts.get(spec.debit_account_id), self.accounts.get(spec.credit_account_id)
        if debit is None or credit is None:
            return R.ACCOUNT_NOT_FOUND
        if not debit.ledger == credit.ledger == spec.ledger:
            return R.LEDGER_MISMATCH
        amount = spec.amount
        if debit.flags & AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS and \
                debit.debits_pending + debit.debits_posted + amount > debit.credits_posted:
            return R.OVERDRAFT
        if credit.flags & AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS and \
                credit.credits_pending + credit.credits_posted + amount > credit.debits_posted:
            return R.OVERDRAFT
        if _over_limit(credit, credits=amount) or _over_limit(debit, debits=amount):
            return R.LIMIT_EXCEEDED
        pending = kind == F.PENDING
        self._add(spec.debit_account_id, "debits_pending" if pending else "debits_posted", amount)
        self._add(spec.credit_account_id, "credits_pending" if pending else "credits_posted", amount)
        if pending:
            expires_at = self.now + timedelta(seconds=spec.timeout) if spec.timeout else None
            self._put(self.holds, spec.id, Hold(spec.debit_account_id, spec.credit_account_id, amount, spec.ledger,
                                                PendingState.PENDING, expires_at))
            self._put_set(self.new_holds, spec.id)
        self._write(spec, body, spec.debit_account_id, spec.credit_account_id, amount)
        return R.OK

    def _resolve(self, spec: TransferSpec, body: str) -> ResultCode:
        hold = self.holds.get(spec.pending_id)
        if hold is None:
            return R.PENDING_NOT_FOUND
        if spec.debit_account_id not in (None, hold.debit_account_id) or \
                spec.credit_account_id not in (None, hold.credit_account_id):
            return R.PENDING_DIFFERENT_ACCOUNTS
        if spec.ledger != hold.ledger:
            return R.LEDGER_MISMATCH
        if hold.state != PendingState.PENDING:
            return {PendingState.POSTED: R.PENDING_ALREADY_POSTED, PendingState.VOIDED: R.PENDING_ALREADY_VOIDED,
                    PendingState.EXPIRED: R.PENDING_EXPIRED}[hold.state]
        if hold.expires_at is not None and hold.expires_at <= self.now:
            return R.PENDING_EXPIRED  # the sweep releases it
        post = bool(spec.flags & F.POST_PENDING)
        amount = hold.amount if spec.amount is None else spec.amount
        if not _valid_amount(amount) or (not post and amount != hold.amount):
            return R.AMOUNT_INVALID
        if amount > hold.amount:
            return R.EXCEEDS_PENDING_AMOUNT
        self._add(hold.debit_account_id, "debits_pending", -hold.amount)
        self._add(hold.credit_account_id, "credits_pending", -hold.amount)
        if post:
            self._add(hold.debit_account_id, "debits_posted", amount)
            self._add(hold.credit_account_id, "credits_posted", amount)
        self._set(hold, "state", PendingState.POSTED if post else PendingState.VOIDED)
        self._set(hold, "resolved_by", spec.id)
        self._set(hold, "resolved_at", self.now)
        if spec.pending_id not in self.new_holds:
            self._put_set(self.changed_holds, spec.pending_id)
        self._write(spec, body, hold.debit_account_id, hold.credit_account_id, amount)
        return R.OK

    def _write(self, spec: TransferSpec, body: str, debit_id: UUID, credit_id: UUID, amount: int) -> None:
        self._put(self.transfers, spec.id, body)
        self._put(self.new_transfers, spec.id, {
            "id": spec.id, "debit_account_id": debit_id, "credit_account_id": credit_id, "amount": amount,
            "ledger": Ledger(spec.ledger).value, "code": spec.code, "reference": spec.reference,
            "flags": int(spec.flags), "pending_id": spec.pending_id, "timeout": spec.timeout, "body_hash": body,
            "created_at": self.now,
        })

    # Changes through these four are undone when the linked chain they belong to fails.

    def _add(self, account_id: UUID, column: str, amount: int) -> None:
        account = self.accounts[account_id]
        self._set(account, column, getattr(account, column) + amount)
        self._put_set(self.changed_accounts, account_id)

    def _set(self, obj, name: str, value) -> None:
        old = getattr(obj, name)
        setattr(obj, name, value)
        self._undo.append(lambda: setattr(obj, name, old))

    def _put(self, mapping: dict, key, value) -> None:
        missing = object()
        old = mapping.get(key, missing)
        mapping[key] = value
        self._undo.append(lambda: mapping.pop(key) if old is missing else mapping.__setitem__(key, old))

    def _put_set(self, members: set, key) -> None:
        if key not in members:
            members.add(key)
            self._undo.append(lambda: members.discard(key))

    def _rollback(self, mark: int) -> None:
        while len(self._undo) > mark:
            self._undo.pop()()


def _valid_amount(amount) -> bool:
    return isinstance(amount, int) and not isinstance(amount, bool) and 0 < amount <= MAX_AMOUNT


def _over_limit(account: Balance, *, credits: int = 0, debits: int = 0) -> bool:
    """Whether the balance on the account's normal side (pending inflows counted) would pass its
    upper limit."""
    if account.upper_limit is None:
        return False
    if account.flags & AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS:
        return account.credits_posted + account.credits_pending + credits - account.debits_posted > account.upper_limit
    return account.debits_posted + account.debits_pending + debits - account.credits_posted > account.upper_limit
