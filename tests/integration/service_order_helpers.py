"""Arranging service-order tests: a community with a resident at home, a verified provider serving it
(services_helpers.verified_provider), an operator; running the order jobs the way the worker does
(the outbox message's task with its payload); and reading the ledger's accounts of an order."""

import io
import uuid
from types import SimpleNamespace

from PIL import Image

from backend.core.jobs import find_task
from backend.core.outbox import OutboxMessage
from backend.core.platform import PlatformMember, PlatformRole
from backend.registry.models import Role
from backend.services import money
from backend.services.models import Order
from tests.integration.conftest import build_community, build_person
from tests.integration.services_helpers import verified_provider


async def order_world(**provider) -> SimpleNamespace:
    """A community of the test's own, its resident at home, a neighbour, a verified provider with its
    admin and worker, and an operator."""
    place = await build_community(rooms=2)
    community = place.community
    resident = await build_person(community.id, [Role.RESIDENT], room=place.rooms[0])
    neighbour = await build_person(community.id, [Role.RESIDENT], room=place.rooms[1])
    setup = await verified_provider(build_person, community, **provider)
    operator = await build_person(community.id, [])
    await PlatformMember.create(person=operator, role=PlatformRole.OPERATOR)
    return SimpleNamespace(place=place, community=community, resident=resident, neighbour=neighbour,
                           provider=setup.provider, admin=setup.admin, worker=setup.worker, service=setup.service,
                           slot=setup.slot, operator=operator)


def errors(response: dict, field: str) -> list[tuple[str, str]]:
    return [(e["code"], e["message"]) for e in response["data"][field]["errors"]]


async def booked(api, world, *, quantity: int = 2, slot=None) -> dict:
    """The resident books the world's service (signed in as the resident)."""
    await api.sign_in(world.resident.handle)
    response = await api.op("ServiceOrderBook", serviceId=str(world.service.id),
                            slotId=str((slot or world.slot).id), quantity=quantity)
    assert response["data"]["serviceOrderBook"]["errors"] == [], response
    return response["data"]["serviceOrderBook"]["order"]


async def paid(api, world, **booking) -> dict:
    """Booked and paid through the sandbox (its signed notification through the webhook path)."""
    order = await booked(api, world, **booking)
    started = await api.op("ServiceOrderPay", orderId=order["id"])
    assert started["data"]["serviceOrderPay"]["errors"] == [], started
    done = await api.op("ServiceOrderSandboxPay", orderId=order["id"])
    assert done["data"]["serviceOrderSandboxPay"]["errors"] == [], done
    assert done["data"]["serviceOrderSandboxPay"]["order"]["state"] == "PAID"
    return done["data"]["serviceOrderSandboxPay"]["order"]


async def accepted(api, world, **booking) -> dict:
    order = await paid(api, world, **booking)
    await api.sign_in(world.admin.handle)
    response = await api.op("ServiceOrderAccept", orderId=order["id"], workerId=str(world.worker.id))
    assert response["data"]["serviceOrderAccept"]["errors"] == [], response
    return response["data"]["serviceOrderAccept"]["order"]


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 160, 90)).save(out, "JPEG")
    return out.getvalue()


async def upload_proof(api) -> str:
    uploaded = await api.http.post("/uploads", params={"kind": "proof_photo"},
                                   headers={"authorization": f"Bearer {api.token}"},
                                   files={"file": ("here.jpg", photo(), "image/jpeg")})
    assert uploaded.status_code == 200, uploaded.text
    return uploaded.json()["id"]


async def completed(api, world, **booking) -> dict:
    order = await accepted(api, world, **booking)
    await api.sign_in(world.worker.handle)
    for name, extra in (("ServiceOrderDepart", {}), ("ServiceOrderCheckIn", {"photoUploadId": None}),
                        ("ServiceOrderStart", {}), ("ServiceOrderComplete", {})):
        if "photoUploadId" in extra:
            extra = {"photoUploadId": await upload_proof(api)}
        response = await api.op(name, orderId=order["id"], **extra)
        field = name[0].lower() + name[1:]
        assert response["data"][field]["errors"] == [], response
        order = response["data"][field]["order"]
    return order


async def run_jobs(topic: str, order_id: str) -> list:
    """What the worker does with the order's pending outbox messages of `topic` (keyed
    `order:<id>:…`; other tests' jobs are theirs): each one's task with its payload, once."""
    results = []
    for message in await OutboxMessage.filter(topic=topic, relayed_at=None, key__startswith=f"order:{order_id}:"
                                              ).order_by("id"):
        task = find_task(topic)
        results.append(await task.original_func(key=message.key, **message.payload))
        await OutboxMessage.filter(id=message.id).update(relayed_at=message.created_at)
    return results


async def ledger_of(world) -> dict[str, dict[str, int]]:
    """The balances of the accounts an order of the world moves money between."""
    return {
        "payments": await money.balances("person", world.resident.id, "payments"),
        "escrow": await money.balances("provider", world.provider.id, "escrow"),
        "payable": await money.balances("provider", world.provider.id, "payable"),
        "commission": await money.balances("platform", money.PLATFORM_ID, "commission"),
        "gateway_fee": await money.balances("platform", money.PLATFORM_ID, "gateway_fee"),
    }


def unique() -> str:
    return uuid.uuid4().hex[:8]


async def state_after(sweep, order_id: str) -> str:
    """The order's state after a sweep ran twice (the second must change nothing more). Other tests'
    orders in the same database may be due too, so the sweep's count is not this order's."""
    await sweep()
    await sweep()
    return (await Order.get(id=order_id)).state.value
