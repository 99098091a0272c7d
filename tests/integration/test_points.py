"""Points through the clients' operations: the mall, redeeming with a pickup code, the pickup desk,
cancelling, expiry, the participation rules, and points earned by reading urgent notices and by
voting (at the poll's close, never at casting)."""

from datetime import timedelta

from backend.core.clock import clock
from backend.core.outbox import OutboxMessage
from backend.ledger import service as ledger
from backend.notices import service as notices
from backend.notices.models import Importance, Notice, NoticeRecipient, NoticeState
from backend.points import redemptions, tasks
from backend.points.models import Redemption, Reward
from tests.integration.points_helpers import grant, held_for_rewards, mall, points_of, resident_actor
from tests.integration.voting_helpers import build_place, cast, open_poll

INPUT = {"name": "环保购物袋", "description": "可重复使用", "cost": 30, "stock": 2}


def errors(response: dict, field: str) -> list[tuple[str, str]]:
    return [(e["code"], e["message"]) for e in response["data"][field]["errors"]]


async def shop(console, *, points: int = 100, **reward):
    """A community with a resident holding `points`, and a reward made in the console."""
    place = await mall(residents=2)
    await grant(place.cid, [p.id for p in place.people], points)
    await console.sign_in(place.staff.handle)
    made = await console.op("RewardCreate", communityId=str(place.cid), input={**INPUT, **reward})
    assert made["data"]["rewardCreate"]["errors"] == [], made
    place.reward_id = made["data"]["rewardCreate"]["reward"]["id"]
    return place


async def test_a_resident_redeems_and_the_desk_collects_by_the_pickup_code(console, api):
    place = await shop(console)
    resident = place.people[0]
    await api.sign_in(resident.handle)
    shelf = (await api.op("Rewards", communityId=str(place.cid), first=20))["data"]
    assert shelf["pointsBalance"] == {"points": 100, "held": 0}
    assert [r["name"] for r in shelf["rewards"]["nodes"]] == ["环保购物袋"]

    redeemed = (await api.op("RewardRedeem", rewardId=place.reward_id))["data"]["rewardRedeem"]
    assert redeemed["errors"] == []
    code = redeemed["redemption"]["pickupCode"]
    assert len(code) == 6 and code.isdigit() and redeemed["redemption"]["state"] == "PENDING"
    balance = (await api.op("Reward", id=place.reward_id, communityId=str(place.cid)))["data"]
    assert balance["pointsBalance"] == {"points": 70, "held": 30} and balance["reward"]["stock"] == 1
    mine = (await api.op("RedemptionsMine", first=20))["data"]["myRedemptions"]["nodes"]
    assert [(r["rewardName"], r["pickupCode"]) for r in mine] == [("环保购物袋", code)]
    # The code is never stored in clear, nor in the desk's list.
    stored = await Redemption.get(id=redeemed["redemption"]["id"])
    assert code not in stored.pickup_code and code not in (stored.code_key or "")
    listed = (await console.op("Redemptions", communityId=str(place.cid), state="PENDING", first=20))["data"]
    assert [r["personName"] for r in listed["redemptions"]["nodes"]] == [resident.display_name]
    assert code not in str(listed)

    found = (await console.op("RedemptionByPickupCode", communityId=str(place.cid), pickupCode=code))["data"]
    assert found["redemptionByPickupCode"]["redemption"]["rewardName"] == "环保购物袋"
    assert found["redemptionByPickupCode"]["redemption"]["personName"] == resident.display_name
    collected = (await console.op("RedemptionCollect", communityId=str(place.cid), pickupCode=code))["data"]
    assert collected["redemptionCollect"]["redemption"]["state"] == "COLLECTED"
    assert await points_of(place.cid, resident.id) == 70 and await held_for_rewards(place.cid) == 0

    again = await console.op("RedemptionCollect", communityId=str(place.cid), pickupCode=code)
    assert errors(again, "redemptionCollect") == [("NOT_FOUND", "取货码不正确或已失效")]
    cancelled = await api.op("RedemptionCancel", id=redeemed["redemption"]["id"])
    assert errors(cancelled, "redemptionCancel") == [("INVALID_INPUT", "已核销的兑换不能取消")]
    assert await points_of(place.cid, resident.id) == 70


