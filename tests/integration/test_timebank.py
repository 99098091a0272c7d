"""The time bank over the clients' own operations: a relative acting for an elder asks for help, a
helper books it (the elder's minutes held), the relative confirms (the helper credited) or cancels
(the hold released); hours given in the family, and hours over the cap going to the pool."""

import pytest

from backend.audit.models import AuditEntry
from tests.integration.timebank_helpers import (
    account,
    build_timebank,
    close,
    earn,
    error_of,
    payload,
    request_input,
)


@pytest.fixture
async def world(app):
    made = await build_timebank(app)
    yield made
    await close(made)


async def _detail(api, request_id: str) -> dict:
    return payload(await api.op("TimebankRequest", id=request_id), "timebankRequest")


async def test_a_time_bank_exchange_holds_then_posts_on_the_proxys_confirmation_and_voids_on_cancellation_and_a_donation_over_the_cap_overflows_to_the_pool(  # noqa: E501
        world):
    # The committee caps stored hours at 10 h; the relative's 700 earned minutes fill it and 100 overflow.
    policy = payload(await world.as_staff.op("WalletPolicyUpdate", communityId=world.cid, input={"hoursCap": 600}),
                     "walletPolicyUpdate")
    assert policy["errors"] == [] and policy["policy"]["hoursCap"] == 600
    await earn(world.relative, world.community_id, 700, "relative-earns")
    mine = await account(world.as_relative, world)
    assert (mine["minutes"], mine["cap"], mine["poolMinutes"]) == (600, 600, 100)

    # The relative gives 240 minutes to the elder she lives with.
    given = payload(await world.as_relative.op("HoursDonate", communityId=world.cid, minutes=240,
                                               toPersonId=str(world.elder.id)), "hoursDonate")
    assert given["errors"] == [] and given["donation"]["recipientName"] == world.elder.display_name
    elder = await account(world.as_proxy, world)
    assert (elder["minutes"], elder["heldMinutes"], elder["eligible"]) == (240, 0, True)

    # Acting for the elder, she asks for a ride to the clinic; a helper from the next building books it.
    created = payload(await world.as_proxy.op("TimebankRequestCreate", communityId=world.cid,
                                              input=request_input(world, minutes=120)), "timebankRequestCreate")
    assert created["errors"] == [], created
    request = created["request"]
    assert (request["requesterName"], request["state"]) == (world.elder.display_name, "OPEN")
    open_ones = payload(await world.as_helper.op("TimebankRequests", communityId=world.cid, first=10),
                        "timebankRequests")
    assert [r["id"] for r in open_ones["nodes"]] == [request["id"]]
    booked = payload(await world.as_helper.op("TimebankRequestBook", id=request["id"]), "timebankRequestBook")
    assert booked["errors"] == [] and booked["request"]["helperName"] == world.helper.display_name
    elder = await account(world.as_proxy, world)
    assert (elder["minutes"], elder["heldMinutes"]) == (120, 120)
    assert (await account(world.as_helper, world))["incomingMinutes"] == 120
    assert (await _detail(world.as_proxy, request["id"]))["holdState"] == "PENDING"

    # The relative confirms for the elder: the helper has the 120 minutes, the elder's hold is gone.
    confirmed = payload(await world.as_proxy.op("TimebankRequestConfirm", id=request["id"]),
                        "timebankRequestConfirm")
    assert confirmed["errors"] == [] and confirmed["request"]["state"] == "COMPLETED"
    helper = await account(world.as_helper, world)
    assert (helper["minutes"], helper["incomingMinutes"]) == (120, 0)
    elder = await account(world.as_proxy, world)
    assert (elder["minutes"], elder["heldMinutes"]) == (120, 0)
    detail = await _detail(world.as_elder, request["id"])
    assert detail["holdState"] == "POSTED" and detail["mine"]
    assert [(e["toState"], e["actorName"], e["actingForName"]) for e in detail["events"]] == [
        ("BOOKED", world.helper.display_name, None),
        ("COMPLETED", world.relative.display_name, world.elder.display_name)]
    assert await AuditEntry.filter(actor_id=world.relative.id, acting_for_id=world.elder.id,
                                   action__startswith="timebank.").count() == 2  # asked and confirmed for him

    # A second request, booked and then cancelled by the relative: the hold is released.
    second = payload(await world.as_proxy.op("TimebankRequestCreate", communityId=world.cid, input=request_input(
        world, minutes=60, title="帮王爷爷买菜", kind="SHOPPING", skills=["代购"])), "timebankRequestCreate")["request"]
    payload(await world.as_helper.op("TimebankRequestBook", id=second["id"]), "timebankRequestBook")
    assert (await account(world.as_proxy, world))["heldMinutes"] == 60
    cancelled = payload(await world.as_proxy.op("TimebankRequestCancel", id=second["id"], reason="家里临时有人照顾"),
                        "timebankRequestCancel")
    assert cancelled["errors"] == [] and cancelled["request"]["cancelReason"] == "家里临时有人照顾"
    elder = await account(world.as_proxy, world)
    assert (elder["minutes"], elder["heldMinutes"]) == (120, 0)
    assert (await _detail(world.as_helper, second["id"]))["holdState"] == "VOIDED"
    assert (await account(world.as_helper, world))["minutes"] == 120

    # Giving more than the elder may still store is refused, and nothing moves.
    refused = error_of(await world.as_relative.op("HoursDonate", communityId=world.cid, minutes=481,
                                                  toPersonId=str(world.elder.id)), "hoursDonate")
    assert refused["message"].startswith("超出对方的时间存储上限") and "480" in refused["message"]
    assert (await account(world.as_relative, world))["minutes"] == 360
    assert (await account(world.as_proxy, world))["minutes"] == 120
    # Given to the pool instead, it is the community's.
    pooled = payload(await world.as_relative.op("HoursDonate", communityId=world.cid, minutes=60, toPool=True),
                     "hoursDonate")
    assert pooled["errors"] == [] and pooled["donation"]["toPool"]
    assert (await account(world.as_relative, world))["poolMinutes"] == 160


