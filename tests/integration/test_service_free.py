"""A free category (the community's CategoryPolicy says paid=False): the order needs no payment, runs
to SETTLED, and never creates a Payment row nor a ledger transfer."""

from backend.ledger.models import Pending, Transfer
from backend.payments.models import Payment
from backend.services.models import CategoryPolicy, ServiceCategory
from tests.integration.service_order_helpers import errors, order_world, run_jobs, upload_proof


async def test_a_free_order_is_settled_without_any_payment_or_transfer(api):
    world = await order_world()
    await CategoryPolicy.create(community=world.community, category=ServiceCategory.HOUSEKEEPING, paid=False)
    await api.sign_in(world.resident.handle)
    quote = (await api.op("ServiceOrderQuote", serviceId=str(world.service.id), slotId=str(world.slot.id),
                          quantity=2))["data"]["serviceOrderQuote"]
    assert (quote["paid"], quote["amountFen"]) == (False, 0)
    booked = await api.op("ServiceOrderBook", serviceId=str(world.service.id), slotId=str(world.slot.id), quantity=2)
    order = booked["data"]["serviceOrderBook"]["order"]
    assert (order["state"], order["gateway"], order["actions"]) == ("PAID", "NONE", ["CANCEL"])
    pay = await api.op("ServiceOrderPay", orderId=order["id"])
    assert errors(pay, "serviceOrderPay") == [("INVALID_INPUT", "订单已支付，请勿重复支付")]

    await api.sign_in(world.worker.handle)  # a worker accepts for themselves
    for name, variables in (("ServiceOrderAccept", {}), ("ServiceOrderDepart", {}),
                            ("ServiceOrderCheckIn", {"photoUploadId": await upload_proof(api)}),
                            ("ServiceOrderStart", {}), ("ServiceOrderComplete", {})):
        response = await api.op(name, orderId=order["id"], **variables)
        assert response["data"][name[0].lower() + name[1:]]["errors"] == [], response
    await api.sign_in(world.resident.handle)
    await api.op("ServiceOrderConfirm", orderId=order["id"])
    await run_jobs("services.settle_due", order["id"])
    settled = (await api.op("ServiceOrder", id=order["id"]))["data"]["serviceOrder"]
    assert settled["state"] == "SETTLED" and settled["actions"] == ["RATE"]
    assert settled["worker"]["id"] == str(world.worker.id)
    assert await Payment.filter(order_id=order["id"]).count() == 0
    assert await Transfer.filter(reference=f"order:{order['id']}").count() == 0
    assert await Pending.filter(debit_account__owner_id=world.resident.id).count() == 0
