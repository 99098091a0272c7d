"""Polls: frozen electorates, one ballot per entry under races, proxies, paper ballots, the
lifecycle and bad input."""

import asyncio
from datetime import timedelta

import httpx
import pytest
from httpx_ws import aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport

from backend.api.contract import client_operations
from backend.audit.models import AuditEntry
from backend.core.clock import clock
from backend.core.errors import DomainError
from backend.notify.models import InboxMessage
from backend.registry.models import PersonRoom, Room
from backend.voting import ballots, service
from backend.voting.models import BallotContent, BallotParticipation, ElectorateEntry, Poll, PollEvent
from tests.integration.conftest import Api, build_person, eventually
from tests.integration.test_subscriptions import _subscribers
from tests.integration.voting_helpers import build_place, cast, evidence, open_poll, poll_input, resident


@pytest.fixture
async def place(app):
    return await build_place()


async def test_a_household_poll_freezes_its_electorate_at_opening(console, api, place):
    child = await build_person(place.community.id, ["RESIDENT"], room=place.rooms[0], resident_role="CO_RESIDENT")
    poll = await open_poll(console, place, electorate="PERSON")
    assert poll["electorateSize"] == len(place.owners)  # the co-resident child is not an adult voter
    await api.sign_in(child.handle)
    assert (await api.op("Poll", id=poll["id"]))["data"]["poll"] is None

    newcomer = await build_person(place.community.id, ["RESIDENT"], room=place.rooms[1])
    await PersonRoom.filter(person=place.owners[2]).update(until=clock.now())  # moved out after opening
    listed = await console.op("PollElectorate", id=poll["id"], first=50)
    labels = [n["label"] for n in listed["data"]["pollElectorate"]["nodes"]]
    assert len(labels) == len(place.owners) and not any(newcomer.display_name in label for label in labels)
    assert any(place.owners[2].display_name in label for label in labels)
    outside = await cast(api, newcomer, poll["id"])
    assert outside["errors"][0]["message"] == "找不到该投票，或您不在本次投票的选民名单中"
    assert (await cast(api, place.owners[2], poll["id"]))["errors"] == []


async def test_an_owners_assembly_counts_co_owners_once_and_an_owner_of_several_rooms_once(console, place):
    a, b, c, d = place.owners[:4]
    # a also owns b's room with b: {a, b} is another buyer than a alone, so rooms 0 and 1 stay two units.
    await PersonRoom.create(community=place.community, person=a, room=place.rooms[1],
                            household=place.households[1], role="OWNER", since=clock.now(), channel="SEED")
    await Room.filter(id=place.rooms[1].id).update(area_dm2=12_000)
    # c alone owns room 3 too (d sold it to c): one unit, one head, with both rooms' area.
    await PersonRoom.filter(person=d, room=place.rooms[3]).update(until=clock.now())
    await PersonRoom.create(community=place.community, person=c, room=place.rooms[3],
                            household=place.households[3], role="OWNER", since=clock.now(), channel="SEED")
    tenant = await build_person(place.community.id, ["RESIDENT"], room=place.rooms[2], resident_role="TENANT")
    await console.sign_in(place.committee.handle)
    preview = (await console.op("PollElectoratePreview", communityId=str(place.community.id),
                                electorate="OWNERS_ASSEMBLY", scope={"kind": "COMMUNITY"}))["data"]
    rooms = len(place.rooms)
    assert preview["pollElectoratePreview"] == {"entries": rooms - 1, "voters": rooms - 1,
                                                "areaDm2": 8000 * (rooms - 1) + 12_000}
    assert tenant.id and b.id
    building = {"kind": "BUILDING", "ids": [str(place.buildings[1].id)]}
    scoped = (await console.op("PollElectoratePreview", communityId=str(place.community.id),
                               electorate="HOUSEHOLD", scope=building))["data"]["pollElectoratePreview"]
    assert scoped["entries"] == len(place.rooms_of[place.buildings[1].id])


