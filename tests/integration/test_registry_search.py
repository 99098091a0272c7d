"""What the console's shell and tables stand on: the viewer's permissions per community (the menu),
the registry search by name, room and phone tail within the staff member's reach, totals beside the
pages, and the audit log in words with its filters."""

import re
from datetime import timedelta
from pathlib import Path
from uuid import UUID

import pytest

from backend.audit.labels import ACTION_LABELS
from backend.audit.models import AuditEntry
from backend.core.clock import clock
from backend.core.limits import TOTAL_COUNT_CAP
from backend.core.platform import PlatformMember, PlatformRole
from backend.notices import service as notices
from backend.people.models import Person
from backend.registry.models import Building, Role, Room, Unit
from backend.voting.models import BallotChannel
from tests.integration.neighbourhood import build_neighbourhood

PERMISSIONS = "{ viewer { platformPermissions permissions { community { id } permissions } } }"


@pytest.fixture
async def place(make_person):
    return await build_neighbourhood(make_person)


async def residents(console, place, search, first=20, after=None) -> dict:
    answer = await console.op("RegistryResidents", communityId=str(place.community.id), search=search,
                              first=first, after=after)
    assert "errors" not in answer, answer
    return answer["data"]["registryResidents"]


def names(connection) -> list[str]:
    return [n["resident"]["displayName"] for n in connection["nodes"]]


async def test_the_viewer_is_told_what_each_role_may_do(console, place, make_person):
    both = await make_person(place.community.id, [Role.GRID_WORKER, Role.PROPERTY_STAFF])
    expected = {
        place.committee.handle: {"REGISTRY_READ", "REGISTRY_IMPORT", "AUDIT_READ", "NOTICE_PUBLISH", "NOTICE_REACH"},
        place.a.worker.handle: {"REGISTRY_READ", "NOTICE_REACH"},
        both.handle: {"REGISTRY_READ", "REGISTRY_READ_ALL_GRIDS", "RESIDENCE_VERIFY", "NOTICE_PUBLISH",
                      "NOTICE_REACH"},
    }
    for handle, some in expected.items():
        await console.sign_in(handle)
        granted = (await console.query(PERMISSIONS))["data"]["viewer"]["permissions"]
        assert [g["community"]["id"] for g in granted] == [str(place.community.id)]
        assert some <= set(granted[0]["permissions"])
        if handle != place.committee.handle:
            assert "AUDIT_READ" not in granted[0]["permissions"]
            assert "REGISTRY_IMPORT" not in granted[0]["permissions"]
    assert "PLATFORM_OPERATE" not in granted[0]["permissions"]

    await console.sign_in(place.a.resident.handle)  # a resident holds no staff permission anywhere
    assert (await console.query(PERMISSIONS))["data"]["viewer"] == {"permissions": [], "platformPermissions": []}

    operator = await make_person(place.community.id, [])
    await PlatformMember.create(person=operator, role=PlatformRole.OPERATOR)
    await console.sign_in(operator.handle)
    assert (await console.query(PERMISSIONS))["data"]["viewer"] == {
        "platformPermissions": ["PLATFORM_OPERATE"], "permissions": []}


async def test_staff_find_a_resident_by_name_room_or_phone_tail(console, place):
    await console.sign_in(place.committee.handle)
    resident = place.a.resident

    by_name = await residents(console, place, resident.display_name[-3:])
    assert names(by_name) == [resident.display_name]
    assert by_name["totalCount"] == 1
    found = by_name["nodes"][0]
    assert found["address"] == "甲区小区 甲1栋 1单元 101"
    assert found["resident"]["phone"] == f"{place.a.phone[:3]}****{place.a.phone[-4:]}"  # still masked

    assert names(await residents(console, place, place.a.phone[-4:])) == [resident.display_name]
    assert names(await residents(console, place, place.a.phone[-5:])) == []  # the tail is four digits, no more
    assert sorted(names(await residents(console, place, "101"))) == sorted(
        [place.a.resident.display_name, place.b.resident.display_name])
    assert names(await residents(console, place, "  ")) == names(await residents(console, place, None))


async def test_a_grid_worker_searches_their_own_grids_only(console, place):
    await console.sign_in(place.a.worker.handle)
    assert names(await residents(console, place, None)) == [place.a.resident.display_name]
    assert names(await residents(console, place, place.b.phone[-4:])) == []
    assert names(await residents(console, place, place.b.resident.display_name)) == []

    await console.sign_in(place.a.resident.handle)
    refused = await console.op("RegistryResidents", communityId=str(place.community.id), first=20)
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # nothing said to a resident


async def test_the_total_counts_every_page_and_stops_at_the_cap(console, make_community, make_person,
                                                                monkeypatch):
    place = await make_community(rooms=5)
    staff = await make_person(place.community.id, [Role.COMMITTEE_STAFF])
    for room in place.rooms:
        await make_person(place.community.id, [Role.RESIDENT], room=room)
    await console.sign_in(staff.handle)

    first = await residents(console, place, None, first=2)
    second = await residents(console, place, None, first=2, after=first["pageInfo"]["endCursor"])
    assert first["totalCount"] == second["totalCount"] == 5
    assert len(first["nodes"]) == 2 and set(names(first)).isdisjoint(names(second))

    monkeypatch.setattr("backend.core.pagination.TOTAL_COUNT_CAP", 3)
    assert (await residents(console, place, None, first=2))["totalCount"] == 3
    assert TOTAL_COUNT_CAP == 10_000


