"""Cases (诉求/工单) through the API: raise, route, handle, confirm and rate; internal notes stay
internal; 催办 once a day; merging and 我也遇到; bad input changes nothing."""

import uuid
from datetime import timedelta

import pytest

from backend.cases.models import Case, CaseConfirmation, CaseEntry, CaseFollower
from backend.core.clock import clock
from backend.media.models import Upload
from backend.notify.models import InboxMessage
from backend.proxies.models import Proxy
from backend.registry.models import Community, GridWorker
from tests.integration.case_helpers import categories, raise_for
from tests.integration.neighbourhood import build_neighbourhood

ERRORS = "errors { code field message }"


@pytest.fixture
async def place(app, make_person):
    place = await build_neighbourhood(make_person)
    place.categories = await categories(place.committee.id, place.community.id)
    return place


async def raise_case(api, place, *, category="报修", text="2栋楼道灯坏了，晚上很黑", **where) -> dict:
    where = where or {"roomId": str(place.b.room.id)}
    response = await api.op("CaseRaise", communityId=str(place.community.id), input={
        "categoryId": str(place.categories[category].id), "text": text, "place": where})
    return response["data"]["caseRaise"]


async def detail(api, case_id: str) -> dict:
    return (await api.op("Case", id=case_id))["data"]["case"]


async def inbox_titles(person) -> list[str]:
    return await InboxMessage.filter(person_id=person.id).order_by("id").values_list("title", flat=True)


async def test_the_whole_loop_submit_route_accept_resolve_rate_partly_reopen_resolve_confirm(api, console, place):
    await api.sign_in(place.b.resident.handle)
    raised = await raise_case(api, place)
    assert raised["errors"] == []
    case = raised["case"]
    assert (case["state"], case["party"], case["placeName"]) == ("SUBMITTED", "GRID", "乙区小区 乙1栋 1单元 101")
    # Routed by category (报修 → grid workers) and by the room's grid: 乙's worker hears of it, 甲's does not.
    assert "新诉求：报修" in await inbox_titles(place.b.worker)
    assert "新诉求：报修" not in await inbox_titles(place.a.worker)

    await console.sign_in(place.b.worker.handle)
    accepted = (await console.op("CaseAccept", id=case["id"]))["data"]["caseAccept"]
    assert (accepted["case"]["state"], accepted["case"]["handlerName"]) == ("ACCEPTED", place.b.worker.display_name)
    resolved = (await console.op("CaseResolve", id=case["id"], note="已更换灯泡"))["data"]["caseResolve"]
    assert resolved["case"]["state"] == "RESOLVED"
    assert "您的诉求已办结，请确认并评价" in await inbox_titles(place.b.resident)

    partly = (await api.op("CaseConfirm", id=case["id"], input={
        "outcome": "PARTLY", "rating": 2, "comment": "只修了一层", "reason": "三楼的灯还是不亮"}))
    partly = partly["data"]["caseConfirm"]
    assert partly["errors"] == []
    assert partly["case"]["state"] == "IN_PROGRESS"  # reopened
    assert "居民反馈诉求部分解决，已重新打开" in await inbox_titles(place.b.worker)

    await console.op("CaseResolve", id=case["id"], note="三楼灯也已更换")
    confirmed = (await api.op("CaseConfirm", id=case["id"], input={"outcome": "RESOLVED", "rating": 5}))
    assert confirmed["data"]["caseConfirm"]["case"]["confirmedAt"] is not None

    timeline = await detail(api, case["id"])
    moves = [(e["fromState"], e["toState"], e["actorName"]) for e in timeline["events"]]
    worker, resident = place.b.worker.display_name, place.b.resident.display_name
    assert moves == [("SUBMITTED", "ACCEPTED", worker), ("ACCEPTED", "RESOLVED", worker),
                     ("RESOLVED", "IN_PROGRESS", resident), ("IN_PROGRESS", "RESOLVED", worker)]
    assert all(e["at"] for e in timeline["events"])
    assert timeline["events"][2]["reason"] == "三楼的灯还是不亮"
    assert [(c["outcome"], c["rating"]) for c in timeline["confirmations"]] == [("PARTLY", 2), ("RESOLVED", 5)]


