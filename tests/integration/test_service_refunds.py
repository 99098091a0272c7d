"""The refund matrix (docs/services.md) on the sandbox: what the resident gets back (the REFUND Payment
rows and what the refund job got from the gateway), what the provider keeps and the commission on it
(the ledger's accounts), for the provider's fault, a late cancellation by the resident, and the
operator's dispute decisions; and the refusals that change nothing."""

from datetime import timedelta

from backend.core.clock import clock
from backend.payments.models import Payment, PaymentKind, PaymentState
from backend.services.models import Order, OrderEvent, Slot
from tests.integration.service_order_helpers import (
    accepted,
    completed,
    errors,
    ledger_of,
    order_world,
    paid,
    run_jobs,
    state_after,
)


def moved(before: dict, after: dict) -> dict[str, int]:
    """What an order put where: the provider's share, the commission, the fee (posted credits), and
    what is still held in escrow."""
    def delta(account: str, side: str) -> int:
        return after[account][side] - before[account][side]

    return {"share": delta("payable", "credits_posted"), "commission": delta("commission", "credits_posted"),
            "fee": delta("gateway_fee", "credits_posted"), "held": delta("escrow", "credits_pending"),
            "paid_in": delta("payments", "debits_posted")}


async def refunds_of(order_id: str) -> list[tuple[str, int, str]]:
    await run_jobs("services.refund", order_id)
    rows = await Payment.filter(order_id=order_id, kind=PaymentKind.REFUND).order_by("id")
    return [(p.key.split(":", 2)[2], p.amount_fen, p.state.value) for p in rows]


async def test_a_declined_order_is_refunded_in_full_and_the_provider_keeps_nothing(api):
    world = await order_world()
    before = await ledger_of(world)
    order = await paid(api, world)
    await api.sign_in(world.admin.handle)
    refused = await api.op("ServiceOrderDecline", orderId=order["id"], reason=" ")
    assert errors(refused, "serviceOrderDecline") == [("INVALID_INPUT", "请填写原因")]
    declined = await api.op("ServiceOrderDecline", orderId=order["id"], reason="人手不足")
    order = declined["data"]["serviceOrderDecline"]["order"]
    assert order["state"] == "DECLINED" and order["refundedFen"] == 10000 and order["commissionFen"] == 0
    assert await refunds_of(order["id"]) == [("refund:v1", 10000, "SUCCEEDED")]
    assert moved(before, await ledger_of(world)) == {"share": 0, "commission": 0, "fee": 0, "held": 0, "paid_in": 0}
    assert (await Slot.get(id=world.slot.id)).booked == 0


async def test_an_order_nobody_accepts_in_30_minutes_is_declined_and_refunded_by_the_sweep(api):
    from backend.services import timers

    world = await order_world()
    before = await ledger_of(world)
    order = await paid(api, world)
    assert await state_after(timers.decline_unaccepted, order["id"]) == "PAID"
    clock.advance(timedelta(minutes=31))
    assert await state_after(timers.decline_unaccepted, order["id"]) == "DECLINED"
    assert await OrderEvent.filter(order_id=order["id"], to_state="DECLINED").count() == 1
    found = await Order.get(id=order["id"])
    assert found.state.value == "DECLINED" and found.refunded_fen == 10000 and found.commission_fen == 0
    assert await refunds_of(order["id"]) == [("refund:v1", 10000, "SUCCEEDED")]
    assert moved(before, await ledger_of(world))["held"] == 0
    assert (await Slot.get(id=world.slot.id)).booked == 0


