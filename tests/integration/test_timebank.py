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
