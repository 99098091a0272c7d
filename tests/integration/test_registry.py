"""The viewer's community, tenancy, and personal data at rest."""

from tortoise import connections

from backend.registry.models import Community, Membership

BUILDINGS = """query($id: ID!, $after: String) { community(id: $id) { name
  buildings(first: 4, after: $after) { nodes { name estateName } pageInfo { hasNextPage endCursor } } } }"""


async def _community_id(api) -> str:
    return (await api.op("Viewer"))["data"]["viewer"]["memberships"][0]["community"]["id"]


async def test_buildings_page_through_with_cursors(api, make_community, make_person):
    place = await make_community(estates=3, buildings=3)
    resident = await make_person(place.community.id, ["RESIDENT"], room=place.rooms[0])
    await api.sign_in(resident.handle)
    community_id = await _community_id(api)
    seen, after, pages = [], None, 0
    while True:
        page = (await api.query(BUILDINGS, id=community_id, after=after))["data"]["community"]["buildings"]
        assert len(page["nodes"]) <= 4
        seen += [(b["estateName"], b["name"]) for b in page["nodes"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    # Every building exactly once, over three pages of at most four.
    assert sorted(seen) == sorted({(f"{e}号小区", f"{b}栋") for e in (1, 2, 3) for b in (1, 2, 3)})
    assert pages == 3


async def test_another_community_is_not_found_for_residents_and_strangers(api):
    other = await Community.create(name="明月社区", code="mingyue-test")
    await api.sign_in("resident")
    assert (await api.query(BUILDINGS, id=str(other.id)))["data"]["community"] is None
    assert (await api.query(BUILDINGS, id="not-a-uuid"))["data"]["community"] is None
    api.token = None
    own = await Membership.filter(role="COMMITTEE_STAFF").first()
    assert (await api.query(BUILDINGS, id=str(own.community_id)))["data"]["community"] is None


async def test_phone_numbers_are_unreadable_in_the_database(api):
    rows = await connections.get("default").execute_query_dict(
        "SELECT phone_encrypted FROM person WHERE handle = 'resident'"
    )
    stored = rows[0]["phone_encrypted"]
    assert "13800000006" not in stored and "0006" not in stored
    assert stored.startswith("v2:k1:")  # names its key, so keys can rotate
