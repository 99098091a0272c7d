"""What the mini-program's case pages ask of the API beyond the case workflow itself: the nearby
cases of one category (offered instead of a duplicate), whether a case is mine to confirm or one I
follow, and the room directory's unit ids (to choose a unit as the place)."""

import pytest

from tests.integration.case_helpers import categories
from tests.integration.neighbourhood import build_neighbourhood


@pytest.fixture
async def place(app, make_person):
    place = await build_neighbourhood(make_person)
    place.categories = await categories(place.committee.id, place.community.id)
    return place


async def raise_at_building(api, place, category: str, text: str) -> str:
    response = await api.op("CaseRaise", communityId=str(place.community.id), input={
        "categoryId": str(place.categories[category].id), "text": text,
        "place": {"buildingId": str(place.b.building.id)}})
    assert response["data"]["caseRaise"]["errors"] == []
    return response["data"]["caseRaise"]["case"]["id"]


async def test_nearby_cases_of_the_chosen_category_only_and_mine_tells_the_raiser_from_a_follower(
        api, place, make_person):
    await api.sign_in(place.b.resident.handle)
    lift = await raise_at_building(api, place, "报修", "电梯又坏了")
    await raise_at_building(api, place, "物业服务", "楼道没人打扫")
    neighbour = await make_person(place.community.id, ["RESIDENT"], room=place.b.room)
    await api.sign_in(neighbour.handle)

    nearby = await api.op("CasesNearby", communityId=str(place.community.id),
                          categoryId=str(place.categories["报修"].id), first=10)
    assert [c["text"] for c in nearby["data"]["casesNearby"]["nodes"]] == ["电梯又坏了"]
    everything = await api.op("CasesNearby", communityId=str(place.community.id), first=10)
    assert len(everything["data"]["casesNearby"]["nodes"]) == 2

    assert (await api.op("CaseFollow", id=lift))["data"]["caseFollow"]["ok"]
    assert (await api.op("Case", id=lift))["data"]["case"]["mine"] is False
    await api.sign_in(place.b.resident.handle)
    assert (await api.op("Case", id=lift))["data"]["case"]["mine"] is True


async def test_the_room_directory_names_each_rooms_unit_by_id(api, place):
    await api.sign_in(place.b.resident.handle)
    rooms = (await api.op("DirectoryRooms", buildingId=str(place.b.building.id)))["data"]["directoryRooms"]
    mine = next(r for r in rooms if r["room"]["id"] == str(place.b.room.id))
    response = await api.op("CaseRaise", communityId=str(place.community.id), input={
        "categoryId": str(place.categories["报修"].id), "text": "单元门禁坏了", "place": {"unitId": mine["unitId"]}})
    assert response["data"]["caseRaise"]["case"]["placeName"] == f"乙区小区 乙1栋 {mine['unitName']}"
