"""A grid worker sees and acts on their own grids only: the worker of grid 甲 gets not-found (or
nothing) for the people, households, buildings and rooms of grid 乙 in every operation and export,
and a reach report, 未触达名单 and notice list made of their grid's households only."""

import io
import logging

import pytest
from openpyxl import load_workbook

from backend.core.clock import clock
from backend.notices import service as notices
from backend.notices.models import Notice, NoticeOfflineReach, NoticeRecipient
from backend.registry.models import Building, PersonRoom, ResidenceApplication
from tests.integration.neighbourhood import build_neighbourhood

CREATE = """mutation($c: ID!, $input: NoticeInput!) { noticeCreate(communityId: $c, input: $input) {
  notice { id } errors { code message } } }"""
PUBLISH = "mutation($id: ID!) { noticePublish(id: $id) { notice { state } errors { code } } }"
REACH = """query($id: ID!) { noticeReach(id: $id) { audience delivered read households householdsReached
  byBuilding { buildingName audience } } }"""
NOT_REACHED = "query($id: ID!) { noticeNotReached(id: $id, first: 50) { nodes { householdId address residents } } }"
IN_REACH = "query($c: ID!) { noticesInReach(communityId: $c, first: 50) { nodes { id title } } }"
OFFLINE = """mutation($id: ID!, $h: ID!) { noticeReachedOffline(id: $id, householdId: $h, note: "上门告知") {
  ok errors { code } } }"""


@pytest.fixture
async def place(make_person):
    return await build_neighbourhood(make_person)


async def publish(console, place, title: str, audience: list[dict]) -> str:
    """The committee publishes through the API; the fan-out job is run here (tested in test_notices)."""
    await console.sign_in(place.committee.handle)
    created = (await console.query(CREATE, c=str(place.community.id), input={
        "title": title, "bodyHtml": "<p>周五消防检查</p>", "category": "安全", "audience": audience}))
    notice_id = created["data"]["noticeCreate"]["notice"]["id"]
    assert (await console.query(PUBLISH, id=notice_id))["data"]["noticePublish"]["notice"]["state"] == "PUBLISHED"
    await notices.fan_out(notice_id)
    return notice_id


async def export(client, path: str):
    return await client.http.get(path, headers={"authorization": f"Bearer {client.token}"})


