"""The community's hours and points accounts: one per person, hours up to the policy's cap with the
overflow to the pool, and a cap change that staff make applying to every hours account at once."""

import pytest

from backend.core.actor import Actor
from backend.core.errors import DomainError, ErrorCode
from backend.ledger.models import Account, Ledger
from backend.ledger.service import create_transfers, require_ok
from backend.wallets.accounts import POOL, balance, community_account, earning_transfers, person_account
from backend.wallets.policy import policy_of, update_policy


async def test_earned_hours_beyond_the_cap_overflow_to_the_pool_once(make_community, make_person):
    made = await make_community()
    community_id = made.community.id
    staff = await make_person(community_id, ["COMMITTEE_STAFF"])
    volunteer = await make_person(community_id, ["RESIDENT"])
    await update_policy(Actor(person_id=staff.id, roles={community_id: frozenset({"COMMITTEE_STAFF"})}),
                        community_id=community_id, hours_cap=120)

    async def earn(key: str, minutes: int) -> None:
        require_ok(await create_transfers(await earning_transfers(
            key=key, person_id=volunteer.id, community_id=community_id, minutes=minutes, code="test_hours",
            reference=key)))

    await earn("first", 90)
    await earn("second", 60)  # 30 fit under the cap of 120, 30 overflow
    await earn("second", 60)  # a replay: nothing more
    hours = await person_account(Ledger.TIME, person_id=volunteer.id, community_id=community_id)
    pool = await community_account(Ledger.TIME, POOL, community_id=community_id)
    assert (balance(hours), balance(pool)) == (120, 30)
    assert hours.id == (await person_account(Ledger.TIME, person_id=volunteer.id, community_id=community_id)).id


async def test_a_cap_change_reaches_every_hours_account_and_bad_values_change_nothing(make_community, make_person):
    made = await make_community()
    community_id = made.community.id
    staff = Actor(person_id=(await make_person(community_id, ["COMMITTEE_STAFF"])).id,
                  roles={community_id: frozenset({"COMMITTEE_STAFF"})})
    volunteer = await make_person(community_id, ["RESIDENT"])
    hours = await person_account(Ledger.TIME, person_id=volunteer.id, community_id=community_id)
    assert hours.upper_limit == (await policy_of(community_id)).hours_cap == 200 * 60

    with pytest.raises(DomainError) as refused:
        await update_policy(staff, community_id=community_id, hours_cap=0, withdrawal_age=70)
    assert refused.value.field == "hoursCap" and "时间存储上限" in refused.value.message
    assert (await policy_of(community_id)).withdrawal_age == 65

    resident = Actor(person_id=volunteer.id, roles={community_id: frozenset({"RESIDENT"})})
    with pytest.raises(DomainError) as refused:
        await update_policy(resident, community_id=community_id, hours_cap=600)
    assert refused.value.code == ErrorCode.NOT_FOUND

    await update_policy(staff, community_id=community_id, hours_cap=600)
    assert (await Account.get(id=hours.id)).upper_limit == 600
