"""Expiry of hours and points, first in first out, by the injectable clock: the daily sweep writes
one expiry transfer per account and day, and tells the holder ahead, once."""

from datetime import timedelta

from backend.core.actor import Actor
from backend.core.clock import clock
from backend.ledger.models import Ledger, Transfer
from backend.ledger.service import create_transfers, require_ok
from backend.notify.models import InboxMessage
from backend.timebank.donations import donate_hours
from backend.wallets.accounts import EXPIRED, ISSUE, balance, community_account, person_account, transfer_id
from backend.wallets.codes import EXPIRY, PARTICIPATION
from backend.wallets.expiry import sweep_expiry
from backend.wallets.policy import update_policy
from tests.integration.timebank_helpers import earn


async def _points(person, community_id, amount: int, key: str) -> None:
    issue = await community_account(Ledger.POINTS, ISSUE, community_id=community_id)
    mine = await person_account(Ledger.POINTS, person_id=person.id, community_id=community_id)
    from backend.ledger.results import TransferSpec

    require_ok(await create_transfers([TransferSpec(id=transfer_id(f"test:{person.id}:{key}"), ledger=Ledger.POINTS,
                                                    code=PARTICIPATION, debit_account_id=issue.id,
                                                    credit_account_id=mine.id, amount=amount, reference=key)]))


async def test_the_oldest_hours_and_points_expire_first_once_a_day_after_one_notice(make_community, make_person):
    made = await make_community()
    community_id = made.community.id
    staff = await make_person(community_id, ["COMMITTEE_STAFF"])
    holder = await make_person(community_id, ["RESIDENT"])
    await update_policy(Actor(person_id=staff.id, roles={community_id: frozenset({"COMMITTEE_STAFF"})}),
                        community_id=community_id, hours_valid_days=10, expiry_notice_days=3, points_valid_days=9)

    async def hours() -> int:
        return balance(await person_account(Ledger.TIME, person_id=holder.id, community_id=community_id))

    async def points() -> int:
        return balance(await person_account(Ledger.POINTS, person_id=holder.id, community_id=community_id))

    async def notices() -> list[str]:
        return await InboxMessage.filter(person_id=holder.id, kind="wallet_expiry").order_by("id") \
            .values_list("body", flat=True)

    await earn(holder, community_id, 100, "first")
    await _points(holder, community_id, 40, "points")
    await donate_hours(Actor(person_id=holder.id), community_id=community_id, minutes=30, to_pool=True)  # spent
    clock.advance(timedelta(days=5))
    await earn(holder, community_id, 50, "second")

    clock.advance(timedelta(days=2, hours=1))  # day 7: nothing expired; 70 minutes expire in 3 days
    assert await sweep_expiry(community_id) == 0
    assert await sweep_expiry(community_id) == 0
    assert (await hours(), await points()) == (120, 40)
    assert await notices() == ["您有 1 小时 10 分钟将于 " + _day(3) + " 到期，请及时使用"]

    clock.advance(timedelta(days=3))  # day 10: the first earning, less what was spent, is gone; points too
    assert await sweep_expiry(community_id) == 2
    assert await sweep_expiry(community_id) == 0  # a second run the same day writes nothing
    assert (await hours(), await points()) == (50, 0)
    expired = await community_account(Ledger.TIME, EXPIRED, community_id=community_id)
    assert expired.credits_posted == 70
    assert await Transfer.filter(code=EXPIRY, debit_account__owner_id=holder.id).count() == 2

    clock.advance(timedelta(days=2))  # day 12: the second earning is announced, three days ahead
    assert await sweep_expiry(community_id) == 0
    assert (await notices())[1:] == ["您有 50 分钟将于 " + _day(3) + " 到期，请及时使用"]
    clock.advance(timedelta(days=3))  # day 15: it expires
    assert await sweep_expiry(community_id) == 1
    assert await hours() == 0
    assert len(await notices()) == 2


def _day(ahead: int) -> str:
    from backend.wallets.expiry import SHANGHAI

    day = clock.now().astimezone(SHANGHAI).date() + timedelta(days=ahead)
    return f"{day.month}月{day.day}日"
