"""Query counts pinned for the service-order lists (as tests/integration/test_query_counts.py does for
the others, whose completeness test counts these pins too): the same number of SQL statements for one
order as for several, lines, payers, events, ratings and disputes loaded once per page."""

from types import SimpleNamespace

import pytest

from backend.core.actor import Actor
from backend.core.platform import PlatformMember, PlatformRole
from backend.registry.models import Role
from backend.services import booking, transitions
from tests.integration.conftest import build_community, build_person
from tests.integration.services_helpers import verified_provider
from tests.integration.test_query_counts import Pin, pages


def _provider(world) -> str:
    return str(world.provider.id)


SERVICE_ORDER_PINS: dict[tuple[str, str], Pin] = {
    # The caller's provider roles and platform role, the page (and its total), then lines, their payers,
    # events, ratings and disputes, one query each; a provider's list asks the role twice more (access).
    ("mini_program", "MyServiceOrders"): Pin("resident", pages(), lambda d: d["myServiceOrders"]["nodes"], 8),
    ("mini_program", "ProviderOrders"): Pin("admin", pages(providerId=_provider),
                                            lambda d: d["providerOrders"]["nodes"], 10),
    # The console's fragment asks the addresses too: one query for the rooms (staff see none: no query).
    ("admin", "ProviderOrders"): Pin("admin", pages(providerId=_provider), lambda d: d["providerOrders"]["nodes"], 11),
    ("admin", "CommunityServiceOrders"): Pin("staff", pages(communityId=lambda w: str(w.community.id)),
                                             lambda d: d["communityServiceOrders"]["nodes"], 9),
    # The operator's platform role is asked twice: to list them, and for what they may do with each.
    ("admin", "DisputedServiceOrders"): Pin("operator", pages(), lambda d: d["disputedServiceOrders"]["nodes"], 10),
    # The order, the caller's roles, then the order again with its provider, service and worker, and
    # each list of it.
    ("mini_program", "ServiceOrder"): Pin("resident", lambda w: ({"id": w.orders[0]}, {"id": w.orders[2]}),
                                          lambda d: d["serviceOrder"]["events"], 9),
    ("admin", "ServiceOrder"): Pin("admin", lambda w: ({"id": w.orders[0]}, {"id": w.orders[2]}),
                                   lambda d: d["serviceOrder"]["events"], 10),  # and the room
    # The service, the communities served, the membership, the homes, the slot, the policy.
    ("mini_program", "ServiceOrderQuote"): Pin("resident", lambda w: (w.quote, w.quote), None, 6),
}


@pytest.fixture(scope="module")
async def world(app):
    """A provider's four orders of one resident: one waiting for payment, one accepted, two completed
    and disputed (their events, a worker, a dispute)."""
    place = await build_community(rooms=1)
    community = place.community
    resident = await build_person(community.id, [Role.RESIDENT], room=place.rooms[0])
    staff = await build_person(community.id, [Role.COMMITTEE_STAFF])
    operator = await build_person(community.id, [])
    await PlatformMember.create(person=operator, role=PlatformRole.OPERATOR)
    setup = await verified_provider(build_person, community, capacity=5)
    me, admin, worker = (Actor(person_id=p.id) for p in (resident, setup.admin, setup.worker))
    slot_id = setup.slot.id
    made = [await booking.book(me, service_id=setup.service.id, slot_id=slot_id, quantity=2) for _ in range(4)]
    for order in made[1:]:
        await booking.pay(me, order_id=order.id)
        await booking.sandbox_pay(me, order_id=order.id)
        await transitions.accept(admin, order_id=order.id, worker_id=setup.worker.id)
    for disputed in made[2:]:
        await transitions.depart(worker, order_id=disputed.id)
        await transitions.check_in(worker, order_id=disputed.id, photo_upload_id=await _photo(setup.worker))
        await transitions.start(worker, order_id=disputed.id)
        await transitions.complete(worker, order_id=disputed.id)
        await transitions.dispute(me, order_id=disputed.id, reason="没打扫干净")
    return SimpleNamespace(community=community, provider=setup.provider, orders=[str(o.id) for o in made],
                           quote={"serviceId": str(setup.service.id), "slotId": str(slot_id), "quantity": 2},
                           handles={"resident": resident.handle, "admin": setup.admin.handle,
                                    "staff": staff.handle, "operator": operator.handle})


async def _photo(owner) -> object:
    import uuid

    from backend.media.models import Upload

    upload = await Upload.create(owner=owner, kind="proof_photo", content_type="image/jpeg", size=1,
                                 sha256=uuid.uuid4().hex * 2)
    return upload.id


@pytest.mark.parametrize(("client", "name"), sorted(SERVICE_ORDER_PINS))
async def test_a_service_order_list_runs_as_many_statements_for_many_rows_as_for_one(api, world, sql_statements,
                                                                                    client, name):
    pin = SERVICE_ORDER_PINS[(client, name)]
    runs = []
    for variables in pin.variables(world):
        await api.sign_in(world.handles[pin.who])
        await api.query("{ viewer { id } }")  # the caller's roles cached, as on every request but the first
        with sql_statements() as statements:
            response = await api.op(name, client=client, **variables)
        assert "errors" not in response, response
        runs.append((len(pin.rows(response["data"])) if pin.rows else None, statements))
    (few, few_sql), (many, many_sql) = runs
    if pin.rows:
        assert few == 1 and many > 1, f"the data must give one row, then many: got {few} and {many}"
    assert len(few_sql) == len(many_sql), f"{len(few_sql)} statements for 1 row, {len(many_sql)} for {many}: " \
        f"{many_sql}"
    assert len(many_sql) == pin.statements, f"pinned at {pin.statements} statements, now {len(many_sql)}: " \
        f"{many_sql} (update the pin when the change is meant)"
