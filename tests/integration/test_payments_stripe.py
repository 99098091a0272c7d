"""The Stripe adapter against localstripe (tests/integration/localstripe.py), which stands in for
Stripe's API: PaymentIntents confirmed with a test card, refunds, lists, and signed webhooks. What
localstripe does not model (Connect's transfer_data and application fees, the refund flags,
idempotency keys, the list filter by time) is asserted on the request the stripe library sends; the
notifications it never sends (refunds) are signed by the stripe library's own WebhookSignature code."""

import dataclasses
import io
import json
import time
import uuid
from datetime import timedelta

import pytest
import stripe
from PIL import Image
from tortoise.expressions import Q

from backend.core import days
from backend.ledger.models import Account, Transfer
from backend.payments import port, stripe_gateway
from backend.payments.models import Payment, ProcessedEvent
from backend.payments.port import ChargeRequest, EventKind, InvalidNotification, Payee, RefundRequest
from backend.services.models import Order, OrderEvent
from tests.integration.localstripe import DECLINED_CARD, PUBLISHABLE_KEY, LocalStripe
from tests.integration.services_helpers import verified_provider

pytest_plugins = ["tests.integration.localstripe"]

ACCOUNT = "acct_1LinliHousekeeping"  # the provider's connected account


def charge_request(order_id=None, *, amount_fen=10000, fee_fen=1000, version=1) -> ChargeRequest:
    order_id = order_id or uuid.uuid4()
    return ChargeRequest(order_id=order_id, key=port.idempotency_key(order_id, "pay", version), amount_fen=amount_fen,
                         application_fee_fen=fee_fen, description="日常保洁 2 小时",
                         payee=Payee(stripe_account_id=ACCOUNT))


async def paid_charge(emulator: LocalStripe, request: ChargeRequest | None = None) -> tuple[ChargeRequest, dict]:
    """A charge made by the adapter and paid with the test card, as the client would: the intent."""
    request = request or charge_request()
    session = await port.gateway("STRIPE").create_charge(request)
    intent = await emulator.pay_with_card(session.client_params["clientSecret"])
    assert intent["status"] == "succeeded"
    return request, intent


def refund_request(charge: ChargeRequest, reference: str, amount_fen: int, version: int = 1) -> RefundRequest:
    return RefundRequest(order_id=charge.order_id, key=port.idempotency_key(charge.order_id, "refund", version),
                         charge_reference=reference, amount_fen=amount_fen, charge_amount_fen=charge.amount_fen,
                         refund_application_fee=True, reverse_transfer=True, reason="服务商拒单")


async def test_a_destination_charge_carries_the_commission_and_its_success_notice_reads_as_paid(
        stripe_on_localstripe):
    # Stands in for: Stripe's PaymentIntents (create, confirm with a card) and its webhook delivery.
    gateway = port.gateway("STRIPE")
    request = charge_request()
    session = await gateway.create_charge(request)

    assert session.reference.startswith("pi_")
    assert session.client_params["clientSecret"].startswith(f"{session.reference}_secret_")
    assert session.client_params["publishableKey"] == PUBLISHABLE_KEY
    [sent] = stripe_on_localstripe.requests_to("POST", "/v1/payment_intents")
    assert sent.idempotency_key == f"order:{request.order_id}:pay:v1"
    assert sent.params == {"amount": "10000", "currency": "cny", "description": "日常保洁 2 小时",
                           "metadata[order_id]": str(request.order_id),
                           "transfer_data[destination]": ACCOUNT, "application_fee_amount": "1000"}

    intent = await stripe_on_localstripe.pay_with_card(session.client_params["clientSecret"])
    assert (intent["status"], intent["amount"], intent["currency"]) == ("succeeded", 10000, "cny")

    delivery = await stripe_on_localstripe.delivery("payment_intent.succeeded", session.reference)
    [event] = gateway.parse_notification(delivery.headers, delivery.body)
    assert (event.kind, event.reference, event.order_id, event.amount_fen) == (
        EventKind.CHARGE_SUCCEEDED, session.reference, request.order_id, 10000)
    assert event.event_id == delivery.event["id"] and event.raw_type == "payment_intent.succeeded"
    assert event.occurred_at is not None

    # The fee is on the charge's balance transaction, which no webhook expands: one retrieve away.
    transaction = await stripe_on_localstripe.get(
        f"/v1/balance/history/{intent['latest_charge']['balance_transaction']}")
    assert (await gateway.with_fee(event)).gateway_fee_fen == transaction["fee"]  # localstripe charges 0
    [retrieved] = stripe_on_localstripe.requests_to("GET", f"/v1/payment_intents/{session.reference}")
    assert retrieved.params == {"expand[0]": "latest_charge.balance_transaction"}


