"""A time-bank neighbourhood of the test's own: an elder (born 1950) and the relative who lives with
them and acts for them (TIMEBANK scope), helpers in another building, a stranger, and a committee
member; each with a signed-in client of the mini-program (the relative's second client acts for the
elder through X-Acting-For) and the committee's of the console."""

from datetime import timedelta
from types import SimpleNamespace

import httpx

from backend.core import crypto
from backend.core.clock import clock
from backend.ledger.service import create_transfers, require_ok
from backend.proxies.models import Proxy
from backend.wallets.accounts import earning_transfers
from backend.wallets.codes import VOLUNTEER_HOURS
from tests.integration.conftest import Api, build_community, build_person

ELDER_ID = "11010519500315002X"  # born 15 March 1950
YOUNG_ID = "110105199601010011"  # born 1 January 1996


async def client(app, person, *, console: bool = False, acting_for=None) -> Api:
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test")
    api = Api(http, client="admin" if console else "mini_program")
    await api.sign_in(person.handle)
    if acting_for is not None:  # after signing in: what follows is done for the principal
        http.headers["x-acting-for"] = str(acting_for.id)
    return api


async def with_id_number(person, id_number: str):
    person.id_number_encrypted = crypto.encrypt(id_number)
    await person.save(update_fields=["id_number_encrypted"])
    return person


async def earn(person, community_id, minutes: int, key: str) -> None:
    """Hours earned as volunteering credits them (arranged here; volunteering is another module)."""
    require_ok(await create_transfers(await earning_transfers(
        key=f"test:{person.id}:{key}", person_id=person.id, community_id=community_id, minutes=minutes,
        code=VOLUNTEER_HOURS, reference=f"volunteer:{key}")))


async def build_timebank(app, *, helpers: int = 1) -> SimpleNamespace:
    made = await build_community(buildings=2, rooms=2)
    community_id = made.community.id
    home, other_home = made.rooms_of[made.buildings[0].id][0], made.rooms_of[made.buildings[1].id][0]
    elder = await with_id_number(await build_person(community_id, ["RESIDENT"], room=home), ELDER_ID)
    relative = await with_id_number(await build_person(community_id, ["RESIDENT"], room=home), YOUNG_ID)
    await Proxy.create(community_id=community_id, principal=elder, agent=relative, scopes=["TIMEBANK", "CASE"],
                       evidence="同户家庭成员", valid_until=clock.now() + timedelta(days=30), granted_by=elder)
    helper_people = [await build_person(community_id, ["RESIDENT"], room=other_home) for _ in range(helpers)]
    stranger = await build_person(community_id, ["RESIDENT"], room=made.rooms_of[made.buildings[1].id][1])
    staff = await build_person(community_id, ["COMMITTEE_STAFF"])
    world = SimpleNamespace(
        made=made, community_id=community_id, cid=str(community_id), building=made.buildings[0],
        elder=elder, relative=relative, helper=helper_people[0], helpers=helper_people, stranger=stranger,
        staff=staff,
        as_elder=await client(app, elder), as_relative=await client(app, relative),
        as_proxy=await client(app, relative, acting_for=elder), as_helper=await client(app, helper_people[0]),
        as_stranger=await client(app, stranger), as_staff=await client(app, staff, console=True))
    return world


async def close(world) -> None:
    for api in (world.as_elder, world.as_relative, world.as_proxy, world.as_helper, world.as_stranger,
                world.as_staff):
        await api.http.aclose()


def starts_in(hours: float) -> str:
    return (clock.now() + timedelta(hours=hours)).isoformat()


def request_input(world, *, minutes: int = 60, hours_ahead: float = 24, title: str = "陪王爷爷去社区医院复诊",
                  kind: str = "CLINIC", skills=("陪诊",)) -> dict:
    return {"kind": kind, "title": title, "description": "上午九点出发，需要帮忙挂号取药",
            "place": {"buildingId": str(world.building.id), "text": "1单元门口"}, "startsAt": starts_in(hours_ahead),
            "minutes": minutes, "skills": list(skills)}


async def account(api: Api, world) -> dict:
    response = await api.op("TimebankAccount", communityId=world.cid)
    assert "errors" not in response, response
    return response["data"]["timebankAccount"]


def payload(response: dict, field: str) -> dict:
    assert "errors" not in response, response
    return response["data"][field]


def error_of(response: dict, field: str) -> dict:
    errors = payload(response, field)["errors"]
    assert len(errors) == 1, response
    return errors[0]