async def test_200_concurrent_casts_for_one_household_leave_exactly_one_ballot(console, place):
    family = [place.owners[0]] + [await build_person(place.community.id, ["RESIDENT"], room=place.rooms[0],
                                                     resident_role="TENANT") for _ in range(3)]
    poll = await open_poll(console, place)
    casts = [ballots.cast(resident(family[i % 4]), poll_id=poll["id"], entry_id=None,
                          ballot=ballots.BallotInput(choices=["i1" if i % 2 else "i2"])) for i in range(200)]
    results = await asyncio.gather(*casts, return_exceptions=True)
    assert sum(not isinstance(r, Exception) for r in results) == 1
    refusals = {r.message for r in results if isinstance(r, DomainError)}
    assert refusals <= {"本户已投票（以第一次投票为准）", "您已投票，本次投票不允许改票"}
    assert len([r for r in results if isinstance(r, DomainError)]) == 199
    assert await BallotParticipation.filter(poll_id=poll["id"]).count() == 1
    assert await BallotContent.filter(poll_id=poll["id"]).count() == 1


async def test_200_households_casting_at_once_leave_200_ballots(console, app):
    place = await build_place(rooms=100, buildings=2)
    poll = await open_poll(console, place)
    results = await asyncio.gather(*(ballots.cast(resident(p), poll_id=poll["id"], entry_id=None,
                                                  ballot=ballots.BallotInput(choices=["i1"])) for p in place.owners))
    assert len({r.receipt_code for r in results}) == 200
    assert await BallotParticipation.filter(poll_id=poll["id"]).count() == 200
    assert await BallotContent.filter(poll_id=poll["id"]).count() == 200


async def test_last_cast_counts_replaces_the_households_vote_in_its_one_row(console, api, place):
    partner = await build_person(place.community.id, ["RESIDENT"], room=place.rooms[0], resident_role="TENANT")
    poll = await open_poll(console, place, householdRule="LAST_COUNTS")
    first = await cast(api, place.owners[0], poll["id"], ["i1"])
    second = await cast(api, partner, poll["id"], ["i2"])
    assert first["errors"] == second["errors"] == []
    rows = await BallotContent.filter(poll_id=poll["id"]).values_list("answer", flat=True)
    assert rows == [{"choices": ["i2"]}]
    assert (await api.op("BallotReceipt", pollId=poll["id"], receiptCode=first["receiptCode"]))["errors"]
    mine = await api.op("BallotReceipt", pollId=poll["id"], receiptCode=second["receiptCode"])
    assert mine["data"]["ballotReceipt"]["answer"] == {"choices": ["i2"]}


async def test_a_secret_vote_changes_only_with_its_receipt_code(console, api, place):
    poll = await open_poll(console, place, secrecy="SECRET", allowChange=True)
    first = await cast(api, place.owners[0], poll["id"], ["i1"])
    refused = await cast(api, place.owners[0], poll["id"], ["i2"])
    assert refused["errors"][0]["message"] == "秘密投票改票须提供原选票的回执码"
    other = await cast(api, place.owners[1], poll["id"], ["i1"])
    wrong = await cast(api, place.owners[0], poll["id"], ["i2"], receiptCode=other["receiptCode"])
    assert wrong["errors"][0]["message"] == "回执码不对，请使用本选票的回执码"
    changed = await cast(api, place.owners[0], poll["id"], ["i2"], receiptCode=first["receiptCode"])
    assert changed["errors"] == []
    answers = sorted(str(a) for a in await BallotContent.filter(poll_id=poll["id"]).values_list("answer", flat=True))
    assert answers == ["{'choices': ['i1']}", "{'choices': ['i2']}"]


