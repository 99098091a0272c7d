"""A service order end to end on the SANDBOX gateway through the clients' operations: booked, paid
(the sandbox's signed notification through POST /webhooks/sandbox), accepted, on the way, checked in
with a photo, started, completed, confirmed, settled by the job, rated — with the ledger's figures;
acting for a parent with and without the ORDER scope; replayed and forged notifications."""

import asyncio
import json
from datetime import timedelta

import httpx
from httpx_ws import aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport

from backend.api.contract import client_operations, document_id
from backend.core.clock import clock
from backend.payments.models import Payment, PaymentKind, PaymentState, ProcessedEvent
from backend.payments.port import EventKind, PaymentGatewayName, gateway
from backend.proxies.models import Proxy
from backend.services import orders
from backend.services.models import Order, OrderEvent, Slot
from tests.integration.conftest import eventually
from tests.integration.service_order_helpers import (
    booked,
    completed,
    errors,
    ledger_of,
    order_world,
    paid,
    run_jobs,
    upload_proof,
)
from tests.integration.test_subscriptions import _subscribers


async def test_an_order_runs_from_booking_to_review_and_the_ledger_adds_up(api, console):
    world = await order_world()
    before = await ledger_of(world)
    await api.sign_in(world.resident.handle)
    quote = (await api.op("ServiceOrderQuote", serviceId=str(world.service.id), slotId=str(world.slot.id),
                          quantity=3))["data"]["serviceOrderQuote"]
    assert quote["amountFen"] == 15000 and quote["paid"] is True
    assert [(t["hoursBefore"], t["feeFen"]) for t in quote["cancellationTiers"]] == [(24, 0), (2, 3000), (0, 7500)]
    assert "commission" not in str(quote)

    order = await booked(api, world, quantity=3)
    assert order["state"] == "PENDING_PAYMENT" and order["amountFen"] == 15000
    assert order["commissionFen"] is None  # not the resident's business
    assert order["actions"] == ["PAY", "CANCEL"]
    assert order["lines"] == [{"description": "日常保洁", "unitPriceFen": 5000, "quantity": 3, "amountFen": 15000,
                               "payers": [{"kind": "RESIDENT", "tier": None, "amountFen": 15000}]}]
    assert (await Slot.get(id=world.slot.id)).booked == 1

    first = await api.op("ServiceOrderPay", orderId=order["id"])
    again = await api.op("ServiceOrderPay", orderId=order["id"])
    assert first["data"]["serviceOrderPay"]["clientParams"] == again["data"]["serviceOrderPay"]["clientParams"]
    assert await Payment.filter(order_id=order["id"], kind=PaymentKind.CHARGE).count() == 1
    done = await api.op("ServiceOrderSandboxPay", orderId=order["id"])
    order = done["data"]["serviceOrderSandboxPay"]["order"]
    assert order["state"] == "PAID" and order["acceptBy"] is not None and order["actions"] == ["CANCEL"]
    held = await ledger_of(world)
    assert held["escrow"]["credits_pending"] - before["escrow"]["credits_pending"] == 15000

    await api.sign_in(world.admin.handle)
    admin_view = (await api.op("ServiceOrder", id=order["id"]))["data"]["serviceOrder"]
    assert admin_view["commissionFen"] == 1500 and admin_view["actions"] == ["ACCEPT", "DECLINE"]
    accepted = await api.op("ServiceOrderAccept", orderId=order["id"], workerId=str(world.worker.id))
    assert accepted["data"]["serviceOrderAccept"]["order"]["worker"]["id"] == str(world.worker.id)

    await api.sign_in(world.worker.handle)
    listed = (await api.op("ProviderOrders", providerId=str(world.provider.id), first=10))["data"]["providerOrders"]
    assert [o["id"] for o in listed["nodes"]] == [order["id"]] and listed["nodes"][0]["actions"] == ["DEPART"]
    refused = await api.op("ServiceOrderCheckIn", orderId=order["id"], photoUploadId=await upload_proof(api))
    assert errors(refused, "serviceOrderCheckIn") == [("INVALID_INPUT", "已接单的订单不能到达签到")]
    order = await completed_after_accept(api, order["id"])
    assert order["state"] == "COMPLETED" and order["checkInPhotoUrl"] and order["confirmBy"]

    await api.sign_in(world.resident.handle)
    seen = (await api.op("ServiceOrder", id=order["id"]))["data"]["serviceOrder"]
    assert seen["actions"] == ["CONFIRM", "DISPUTE"]
    photo = await api.http.get(seen["checkInPhotoUrl"].removeprefix(str(api.http.base_url).rstrip("/")))
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    confirmed = await api.op("ServiceOrderConfirm", orderId=order["id"])
    assert confirmed["data"]["serviceOrderConfirm"]["order"]["state"] == "CONFIRMED"
    assert len(await run_jobs("services.settle_due", order["id"])) == 1
    assert await run_jobs("services.settle_due", order["id"]) == []  # the job was keyed by the order: queued once

    after = await ledger_of(world)
    share = after["payable"]["credits_posted"] - before["payable"]["credits_posted"]
    commission = after["commission"]["credits_posted"] - before["commission"]["credits_posted"]
    fee = after["gateway_fee"]["credits_posted"] - before["gateway_fee"]["credits_posted"]
    assert (share, commission, fee) == (13500, 1500, 0)
    assert share + commission + fee == 15000
    assert after["payments"]["debits_posted"] - before["payments"]["debits_posted"] == 15000
    assert after["escrow"]["credits_pending"] == before["escrow"]["credits_pending"]
    assert after["escrow"]["credits_posted"] - after["escrow"]["debits_posted"] == \
        before["escrow"]["credits_posted"] - before["escrow"]["debits_posted"]

    rated = await api.op("ServiceOrderRate", orderId=order["id"], stars=5, comment="很干净")
    order = rated["data"]["serviceOrderRate"]["order"]
    assert order["state"] == "REVIEWED" and order["rating"] == {"stars": 5, "comment": "很干净"}
    assert [e["toState"] for e in order["events"]] == [
        "PENDING_PAYMENT", "PAID", "ACCEPTED", "EN_ROUTE", "CHECKED_IN", "IN_SERVICE", "COMPLETED", "CONFIRMED",
        "SETTLED", "REVIEWED"]
    mine = (await api.op("MyServiceOrders", first=5))["data"]["myServiceOrders"]["nodes"]
    assert [o["id"] for o in mine] == [order["id"]]
    assert await run_jobs("services.settle_due", order["id"]) == []  # a settled order is not queued again


