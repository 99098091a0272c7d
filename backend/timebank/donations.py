"""Giving hours (赠与): to a family member (the same household, or bound by a proxy) or to the
community pool (互助池); and a person's time-bank account as the donate and request pages show it."""

from dataclasses import dataclass
from uuid import UUID

from backend.audit import service as audit
from backend.core.actor import Actor, ProxyScope
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.ledger.models import Ledger
from backend.ledger.results import ResultCode, TransferSpec
from backend.ledger.service import create_transfers
from backend.people.models import Person
from backend.timebank.eligibility import require_withdrawal_age
from backend.timebank.family import is_family
from backend.timebank.matching import SHANGHAI
from backend.timebank.models import HoursDonation
from backend.timebank.places import require_member
from backend.wallets.accounts import POOL, balance, community_account, headroom, person_account, transfer_id
from backend.wallets.codes import DONATION_FAMILY, DONATION_POOL
from backend.wallets.policy import policy_of

MAX_DONATION = 1000 * 60


def _over_cap(room: int) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, f"超出对方的时间存储上限（对方还可接收 {room} 分钟）", field="minutes")


async def donate_hours(actor: Actor, *, community_id: UUID, minutes: int, to_person_id: UUID | None = None,
                       to_pool: bool = False) -> HoursDonation:
    donor_id = actor.subject(ProxyScope.TIMEBANK)
    await require_member(donor_id, community_id)
    if (to_person_id is None) == (not to_pool):
        raise DomainError(ErrorCode.INVALID_INPUT, "请选择赠与的家人或互助池（二选一）", field="toPersonId")
    if not isinstance(minutes, int) or not 1 <= minutes <= MAX_DONATION:
        raise DomainError(ErrorCode.INVALID_INPUT, f"赠与时长须在 1 到 {MAX_DONATION} 分钟之间", field="minutes")
    if to_person_id is not None:
        if to_person_id == donor_id:
            raise DomainError(ErrorCode.INVALID_INPUT, "不能赠与自己", field="toPersonId")
        if not await is_family(donor_id, to_person_id, community_id=community_id):
            raise DomainError(ErrorCode.FORBIDDEN, "时长只能赠与同住家人或有代办关系的亲属，或捐入互助池",
                              field="toPersonId")
    async with transaction() as tx:
        donation = await HoursDonation.create(community_id=community_id, donor_id=donor_id, recipient_id=to_person_id,
                                              given_by_id=actor.person_id, minutes=minutes, using_db=tx)
        source = await person_account(Ledger.TIME, person_id=donor_id, community_id=community_id, tx=tx)
        if to_person_id is not None:
            target = await person_account(Ledger.TIME, person_id=to_person_id, community_id=community_id, tx=tx)
            room = headroom(target)
            if room is not None and minutes > room:
                raise _over_cap(room)
        else:
            target = await community_account(Ledger.TIME, POOL, community_id=community_id, tx=tx)
        results = await create_transfers([TransferSpec(
            id=transfer_id(f"donation:{donation.id}"), ledger=Ledger.TIME,
            code=DONATION_FAMILY if to_person_id else DONATION_POOL, debit_account_id=source.id,
            credit_account_id=target.id, amount=minutes, reference=f"donation:{donation.id}")], tx=tx)
        code = results[0].code
        if code == ResultCode.OVERDRAFT:
            raise DomainError(ErrorCode.TRANSFER_REJECTED,
                              f"时间余额不足：可赠与 {max(0, balance(source))} 分钟", field="minutes")
        if code == ResultCode.LIMIT_EXCEEDED:
            raise _over_cap(headroom(target) or 0)
        if not results[0].ok:
            raise DomainError(ErrorCode.TRANSFER_REJECTED, results[0].message, field="minutes")
        await audit.record(tx, actor, "timebank.donate", "hours_donation", donation.id, community_id=community_id,
                           after={"minutes": minutes, "person": str(to_person_id) if to_person_id else None,
                                  "pool": to_pool})
    return donation


@dataclass
class TimeAccount:
    minutes: int  # may spend now
    held_minutes: int  # held for bookings not yet confirmed
    incoming_minutes: int  # held for me by others' bookings
    cap: int | None
    headroom: int | None
    pool_minutes: int
    withdrawal_age: int
    eligible: bool
    eligibility_note: str | None


async def time_account(actor: Actor, *, community_id: UUID) -> TimeAccount:
    """My (or my principal's) hours in the community, what is held, the cap and the pool."""
    me = actor.subject(ProxyScope.TIMEBANK)
    await require_member(me, community_id)
    account = await person_account(Ledger.TIME, person_id=me, community_id=community_id)
    pool = await community_account(Ledger.TIME, POOL, community_id=community_id)
    policy = await policy_of(community_id)
    try:
        require_withdrawal_age(await Person.get(id=me), withdrawal_age=policy.withdrawal_age,
                               day=clock.now().astimezone(SHANGHAI).date())
        note = None
    except DomainError as error:
        note = error.message
    return TimeAccount(minutes=balance(account), held_minutes=account.debits_pending,
                       incoming_minutes=account.credits_pending, cap=account.upper_limit, headroom=headroom(account),
                       pool_minutes=balance(pool), withdrawal_age=policy.withdrawal_age, eligible=note is None,
                       eligibility_note=note)