async def test_a_phone_change_moves_the_searchable_tail(console, place):
    person = await Person.get(id=place.a.resident.id)
    person.set_phone("13912345678")
    await person.save()
    await console.sign_in(place.committee.handle)
    assert names(await residents(console, place, "5678")) == [person.display_name]
    assert names(await residents(console, place, place.a.phone[-4:])) == []


async def test_the_audit_log_names_actions_in_chinese_and_filters_by_time(console, place):
    now = clock.now()
    for action, days_ago in (("notice.publish", 3), ("residence.approve", 1)):
        entry = await AuditEntry.create(community=place.community, actor=place.committee, action=action,
                                        target_type="notice", target_id="x")
        await AuditEntry.filter(id=entry.id).update(created_at=now - timedelta(days=days_ago))
    await console.sign_in(place.committee.handle)

    async def log(**filters):
        answer = await console.op("AuditLog", communityId=str(place.community.id), first=20, **filters)
        return [(n["actionLabel"], n["targetLabel"]) for n in answer["data"]["auditLog"]["nodes"]]

    assert await log() == [("通过住址认证", "通知"), ("发布通知", "通知")]
    assert await log(since=(now - timedelta(days=2)).isoformat()) == [("通过住址认证", "通知")]
    assert await log(before=(now - timedelta(days=2)).isoformat()) == [("发布通知", "通知")]


async def test_the_audit_log_names_the_people_its_records_hold_by_id(console, place):
    await AuditEntry.create(community=place.community, actor=place.committee, action="proxy.record",
                            target_type="proxy", target_id="x", after={
                                "principal": str(place.a.resident.id), "agent": str(place.b.resident.id),
                                "scopes": ["REGISTRY"]})
    await console.sign_in(place.committee.handle)
    answer = await console.op("AuditLog", communityId=str(place.community.id), first=20)
    [entry] = answer["data"]["auditLog"]["nodes"]
    assert {p["displayName"] for p in entry["mentioned"]} == {
        place.a.resident.display_name, place.b.resident.display_name}


def test_every_recorded_action_has_a_chinese_name():
    source = "\n".join(p.read_text() for p in (Path(__file__).parents[2] / "backend").rglob("*.py"))
    recorded = set(re.findall(r'(?:audit\.record\(tx, actor|_record_for_principal\(tx, actor), "([a-z_.]+)"', source))
    recorded |= {f"residence.{verb}" for verb in ("approve", "reject")}  # recorded as f-strings
    recorded |= {f"ballot.{channel.lower()}" for channel in BallotChannel if channel is not BallotChannel.ONLINE}
    assert len(recorded) > 15
    assert recorded - ACTION_LABELS.keys() == set()


async def test_the_not_reached_list_reads_by_building_unit_and_room(console, make_community, make_person):
    place = await make_community(buildings=2, rooms=2)
    # Added last, listed first: 0栋 comes before 1栋 whatever the order households were made in.
    first_building = await Building.create(community=place.community, estate=place.estates[0], name="0栋")
    unit = await Unit.create(community=place.community, building=first_building, name="1单元")
    late_room = await Room.create(community=place.community, unit=unit, code=f"{place.community.code}-late",
                                  number="0101", floor=1, area_dm2=8000)
    for room in [*reversed(place.rooms), late_room]:
        await make_person(place.community.id, [Role.RESIDENT], room=room)
    staff = await make_person(place.community.id, [Role.COMMITTEE_STAFF])
    await console.sign_in(staff.handle)
    created = await console.op("NoticeCreate", communityId=str(place.community.id), input={
        "title": "停水", "bodyHtml": "<p>停水</p>", "category": "物业", "audience": [{"kind": "COMMUNITY"}]})
    notice_id = created["data"]["noticeCreate"]["notice"]["id"]
    await console.op("NoticePublish", id=notice_id)
    await notices.fan_out(UUID(notice_id))

    addresses, after = [], None
    while True:
        page = (await console.op("NoticeNotReached", id=notice_id, first=2, after=after))["data"]["noticeNotReached"]
        assert page["totalCount"] == 5
        addresses += [n["address"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert addresses == [f"1号小区 {b} 1单元 {r}" for b, r in (
        ("0栋", "0101"), ("1栋", "0101"), ("1栋", "0201"), ("2栋", "0101"), ("2栋", "0201"))]
    refused = await console.op("NoticeNotReached", id=notice_id, first=2, after="bm90LWEtY3Vyc29y")
    assert refused["errors"][0]["message"] == "无效的分页游标"


async def test_notices_are_found_by_a_part_of_their_title_and_counted(console, place):
    await console.sign_in(place.committee.handle)
    for title in ("周三停水通知", "消防演练", "停水检修结束"):
        await console.op("NoticeCreate", communityId=str(place.community.id), input={
            "title": title, "bodyHtml": "<p>内容</p>", "category": "物业", "audience": [{"kind": "COMMUNITY"}]})

    async def titled(title, state=None):
        answer = await console.op("Notices", communityId=str(place.community.id), title=title, state=state, first=20)
        found = answer["data"]["notices"]
        return sorted(n["title"] for n in found["nodes"]), found["totalCount"]

    assert await titled("停水") == (["停水检修结束", "周三停水通知"], 2)
    assert await titled("停水", "PUBLISHED") == ([], 0)
    assert (await titled(" "))[1] == 3