async def test_residents_never_see_internal_notes(api, console, place):
    await api.sign_in(place.b.resident.handle)
    case_id = (await raise_case(api, place))["case"]["id"]
    await console.sign_in(place.committee.handle)
    await console.op("CaseNote", id=case_id, body="该户上次投诉态度激烈，注意沟通")
    await console.op("CaseReply", id=case_id, body="您好，师傅明天上午上门")

    seen = await detail(api, case_id)
    bodies = [e["body"] for e in seen["entries"]]
    assert "您好，师傅明天上午上门" in bodies
    assert "该户上次投诉态度激烈，注意沟通" not in str(seen)
    assert not any(e["internal"] for e in seen["entries"])
    staff_view = (await console.op("Case", id=case_id))["data"]["case"]
    assert "该户上次投诉态度激烈，注意沟通" in [e["body"] for e in staff_view["entries"]]


async def test_urging_twice_in_a_day_is_refused_in_chinese(api, place):
    await api.sign_in(place.b.resident.handle)
    case_id = (await raise_case(api, place))["case"]["id"]
    first = (await api.op("CaseUrge", id=case_id))["data"]["caseUrge"]
    assert first["errors"] == [] and first["case"]["urgedToday"]
    assert "居民催办诉求" in await inbox_titles(place.b.worker)
    second = (await api.op("CaseUrge", id=case_id))["data"]["caseUrge"]
    assert second["errors"][0]["message"] == "今天已经催办过了，请明天再试"
    assert await CaseEntry.filter(case_id=case_id, kind="URGE").count() == 1
    clock.advance(timedelta(days=1))
    await api.sign_in(place.b.resident.handle)  # the access token of yesterday has expired
    assert (await api.op("CaseUrge", id=case_id))["data"]["caseUrge"]["errors"] == []


async def test_staff_raise_a_case_for_a_resident_who_phoned(console, place):
    await console.sign_in(place.committee.handle)
    response = await console.op(
        "CaseRaiseFor", communityId=str(place.community.id), residentId=str(place.a.resident.id), channel="PHONE",
        input={"categoryId": str(place.categories["其他"].id), "text": "想咨询老年卡办理",
               "place": {"roomId": str(place.a.room.id)}})
    case = response["data"]["caseRaiseFor"]["case"]
    assert (case["channel"], case["party"]) == ("PHONE", "COMMITTEE")
    assert (await Case.get(id=case["id"])).resident_id == place.a.resident.id


async def test_a_relative_raises_for_an_elder_with_the_case_scope_and_not_without(api, console, place, make_person):
    relatives = {}
    for scope in ("VOTE", "CASE"):
        relatives[scope] = await make_person(place.community.id, ["RESIDENT"], room=place.b.room)
        await Proxy.create(community=place.community, principal=place.b.resident, agent=relatives[scope],
                           scopes=[scope], evidence="同户子女", valid_until=clock.now() + timedelta(days=30),
                           granted_by=place.b.resident)
    api.http.headers["x-acting-for"] = str(place.b.resident.id)
    await api.sign_in(relatives["VOTE"].handle)
    refused = await raise_case(api, place)
    assert refused["errors"][0]["message"] == "代办授权不包含此事项"
    assert not await Case.filter(community_id=place.community.id).exists()

    relative = relatives["CASE"]
    await api.sign_in(relative.handle)
    raised = await raise_case(api, place, text="老人家水管漏水")
    assert raised["errors"] == []
    case = await Case.get(id=raised["case"]["id"])
    assert (case.resident_id, case.raised_by_id) == (place.b.resident.id, relative.id)
    mine = (await api.op("MyCases", first=10))["data"]["myCases"]["nodes"]
    assert [c["id"] for c in mine] == [raised["case"]["id"]]

    # The relative's confirmation reopens it: the transition shows who did it, and for whom.
    await console.sign_in(place.committee.handle)
    await console.op("CaseAccept", id=raised["case"]["id"])
    await console.op("CaseResolve", id=raised["case"]["id"], note="已修好水管")
    await api.op("CaseConfirm", id=raised["case"]["id"], input={"outcome": "NOT_RESOLVED", "rating": 1,
                                                                "reason": "还在滴水"})
    reopened = (await detail(api, raised["case"]["id"]))["events"][-1]
    assert (reopened["toState"], reopened["actorName"], reopened["actingForName"]) == (
        "IN_PROGRESS", relative.display_name, place.b.resident.display_name)