async def test_a_vote_proxy_casts_within_its_cap_is_audited_and_a_direct_vote_overrides_it(console, api, place):
    from backend.proxies.models import Proxy

    daughter = await build_person(place.community.id, ["RESIDENT"])
    for principal in place.owners[:2]:
        await Proxy.create(community=place.community, principal=principal, agent=daughter, scopes=["VOTE"],
                           evidence="委托书", valid_until=clock.now() + timedelta(days=30), granted_by=principal)
    poll = await open_poll(console, place, proxyCap=1)
    await api.sign_in(daughter.handle)

    async def as_proxy(principal, choices):
        api.http.headers["x-acting-for"] = str(principal.id)
        try:
            return (await api.op("BallotCast", pollId=poll["id"], ballot={"choices": choices}))["data"]["ballotCast"]
        finally:
            del api.http.headers["x-acting-for"]

    assert (await as_proxy(place.owners[0], ["i1"]))["errors"] == []
    assert (await as_proxy(place.owners[1], ["i1"]))["errors"][0]["message"] == "每人最多为他人代投 1 票"
    row = await BallotParticipation.get(poll_id=poll["id"])
    assert (row.channel, row.cast_by_id) == ("PROXY", daughter.id)
    assert await AuditEntry.filter(action="ballot.proxy", acting_for_id=place.owners[0].id).exists()

    direct = await cast(api, place.owners[0], poll["id"], ["i2"])  # changes are off, yet a direct vote wins
    assert direct["errors"] == []
    row = await BallotParticipation.get(poll_id=poll["id"])
    assert (row.channel, row.cast_by_id, row.changes) == ("ONLINE", place.owners[0].id, 1)
    assert await BallotContent.filter(poll_id=poll["id"]).values_list("answer", flat=True) == [{"choices": ["i2"]}]
    await api.sign_in(daughter.handle)
    assert (await as_proxy(place.owners[0], ["i1"]))["errors"][0]["message"] == "本人已投票，不能再代投"
    assert (await as_proxy(place.owners[1], ["i1"]))["errors"] == []  # the cap freed by the override


async def test_a_written_authorisation_lets_the_agent_cast_that_ballot(console, api, place):
    neighbour = await build_person(place.community.id, ["RESIDENT"])
    poll = await open_poll(console, place)
    entry = await ElectorateEntry.get(poll_id=poll["id"], voters__person_id=place.owners[0].id)
    recorded = await console.op("VoteAuthorisationRecord", pollId=poll["id"], entryId=str(entry.id),
                                principalId=str(place.owners[0].id), agentId=str(neighbour.id),
                                evidenceUploadId=await evidence(place.committee))
    assert recorded["data"]["voteAuthorisationRecord"]["errors"] == []
    await api.sign_in(neighbour.handle)
    mine = (await api.op("PollsForMe", first=10))["data"]["pollsForMe"]["nodes"]
    assert [p["id"] for p in mine] == [poll["id"]]
    assert (await cast(api, neighbour, poll["id"]))["errors"] == []
    row = await BallotParticipation.get(poll_id=poll["id"])
    assert (row.entry_id, row.channel) == (entry.id, "PROXY")
    assert await AuditEntry.filter(action="ballot.proxy", actor_id=neighbour.id).exists()


async def test_paper_and_online_ballots_exclude_each_other(console, api, place):
    poll = await open_poll(console, place, allowChange=True)
    online, paper = [await ElectorateEntry.get(poll_id=poll["id"], voters__person_id=p.id) for p in place.owners[:2]]
    photo = await evidence(place.committee)

    async def enter(entry):
        await console.sign_in(place.committee.handle)
        response = await console.op("BallotPaperEnter", pollId=poll["id"], entryId=str(entry.id), channel="PAPER",
                                    ballot={"choices": ["i2"]}, evidenceUploadId=photo, reason="老人不会用手机")
        return response["data"]["ballotPaperEnter"]

    assert (await cast(api, place.owners[0], poll["id"]))["errors"] == []
    assert (await enter(online))["errors"][0]["message"] == "已在线投票，不能再登记纸质选票"
    assert (await enter(paper))["errors"] == []
    assert (await cast(api, place.owners[1], poll["id"]))["errors"][0]["message"] == \
        "已登记纸质（或上门）选票，不能再在线投票"
    rows = dict(await BallotParticipation.filter(poll_id=poll["id"]).values_list("entry_id", "channel"))
    assert rows == {online.id: "ONLINE", paper.id: "PAPER"}
    assert await AuditEntry.filter(action="ballot.paper", actor_id=place.committee.id).exists()


