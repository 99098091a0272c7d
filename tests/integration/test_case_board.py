"""The console's case board through its own operations (Cases, CaseCounts, CaseHandlers): overdue
cases first across pages, the filters and the search, the counts per state, the resident masked for
staff and absent for residents, and whom a case may be assigned to."""

from datetime import timedelta

import pytest

from backend.core.clock import clock
from tests.integration.case_helpers import categories

ERRORS = "errors { code field message }"


@pytest.fixture
async def place(app, make_person):
    from tests.integration.neighbourhood import build_neighbourhood
    place = await build_neighbourhood(make_person)
    place.categories = await categories(place.committee.id, place.community.id)  # 报修: accept within 4 h
    return place


async def raise_case(api, place, patch, *, text: str, category: str = "报修") -> str:
    await api.sign_in(patch.resident.handle)
    response = await api.op("CaseRaise", communityId=str(place.community.id), input={
        "categoryId": str(place.categories[category].id), "text": text, "place": {"roomId": str(patch.room.id)}})
    assert response["data"]["caseRaise"]["errors"] == []
    return response["data"]["caseRaise"]["case"]["id"]


async def board(console, place, first: int = 50, after: str | None = None, **where) -> dict:
    response = await console.op("Cases", communityId=str(place.community.id), filter=where, first=first, after=after)
    assert "errors" not in response, response
    return response["data"]["cases"]


async def counts(console, place, **where) -> tuple[dict, int]:
    answer = (await console.op("CaseCounts", communityId=str(place.community.id), filter=where))["data"]["caseCounts"]
    return {c["state"]: c["count"] for c in answer["byState"]}, answer["overdue"]


async def test_overdue_cases_come_first_on_every_page_and_the_counts_agree(api, console, place):
    late = await raise_case(api, place, place.b, text="水管漏水很久了")  # accept within 4 h: overdue soon
    clock.advance(timedelta(hours=5))
    newer = [await raise_case(api, place, place.b, text=f"楼道灯坏了{i}") for i in range(2)]
    await console.sign_in(place.committee.handle)

    first_page = await board(console, place, first=2)
    assert [(c["id"], c["overdue"]) for c in first_page["nodes"]] == [(late, True), (newer[1], False)]
    assert first_page["totalCount"] == 3 and first_page["pageInfo"]["hasNextPage"]
    second = await board(console, place, first=2, after=first_page["pageInfo"]["endCursor"])
    assert [c["id"] for c in second["nodes"]] == [newer[0]] and not second["pageInfo"]["hasNextPage"]

    assert await counts(console, place) == ({"SUBMITTED": 3}, 1)
    await console.op("CaseAccept", id=newer[0])
    assert await counts(console, place) == ({"SUBMITTED": 2, "ACCEPTED": 1}, 1)
    assert [c["id"] for c in (await board(console, place, state="SUBMITTED"))["nodes"]] == [late, newer[1]]
    assert [c["id"] for c in (await board(console, place, overdue=True))["nodes"]] == [late]
    assert [c["id"] for c in (await board(console, place, overdue=False))["nodes"]] == [newer[1], newer[0]]


async def test_filters_and_the_search_by_text_resident_and_case_number(api, console, place):
    leak = await raise_case(api, place, place.b, text="厨房水管漏水")
    noise = await raise_case(api, place, place.a, text="楼上装修噪音", category="其他")
    await console.sign_in(place.committee.handle)
    phoned = (await console.op("CaseRaiseFor", communityId=str(place.community.id),
                               residentId=str(place.a.resident.id), channel="PHONE", input={
                                   "categoryId": str(place.categories["其他"].id), "text": "电话反映路灯不亮",
                                   "place": {"buildingId": str(place.a.building.id)}}))["data"]["caseRaiseFor"]
    phoned = phoned["case"]["id"]
    await console.op("CaseAccept", id=leak)

    ids = lambda page: {c["id"] for c in page["nodes"]}  # noqa: E731
    assert ids(await board(console, place, categoryId=str(place.categories["其他"].id))) == {noise, phoned}
    assert ids(await board(console, place, handlerId=str(place.committee.id))) == {leak}
    assert ids(await board(console, place, channel="PHONE")) == {phoned}
    assert ids(await board(console, place, search="漏水")) == {leak}
    assert ids(await board(console, place, search=place.a.resident.display_name)) == {noise, phoned}
    assert ids(await board(console, place, search=noise)) == {noise}
    assert ids(await board(console, place, search="没有这样的诉求")) == set()
    # The counts follow the filters (the state aside).
    assert await counts(console, place, channel="PHONE") == ({"SUBMITTED": 1}, 0)
    assert await counts(console, place, search="漏水") == ({"ACCEPTED": 1}, 0)
    assert await counts(console, place, search=place.a.resident.display_name) == ({"SUBMITTED": 2}, 0)

    # Staff see who raised it, masked as in the registry; the resident's own list has no such field filled.
    found = (await board(console, place, search="漏水"))["nodes"][0]["resident"]
    assert found["displayName"] == place.b.resident.display_name
    assert found["phone"] == f"{place.b.phone[:3]}****{place.b.phone[-4:]}"
    await api.sign_in(place.b.resident.handle)
    mine = await api.query("{ myCases { nodes { id resident { id } } } }")
    assert mine["data"]["myCases"]["nodes"] == [{"id": leak, "resident": None}]


async def test_a_grid_worker_counts_and_finds_their_grids_cases_only(api, console, place):
    ours = await raise_case(api, place, place.b, text="乙区楼道灯坏了")
    await raise_case(api, place, place.a, text="甲区楼道灯坏了")
    await console.sign_in(place.b.worker.handle)
    assert [c["id"] for c in (await board(console, place, search="楼道灯"))["nodes"]] == [ours]
    assert await counts(console, place) == ({"SUBMITTED": 1}, 0)


async def test_handlers_are_the_communitys_case_staff(console, place):
    await console.sign_in(place.b.worker.handle)
    handlers = (await console.op("CaseHandlers", communityId=str(place.community.id)))["data"]["caseHandlers"]
    assert {h["id"] for h in handlers} == {str(p.id) for p in (place.committee, place.a.worker, place.b.worker)}


async def test_a_bad_cursor_or_page_size_is_refused_in_chinese(console, place):
    await console.sign_in(place.committee.handle)
    response = await console.op("Cases", communityId=str(place.community.id), first=51)
    assert "每页条数须在 1 到 50 之间" in response["errors"][0]["message"]
    response = await console.op("Cases", communityId=str(place.community.id), first=5, after="not-a-cursor")
    assert "无效的分页游标" in response["errors"][0]["message"]