async def test_a_declined_card_reads_as_a_failed_charge(stripe_on_localstripe):
    # Stands in for: a card Stripe declines at confirmation, and its payment_failed webhook.
    gateway = port.gateway("STRIPE")
    request = charge_request()
    session = await gateway.create_charge(request)
    intent = await stripe_on_localstripe.pay_with_card(session.client_params["clientSecret"], card=DECLINED_CARD)
    assert intent["status"] == "requires_payment_method"

    delivery = await stripe_on_localstripe.delivery("payment_intent.payment_failed", session.reference)
    [event] = gateway.parse_notification(delivery.headers, delivery.body)
    assert (event.kind, event.reference, event.order_id, event.amount_fen) == (
        EventKind.CHARGE_FAILED, session.reference, request.order_id, 10000)


async def test_the_same_key_twice_gives_the_same_payment_intent(stripe_on_localstripe):
    # Stands in for: Stripe's idempotency keys (the recorder keeps Stripe's contract, see localstripe.py).
    gateway = port.gateway("STRIPE")
    request = charge_request()
    first = await gateway.create_charge(request)
    again = await gateway.create_charge(request)  # a retry after a lost answer, or paying twice

    assert again.reference == first.reference
    assert again.client_params == first.client_params
    sent = stripe_on_localstripe.requests_to("POST", "/v1/payment_intents")
    assert [r.idempotency_key for r in sent] == [request.key, request.key]
    intents = await stripe_on_localstripe.get("/v1/payment_intents?limit=100")
    assert [i["id"] for i in intents["data"] if i["metadata"].get("order_id") == str(request.order_id)] == [
        first.reference]

    # Another amount under the same key is refused, never a second charge.
    with pytest.raises(stripe.IdempotencyError):
        await gateway.create_charge(dataclasses.replace(request, amount_fen=12000))
    # A new attempt (v2) is a new intent.
    assert (await gateway.create_charge(dataclasses.replace(request, key=charge_request(
        request.order_id, version=2).key))).reference != first.reference