async def test_the_sweeps_open_on_time_remind_who_has_not_voted_and_close_at_the_deadline(console, api, place):
    await console.sign_in(place.committee.handle)
    opens, closes = clock.now() + timedelta(hours=1), clock.now() + timedelta(days=2)
    created = await console.op("PollCreate", communityId=str(place.community.id),
                               input=poll_input(place, opensAt=opens.isoformat(), closesAt=closes.isoformat()))
    poll_id = created["data"]["pollCreate"]["poll"]["id"]
    assert (await console.op("PollSchedule", id=poll_id))["data"]["pollSchedule"]["poll"]["state"] == "SCHEDULED"
    assert (await cast(api, place.owners[0], poll_id))["errors"]  # not open yet: nobody sees it
    assert await service.open_due() == 0
    clock.advance(timedelta(hours=1))
    assert await service.open_due() == 1 and await service.open_due() == 0
    assert (await cast(api, place.owners[0], poll_id))["errors"] == []

    assert await service.remind_due() == 0
    clock.advance(timedelta(days=1, hours=1))  # 23 hours before the close: inside the 24-hour window
    assert await service.remind_due() == 1 and await service.remind_due() == 0
    reminded = set(await InboxMessage.filter(delivery_key__startswith=f"poll:{poll_id}:closing")
                   .values_list("person_id", flat=True))
    assert reminded == {p.id for p in place.owners[1:]}

    clock.advance(timedelta(days=1))
    assert await service.close_due() == 1
    assert (await Poll.get(id=poll_id)).state == "CLOSED"
    assert (await cast(api, place.owners[1], poll_id))["errors"][0]["message"] == "投票已截止"
    assert await PollEvent.filter(poll_id=poll_id, actor_id=None).count() == 2  # opened and closed by the sweeps
    await console.sign_in(place.committee.handle)
    assert (await console.op("PollPublish", id=poll_id))["data"]["pollPublish"]["poll"]["state"] == "PUBLISHED"
    again = await console.op("PollOpen", id=poll_id)
    assert again["data"]["pollOpen"]["errors"][0]["message"] == "已公示的投票不能开始"


BAD_POLLS = [
    ({"items": []}, "请设置 2–50 个选项"),
    ({"kind": "MOTIONS", "items": []}, "请设置 1–50 个议题"),
    ({"kind": "MULTIPLE", "minChoices": 2, "maxChoices": 5}, "可选数量须在 1–2 之间，且最少不超过最多"),
    ({"thresholds": {k: {"numerator": 5, "denominator": 4} for k in
                     ("participationArea", "participationHeadcount", "passArea", "passHeadcount")}},
     "门槛不能超过 100%"),
    ({"electorate": "OWNERS_ASSEMBLY", "secrecy": "SECRET"},
     "业主大会按专有面积计票，面积可识别房屋，不能设为秘密投票"),
    ({"closesAt": "2020-01-01T00:00:00+00:00"}, "截止时间须在将来"),
]


@pytest.mark.parametrize(("change", "message"), BAD_POLLS)
async def test_a_bad_poll_is_refused_in_chinese_and_nothing_is_written(console, place, change, message):
    await console.sign_in(place.committee.handle)
    response = await console.op("PollCreate", communityId=str(place.community.id), input=poll_input(place, **change))
    assert response["data"]["pollCreate"]["errors"][0]["message"] == message
    assert not await Poll.filter(community_id=place.community.id).exists()


BAD_BALLOTS = [
    ({"kind": "MULTIPLE", "items": [{"label": "甲"}, {"label": "乙"}, {"label": "丙"}], "minChoices": 2,
      "maxChoices": 2}, {"choices": ["i1"]}, "请至少选择 2 项"),
    ({"kind": "MULTIPLE", "items": [{"label": "甲"}, {"label": "乙"}, {"label": "丙"}], "minChoices": 1,
      "maxChoices": 2}, {"choices": ["i1", "i2", "i3"]}, "最多只能选择 2 项"),
    ({}, {"choices": ["i9"]}, "所选选项不在本次投票中"),
    ({"kind": "MOTIONS", "items": [{"label": "续聘物业"}]}, {"motions": [{"key": "i1", "answer": "YES"},
                                                                    {"key": "i2", "answer": "NO"}]},
     "表决的议题不在本次投票中"),
    ({"kind": "QUESTIONNAIRE", "items": [{"label": "家中几口人", "type": "NUMBER"}]},
     {"answers": [{"key": "i1", "text": "三口"}]}, "「家中几口人」须填写数字"),
]