async def test_a_grid_worker_finds_the_people_and_buildings_of_their_grid_only(console, place, make_person):
    await console.sign_in(place.a.worker.handle)
    person = "query($p: ID!) { resident(id: $p) { displayName } }"
    assert (await console.query(person, p=str(place.a.resident.id)))["data"]["resident"] == {
        "displayName": place.a.resident.display_name}
    assert (await console.query(person, p=str(place.b.resident.id)))["data"]["resident"] is None

    buildings = await console.query("""query($c: ID!) { registryBuildings(communityId: $c) { id }
      community(id: $c) { buildings(first: 50) { nodes { id } } } }""", c=str(place.community.id))
    assert buildings["data"]["registryBuildings"] == [{"id": str(place.a.building.id)}]
    assert buildings["data"]["community"]["buildings"]["nodes"] == [{"id": str(place.a.building.id)}]

    rooms = "query($b: ID!) { registryRooms(buildingId: $b) { residents { resident { displayName } } } }"
    mine = await console.query(rooms, b=str(place.a.building.id))
    assert place.a.resident.display_name in str(mine["data"])
    theirs = await console.query(rooms, b=str(place.b.building.id))
    assert theirs["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert place.b.resident.display_name not in str(theirs)

    # A grid worker not given a grid yet reaches nothing; the committee reaches both grids.
    await console.sign_in((await make_person(place.community.id, ["GRID_WORKER"])).handle)
    assert (await console.query(person, p=str(place.a.resident.id)))["data"]["resident"] is None
    assert (await console.query("query($c: ID!) { registryBuildings(communityId: $c) { id } }",
                                c=str(place.community.id)))["data"]["registryBuildings"] == []
    await console.sign_in(place.committee.handle)
    assert (await console.query(person, p=str(place.b.resident.id)))["data"]["resident"] is not None


# What the worker of grid 甲 tries on grid 乙's person, household, building, room and application.
ACTIONS = {
    "personalDataUnmask": ("mutation($x: ID!) { personalDataUnmask(personId: $x, field: PHONE, reason: \"核实信息\") "
                           "{ value errors { code } } }", lambda b: b.resident.id),
    "residentUpdate": ("mutation($x: ID!) { residentUpdate(id: $x, displayName: \"改名\") { errors { code } } }",
                       lambda b: b.resident.id),
    "residenceApprove": ("mutation($x: ID!) { residenceApprove(id: $x) { errors { code } } }",
                         lambda b: b.application.id),
    "residenceReject": ("mutation($x: ID!) { residenceReject(id: $x, reason: \"不符合条件\") { errors { code } } }",
                        lambda b: b.application.id),
    "residenceMoveOut": ("mutation($x: ID!) { residenceMoveOut(id: $x) { errors { code } } }",
                         lambda b: b.residence.id),
    "gridAssignBuilding": ("mutation($x: ID!, $g: ID!) { gridAssignBuilding(buildingId: $x, gridId: $g) "
                           "{ errors { code } } }", lambda b: b.building.id),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
async def test_a_grid_worker_gets_not_found_acting_on_another_grid(console, place, action):
    document, target = ACTIONS[action]
    await console.sign_in(place.a.worker.handle)
    response = await console.query(document, x=str(target(place.b)), g=str(place.a.grid.id))
    payload = response["data"][action]
    assert [e["code"] for e in payload["errors"]] == ["NOT_FOUND"], response
    assert place.b.phone not in str(response)
    assert (await ResidenceApplication.get(id=place.b.application.id)).status == "PENDING"
    assert (await PersonRoom.get(id=place.b.residence.id)).until is None
    assert (await Building.get(id=place.b.building.id)).grid_id == place.b.grid.id


async def test_reach_and_not_reached_list_only_the_grid_workers_households(console, place):
    notice_id = await publish(console, place, "消防检查", [{"kind": "COMMUNITY"}])
    await console.sign_in(place.a.worker.handle)

    reach = (await console.query(REACH, id=notice_id))["data"]["noticeReach"]
    assert reach == {"audience": 1, "delivered": 1, "read": 0, "households": 1, "householdsReached": 0,
                     "byBuilding": [{"buildingName": place.a.building.name, "audience": 1}]}
    listed = (await console.query(NOT_REACHED, id=notice_id))["data"]["noticeNotReached"]["nodes"]
    assert [n["householdId"] for n in listed] == [str(place.a.household.id)]
    assert listed[0]["residents"] == [place.a.resident.display_name]

    response = await export(console, f"/exports/notices/{notice_id}/not-reached.xlsx")
    assert response.status_code == 200
    rows = [row for row in load_workbook(io.BytesIO(response.content)).active.values][1:]
    assert rows == [(f"甲区小区 {place.a.building.name} 1单元 101", place.a.resident.display_name)]

    # Offline reach: refused for 乙's household, recorded for 甲's.
    refused = (await console.query(OFFLINE, id=notice_id, h=str(place.b.household.id)))["data"]
    assert refused["noticeReachedOffline"] == {"ok": False, "errors": [{"code": "NOT_FOUND"}]}
    assert not await NoticeOfflineReach.filter(notice_id=notice_id, household_id=place.b.household.id).exists()
    done = (await console.query(OFFLINE, id=notice_id, h=str(place.a.household.id)))["data"]
    assert done["noticeReachedOffline"] == {"ok": True, "errors": []}

    # The committee still sees the whole audience.
    await console.sign_in(place.committee.handle)
    assert (await console.query(REACH, id=notice_id))["data"]["noticeReach"]["audience"] == 2
    listed = (await console.query(NOT_REACHED, id=notice_id))["data"]["noticeNotReached"]["nodes"]
    assert [n["householdId"] for n in listed] == [str(place.b.household.id)]


async def test_a_grid_worker_lists_and_opens_only_the_notices_reaching_their_grid(console, place):
    everyone = await publish(console, place, "全体通知", [{"kind": "COMMUNITY"}])
    theirs = await publish(console, place, "乙区通知", [{"kind": "BUILDING", "ids": [str(place.b.building.id)]}])
    await console.sign_in(place.a.worker.handle)

    listed = (await console.query(IN_REACH, c=str(place.community.id)))["data"]["noticesInReach"]["nodes"]
    assert [n["id"] for n in listed] == [everyone]
    assert (await console.query("query($id: ID!) { notice(id: $id) { title } }", id=theirs))["data"]["notice"] is None
    for document in (REACH, NOT_REACHED):
        response = await console.query(document, id=theirs)
        assert response["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert (await export(console, f"/exports/notices/{theirs}/not-reached.xlsx")).status_code == 404
    refused = (await console.query(OFFLINE, id=theirs, h=str(place.b.household.id)))["data"]
    assert refused["noticeReachedOffline"]["errors"] == [{"code": "NOT_FOUND"}]

    # The worker of 乙 is reached by both.
    await console.sign_in(place.b.worker.handle)
    listed = (await console.query(IN_REACH, c=str(place.community.id)))["data"]["noticesInReach"]["nodes"]
    assert [n["id"] for n in listed] == [theirs, everyone]


async def test_the_registry_export_gives_a_grid_worker_no_other_grids_residents(console, place):
    await console.sign_in(place.a.worker.handle)
    response = await export(console, f"/exports/registry.xlsx?community={place.community.id}")
    assert response.status_code == 403  # it needs REGISTRY_IMPORT, which no grid worker holds
    assert place.b.resident.display_name.encode() not in response.content
    await console.sign_in(place.committee.handle)
    response = await export(console, f"/exports/registry.xlsx?community={place.community.id}")
    names = {row[6] for row in load_workbook(io.BytesIO(response.content)).active.values}
    assert {place.a.resident.display_name, place.b.resident.display_name} <= names


async def test_the_notices_in_reach_cost_the_same_queries_for_1_and_50(console, place, caplog):
    a = place.a
    for i in range(51):  # arranged directly: publishing and fan-out are tested in test_notices
        notice = await Notice.create(community=place.community, author=place.committee, title=f"通知 {i}",
                                     body_html="<p>通知</p>", category="安全", audience=[{"kind": "COMMUNITY"}],
                                     state="PUBLISHED", published_at=clock.now())
        await NoticeRecipient.create(notice=notice, person=a.resident, household=a.household, building=a.building)
    await console.sign_in(a.worker.handle)
    await console.query("{ viewer { id } }")  # the caller's roles cached, as on every request but the first

    async def queries_for(first: int) -> tuple[int, list]:
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
            response = await console.query("query($c: ID!, $n: Int!) { noticesInReach(communityId: $c, first: $n) "
                                           "{ nodes { id } } }", c=str(place.community.id), n=first)
        nodes = response["data"]["noticesInReach"]["nodes"]
        return sum(1 for r in caplog.records if r.name == "tortoise.db_client"), nodes

    one, small = await queries_for(1)
    fifty, large = await queries_for(50)
    assert (len(small), len(large)) == (1, 50)
    assert one == fifty