async def test_bad_input_is_refused_in_chinese_and_changes_nothing(console, api):
    place = await shop(console, points=50, cost=40, stock=1)
    bad = await console.op("RewardCreate", communityId=str(place.cid), input={**INPUT, "stock": -1})
    assert errors(bad, "rewardCreate") == [("INVALID_INPUT", "库存须在 0 到 100000 之间")]
    bad = await console.op("RewardUpdate", id=place.reward_id, input={**INPUT, "cost": 0})
    assert errors(bad, "rewardUpdate") == [("INVALID_INPUT", "所需积分须在 1 到 1000000 之间")]
    assert (await Reward.get(id=place.reward_id)).cost == 40

    first, second = place.people
    await api.sign_in(first.handle)
    assert errors(await api.op("RewardRedeem", rewardId=place.reward_id), "rewardRedeem") == []
    # More than the stock: the one left went to the first.
    await api.sign_in(second.handle)
    assert errors(await api.op("RewardRedeem", rewardId=place.reward_id), "rewardRedeem") == \
        [("INVALID_INPUT", "该奖品已兑完")]
    # More than my points: the first has 10 left for a reward of 40.
    await console.op("RewardUpdate", id=place.reward_id, input={**INPUT, "cost": 40, "stock": 3})
    await api.sign_in(first.handle)
    assert errors(await api.op("RewardRedeem", rewardId=place.reward_id), "rewardRedeem") == \
        [("INVALID_INPUT", "积分不足")]
    assert (await Reward.get(id=place.reward_id)).stock == 3
    assert await points_of(place.cid, first.id) == 10 and await Redemption.filter(person_id=first.id).count() == 1

    wrong = await console.op("RedemptionCollect", communityId=str(place.cid), pickupCode="12345x")
    assert errors(wrong, "redemptionCollect") == [("NOT_FOUND", "取货码不正确或已失效")]
    archived = await console.op("RewardArchive", id=place.reward_id)
    assert archived["data"]["rewardArchive"]["reward"]["archived"] is True
    await api.sign_in(second.handle)
    assert errors(await api.op("RewardRedeem", rewardId=place.reward_id), "rewardRedeem") == \
        [("INVALID_INPUT", "该奖品已下架")]
    assert (await api.op("Rewards", communityId=str(place.cid), first=20))["data"]["rewards"]["nodes"] == []


async def test_five_wrong_pickup_codes_in_a_row_lock_the_staff_member_out(console, api):
    place = await shop(console)
    await api.sign_in(place.people[0].handle)
    code = (await api.op("RewardRedeem", rewardId=place.reward_id))["data"]["rewardRedeem"]["redemption"]["pickupCode"]
    wrong = "000000" if code != "000000" else "111111"

    async def look(pickup: str) -> list:
        response = await console.op("RedemptionByPickupCode", communityId=str(place.cid), pickupCode=pickup)
        return [e["code"] for e in response["data"]["redemptionByPickupCode"]["errors"]]

    for _ in range(4):
        assert await look(wrong) == ["NOT_FOUND"]
    assert await look(code) == []  # a right code ends the run
    for _ in range(4):
        assert await look(wrong) == ["NOT_FOUND"]
    assert await look(wrong) == ["RATE_LIMITED"]  # the fifth in a row
    locked = await console.op("RedemptionCollect", communityId=str(place.cid), pickupCode=code)
    assert errors(locked, "redemptionCollect")[0][0] == "RATE_LIMITED"
    assert (await Redemption.get(person_id=place.people[0].id)).state == "PENDING"


async def test_the_redeemer_cancels_and_gets_points_and_stock_back_others_cannot(console, api):
    place = await shop(console)
    owner, other = place.people
    await api.sign_in(owner.handle)
    redemption = (await api.op("RewardRedeem", rewardId=place.reward_id))["data"]["rewardRedeem"]["redemption"]
    await api.sign_in(other.handle)
    assert errors(await api.op("RedemptionCancel", id=redemption["id"]), "redemptionCancel") == \
        [("NOT_FOUND", "找不到该兑换记录")]
    await api.sign_in(owner.handle)
    cancelled = (await api.op("RedemptionCancel", id=redemption["id"]))["data"]["redemptionCancel"]
    assert cancelled["redemption"]["state"] == "CANCELLED"
    assert await points_of(place.cid, owner.id) == 100 and (await Reward.get(id=place.reward_id)).stock == 2
    assert errors(await api.op("RedemptionCancel", id=redemption["id"]), "redemptionCancel") == \
        [("INVALID_INPUT", "该兑换已取消或已过期")]


