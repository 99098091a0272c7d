"""Building blocks of the ledger tests: accounts of their own, transfers with fresh ids, and the
invariants every test checks against what is stored."""

import uuid
from collections import defaultdict

from tortoise.expressions import Q

from backend.core.ids import uuid7
from backend.ledger.models import Account, AccountFlags, Ledger, Pending, PendingState, Transfer, TransferFlags
from backend.ledger.results import TransferSpec
from backend.ledger.service import open_account

NO_OVERDRAFT = AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS


async def new_account(ledger: Ledger = Ledger.CNY, flags: AccountFlags = AccountFlags.NONE,
                      upper_limit: int | None = None, community_id=None) -> Account:
    return await open_account(ledger=ledger, owner_kind="test", owner_id=uuid.uuid4(), code="wallet", flags=flags,
                              upper_limit=upper_limit, community_id=community_id)


def move(debit: Account | None, credit: Account | None, amount: int | None, *, ledger: Ledger | None = None,
         flags: TransferFlags = TransferFlags.NONE, **fields) -> TransferSpec:
    """A transfer with a new id, on the debit account's ledger unless told."""
    return TransferSpec(id=fields.pop("id", None) or uuid7(), ledger=ledger or (debit or credit).ledger, code="test",
                        debit_account_id=debit.id if debit else None, credit_account_id=credit.id if credit else None,
                        amount=amount, flags=flags, **fields)


async def balances(*accounts: Account) -> list[int]:
    """Each account's posted credits minus posted debits."""
    rows = {a.id: a for a in await Account.filter(id__in=[a.id for a in accounts])}
    return [rows[a.id].credits_posted - rows[a.id].debits_posted for a in accounts]


async def check_stored_balances(account_ids) -> dict:
    """Stored balances equal the sum of the transfers (posted: plain and post rows; pending: pending rows
    still pending). Returns the stored accounts by id."""
    account_ids = list(account_ids)
    accounts = {a.id: a for a in await Account.filter(id__in=account_ids)}
    expected = defaultdict(lambda: [0, 0, 0, 0])  # debits_pending, debits_posted, credits_pending, credits_posted
    open_holds = set(await Pending.filter(state=PendingState.PENDING).values_list("id", flat=True))
    for t in await Transfer.filter(Q(debit_account_id__in=account_ids) | Q(credit_account_id__in=account_ids)):
        if t.flags & TransferFlags.VOID_PENDING:
            continue
        if t.flags & TransferFlags.PENDING:
            if t.id in open_holds:
                expected[t.debit_account_id][0] += t.amount
                expected[t.credit_account_id][2] += t.amount
            continue
        expected[t.debit_account_id][1] += t.amount
        expected[t.credit_account_id][3] += t.amount
    for account_id, account in accounts.items():
        stored = [account.debits_pending, account.debits_posted, account.credits_pending, account.credits_posted]
        assert stored == expected[account_id], (account_id, stored, expected[account_id])
    return accounts