async def test_a_late_cancellation_by_the_resident_keeps_the_tier_fee_with_its_commission(api):
    # The slot starts in 10 hours: 2 to 24 hours before, the fee is 20 %.
    world = await order_world()
    await world_slot_in(world, hours=10)
    before = await ledger_of(world)
    order = await accepted(api, world, quantity=4)  # ¥200, commission ¥20
    await api.sign_in(world.resident.handle)
    shown = (await api.op("ServiceOrder", id=order["id"]))["data"]["serviceOrder"]
    assert shown["cancellationFeeNowFen"] == 4000
    cancelled = await api.op("ServiceOrderCancel", orderId=order["id"], reason="临时有事")
    order = cancelled["data"]["serviceOrderCancel"]["order"]
    assert order["state"] == "CANCELLED" and order["refundedFen"] == 16000
    assert await refunds_of(order["id"]) == [("refund:v1", 16000, "SUCCEEDED")]
    found = await Order.get(id=order["id"])
    assert found.commission_fen == 400  # ¥20 × 40 / 200
    assert moved(before, await ledger_of(world)) == {"share": 3600, "commission": 400, "fee": 0, "held": 0,
                                                     "paid_in": 4000}
    assert (await Slot.get(id=world.slot.id)).booked == 0


async def world_slot_in(world, *, hours: int) -> None:
    """The world's slot moved to start `hours` from now."""
    starts = clock.now() + timedelta(hours=hours)
    await Slot.filter(id=world.slot.id).update(starts_at=starts, ends_at=starts + timedelta(hours=3))
    world.slot = await Slot.get(id=world.slot.id)


async def test_a_cancellation_before_acceptance_is_free(api):
    world = await order_world()
    before = await ledger_of(world)
    order = await paid(api, world)
    await api.sign_in(world.resident.handle)
    cancelled = await api.op("ServiceOrderCancel", orderId=order["id"])
    assert cancelled["data"]["serviceOrderCancel"]["order"]["refundedFen"] == 10000
    assert await refunds_of(order["id"]) == [("refund:v1", 10000, "SUCCEEDED")]
    assert moved(before, await ledger_of(world))["share"] == 0


async def _disputed(api, world) -> dict:
    order = await completed(api, world, quantity=4)  # ¥200, commission ¥20
    await api.sign_in(world.resident.handle)
    disputed = await api.op("ServiceOrderDispute", orderId=order["id"], reason="厨房没有打扫")
    assert disputed["data"]["serviceOrderDispute"]["order"]["state"] == "DISPUTED"
    await api.sign_in(world.operator.handle)
    return disputed["data"]["serviceOrderDispute"]["order"]


async def test_a_partial_dispute_refund_settles_the_rest_with_its_commission(api, console):
    world = await order_world()
    before = await ledger_of(world)
    order = await _disputed(api, world)
    await console.sign_in(world.resident.handle)
    not_operator = await console.op("ServiceOrderDisputeResolve", orderId=order["id"], outcome="REFUND", note="全退")
    assert errors(not_operator, "serviceOrderDisputeResolve") == [("FORBIDDEN", "只有平台运营方可以进行此项操作")]
    await console.sign_in(world.operator.handle)
    too_much = await console.op("ServiceOrderDisputeResolve", orderId=order["id"], outcome="PARTIAL", refundFen=20001,
                                note="退一部分")
    assert errors(too_much, "serviceOrderDisputeResolve") == [("INVALID_INPUT", "退款金额不能超过实付金额")]
    assert (await Order.get(id=order["id"])).state.value == "DISPUTED"
    assert await Payment.filter(order_id=order["id"], kind=PaymentKind.REFUND).count() == 0
    resolved = await console.op("ServiceOrderDisputeResolve", orderId=order["id"], outcome="PARTIAL", refundFen=5000,
                                note="厨房未打扫，退 ¥50")
    order = resolved["data"]["serviceOrderDisputeResolve"]["order"]
    assert order["state"] == "CONFIRMED" and order["refundedFen"] == 5000 and order["commissionFen"] == 1500
    assert order["dispute"]["outcome"] == "PARTIAL" and order["dispute"]["refundFen"] == 5000
    assert await refunds_of(order["id"]) == [("refund:v1", 5000, "SUCCEEDED")]
    await run_jobs("services.settle_due", order["id"])
    assert (await Order.get(id=order["id"])).state.value == "SETTLED"
    assert moved(before, await ledger_of(world)) == {"share": 13500, "commission": 1500, "fee": 0, "held": 0,
                                                     "paid_in": 15000}