@pytest.mark.parametrize(("poll", "ballot", "message"), BAD_BALLOTS)
async def test_a_bad_ballot_is_refused_in_chinese_and_nothing_is_written(console, api, place, poll, ballot,
                                                                        message):
    opened = await open_poll(console, place, **poll)
    await api.sign_in(place.owners[0].handle)
    response = await api.op("BallotCast", pollId=opened["id"], ballot=ballot)
    assert response["data"]["ballotCast"]["errors"][0]["message"] == message
    assert not await BallotParticipation.filter(poll_id=opened["id"]).exists()
    assert not await BallotContent.filter(poll_id=opened["id"]).exists()


async def test_a_changed_vote_where_changes_are_off_and_a_looser_mode_are_refused(console, api, place):
    poll = await open_poll(console, place, electorate="PERSON", secrecy="HIDDEN")
    assert (await cast(api, place.owners[0], poll["id"], ["i1"]))["errors"] == []
    again = await cast(api, place.owners[0], poll["id"], ["i2"])
    assert again["errors"][0]["message"] == "您已投票，本次投票不允许改票"
    assert await BallotContent.filter(poll_id=poll["id"]).values_list("answer", flat=True) == [{"choices": ["i1"]}]
    await console.sign_in(place.committee.handle)
    looser = await console.op("PollTighten", id=poll["id"], secrecy="NAMED")
    assert looser["data"]["pollTighten"]["errors"][0]["message"] == "投票开始后只能改为更严格的保密方式"
    live = await console.op("PollTighten", id=poll["id"], results="LIVE")
    assert live["data"]["pollTighten"]["errors"][0]["message"] == "投票开始后不能改为实时公布结果"
    stricter = await console.op("PollTighten", id=poll["id"], secrecy="SECRET")
    assert stricter["data"]["pollTighten"]["poll"]["secrecy"] == "SECRET"
    assert await BallotParticipation.filter(poll_id=poll["id"], content_id__isnull=False).count() == 0