async def completed_after_accept(api, order_id: str) -> dict:
    order = None
    for name, extra in (("ServiceOrderDepart", {}), ("ServiceOrderCheckIn", "photo"), ("ServiceOrderStart", {}),
                        ("ServiceOrderComplete", {})):
        variables = {"photoUploadId": await upload_proof(api)} if extra == "photo" else {}
        response = await api.op(name, orderId=order_id, **variables)
        field = name[0].lower() + name[1:]
        assert response["data"][field]["errors"] == [], response
        order = response["data"][field]["order"]
    return order


async def test_a_family_member_books_for_a_parent_only_with_the_order_scope(api, make_person):
    world = await order_world()
    with_scope = await make_person(world.community.id, ["RESIDENT"])
    without = await make_person(world.community.id, ["RESIDENT"])
    for agent, scopes in ((with_scope, ["ORDER"]), (without, ["VOTE"])):
        await Proxy.create(community=world.community, principal=world.resident, agent=agent, scopes=scopes,
                           evidence="同户家庭成员", valid_until=clock.now() + timedelta(days=30),
                           granted_by=world.resident)
    variables = {"serviceId": str(world.service.id), "slotId": str(world.slot.id), "quantity": 2}

    async def as_proxy(agent):
        token = (await api.sign_in(agent.handle))["accessToken"]
        document = client_operations("mini_program")["ServiceOrderBook"]
        response = await api.http.post("/graphql", json={"documentId": document_id(document), "variables": variables},
                                       headers={"authorization": f"Bearer {token}",
                                                "x-acting-for": str(world.resident.id)})
        return response.json()

    refused = await as_proxy(without)
    assert errors(refused, "serviceOrderBook") == [("FORBIDDEN", "代办授权不包含此事项")]
    assert await Order.filter(resident_id=world.resident.id).count() == 0
    assert (await Slot.get(id=world.slot.id)).booked == 0

    done = await as_proxy(with_scope)
    assert done["data"]["serviceOrderBook"]["errors"] == []
    order = await Order.get(id=done["data"]["serviceOrderBook"]["order"]["id"])
    assert (order.resident_id, order.placed_by_id) == (world.resident.id, with_scope.id)
    event = await OrderEvent.get(order_id=order.id)
    assert (event.actor_id, event.acting_for_id) == (with_scope.id, world.resident.id)


async def test_a_replayed_notification_changes_nothing_and_a_forged_one_is_refused(api):
    world = await order_world()
    order = await booked(api, world)
    await api.op("ServiceOrderPay", orderId=order["id"])
    charge = await Payment.get(order_id=order["id"], kind=PaymentKind.CHARGE)
    headers, body = gateway(PaymentGatewayName.SANDBOX).notification(
        kind=EventKind.CHARGE_SUCCEEDED, reference=charge.reference, order_id=order["id"], amount_fen=10000)

    forged = await api.http.post("/webhooks/sandbox", content=body.replace(b"10000", b"1"), headers=headers)
    assert forged.status_code == 400
    assert (await Order.get(id=order["id"])).state.value == "PENDING_PAYMENT"

    for _ in range(2):
        delivered = await api.http.post("/webhooks/sandbox", content=body, headers=headers)
        assert delivered.status_code == 200
    paid_order = await Order.get(id=order["id"])
    assert paid_order.state.value == "PAID"
    assert await OrderEvent.filter(order_id=order["id"], to_state="PAID").count() == 1
    assert [e.outcome for e in await ProcessedEvent.filter(event_id=json.loads(body)["id"])] == ["paid"]
    assert (await Payment.get(id=charge.id)).state is PaymentState.SUCCEEDED
    escrow = (await ledger_of(world))["escrow"]
    assert escrow["credits_pending"] == 10000