async def _snapshot(world) -> list:
    from backend.ledger.models import Account
    from backend.timebank.models import HoursDonation, TimebankRequest

    return [await TimebankRequest.filter(community_id=world.community_id).order_by("id")
            .values_list("id", "state", "helper_id", "hold_id"),
            await HoursDonation.filter(community_id=world.community_id).values_list("id"),
            await Account.filter(community_id=world.community_id).order_by("id")
            .values_list("id", "debits_pending", "debits_posted", "credits_pending", "credits_posted")]


async def test_bad_requests_bookings_confirmations_and_donations_are_refused_in_chinese_and_change_nothing(world):
    from tests.integration.timebank_helpers import with_id_number

    # No hours yet: asking for help is refused.
    refused = error_of(await world.as_proxy.op("TimebankRequestCreate", communityId=world.cid,
                                               input=request_input(world)), "timebankRequestCreate")
    assert refused["message"].startswith("时间余额不足")
    # Under the withdrawal age (the relative, born 1996) and without an ID number (the stranger).
    await earn(world.relative, world.community_id, 300, "young")
    await earn(world.stranger, world.community_id, 300, "no-id")
    young = error_of(await world.as_relative.op("TimebankRequestCreate", communityId=world.cid,
                                                input=request_input(world)), "timebankRequestCreate")
    assert young["message"] == "年满 65 周岁方可使用存储的时长换取服务"
    unknown = error_of(await world.as_stranger.op("TimebankRequestCreate", communityId=world.cid,
                                                  input=request_input(world)), "timebankRequestCreate")
    assert "未登记有效的身份证号" in unknown["message"]
    # A donation to a stranger (no household, no proxy) is refused.
    stranger = error_of(await world.as_relative.op("HoursDonate", communityId=world.cid, minutes=30,
                                                   toPersonId=str(world.stranger.id)), "hoursDonate")
    assert stranger["message"].startswith("时长只能赠与同住家人")
    bad_minutes = error_of(await world.as_proxy.op("TimebankRequestCreate", communityId=world.cid,
                                                   input=request_input(world, minutes=10)), "timebankRequestCreate")
    assert (bad_minutes["field"], bad_minutes["message"]) == ("minutes", "服务时长须在 15 到 480 分钟之间")
    before = await _snapshot(world)
    assert before[0] == [] and before[1] == []

    # The elder gets hours and asks; the elder cannot book his own, his housemate may not earn from him.
    payload(await world.as_relative.op("HoursDonate", communityId=world.cid, minutes=200,
                                       toPersonId=str(world.elder.id)), "hoursDonate")
    request = payload(await world.as_proxy.op("TimebankRequestCreate", communityId=world.cid,
                                              input=request_input(world, minutes=90)),
                      "timebankRequestCreate")["request"]
    before = await _snapshot(world)
    own = error_of(await world.as_elder.op("TimebankRequestBook", id=request["id"]), "timebankRequestBook")
    assert own["message"] == "不能预约自己发布的需求"
    family = error_of(await world.as_relative.op("TimebankRequestBook", id=request["id"]), "timebankRequestBook")
    assert family["message"].startswith("同住家人之间不能通过时间银行互换时长")
    assert await _snapshot(world) == before

    # Booked once; booking again, and the helper confirming their own service, are refused.
    payload(await world.as_helper.op("TimebankRequestBook", id=request["id"]), "timebankRequestBook")
    before = await _snapshot(world)
    twice = error_of(await world.as_helper.op("TimebankRequestBook", id=request["id"]), "timebankRequestBook")
    assert twice["message"] == "已预约的互助需求不能预约"
    other = error_of(await world.as_stranger.op("TimebankRequestBook", id=request["id"]), "timebankRequestBook")
    assert other["code"] == "NOT_FOUND"
    by_helper = error_of(await world.as_helper.op("TimebankRequestConfirm", id=request["id"]),
                         "timebankRequestConfirm")
    assert by_helper["message"].startswith("帮助者不能确认自己提供的服务")
    assert await _snapshot(world) == before

    # Completed: it cannot be cancelled any more.
    payload(await world.as_proxy.op("TimebankRequestConfirm", id=request["id"]), "timebankRequestConfirm")
    before = await _snapshot(world)
    late = error_of(await world.as_proxy.op("TimebankRequestCancel", id=request["id"], reason="不需要了"),
                    "timebankRequestCancel")
    assert late["message"] == "已完成的互助需求不能取消"
    # More than the elder holds cannot be asked for.
    short = error_of(await world.as_proxy.op("TimebankRequestCreate", communityId=world.cid,
                                             input=request_input(world, minutes=120)), "timebankRequestCreate")
    assert short["message"] == "时间余额不足：本次需要 120 分钟，可用 110 分钟"
    assert await _snapshot(world) == before
    assert await with_id_number(world.stranger, "110105195001010011")  # now of age: he may ask


