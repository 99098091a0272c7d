"""The ledger against a small reference model (hypothesis stateful testing), on PostgreSQL.

Random calls of one to three transfers (plain, pending with or without a timeout, posts and voids,
linked chains, reused ids with the same or another body, unknown accounts, other ledgers, bad
amounts) go through the batched path while the clock moves and the expiry sweep runs. After every
step: each result is the model's, the stored balances are the model's and the sum of the stored
entries, every ledger sums to zero, no account is beyond its flags or limit, and no pending
transfer was resolved twice.

Hypothesis drives the machine from a thread; each step runs on the test's event loop (where the
database pool lives) and the thread waits for it.
"""

import asyncio
import copy
import dataclasses
import uuid
from collections import Counter
from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from backend.core.clock import clock
from backend.core.ids import uuid7
from backend.ledger.models import Account, AccountFlags, Ledger, Pending, PendingState, Transfer, TransferFlags
from backend.ledger.results import ResultCode as R
from backend.ledger.results import TransferSpec
from backend.ledger.service import create_transfers, expire_due
from tests.integration.ledger_helpers import check_stored_balances, new_account

F = TransferFlags
NO_OVERDRAFT, NO_OVERCREDIT = AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS, AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS
# Per ledger: a source without limits, three wallets that cannot go below zero (one capped at 150),
# and an account that only gives out what was put in.
ACCOUNT_SHAPES = [(AccountFlags.NONE, None), (NO_OVERDRAFT, None), (NO_OVERDRAFT, None), (NO_OVERDRAFT, 150),
                  (NO_OVERCREDIT, None)]
LEDGERS = (Ledger.CNY, Ledger.TIME)
# Timeouts and clock steps never meet (30 s or 90 s against steps of 60 s), so the model's time and
# the ledger's (a few seconds of real time later) agree on what has expired.
TIMEOUTS, STEP_S = (0, 30, 90), 60
SUCCESS = {R.OK, R.EXISTS}
NOT_RECORDED = SUCCESS | {R.LINKED_EVENT_FAILED, R.LINKED_EVENT_CHAIN_OPEN, R.EXISTS_WITH_DIFFERENT_BODY}


@dataclasses.dataclass
class ModelAccount:
    ledger: Ledger
    flags: AccountFlags
    limit: int | None
    dp: int = 0  # debits pending
    dpo: int = 0  # debits posted
    cp: int = 0
    cpo: int = 0


@dataclasses.dataclass
class ModelPending:
    debit: uuid.UUID
    credit: uuid.UUID
    amount: int
    ledger: Ledger
    expires: int | None  # model seconds
    state: PendingState = PendingState.PENDING


def body(spec: TransferSpec) -> tuple:
    return dataclasses.astuple(dataclasses.replace(spec, id=None))


