"""Races on PostgreSQL: many residents redeeming the last of a reward at once, and participation
events arriving together at the daily cap. Each caller runs on its own connection, so only the row
locks keep the counts right."""

import asyncio
from datetime import UTC, datetime

from backend.core.errors import DomainError
from backend.points import earning, redemptions
from backend.points.models import PointsDay, Redemption, Reward, RuleKind
from backend.wallets.policy import policy_of
from tests.integration.points_helpers import grant, held_for_rewards, mall, points_of, reward


async def test_200_concurrent_redemptions_of_a_reward_with_stock_50_give_exactly_50(app):
    place = await mall(residents=200)
    await grant(place.cid, [p.id for p in place.people], 100)
    prize = await reward(place, cost=40, stock=50)

    async def attempt(actor):
        try:
            return await redemptions.redeem(actor, reward_id=prize.id)
        except DomainError as refused:
            return refused

    outcomes = await asyncio.gather(*(attempt(actor) for actor in place.actors))
    held = [o for o in outcomes if isinstance(o, Redemption)]
    refused = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(held) == 50 and len(refused) == 150
    assert {e.message for e in refused} == {"该奖品已兑完"}
    assert (await Reward.get(id=prize.id)).stock == 0
    assert await Redemption.filter(reward_id=prize.id).count() == 50
    assert await held_for_rewards(place.cid) == 50 * 40
    winners = {r.person_id for r in held}
    balances = [await points_of(place.cid, p.id) for p in place.people]
    assert sorted(balances) == [60] * 50 + [100] * 150
    assert [await points_of(place.cid, p) for p in winners] == [60] * 50


async def test_participation_events_arriving_together_at_the_daily_cap_never_pass_it(app):
    place = await mall(residents=1)
    person = place.people[0]
    policy = await policy_of(place.cid)
    policy.points_daily_cap = 9
    await policy.save()
    at = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    credited = await asyncio.gather(*(earning.award(
        key=f"points:notice:{n}:{person.id}", kind=RuleKind.URGENT_NOTICE_READ, community_id=place.cid,
        person_id=person.id, object_id=str(n), at=at) for n in range(12)))
    assert sum(credited) == 9 and sorted(credited)[-5:] == [1, 2, 2, 2, 2]
    assert await points_of(place.cid, person.id) == 9
    assert (await PointsDay.get(person_id=person.id)).earned == 9