async def test_one_helper_earns_at_most_eight_hours_a_day_through_the_time_bank(world):
    await earn(world.elder, world.community_id, 900, "elder")
    ids = []
    for minutes in (300, 240):
        ids.append(payload(await world.as_proxy.op("TimebankRequestCreate", communityId=world.cid,
                                                   input=request_input(world, minutes=minutes, hours_ahead=30)),
                           "timebankRequestCreate")["request"]["id"])
    payload(await world.as_helper.op("TimebankRequestBook", id=ids[0]), "timebankRequestBook")
    capped = error_of(await world.as_helper.op("TimebankRequestBook", id=ids[1]), "timebankRequestBook")
    assert capped["message"] == "每人每天通过时间银行获得的时长不超过 8 小时，当天已预约 300 分钟"
    assert (await account(world.as_proxy, world))["heldMinutes"] == 300


async def test_the_elder_picks_a_helpers_offer_ranked_first_for_shared_skills_and_availability(world):
    await earn(world.elder, world.community_id, 120, "elder")
    request = payload(await world.as_proxy.op("TimebankRequestCreate", communityId=world.cid,
                                              input=request_input(world, minutes=60)),
                      "timebankRequestCreate")["request"]
    offer = payload(await world.as_helper.op("TimebankOfferCreate", communityId=world.cid, input={
        "skills": ["陪诊", "代购"], "kinds": ["CLINIC"], "availability": [
            {"weekday": d, "start": 0, "end": 24 * 60} for d in range(7)], "note": "周末都有空"}),
        "timebankOfferCreate")
    assert offer["errors"] == []
    payload(await world.as_stranger.op("TimebankOfferCreate", communityId=world.cid, input={"skills": ["修电脑"]}),
            "timebankOfferCreate")
    matches = payload(await world.as_proxy.op("TimebankMatches", requestId=request["id"]), "timebankMatches")
    assert [m["offer"]["helperName"] for m in matches] == [world.helper.display_name, world.stranger.display_name]
    assert matches[0]["sharedSkills"] == ["陪诊"] and matches[0]["available"]
    picked = payload(await world.as_proxy.op("TimebankRequestBook", id=request["id"],
                                             offerId=matches[0]["offer"]["id"]), "timebankRequestBook")
    assert picked["errors"] == [] and picked["request"]["helperName"] == world.helper.display_name
