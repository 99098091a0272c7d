"""The order's address (the resident's room) is for those who go there or send someone: the resident,
the provider's admin and the worker assigned; a worker looking at an order nobody has taken yet, and
the community's staff reading its orders, see none."""

from backend.registry.models import Role
from tests.integration.conftest import build_person
from tests.integration.service_order_helpers import order_world, paid

ADDRESS = "query($id: ID!) { serviceOrder(id: $id) { address state } }"


async def address_for(api, handle: str, order_id: str) -> str | None:
    await api.sign_in(handle)
    order = (await api.query(ADDRESS, id=order_id))["data"]["serviceOrder"]
    assert order is not None, f"{handle} cannot see the order"
    return order["address"]


async def test_the_resident_admin_and_assigned_worker_read_the_address_and_no_one_else(api):
    world = await order_world()
    order = await paid(api, world)
    home = await address_for(api, world.resident.handle, order["id"])
    assert home is not None and home.endswith(f" {world.place.rooms[0].number}")
    assert await address_for(api, world.admin.handle, order["id"]) == home
    assert await address_for(api, world.worker.handle, order["id"]) is None  # not taken yet: not theirs
    staff = await build_person(world.community.id, [Role.COMMITTEE_STAFF])
    assert await address_for(api, staff.handle, order["id"]) is None

    await api.sign_in(world.admin.handle)
    accepted = await api.op("ServiceOrderAccept", client="admin", orderId=order["id"],
                            workerId=str(world.worker.id))
    assert accepted["data"]["serviceOrderAccept"]["order"]["address"] == home  # the admin's console fragment
    assert await address_for(api, world.worker.handle, order["id"]) == home