async def test_an_uncollected_redemption_expires_after_14_days_with_points_and_stock_back(console, api):
    place = await shop(console)
    person = place.people[0]
    await api.sign_in(person.handle)
    code = (await api.op("RewardRedeem", rewardId=place.reward_id))["data"]["rewardRedeem"]["redemption"]["pickupCode"]
    clock.advance(timedelta(days=13))
    await redemptions.expire_due()
    assert (await Redemption.get(person_id=person.id)).state == "PENDING"
    clock.advance(timedelta(days=1, minutes=1))
    # The sweeps take the oldest due first, a batch at a time: other tests' redemptions and holds, due
    # on the same moved clock, may come before this one, so sweep until its own has expired.
    while await redemptions.expire_due() + await ledger.expire_due():
        if (await Redemption.get(person_id=person.id)).state == "EXPIRED" and \
                await points_of(place.cid, person.id) == 100:
            break
    assert (await Redemption.get(person_id=person.id)).state == "EXPIRED"
    assert await points_of(place.cid, person.id) == 100 and (await Reward.get(id=place.reward_id)).stock == 2
    await console.sign_in(place.staff.handle)
    late = await console.op("RedemptionCollect", communityId=str(place.cid), pickupCode=code)
    assert errors(late, "redemptionCollect") == [("NOT_FOUND", "取货码不正确或已失效")]


async def test_staff_set_the_participation_rules_and_residents_cannot(console, api):
    place = await mall()
    await console.sign_in(place.staff.handle)
    rules = (await console.op("PointsRules", communityId=str(place.cid)))["data"]["pointsRules"]
    assert [(r["kind"], r["points"]) for r in rules] == [("URGENT_NOTICE_READ", 2), ("POLL_VOTED", 5)]
    bad = await console.op("PointsRuleUpdate", communityId=str(place.cid), kind="POLL_VOTED", points=-1, active=True)
    assert errors(bad, "pointsRuleUpdate") == [("INVALID_INPUT", "每次积分须在 0 到 1000 之间")]
    done = await console.op("PointsRuleUpdate", communityId=str(place.cid), kind="POLL_VOTED", points=8, active=True)
    assert done["data"]["pointsRuleUpdate"]["rule"]["points"] == 8
    await console.sign_in(place.people[0].handle)
    refused = await console.op("PointsRuleUpdate", communityId=str(place.cid), kind="POLL_VOTED", points=50,
                               active=True)
    assert errors(refused, "pointsRuleUpdate") == [("NOT_FOUND", "找不到该社区")]


async def _run_outbox(key: str) -> int:
    """What the worker does with one outbox message: its task, with its payload."""
    message = await OutboxMessage.get(key=key)
    assert message.topic == "points.participation"
    return await tasks.participation.original_func(key=key, **message.payload)


async def test_reading_an_urgent_notice_earns_points_once_and_a_normal_one_none(app):
    place = await mall()
    person = place.people[0]
    actor = resident_actor(person, place.cid)
    made = {}
    for importance in (Importance.URGENT, Importance.NORMAL):
        notice = await Notice.create(community_id=place.cid, author_id=place.staff.id, title="停水",
                                     body_html="<p>停水</p>", category="物业", importance=importance,
                                     must_acknowledge=True, audience=[], state=NoticeState.PUBLISHED,
                                     published_at=clock.now())
        await NoticeRecipient.create(notice=notice, person=person)
        made[importance] = notice
    urgent, normal = made[Importance.URGENT], made[Importance.NORMAL]
    await notices.mark_read(actor, notice_id=urgent.id)
    await notices.acknowledge(actor, notice_id=urgent.id)  # read already: nothing more
    await notices.acknowledge(actor, notice_id=normal.id)
    key = f"points:notice:{urgent.id}:{person.id}"
    assert await OutboxMessage.filter(key__startswith="points:notice:", payload__contains={
        "person_id": str(person.id)}).values_list("key", flat=True) == [key]
    assert await _run_outbox(key) == 2
    assert await _run_outbox(key) == 0  # a redelivery is a replay
    assert await points_of(place.cid, person.id) == 2


async def test_voters_earn_points_when_the_poll_closes_not_when_they_cast(console, api):
    place = await build_place(rooms=2, buildings=1)
    poll = await open_poll(console, place)
    voter, abstainer = place.owners
    assert (await cast(api, voter, poll["id"]))["errors"] == []
    assert not await OutboxMessage.filter(key__startswith=f"points:poll:{poll['id']}").exists()
    await console.sign_in(place.committee.handle)
    assert (await console.op("PollClose", id=poll["id"]))["data"]["pollClose"]["errors"] == []
    keys = await OutboxMessage.filter(key__startswith=f"points:poll:{poll['id']}").values_list("key", flat=True)
    assert keys == [f"points:poll:{poll['id']}:{voter.id}"]  # who took part, written at the close
    assert await _run_outbox(keys[0]) == 5
    assert await _run_outbox(keys[0]) == 0
    assert (await points_of(place.community.id, voter.id), await points_of(place.community.id, abstainer.id)) == \
        (5, 0)
