"""The well-known accounts of a community's hours and points, and crediting a person's hours with
the storage cap's overflow to the pool. Every module that moves hours or points opens its accounts
here, so one person has one hours account and one points account per community.

Accounts, by (owner kind, code):
- person `hours` (TIME) and person `points` (POINTS): cannot go below zero; hours up to the cap;
- community `issue` (TIME and POINTS): where earned hours and points come from (it goes negative:
  its balance is minus everything the community has handed out);
- community `pool` (TIME): the mutual-aid pool (互助池), fed by donations and the cap's overflow;
- community `expired` (TIME and POINTS): what expired;
- community `rewards` (POINTS): points spent in the rewards mall.
"""

from uuid import UUID, uuid5

from backend.ledger.models import Account, AccountFlags, Ledger, Transfer, TransferFlags
from backend.ledger.results import TransferSpec
from backend.ledger.service import open_account
from backend.wallets.codes import OVERFLOW
from backend.wallets.policy import policy_of

HOURS, POINTS = "hours", "points"
ISSUE, POOL, EXPIRED, REWARDS = "issue", "pool", "expired", "rewards"
_CODE = {Ledger.TIME: HOURS, Ledger.POINTS: POINTS}
_NO_OVERDRAFT = AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS
# The community's accounts that may not go below zero; the others are sources or sinks.
_GUARDED = {POOL}


async def person_account(ledger: Ledger, *, person_id: UUID, community_id: UUID, tx=None) -> Account:
    """A person's hours (TIME) or points (POINTS) account in a community."""
    limit = (await policy_of(community_id, tx=tx)).hours_cap if ledger == Ledger.TIME else None
    return await open_account(ledger=ledger, owner_kind="person", owner_id=person_id, code=_CODE[ledger],
                              flags=_NO_OVERDRAFT, upper_limit=limit or None, community_id=community_id, tx=tx)


async def community_account(ledger: Ledger, code: str, *, community_id: UUID, tx=None) -> Account:
    """One of the community's own accounts (`issue`, `pool`, `expired`, `rewards`)."""
    if code not in (ISSUE, POOL, EXPIRED, REWARDS):
        raise ValueError(f"no community account {code!r}")
    return await open_account(ledger=ledger, owner_kind="community", owner_id=community_id, code=code,
                              flags=_NO_OVERDRAFT if code in _GUARDED else AccountFlags.NONE,
                              community_id=community_id, tx=tx)


def balance(account: Account) -> int:
    """What a person's account holds and may spend now: posted credits less posted and held debits."""
    return account.credits_posted - account.debits_posted - account.debits_pending


def headroom(account: Account) -> int | None:
    """How much more the account may receive before its cap (None: no cap), pending inflows counted."""
    if account.upper_limit is None:
        return None
    return max(0, account.upper_limit - (account.credits_posted + account.credits_pending - account.debits_posted))


async def earning_transfers(*, key: str, person_id: UUID, community_id: UUID, minutes: int, code: str,
                            reference: str, tx=None) -> list[TransferSpec]:
    """The transfers that credit `minutes` earned by a person: up to the cap to their hours, the rest
    to the community pool, linked so both happen or neither. `key` names what earned them (one key,
    one earning): their ids derive from it, and once written the same transfers come back, so a retry
    is a replay whatever the balance is now. A concurrent credit may take the headroom first: then
    the person's transfer fails LIMIT_EXCEEDED and the caller tries again with another key."""
    ids = [transfer_id(f"{key}:hours"), transfer_id(f"{key}:overflow")]
    written = await Transfer.filter(id__in=ids).using_db(tx).order_by("id")
    if written:
        return [TransferSpec(id=t.id, ledger=Ledger(t.ledger), code=t.code, debit_account_id=t.debit_account_id,
                             credit_account_id=t.credit_account_id, amount=t.amount, reference=t.reference,
                             flags=TransferFlags(t.flags)) for t in sorted(written, key=lambda t: ids.index(t.id))]
    person = await person_account(Ledger.TIME, person_id=person_id, community_id=community_id, tx=tx)
    issue = await community_account(Ledger.TIME, ISSUE, community_id=community_id, tx=tx)
    room = headroom(person)
    to_person = minutes if room is None else min(minutes, room)
    parts = [(ids[0], code, person, to_person)]
    if minutes - to_person:
        pool = await community_account(Ledger.TIME, POOL, community_id=community_id, tx=tx)
        parts.append((ids[1], OVERFLOW, pool, minutes - to_person))
    parts = [part for part in parts if part[3]]
    return [TransferSpec(id=i, ledger=Ledger.TIME, code=why, debit_account_id=issue.id, credit_account_id=to.id,
                         amount=amount, reference=reference,
                         flags=TransferFlags.LINKED if n < len(parts) - 1 else TransferFlags.NONE)
            for n, (i, why, to, amount) in enumerate(parts)]


_NAMESPACE = UUID("5b8f3f8e-3c1d-4c57-9f43-6f1a2d7c9e10")


def transfer_id(key: str) -> UUID:
    """A transfer id derived from what it pays for (`activity:<id>:signup:<id>:hours`): the same
    thing asked twice is the same transfer, which the ledger writes once."""
    return uuid5(_NAMESPACE, key)