async def test_a_full_dispute_refund_gives_everything_back(api, console):
    world = await order_world()
    before = await ledger_of(world)
    order = await _disputed(api, world)
    await console.sign_in(world.operator.handle)
    resolved = await console.op("ServiceOrderDisputeResolve", orderId=order["id"], outcome="REFUND",
                                note="未提供服务")
    order = resolved["data"]["serviceOrderDisputeResolve"]["order"]
    assert order["state"] == "REFUNDED" and order["refundedFen"] == 20000 and order["commissionFen"] == 0
    assert await refunds_of(order["id"]) == [("refund:v1", 20000, "SUCCEEDED")]
    assert moved(before, await ledger_of(world)) == {"share": 0, "commission": 0, "fee": 0, "held": 0, "paid_in": 0}


async def test_a_released_dispute_pays_the_provider_in_full(api, console):
    world = await order_world()
    before = await ledger_of(world)
    order = await _disputed(api, world)
    await console.sign_in(world.operator.handle)
    resolved = await console.op("ServiceOrderDisputeResolve", orderId=order["id"], outcome="RELEASE", note="已打扫")
    assert resolved["data"]["serviceOrderDisputeResolve"]["order"]["state"] == "CONFIRMED"
    await run_jobs("services.settle_due", order["id"])
    assert await Payment.filter(order_id=order["id"], kind=PaymentKind.REFUND).count() == 0
    assert moved(before, await ledger_of(world)) == {"share": 18000, "commission": 2000, "fee": 0, "held": 0,
                                                     "paid_in": 20000}


async def test_a_no_show_after_the_booked_time_is_refunded_in_full(api):
    world = await order_world()
    before = await ledger_of(world)
    order = await accepted(api, world)
    await api.sign_in(world.resident.handle)
    early = await api.op("ServiceOrderNoShow", orderId=order["id"])
    assert errors(early, "serviceOrderNoShow") == [("INVALID_INPUT", "预约时间到了之后才能报告未上门")]
    clock.advance(timedelta(days=3))
    await api.sign_in(world.resident.handle)  # a fresh token, three days on
    reported = await api.op("ServiceOrderNoShow", orderId=order["id"])
    assert reported["data"]["serviceOrderNoShow"]["order"]["state"] == "NO_SHOW"
    assert await refunds_of(order["id"]) == [("refund:v1", 10000, "SUCCEEDED")]
    assert moved(before, await ledger_of(world))["held"] == 0


async def test_a_charge_that_succeeds_after_the_order_was_cancelled_is_refunded(api):
    from backend.payments.port import EventKind, PaymentGatewayName, gateway
    from backend.services import payment_events, timers

    world = await order_world()
    await api.sign_in(world.resident.handle)
    booked = await api.op("ServiceOrderBook", serviceId=str(world.service.id), slotId=str(world.slot.id), quantity=2)
    order_id = booked["data"]["serviceOrderBook"]["order"]["id"]
    await api.op("ServiceOrderPay", orderId=order_id)
    clock.advance(timedelta(minutes=16))
    assert await state_after(timers.cancel_unpaid, order_id) == "CANCELLED"
    charge = await Payment.get(order_id=order_id, kind=PaymentKind.CHARGE)
    headers, body = gateway(PaymentGatewayName.SANDBOX).notification(
        kind=EventKind.CHARGE_SUCCEEDED, reference=charge.reference, order_id=order_id, amount_fen=10000)
    clock.reset()
    assert await payment_events.receive("sandbox", headers, body) == (200, b'{"received": true}', "application/json")
    assert (await Order.get(id=order_id)).state.value == "CANCELLED"
    assert (await Payment.get(id=charge.id)).state is PaymentState.SUCCEEDED
    assert await refunds_of(order_id) == [("refund:v1", 10000, "SUCCEEDED")]


async def test_confirming_someone_elses_order_is_not_found(api):
    world = await order_world()
    order = await completed(api, world)
    await api.sign_in(world.neighbour.handle)
    response = await api.op("ServiceOrderConfirm", orderId=order["id"])
    assert errors(response, "serviceOrderConfirm") == [("NOT_FOUND", "找不到该订单")]
    assert (await Order.get(id=order["id"])).state.value == "COMPLETED"