async def test_me_too_follows_once_and_merging_moves_followers_to_the_survivor(api, console, place, make_person):
    building = str(place.b.building.id)
    neighbour = await make_person(place.community.id, ["RESIDENT"], room=place.b.room)
    await api.sign_in(place.b.resident.handle)
    survivor = (await raise_case(api, place, buildingId=building, text="电梯又坏了"))["case"]["id"]
    await api.sign_in(neighbour.handle)
    duplicate = (await raise_case(api, place, buildingId=building, text="电梯停了"))["case"]["id"]
    follower = await make_person(place.community.id, ["RESIDENT"], room=place.b.room)
    await api.sign_in(follower.handle)
    nearby = (await api.op("CasesNearby", communityId=str(place.community.id), first=10))["data"]["casesNearby"]
    assert {c["id"] for c in nearby["nodes"]} == {survivor, duplicate}
    assert (await api.op("CaseFollow", id=duplicate))["data"]["caseFollow"]["ok"]
    again = (await api.op("CaseFollow", id=duplicate))["data"]["caseFollow"]
    assert again["errors"][0]["message"] == "您已经关注了这条诉求"
    # A resident of another building cannot follow it, nor any case about someone's room.
    await api.sign_in(place.a.resident.handle)
    nearby = (await api.op("CasesNearby", communityId=str(place.community.id), first=10))["data"]["casesNearby"]
    assert nearby["nodes"] == []
    assert (await api.op("CaseFollow", id=duplicate))["data"]["caseFollow"]["errors"][0]["code"] == "NOT_FOUND"

    await console.sign_in(place.committee.handle)
    merged = (await console.op("CaseMerge", id=duplicate, intoId=survivor, reason="同一部电梯"))["data"]["caseMerge"]
    assert (merged["case"]["state"], merged["case"]["mergedIntoId"]) == ("DUPLICATE", survivor)
    assert set(await CaseFollower.filter(case_id=survivor).values_list("person_id", flat=True)) == {
        neighbour.id, follower.id}
    assert not await CaseFollower.filter(case_id=duplicate).exists()
    await api.sign_in(follower.handle)
    assert survivor in [c["id"] for c in (await api.op("MyCases", first=10))["data"]["myCases"]["nodes"]]


async def test_reassign_and_refer_and_close_never_count_as_fixed(api, console, place):
    await api.sign_in(place.b.resident.handle)
    case_id = (await raise_case(api, place))["case"]["id"]
    await console.sign_in(place.committee.handle)
    to_a = await console.op("CaseAssign", id=case_id, handlerId=str(place.a.worker.id), reason="乙网格员休假")
    assert to_a["data"]["caseAssign"]["errors"][0]["message"] == "该网格员不负责此地点所在的网格"
    assigned = await console.op("CaseAssign", id=case_id, handlerId=str(place.committee.id), reason="居委会直接处理")
    assert assigned["data"]["caseAssign"]["case"]["handlerName"] == place.committee.display_name
    referred = (await console.op("CaseRefer", id=case_id, to="供电公司", note="属供电线路故障"))["data"]["caseRefer"]
    assert (referred["case"]["state"], referred["case"]["referredTo"]) == ("REFERRED", "供电公司")
    assert referred["case"]["resolvedAt"] is None

    other = (await raise_case(api, place, text="噪音扰民"))["case"]["id"]
    no_note = (await console.op("CaseClose", id=other, outcome="CLOSED_NOT_FIXED", note=""))["data"]["caseClose"]
    assert no_note["errors"][0]["field"] == "note"
    closed = (await console.op("CaseClose", id=other, outcome="CLOSED_NOT_FIXED", note="无法联系到噪音来源"))
    assert closed["data"]["caseClose"]["case"]["state"] == "CLOSED_NOT_FIXED"
    rate = (await api.op("CaseConfirm", id=other, input={"outcome": "RESOLVED", "rating": 5}))["data"]["caseConfirm"]
    assert rate["errors"][0]["message"] == "诉求尚未办结，不能评价"


async def test_a_grid_worker_lists_and_reaches_only_their_grids_cases(api, console, place):
    await api.sign_in(place.b.resident.handle)
    ours = (await raise_case(api, place))["case"]["id"]
    await api.sign_in(place.a.resident.handle)
    theirs = (await raise_case(api, place, roomId=str(place.a.room.id)))["case"]["id"]
    await console.sign_in(place.b.worker.handle)
    listed = (await console.op("Cases", communityId=str(place.community.id), first=50))["data"]["cases"]
    assert [c["id"] for c in listed["nodes"]] == [ours]
    assert (await console.op("Case", id=theirs))["data"]["case"] is None
    assert (await console.op("CaseAccept", id=theirs))["data"]["caseAccept"]["errors"][0]["code"] == "NOT_FOUND"
    await console.sign_in(place.committee.handle)
    listed = (await console.op("Cases", communityId=str(place.community.id), first=50))["data"]["cases"]
    assert {c["id"] for c in listed["nodes"]} == {ours, theirs}