async def test_a_refund_takes_back_the_fee_and_the_transfer_and_its_notices_read_per_refund(stripe_on_localstripe):
    # Stands in for: Stripe's Refunds API; the refund webhooks are signed here with the library's code.
    gateway = port.gateway("STRIPE")
    charge, intent = await paid_charge(stripe_on_localstripe)

    result = await gateway.refund(refund_request(charge, intent["id"], 3000))

    assert result.reference.startswith("re_") and result.succeeded is True  # localstripe refunds at once
    [sent] = stripe_on_localstripe.requests_to("POST", "/v1/refunds")
    assert sent.idempotency_key == f"order:{charge.order_id}:refund:v1"
    assert sent.params == {"payment_intent": intent["id"], "amount": "3000", "refund_application_fee": "true",
                           "reverse_transfer": "true", "metadata[order_id]": str(charge.order_id),
                           "metadata[reason]": "服务商拒单"}
    refund = await stripe_on_localstripe.get(f"/v1/refunds/{result.reference}")
    assert (refund["amount"], refund["payment_intent"], refund["status"]) == (3000, intent["id"], "succeeded")
    assert (await gateway.refund(refund_request(charge, intent["id"], 3000))).reference == result.reference

    delivery = LocalStripe.signed("refund.updated", refund)
    [event] = gateway.parse_notification(delivery.headers, delivery.body)
    assert (event.kind, event.reference, event.charge_reference, event.order_id, event.amount_fen) == (
        EventKind.REFUND_SUCCEEDED, result.reference, intent["id"], charge.order_id, 3000)
    assert event.event_id == delivery.event["id"]

    failed = LocalStripe.signed("refund.updated", {**refund, "status": "failed"})
    assert [e.kind for e in gateway.parse_notification(failed.headers, failed.body)] == [EventKind.REFUND_FAILED]
    pending = LocalStripe.signed("refund.created", {**refund, "status": "pending"})  # a later event will say
    assert [e.kind for e in gateway.parse_notification(pending.headers, pending.body)] == [EventKind.IGNORED]

    # A second refund: charge.refunded lists both (as older API versions and localstripe do), one event
    # each, each with its own replay key.
    second = await gateway.refund(refund_request(charge, intent["id"], 2000, version=2))
    charged = await stripe_on_localstripe.get(f"/v1/charges/{intent['latest_charge']['id']}")
    delivery = LocalStripe.signed("charge.refunded", charged)
    events = gateway.parse_notification(delivery.headers, delivery.body)
    assert sorted((e.kind, e.reference, e.amount_fen, e.charge_reference) for e in events) == sorted([
        (EventKind.REFUND_SUCCEEDED, result.reference, 3000, intent["id"]),
        (EventKind.REFUND_SUCCEEDED, second.reference, 2000, intent["id"])])
    assert len({e.event_id for e in events}) == 2


async def test_a_bad_signature_or_a_stale_timestamp_is_refused_and_answered_400(stripe_on_localstripe, api):
    # Stands in for: Stripe's webhook signatures (Stripe-Signature: t=…,v1=HMAC-SHA256), checked by
    # stripe.Webhook.construct_event with its 300 s tolerance.
    gateway = port.gateway("STRIPE")
    _, intent = await paid_charge(stripe_on_localstripe)
    genuine = await stripe_on_localstripe.delivery("payment_intent.succeeded", intent["id"])
    forged = LocalStripe.signed("payment_intent.succeeded", genuine.event["data"]["object"],
                                secret="whsec_someone_else")
    stale = LocalStripe.signed("payment_intent.succeeded", genuine.event["data"]["object"],
                               at=int(time.time()) - 301)
    tampered = dataclasses.replace(genuine, body=genuine.body.replace(b'"amount": 10000', b'"amount": 1'))
    unsigned = dataclasses.replace(genuine, headers={"content-type": "application/json"})

    for bad in (forged, stale, tampered, unsigned):
        with pytest.raises(InvalidNotification):
            gateway.parse_notification(bad.headers, bad.body)
        response = await api.http.post("/webhooks/stripe", content=bad.body, headers=bad.headers)
        assert response.status_code == 400
        assert not await ProcessedEvent.filter(gateway="STRIPE", event_id=bad.event["id"]).exists()


async def test_records_list_the_days_charges_and_refunds_page_by_page(stripe_on_localstripe, monkeypatch):
    # Stands in for: Stripe's list endpoints with `created` filters and `starting_after` pages.
    gateway = port.gateway("STRIPE")
    charge, intent = await paid_charge(stripe_on_localstripe)
    refund = await gateway.refund(refund_request(charge, intent["id"], 4000))
    unpaid = [(await gateway.create_charge(charge_request())).reference for _ in range(2)]
    monkeypatch.setattr(stripe_gateway, "PAGE", 2)  # so the day's intents take several pages

    records = {r.reference: r for r in await gateway.records(days.today())}

    assert (records[intent["id"]].kind, records[intent["id"]].amount_fen, records[intent["id"]].succeeded,
            records[intent["id"]].order_id) == ("CHARGE", 10000, True, charge.order_id)
    assert records[intent["id"]].extra["fee_fen"] == 0  # expanded from the balance transaction: localstripe's 0
    assert (records[refund.reference].kind, records[refund.reference].amount_fen, records[refund.reference].succeeded,
            records[refund.reference].order_id) == ("REFUND", 4000, True, charge.order_id)
    lists = stripe_on_localstripe.requests_to("GET", "/v1/payment_intents")
    start, end = days.day_bounds(days.today())
    assert lists[0].params["created[gte]"] == str(int(start.timestamp()))
    assert lists[0].params["created[lt]"] == str(int(end.timestamp()))
    assert len(lists) > 1 and all("starting_after" in r.params for r in lists[1:])
    assert [records[reference].succeeded for reference in unpaid] == [False, False]
    assert not {intent["id"], refund.reference} & {
        r.reference for r in await gateway.records(days.today() - timedelta(days=1))}