async def test_paying_twice_and_cancelled_orders_are_refused_with_nothing_changed(api):
    world = await order_world()
    order = await paid(api, world)
    twice = await api.op("ServiceOrderPay", orderId=order["id"])
    assert errors(twice, "serviceOrderPay") == [("INVALID_INPUT", "订单已支付，请勿重复支付")]
    assert await Payment.filter(order_id=order["id"]).count() == 1
    other = await booked(api, world)
    cancelled = await api.op("ServiceOrderCancel", orderId=other["id"])
    assert cancelled["data"]["serviceOrderCancel"]["order"]["state"] == "CANCELLED"
    late = await api.op("ServiceOrderPay", orderId=other["id"])
    assert errors(late, "serviceOrderPay") == [("INVALID_INPUT", "订单已取消，不能支付，请重新下单")]
    assert await Payment.filter(order_id=other["id"]).count() == 0
    assert (await Slot.get(id=world.slot.id)).booked == 1  # the cancelled one gave its place back


async def test_a_provider_without_a_payout_account_for_the_gateway_cannot_be_paid_through_it(api):
    world = await order_world()
    order = await booked(api, world)
    refused = await api.op("ServiceOrderPay", orderId=order["id"], gateway="STRIPE")
    assert errors(refused, "serviceOrderPay") == [("INVALID_INPUT", "该服务商尚未开通 Stripe 收款账户，暂不能在线支付")]
    assert await Payment.filter(order_id=order["id"]).count() == 0
    assert (await Order.get(id=order["id"])).gateway is PaymentGatewayName.SANDBOX


async def test_a_full_slot_is_refused_and_outsiders_do_not_find_the_order(api, make_person):
    world = await order_world(capacity=1)
    order = await booked(api, world)
    await api.sign_in(world.neighbour.handle)
    full = await api.op("ServiceOrderBook", serviceId=str(world.service.id), slotId=str(world.slot.id), quantity=2)
    assert errors(full, "serviceOrderBook") == [("CONFLICT", "该时段已约满，请选择其他时段")]
    assert (await api.op("ServiceOrder", id=order["id"]))["data"]["serviceOrder"] is None
    confirm = await api.op("ServiceOrderConfirm", orderId=order["id"])
    assert errors(confirm, "serviceOrderConfirm") == [("NOT_FOUND", "找不到该订单")]
    too_few = await api.op("ServiceOrderBook", serviceId=str(world.service.id), slotId=str(world.slot.id), quantity=1)
    assert errors(too_few, "serviceOrderBook") == [("INVALID_INPUT", "数量须在 2 到 24 之间")]
    assert await Order.filter(resident_id=world.neighbour.id).count() == 0


async def test_a_worker_sees_only_the_orders_assigned_to_them(api, make_person):
    world = await order_world()
    await completed(api, world)
    await api.sign_in(world.admin.handle)
    everything = (await api.op("ProviderOrders", providerId=str(world.provider.id), first=10))["data"]
    assert len(everything["providerOrders"]["nodes"]) == 1
    await api.sign_in(world.neighbour.handle)
    outsider = await api.op("ProviderOrders", providerId=str(world.provider.id), first=10)
    assert outsider["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_the_resident_follows_the_order_live_after_each_change_commits(app, api):
    world = await order_world()
    order = await paid(api, world)
    tokens = await api.sign_in(world.resident.handle)
    async with (
        httpx.AsyncClient(transport=ASGIWebSocketTransport(app), base_url="http://test") as client,
        aconnect_ws("/graphql", client, subprotocols=["graphql-transport-ws"]) as ws,
    ):
        await ws.send_json({"type": "connection_init", "payload": {"authorization": f"Bearer {tokens['accessToken']}"}})
        assert (await ws.receive_json())["type"] == "connection_ack"
        await ws.send_json({"id": "o", "type": "subscribe", "payload": {
            "query": client_operations("mini_program")["ServiceOrderUpdated"], "variables": {"orderId": order["id"]}}})
        await eventually(lambda: _subscribers(orders.channel(order["id"])))
        await api.sign_in(world.admin.handle)
        await api.op("ServiceOrderAccept", orderId=order["id"])
        heard = await asyncio.wait_for(ws.receive_json(), timeout=20)
        seen = heard["payload"]["data"]["serviceOrderUpdated"]
        assert seen["state"] == "ACCEPTED" and seen["commissionFen"] is None and "CANCEL" in seen["actions"]
