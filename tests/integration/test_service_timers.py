"""The order's deadlines on the injectable clock: unpaid after 15 minutes → cancelled and the slot's
place given back; completed and not confirmed in 48 h → confirmed and queued for settlement. Each
sweep applies once, however often it runs."""

from datetime import timedelta

from backend.core.clock import clock
from backend.core.outbox import OutboxMessage
from backend.services import timers
from backend.services.models import Order, OrderEvent, Slot
from tests.integration.service_order_helpers import booked, completed, order_world, state_after


async def test_an_unpaid_order_is_cancelled_after_15_minutes_and_frees_its_place(api):
    world = await order_world(capacity=1)
    order = await booked(api, world)
    assert (await Slot.get(id=world.slot.id)).booked == 1
    clock.advance(timedelta(minutes=14))
    assert await state_after(timers.cancel_unpaid, order["id"]) == "PENDING_PAYMENT"
    clock.advance(timedelta(minutes=2))
    assert await state_after(timers.cancel_unpaid, order["id"]) == "CANCELLED"
    found = await Order.get(id=order["id"])
    assert found.state.value == "CANCELLED" and found.pay_by is None
    assert (await Slot.get(id=world.slot.id)).booked == 0
    assert await OrderEvent.filter(order_id=order["id"], to_state="CANCELLED").count() == 1
    await api.sign_in(world.neighbour.handle)  # the freed place can be booked again
    again = await api.op("ServiceOrderBook", serviceId=str(world.service.id), slotId=str(world.slot.id), quantity=2)
    assert again["data"]["serviceOrderBook"]["errors"] == []


async def test_a_completed_order_is_confirmed_after_48_hours_and_queued_for_settlement(api):
    world = await order_world()
    order = await completed(api, world)
    clock.advance(timedelta(hours=47))
    assert await state_after(timers.confirm_completed, order["id"]) == "COMPLETED"
    clock.advance(timedelta(hours=2))
    assert await state_after(timers.confirm_completed, order["id"]) == "CONFIRMED"
    assert (await Order.get(id=order["id"])).state.value == "CONFIRMED"
    assert await OutboxMessage.filter(topic="services.settle_due", key=f"order:{order['id']}:settle").count() == 1
    await api.sign_in(world.resident.handle)
    late = await api.op("ServiceOrderDispute", orderId=order["id"], reason="没打扫干净")
    assert late["data"]["serviceOrderDispute"]["errors"][0]["code"] == "INVALID_INPUT"