class LedgerModel:
    """What the ledger should do, written as plainly as possible (snapshots instead of an undo log)."""

    def __init__(self) -> None:
        self.accounts: dict[uuid.UUID, ModelAccount] = {}
        self.pendings: dict[uuid.UUID, ModelPending] = {}
        self.written: dict[uuid.UUID, tuple] = {}
        self.rejected: dict[uuid.UUID, tuple[tuple, R]] = {}
        self.now = 0

    def call(self, call: list[TransferSpec]) -> list[R]:
        codes, chain_start, saved, failed = [], None, None, False
        for i, spec in enumerate(call):
            linked = bool(spec.flags & F.LINKED)
            if chain_start is None and linked:
                chain_start, failed = i, False
                saved = copy.deepcopy((self.accounts, self.pendings, self.written))
            if failed:
                code = R.LINKED_EVENT_FAILED
            elif linked and i == len(call) - 1:
                code = R.LINKED_EVENT_CHAIN_OPEN
            else:
                code = self.one(spec)
            codes.append(code)
            if chain_start is not None and not failed and code not in SUCCESS:
                self.accounts, self.pendings, self.written = saved
                codes[chain_start:i] = [R.LINKED_EVENT_FAILED] * (i - chain_start)
                failed = True
            if code not in NOT_RECORDED:
                self.rejected[spec.id] = (body(spec), code)
            if not linked:
                chain_start = None
        return codes

    def one(self, s: TransferSpec) -> R:
        if s.id in self.written:
            return R.EXISTS if self.written[s.id] == body(s) else R.EXISTS_WITH_DIFFERENT_BODY
        if s.id in self.rejected:
            return self.rejected[s.id][1] if self.rejected[s.id][0] == body(s) else R.EXISTS_WITH_DIFFERENT_BODY
        kind = s.flags & ~F.LINKED
        if kind not in (F.NONE, F.PENDING, F.POST_PENDING, F.VOID_PENDING) or (s.timeout and kind != F.PENDING):
            return R.FLAGS_INVALID
        if kind in (F.POST_PENDING, F.VOID_PENDING):
            return self.resolve(s, kind == F.POST_PENDING)
        if s.pending_id is not None:
            return R.FLAGS_INVALID
        if s.amount is None or s.amount <= 0:
            return R.AMOUNT_INVALID
        if s.debit_account_id == s.credit_account_id:
            return R.ACCOUNTS_MUST_BE_DIFFERENT
        debit, credit = self.accounts.get(s.debit_account_id), self.accounts.get(s.credit_account_id)
        if debit is None or credit is None:
            return R.ACCOUNT_NOT_FOUND
        if debit.ledger != s.ledger or credit.ledger != s.ledger:
            return R.LEDGER_MISMATCH
        if debit.flags & NO_OVERDRAFT and debit.dp + debit.dpo + s.amount > debit.cpo:
            return R.OVERDRAFT
        if credit.flags & NO_OVERCREDIT and credit.cp + credit.cpo + s.amount > credit.dpo:
            return R.OVERDRAFT
        if credit.limit is not None and credit.cpo + credit.cp + s.amount - credit.dpo > credit.limit:
            return R.LIMIT_EXCEEDED
        if kind == F.PENDING:
            debit.dp += s.amount
            credit.cp += s.amount
            self.pendings[s.id] = ModelPending(s.debit_account_id, s.credit_account_id, s.amount, s.ledger,
                                               self.now + s.timeout if s.timeout else None)
        else:
            debit.dpo += s.amount
            credit.cpo += s.amount
        self.written[s.id] = body(s)
        return R.OK

    def resolve(self, s: TransferSpec, post: bool) -> R:
        p = self.pendings.get(s.pending_id) if s.pending_id else None
        if s.pending_id is None:
            return R.FLAGS_INVALID
        if p is None:
            return R.PENDING_NOT_FOUND
        if s.debit_account_id not in (None, p.debit) or s.credit_account_id not in (None, p.credit):
            return R.PENDING_DIFFERENT_ACCOUNTS
        if s.ledger != p.ledger:
            return R.LEDGER_MISMATCH
        done = {PendingState.POSTED: R.PENDING_ALREADY_POSTED, PendingState.VOIDED: R.PENDING_ALREADY_VOIDED,
                PendingState.EXPIRED: R.PENDING_EXPIRED}
        if p.state in done:
            return done[p.state]
        if p.expires is not None and p.expires <= self.now:
            return R.PENDING_EXPIRED
        amount = p.amount if s.amount is None else s.amount
        if amount <= 0 or (not post and amount != p.amount):
            return R.AMOUNT_INVALID
        if amount > p.amount:
            return R.EXCEEDS_PENDING_AMOUNT
        debit, credit = self.accounts[p.debit], self.accounts[p.credit]
        debit.dp -= p.amount
        credit.cp -= p.amount
        if post:
            debit.dpo += amount
            credit.cpo += amount
        p.state = PendingState.POSTED if post else PendingState.VOIDED
        self.written[s.id] = body(s)
        return R.OK

    def expire(self) -> None:
        due = [p for p in self.pendings.values()
               if p.state == PendingState.PENDING and p.expires is not None and p.expires <= self.now]
        for p in due:
            p.state = PendingState.EXPIRED
            self.accounts[p.debit].dp -= p.amount
            self.accounts[p.credit].cp -= p.amount