async def test_live_turnout_hears_each_ballot_once_it_is_committed(app, console, api, place):
    poll = await open_poll(console, place)
    token = (await console.sign_in(place.committee.handle))["accessToken"]
    async with (
        httpx.AsyncClient(transport=ASGIWebSocketTransport(app), base_url="http://test") as client,
        aconnect_ws("/graphql", client, subprotocols=["graphql-transport-ws"]) as ws,
    ):
        await ws.send_json({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        assert (await ws.receive_json())["type"] == "connection_ack"
        await ws.send_json({"id": "1", "type": "subscribe", "payload": {
            "query": client_operations("admin")["LivePollTurnout"], "variables": {"id": poll["id"]}}})
        first = await asyncio.wait_for(ws.receive_json(), timeout=20)
        assert first["payload"]["data"]["livePollTurnout"]["participated"] == 0
        await eventually(lambda: _subscribers(f"poll-turnout:{poll['id']}"))
        assert (await cast(api, place.owners[0], poll["id"]))["errors"] == []
        message = await asyncio.wait_for(ws.receive_json(), timeout=20)
        assert message["payload"]["data"]["livePollTurnout"]["participated"] == 1
        assert message["payload"]["data"]["livePollTurnout"]["byChannel"] == [{"channel": "ONLINE", "count": 1}]
        # A burst is announced coalesced (one message per 0.1 s): the last message still has every ballot.
        others = [Api(api.http) for _ in place.owners[1:]]
        answers = await asyncio.gather(*(cast(c, owner, poll["id"]) for c, owner in zip(others, place.owners[1:],
                                                                                         strict=True)))
        assert [a["errors"] for a in answers] == [[]] * len(others)
        heard = 1
        while heard < len(place.owners):
            heard = (await asyncio.wait_for(ws.receive_json(), timeout=20))["payload"]["data"]["livePollTurnout"][
                "participated"]


async def test_a_proxy_without_the_vote_scope_cannot_cast(api, console, place):
    from backend.proxies.models import Proxy

    agent = await build_person(place.community.id, ["RESIDENT"])
    await Proxy.create(community=place.community, principal=place.owners[0], agent=agent, scopes=["ORDER"],
                       evidence="委托书", valid_until=clock.now() + timedelta(days=30), granted_by=place.owners[0])
    poll = await open_poll(console, place)
    await api.sign_in(agent.handle)
    api.http.headers["x-acting-for"] = str(place.owners[0].id)
    response = await api.op("BallotCast", pollId=poll["id"], ballot={"choices": ["i1"]})
    assert response["data"]["ballotCast"]["errors"][0]["message"] == "代办授权不包含此事项"
    assert not await BallotParticipation.filter(poll_id=poll["id"]).exists()


async def test_motions_and_questionnaires_store_what_was_answered_and_an_open_poll_is_not_edited(console, api,
                                                                                              place):
    motions = await open_poll(console, place, kind="MOTIONS", items=[{"label": "续聘物业"}, {"label": "动用维修资金"}],
                              matter="MAJOR")
    assert motions["thresholds"]["passArea"] == {"numerator": 3, "denominator": 4, "strict": False}
    await api.sign_in(place.owners[0].handle)
    voted = await api.op("BallotCast", pollId=motions["id"], ballot={"motions": [
        {"key": "i2", "answer": "ABSTAIN"}, {"key": "i1", "answer": "YES"}]})
    code = voted["data"]["ballotCast"]["receiptCode"]
    receipt = await api.op("BallotReceipt", pollId=motions["id"], receiptCode=code)
    assert receipt["data"]["ballotReceipt"]["answer"] == {"motions": {"i1": "YES", "i2": "ABSTAIN"}}

    survey = await open_poll(console, place, kind="QUESTIONNAIRE", electorate="PERSON",
                             items=[{"label": "家中几口人", "type": "NUMBER"}, {"label": "建议", "type": "TEXT"}])
    await api.sign_in(place.owners[0].handle)
    answered = await api.op("BallotCast", pollId=survey["id"], ballot={"answers": [
        {"key": "i1", "number": 3}, {"key": "i2", "text": " 多装路灯 "}]})
    assert answered["data"]["ballotCast"]["errors"] == []
    assert await BallotContent.filter(poll_id=survey["id"]).values_list("answer", flat=True) == [
        {"answers": {"i1": 3, "i2": "多装路灯"}}]

    await console.sign_in(place.committee.handle)
    edited = await console.op("PollUpdate", id=survey["id"], input=poll_input(place, title="改过的问卷"))
    assert edited["data"]["pollUpdate"]["errors"][0]["message"] == "进行中的投票不能修改"
    assert (await Poll.get(id=survey["id"])).title == "是否更换电梯"


async def test_staff_find_a_poll_by_its_title_and_an_entry_by_its_address(console, place):
    poll = await open_poll(console, place, title="是否加装三号楼电梯")
    await open_poll(console, place, title="停车位租金调整")
    community = str(place.community.id)
    found = await console.op("Polls", communityId=community, search=" 电梯 ", first=20)
    assert [p["title"] for p in found["data"]["polls"]["nodes"]] == ["是否加装三号楼电梯"]
    assert (await console.op("Polls", communityId=community, search="游泳池", first=20))["data"]["polls"]["nodes"] == []

    everyone = (await console.op("PollElectorate", id=poll["id"], first=50))["data"]["pollElectorate"]["nodes"]
    wanted = everyone[-1]["label"]
    hits = await console.op("PollElectorate", id=poll["id"], search=wanted, first=50)
    assert [e["label"] for e in hits["data"]["pollElectorate"]["nodes"]] == [wanted]


async def test_an_owners_assembly_with_a_room_of_no_recorded_area_is_not_opened(console, place):
    await Room.filter(id=place.rooms[2].id).update(area_dm2=0)
    await console.sign_in(place.committee.handle)
    created = await console.op("PollCreate", communityId=str(place.community.id),
                               input=poll_input(place, electorate="OWNERS_ASSEMBLY"))
    poll_id = created["data"]["pollCreate"]["poll"]["id"]
    refused = (await console.op("PollOpen", id=poll_id))["data"]["pollOpen"]
    assert "1 处房屋未登记专有面积，业主大会无法按面积计票" in refused["errors"][0]["message"]
    assert (await Poll.get(id=poll_id)).state == "DRAFT"
    assert not await ElectorateEntry.filter(poll_id=poll_id).exists()