# ---- the order's whole life on Stripe, through the orders' GraphQL operations (docs/services.md) -----------

ORDER_FIELDS = "order { id state amountFen } errors { code message }"


async def order_move(api, field: str, token: str, **arguments) -> dict:
    """One of the order's mutations (serviceOrderAccept, …) by the contract: its payload, no errors."""
    declared = ", ".join(f"${name}: {'ID!' if name.endswith('Id') else 'String'}" for name in arguments)
    passed = ", ".join(f"{name}: ${name}" for name in arguments)
    response = await api.query(f"mutation({declared}) {{ {field}({passed}) {{ {ORDER_FIELDS} }} }}", token=token,
                               **arguments)
    payload = response["data"][field]
    assert payload["errors"] == [], payload
    return payload["order"]


async def order_state(api, order_id: str, token: str) -> str:
    response = await api.query("query($id: ID!) { serviceOrder(id: $id) { state } }", token=token, id=order_id)
    return response["data"]["serviceOrder"]["state"]


async def stripe_order(api, emulator: LocalStripe, make_person, make_community):
    """A resident's order with a provider paid through Stripe, booked and paid as the client does it:
    the order, the tokens, the provider, the intent and localstripe's success notice (not yet delivered)."""
    place = await make_community()
    resident = await make_person(place.community.id, ["RESIDENT"], room=place.rooms[0])
    setup = await verified_provider(make_person, place.community, stripe_account_id=ACCOUNT)
    tokens = {who: (await api.sign_in(person.handle))["accessToken"]
              for who, person in (("admin", setup.admin), ("worker", setup.worker), ("resident", resident))}
    booked = await api.query(f"""mutation($s: ID!, $t: ID!) {{ serviceOrderBook(serviceId: $s, slotId: $t,
      quantity: 2) {{ {ORDER_FIELDS} }} }}""", token=tokens["resident"], s=str(setup.service.id), t=str(setup.slot.id))
    order = booked["data"]["serviceOrderBook"]["order"]
    paying = await api.query("""mutation($o: ID!) { serviceOrderPay(orderId: $o) { order { id state } gateway
      clientParams errors { code message } } }""", token=tokens["resident"], o=order["id"])
    payment = paying["data"]["serviceOrderPay"]
    assert payment["errors"] == [] and payment["gateway"] == "STRIPE"
    intent = await emulator.pay_with_card(json.loads(payment["clientParams"])["clientSecret"])
    notice = await emulator.delivery("payment_intent.succeeded", intent["id"])
    return order, tokens, setup, intent, notice


async def deliver(api, delivery) -> None:
    response = await api.http.post("/webhooks/stripe", content=delivery.body, headers=delivery.headers)
    assert (response.status_code, response.json()) == (200, {"received": True})


async def proof_photo(api, token: str) -> str:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "white").save(out, "JPEG")
    response = await api.http.post("/uploads", params={"kind": "proof_photo"}, headers={
        "authorization": f"Bearer {token}"}, files={"file": ("door.jpg", out.getvalue(), "image/jpeg")})
    assert response.status_code == 200
    return response.json()["id"]


