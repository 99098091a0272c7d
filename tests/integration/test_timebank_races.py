"""Races on PostgreSQL: twenty helpers book one request at the same moment."""

import asyncio

from tests.integration.timebank_helpers import account, build_timebank, client, close, earn, payload, request_input


async def test_twenty_helpers_booking_one_request_at_once_give_exactly_one_booking_and_one_hold(app):
    world = await build_timebank(app, helpers=20)
    helpers = [await client(app, person) for person in world.helpers]
    try:
        await earn(world.elder, world.community_id, 120, "race")
        request = payload(await world.as_proxy.op("TimebankRequestCreate", communityId=world.cid,
                                                  input=request_input(world, minutes=90)),
                          "timebankRequestCreate")["request"]
        answers = await asyncio.gather(*(api.op("TimebankRequestBook", id=request["id"]) for api in helpers))
        won = [a for a in answers if a["data"]["timebankRequestBook"]["errors"] == []]
        lost = [a["data"]["timebankRequestBook"]["errors"][0]["message"] for a in answers if a not in won]
        assert len(won) == 1 and len(lost) == 19
        assert set(lost) <= {"该需求已被他人预约或已结束", "已预约的互助需求不能预约"}
        elder = await account(world.as_proxy, world)
        assert (elder["minutes"], elder["heldMinutes"]) == (30, 90)
        incoming = [(await account(api, world))["incomingMinutes"] for api in helpers]
        assert sorted(incoming) == [0] * 19 + [90]
    finally:
        for api in helpers:
            await api.http.aclose()
        await close(world)