async def test_bad_input_gets_a_chinese_error_and_writes_nothing(api, console, place, other_community, make_person):
    await api.sign_in(place.b.resident.handle)
    photos = [str((await Upload.create(owner=place.b.resident, kind="case_photo", content_type="image/jpeg", size=1,
                                       sha256=uuid.uuid4().hex * 2)).id) for _ in range(10)]
    _, foreign_room = other_community
    attempts = {
        "photos": {"photos": photos},
        "text": {"text": "   "},
        "place": {"place": {"roomId": str(foreign_room.id)}},
    }
    for field, change in attempts.items():
        response = await api.op("CaseRaise", communityId=str(place.community.id), input={
            "categoryId": str(place.categories["报修"].id), "text": "灯坏了",
            "place": {"roomId": str(place.b.room.id)}, **change})
        error = response["data"]["caseRaise"]["errors"][0]
        assert error["field"] == field and any("\u4e00" <= ch <= "\u9fff" for ch in error["message"]), error
    assert not await Case.filter(community_id=place.community.id).exists()

    case_id = (await raise_case(api, place))["case"]["id"]
    early = (await api.op("CaseConfirm", id=case_id, input={"outcome": "RESOLVED", "rating": 4}))["data"]["caseConfirm"]
    assert early["errors"][0]["message"] == "诉求尚未办结，不能评价"
    await console.sign_in(place.committee.handle)
    elsewhere = await make_person(other_community[0].id, ["COMMITTEE_STAFF"])
    foreign = await console.op("CaseAssign", id=case_id, handlerId=str(elsewhere.id), reason="改派给外社区")
    assert foreign["data"]["caseAssign"]["errors"][0]["message"] == "找不到本社区的该处理人员"
    await console.op("CaseAccept", id=case_id)
    await console.op("CaseResolve", id=case_id, note="已修好")
    zero = (await api.op("CaseConfirm", id=case_id, input={"outcome": "RESOLVED", "rating": 0}))["data"]["caseConfirm"]
    assert zero["errors"][0]["field"] == "rating"
    no_reason = (await api.op("CaseConfirm", id=case_id, input={"outcome": "NOT_RESOLVED", "rating": 1}))
    assert no_reason["data"]["caseConfirm"]["errors"][0]["field"] == "reason"
    await api.op("CaseConfirm", id=case_id, input={"outcome": "RESOLVED", "rating": 4})
    twice = (await api.op("CaseConfirm", id=case_id, input={"outcome": "RESOLVED", "rating": 1}))["data"]["caseConfirm"]
    assert twice["errors"][0]["message"] == "您已经评价过这条诉求"
    case = await Case.get(id=case_id)
    assert (case.handler_id, case.state) == (place.committee.id, "RESOLVED")
    assert [c.rating for c in await CaseConfirmation.filter(case_id=case_id)] == [4]


async def test_categories_and_settings_are_staff_managed_with_chinese_errors(api, console, place):
    await console.sign_in(place.committee.handle)
    community = str(place.community.id)
    bad = await console.op("CaseCategoryCreate", communityId=community, input={
        "name": "绿化", "party": "PROPERTY", "acceptHours": 48, "resolveHours": 24})
    assert bad["data"]["caseCategoryCreate"]["errors"][0]["field"] == "resolveHours"
    made = await console.op("CaseCategoryCreate", communityId=community, input={
        "name": "绿化", "party": "PROPERTY", "acceptHours": 8, "resolveHours": 48})
    category = made["data"]["caseCategoryCreate"]["category"]
    template = await console.op("CaseReplyTemplateCreate", categoryId=category["id"], title="已派单",
                                body="您好，已通知物业绿化组处理。")
    assert template["data"]["caseReplyTemplateCreate"]["errors"] == []
    settings = await console.op("CaseSettingsUpdate", communityId=community, autoConfirmDays=0, remindBeforeHours=2)
    assert settings["data"]["caseSettingsUpdate"]["errors"][0]["field"] == "autoConfirmDays"
    area = await console.op("CaseCommonAreaCreate", communityId=community, name="中心花园")
    assert area["data"]["caseCommonAreaCreate"]["area"]["name"] == "中心花园"
    # Residents pick from the active categories and the common areas; they cannot manage them.
    await api.sign_in(place.b.resident.handle)
    names = [c["name"] for c in (await api.op("CaseCategories", communityId=community))["data"]["caseCategories"]]
    assert "绿化" in names
    assert [a["name"] for a in (await api.op("CaseCommonAreas", communityId=community))["data"]["caseCommonAreas"]] \
        == ["中心花园"]
    refused = await api.query("""mutation($c: ID!) { caseCategoryCreate(communityId: $c, input: {name: "乱加",
      party: GRID, acceptHours: 1, resolveHours: 2}) { category { id } errors { code } } }""", c=community)
    assert refused["data"]["caseCategoryCreate"]["errors"][0]["code"] == "NOT_FOUND"