async def test_an_order_runs_end_to_end_on_localstripe(stripe_on_localstripe, api, make_person, make_community):
    # Stands in for: Stripe end to end, a Connect destination charge from payment to the provider's share.
    from backend.services.settlement import settle_due

    order, tokens, setup, intent, notice = await stripe_order(api, stripe_on_localstripe, make_person, make_community)
    commission = (await api.query("query($id: ID!) { serviceOrder(id: $id) { commissionFen } }",
                                  token=tokens["admin"], id=order["id"]))["data"]["serviceOrder"]["commissionFen"]
    [sent] = [r for r in stripe_on_localstripe.requests_to("POST", "/v1/payment_intents")
              if r.params["metadata[order_id]"] == order["id"]]
    assert (sent.params["amount"], sent.params["transfer_data[destination]"]) == (str(order["amountFen"]), ACCOUNT)
    assert sent.params["application_fee_amount"] == str(commission)
    assert sent.idempotency_key == f"order:{order['id']}:pay:v1"

    await deliver(api, notice)
    assert await order_state(api, order["id"], tokens["resident"]) == "PAID"
    await order_move(api, "serviceOrderAccept", tokens["admin"], orderId=order["id"], workerId=str(setup.worker.id))
    await order_move(api, "serviceOrderDepart", tokens["worker"], orderId=order["id"])
    await order_move(api, "serviceOrderCheckIn", tokens["worker"], orderId=order["id"],
                     photoUploadId=await proof_photo(api, tokens["worker"]))
    await order_move(api, "serviceOrderStart", tokens["worker"], orderId=order["id"])
    await order_move(api, "serviceOrderComplete", tokens["worker"], orderId=order["id"])
    confirmed = await order_move(api, "serviceOrderConfirm", tokens["resident"], orderId=order["id"])
    assert confirmed["state"] == "CONFIRMED"
    await settle_due()
    assert await order_state(api, order["id"], tokens["resident"]) == "SETTLED"

    # The ledger: what left escrow is the provider's share, the commission and Stripe's fee, which add
    # up to what was paid; the fee is the platform's (out of its commission, a destination charge).
    escrow = await Account.get(owner_kind="provider", owner_id=setup.provider.id, code="escrow")
    legs = {}
    for transfer in await Transfer.filter(debit_account_id=escrow.id).prefetch_related("credit_account"):
        legs[transfer.credit_account.code] = legs.get(transfer.credit_account.code, 0) + transfer.amount
    assert legs["payable"] == order["amountFen"] - commission
    assert legs["commission"] + legs.get("gateway_fee", 0) == commission
    assert sum(legs.values()) == order["amountFen"] == intent["amount"]


async def test_a_replayed_and_an_out_of_order_stripe_event_change_nothing(stripe_on_localstripe, api, make_person,
                                                                          make_community):
    # Stands in for: Stripe's at-least-once webhooks, in any order: localstripe's own delivery replayed
    # byte for byte, and an earlier attempt's payment_failed (signed with the library's code) arriving last.
    order, tokens, setup, intent, notice = await stripe_order(api, stripe_on_localstripe, make_person, make_community)
    await deliver(api, notice)
    assert await order_state(api, order["id"], tokens["resident"]) == "PAID"
    escrow = await Account.get(owner_kind="provider", owner_id=setup.provider.id, code="escrow")

    async def snapshot():
        row = await Order.get(id=order["id"])
        return (row.state, row.paid_at, row.accept_by, row.refunded_fen,
                await OrderEvent.filter(order_id=row.id).count(),
                sorted((p.kind, p.state, p.amount_fen) for p in await Payment.filter(order_id=row.id)),
                await Transfer.filter(Q(debit_account_id=escrow.id) | Q(credit_account_id=escrow.id)).count(),
                len((await stripe_on_localstripe.get(f"/v1/refunds?payment_intent={intent['id']}"))["data"]))

    before = await snapshot()
    failed_earlier = LocalStripe.signed("payment_intent.payment_failed", {
        **notice.event["data"]["object"], "status": "requires_payment_method",
        "last_payment_error": {"code": "card_declined", "message": "Your card was declined."}},
        at=notice.event["created"] + 1)
    for late in (notice, failed_earlier, notice):
        await deliver(api, late)
    assert await snapshot() == before
    assert await ProcessedEvent.filter(gateway="STRIPE", event_id=notice.event["id"]).count() == 1