# One transfer of a call, as indices into what the machine knows when the call is built.
SPEC = st.fixed_dictionaries({
    "kind": st.sampled_from(["plain", "plain", "pending", "post", "void"]),
    "ledger": st.sampled_from([0, 0, 0, 0, 0, 1]),  # 1: the other ledger than the debit account's
    "debit": st.integers(0, 10), "credit": st.integers(0, 10),  # 10: an account that does not exist
    "amount": st.sampled_from([None, -5, 0, 1, 5, 10, 20, 20, 30, 40, 60, 100, 149, 150, 151]),
    "timeout": st.sampled_from(TIMEOUTS), "pending": st.integers(0, 50),
    "reuse": st.sampled_from([None] * 8 + ["same", "other_body"]),
    "linked": st.sampled_from([False, False, False, True]),
})


class LedgerMachine(RuleBasedStateMachine):
    loop: asyncio.AbstractEventLoop  # set by the test

    def run(self, awaitable):
        async def wait():
            return await awaitable

        return asyncio.run_coroutine_threadsafe(wait(), self.loop).result(timeout=60)

    def __init__(self) -> None:
        super().__init__()
        self.model = LedgerModel()
        self.account_ids: list[uuid.UUID] = []
        self.sent: list[TransferSpec] = []
        self.pending_ids: list[uuid.UUID] = []

    @initialize()
    def open_accounts(self):
        async def open_all():
            return [await new_account(ledger, flags, limit) for ledger in LEDGERS for flags, limit in ACCOUNT_SHAPES]

        for account in self.run(open_all()):
            self.account_ids.append(account.id)
            self.model.accounts[account.id] = ModelAccount(Ledger(account.ledger), AccountFlags(account.flags),
                                                           account.upper_limit)
        # Money in each wallet, and some given out of the account that may only give back what it got.
        funding = []
        for start in range(0, len(self.account_ids), len(ACCOUNT_SHAPES)):
            source, *wallets, giver = self.account_ids[start:start + len(ACCOUNT_SHAPES)]
            ledger = self.model.accounts[source].ledger
            funding += [TransferSpec(id=uuid7(), ledger=ledger, code="model", debit_account_id=source,
                                     credit_account_id=wallet, amount=100) for wallet in wallets]
            funding.append(TransferSpec(id=uuid7(), ledger=ledger, code="model", debit_account_id=giver,
                                        credit_account_id=source, amount=200))
        assert self.model.call(funding) == [R.OK] * len(funding)
        assert [r.code for r in self.run(create_transfers(funding))] == [R.OK] * len(funding)

    def _spec(self, d: dict) -> TransferSpec:
        if d["reuse"] and self.sent:
            first = self.sent[d["pending"] % len(self.sent)]
            if d["reuse"] == "same":
                return first
            return dataclasses.replace(first, amount=(first.amount or 0) + 1)
        ids = self.account_ids + [uuid.uuid4()]
        shapes = len(ACCOUNT_SHAPES)
        debit = ids[d["debit"]] if d["debit"] < 10 else ids[-1]
        credit = ids[d["credit"]] if d["credit"] < 10 else ids[-1]
        own = self.model.accounts.get(debit) or self.model.accounts.get(credit)
        ledger = own.ledger if own else Ledger.CNY
        if d["ledger"]:
            ledger = LEDGERS[1 - LEDGERS.index(ledger)]
        flags = F.LINKED if d["linked"] else F.NONE
        if d["kind"] in ("post", "void") and self.pending_ids:
            pending_id = self.pending_ids[d["pending"] % len(self.pending_ids)]
            held = self.model.pendings.get(pending_id)
            return TransferSpec(id=uuid7(), ledger=held.ledger if held and not d["ledger"] else ledger, code="model",
                                amount=d["amount"] if d["kind"] == "post" or d["amount"] == 151 else None,
                                flags=flags | (F.POST_PENDING if d["kind"] == "post" else F.VOID_PENDING),
                                pending_id=pending_id)
        # Keep most transfers inside one ledger's accounts, so they mostly succeed.
        if d["ledger"] == 0 and d["debit"] < 10 and d["credit"] < 10:
            credit = ids[(d["debit"] // shapes) * shapes + d["credit"] % shapes]
        kind = F.PENDING if d["kind"] == "pending" else F.NONE
        return TransferSpec(id=uuid7(), ledger=ledger, code="model", debit_account_id=debit, credit_account_id=credit,
                            amount=d["amount"], flags=flags | kind, timeout=d["timeout"] if kind else 0)

    @rule(call=st.lists(SPEC, min_size=1, max_size=3))
    def transfer(self, call):
        specs = [self._spec(d) for d in call]
        expected = self.model.call(specs)
        results = self.run(create_transfers(specs))
        assert [r.code for r in results] == expected, (specs, expected)
        for spec, result in zip(specs, results, strict=True):
            assert result.message  # every answer has its Chinese sentence
            self.sent.append(spec)
            if result.code == R.OK and spec.flags & F.PENDING:
                self.pending_ids.append(spec.id)
        failed_chain = [s.id for s, r in zip(specs, results, strict=True)
                        if r.code == R.LINKED_EVENT_FAILED and s.id not in self.model.written]
        if failed_chain:  # all or nothing: no transfer of a failed chain is stored (but replays of earlier ones)
            assert self.run(Transfer.filter(id__in=failed_chain).count()) == 0

    @rule()
    def time_passes(self):
        clock.advance(timedelta(seconds=STEP_S))
        self.model.now += STEP_S

    @rule()
    def sweep(self):
        # The sweep is global (holds of earlier examples and tests expire too): what it did to this
        # machine's holds is checked by the invariants.
        self.run(expire_due())
        self.model.expire()

    @invariant()
    def stored_state_is_the_models(self):
        if not self.account_ids:
            return
        stored = self.run(check_stored_balances(self.account_ids))
        for account_id, want in self.model.accounts.items():
            got = stored[account_id]
            assert (got.debits_pending, got.debits_posted, got.credits_pending, got.credits_posted) == \
                (want.dp, want.dpo, want.cp, want.cpo), account_id
            if got.flags & NO_OVERDRAFT:
                assert got.debits_pending + got.debits_posted <= got.credits_posted
            if got.flags & NO_OVERCREDIT:
                assert got.credits_pending + got.credits_posted <= got.debits_posted
            if got.upper_limit is not None:
                assert got.credits_posted + got.credits_pending - got.debits_posted <= got.upper_limit
        for ledger in LEDGERS:
            mine = [a for a in stored.values() if a.ledger == ledger]
            assert sum(a.credits_posted - a.debits_posted for a in mine) == 0
            assert sum(a.credits_pending - a.debits_pending for a in mine) == 0

    @invariant()
    def a_pending_transfer_resolves_at_most_once(self):
        if not self.pending_ids:
            return
        resolutions = Counter(self.run(Transfer.filter(pending_id__in=self.pending_ids).values_list(
            "pending_id", flat=True)))
        states = dict(self.run(Pending.filter(id__in=self.pending_ids).values_list("id", "state")))
        for pending_id in self.pending_ids:
            assert resolutions[pending_id] <= 1
            assert (resolutions[pending_id] == 1) == (states[pending_id] in (PendingState.POSTED, PendingState.VOIDED))
            assert states[pending_id] == self.model.pendings[pending_id].state


async def test_the_ledger_behaves_as_its_reference_model(app):
    LedgerMachine.loop = asyncio.get_running_loop()
    await asyncio.to_thread(run_state_machine_as_test, LedgerMachine, settings=settings(
        max_examples=15, stateful_step_count=30, deadline=None, suppress_health_check=list(HealthCheck)))
    assert await Account.filter(owner_kind="test").exists()
