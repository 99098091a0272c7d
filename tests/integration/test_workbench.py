"""The 工作台's figures are the community's own, counted from what the test builds: the committee sees
both grids, a grid worker only theirs; this week's notices only, with reach and acknowledgement."""

from datetime import timedelta

import pytest

from backend.core.clock import clock
from tests.integration.neighbourhood import build_neighbourhood
from tests.integration.test_grid_scope import OFFLINE, publish

IDENTITY = """query($c: ID!) { workbench(communityId: $c) { identity {
  residentsVerified householdsVerified households pendingVerifications } } }"""
NOTICES = """query($c: ID!) { workbench(communityId: $c) { notices {
  thisWeek { notice { title } audience read acknowledged households householdsReached }
  unreachedByGrid { gridName households } } } }"""
READ = "mutation($id: ID!) { noticeRead(id: $id) { ok } }"


@pytest.fixture
async def place(make_person):
    return await build_neighbourhood(make_person)


async def figures(console, handle: str, place, document: str) -> dict:
    await console.sign_in(handle)
    answer = await console.query(document, c=str(place.community.id))
    assert "errors" not in answer, answer
    return answer["data"]["workbench"]


async def test_identity_figures_count_the_staff_members_reach(console, place):
    assert (await figures(console, place.committee.handle, place, IDENTITY))["identity"] == {
        "residentsVerified": 2, "householdsVerified": 2, "households": 2, "pendingVerifications": 2}
    assert (await figures(console, place.a.worker.handle, place, IDENTITY))["identity"] == {
        "residentsVerified": 1, "householdsVerified": 1, "households": 1, "pendingVerifications": 1}


async def test_this_weeks_notices_show_their_reach_and_who_is_unreached_by_grid(console, api, place):
    await publish(console, place, "上周的通知", [{"kind": "COMMUNITY"}])
    clock.advance(timedelta(days=8))
    notice_id = await publish(console, place, "本周消防检查", [{"kind": "COMMUNITY"}])
    await api.sign_in(place.a.resident.handle)
    assert (await api.query(READ, id=notice_id))["data"]["noticeRead"]["ok"]

    committee = (await figures(console, place.committee.handle, place, NOTICES))["notices"]
    assert committee["thisWeek"] == [{"notice": {"title": "本周消防检查"}, "audience": 2, "read": 1,
                                      "acknowledged": 0, "households": 2, "householdsReached": 1}]
    assert committee["unreachedByGrid"] == [{"gridName": "第乙网格", "households": 1},
                                            {"gridName": "第甲网格", "households": 0}]

    # 乙's worker visits the household nobody read it in: reached, offline.
    await console.sign_in(place.b.worker.handle)
    visited = await console.query(OFFLINE, id=notice_id, h=str(place.b.household.id))
    assert visited["data"]["noticeReachedOffline"]["ok"]
    worker_b = (await figures(console, place.b.worker.handle, place, NOTICES))["notices"]
    assert worker_b["thisWeek"] == [{"notice": {"title": "本周消防检查"}, "audience": 1, "read": 0,
                                     "acknowledged": 0, "households": 1, "householdsReached": 1}]
    assert worker_b["unreachedByGrid"] == [{"gridName": "第乙网格", "households": 0}]


async def test_a_resident_gets_no_figures(api, place):
    await api.sign_in(place.a.resident.handle)
    for document in (IDENTITY, NOTICES):
        answer = await api.query(document, c=str(place.community.id))
        assert answer["data"] is None
        assert answer["errors"][0]["extensions"]["code"] == "NOT_FOUND"