async def test_a_grid_case_without_a_grid_worker_goes_to_the_committee(api, place):
    await GridWorker.filter(grid=place.b.grid).delete()
    await api.sign_in(place.b.resident.handle)
    await raise_case(api, place)
    assert "新诉求：报修" in await inbox_titles(place.committee)


async def test_another_communitys_staff_cannot_raise_for_our_resident(console, place):
    elsewhere = await Community.create(name="远方社区", code=f"far-{uuid.uuid4().hex[:8]}")
    await raise_for(place.b.resident.id, place.community.id, place.categories["报修"], room_id=place.b.room.id)
    await console.sign_in(place.committee.handle)
    response = await console.op("CaseRaiseFor", communityId=str(elsewhere.id), residentId=str(place.b.resident.id),
                                channel="VISIT", input={"categoryId": str(place.categories["报修"].id), "text": "x",
                                                        "place": {"roomId": str(place.b.room.id)}})
    assert response["data"]["caseRaiseFor"]["errors"][0]["code"] == "NOT_FOUND"
    assert await Case.filter(resident_id=place.b.resident.id).count() == 1


async def test_photos_go_through_the_media_pipeline_and_show_to_the_resident_and_the_handler(api, console, place):
    from tests.integration.test_media import photo_with_gps

    await api.sign_in(place.b.resident.handle)
    uploaded = await api.http.post("/uploads", params={"kind": "case_photo"},
                                   headers={"authorization": f"Bearer {api.token}"},
                                   files={"file": ("leak.jpg", photo_with_gps(), "image/jpeg")})
    assert uploaded.status_code == 200, uploaded.text
    response = await api.op("CaseRaise", communityId=str(place.community.id), input={
        "categoryId": str(place.categories["报修"].id), "text": "卫生间漏水", "place": {"roomId": str(place.b.room.id)},
        "photos": [uploaded.json()["id"]]})
    case = response["data"]["caseRaise"]["case"]
    assert len(case["photos"]) == 1
    await console.sign_in(place.b.worker.handle)
    staff_view = (await console.op("Case", id=case["id"]))["data"]["case"]["case"]
    for link in (case["photos"][0], staff_view["photos"][0]):
        served = await api.http.get(link.removeprefix(str(api.http.base_url).rstrip("/")))
        assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
        assert b"39,54" not in served.content  # no GPS left the server


async def test_a_grid_worker_registers_a_visit_for_their_grids_resident_only(console, place):
    await console.sign_in(place.b.worker.handle)

    async def register(resident, where) -> dict:
        response = await console.op("CaseRaiseFor", communityId=str(place.community.id), residentId=str(resident.id),
                                    channel="VISIT", input={"categoryId": str(place.categories["报修"].id),
                                                            "text": "走访发现楼道堆物", "place": where})
        return response["data"]["caseRaiseFor"]

    other_grids = await register(place.a.resident, {"roomId": str(place.a.room.id)})
    assert other_grids["errors"][0]["field"] == "residentId"
    other_place = await register(place.b.resident, {"buildingId": str(place.a.building.id)})
    assert other_place["errors"][0]["field"] == "place"
    assert not await Case.filter(community_id=place.community.id).exists()
    ours = await register(place.b.resident, {"buildingId": str(place.b.building.id)})
    assert (ours["errors"], ours["case"]["channel"]) == ([], "VISIT")
