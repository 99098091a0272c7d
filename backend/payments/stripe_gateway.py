"""The Stripe adapter: PaymentIntents in CNY as Connect destination charges (the money goes to the
provider's connected account, the commission stays with the platform as the application fee), refunds
that take back the application fee and the transfer as the fee policy says, webhooks verified by the
stripe library's own signature code, and the day's PaymentIntents and Refunds for reconciliation.

Every call goes through the library's async methods on its httpx client, so no request blocks the
event loop (the client refuses the sync ones)."""

import dataclasses
from datetime import UTC, date, datetime
from uuid import UUID

import stripe

from backend.core.days import day_bounds
from backend.core.settings import get_settings
from backend.payments.port import (
    ChargeRequest,
    ChargeSession,
    EventKind,
    GatewayEvent,
    GatewayRecord,
    InvalidNotification,
    PaymentGatewayName,
    RefundRequest,
    RefundResult,
    ShareRequest,
)

CURRENCY = "cny"
PAGE = 100  # Stripe's largest page

# What the library sends with: httpx's AsyncClient. A factory, so tests can wrap it to see each request.
http_client = stripe.HTTPXClient

CHARGE_EVENTS = {"payment_intent.succeeded": EventKind.CHARGE_SUCCEEDED,
                 "payment_intent.payment_failed": EventKind.CHARGE_FAILED}
REFUND_EVENTS = ("refund.created", "refund.updated", "charge.refunded")
# A refund's status that settles it (pending and requires_action: a later event will say).
REFUND_OUTCOMES = {"succeeded": True, "failed": False, "canceled": False}
FEE_EXPANSION = "latest_charge.balance_transaction"


class StripeGateway:
    name = PaymentGatewayName.STRIPE
    # A destination charge settles on the platform's balance: Stripe's fee comes out of the platform's
    # application fee, never out of the provider's transfer.
    fee_borne_by_platform = True

    def __init__(self) -> None:
        settings = get_settings()
        self._publishable_key = settings.stripe_publishable_key
        self._webhook_secret = settings.stripe_webhook_secret
        # Retries resend the same idempotency key, so a retried charge is still one charge.
        self._client = stripe.StripeClient(api_key=settings.stripe_api_key,
                                           base_addresses={"api": settings.stripe_api_base},
                                           http_client=http_client(), max_network_retries=2)

    async def create_charge(self, request: ChargeRequest) -> ChargeSession:
        if not request.payee.stripe_account_id:
            raise ValueError("a Stripe charge needs the provider's connected account (acct_…)")
        params = {"amount": request.amount_fen, "currency": CURRENCY, "description": request.description,
                  "metadata": {"order_id": str(request.order_id)},
                  "transfer_data": {"destination": request.payee.stripe_account_id}}
        if request.application_fee_fen:  # no commission: no fee to ask for
            params["application_fee_amount"] = request.application_fee_fen
        intent = await self._client.v1.payment_intents.create_async(params, {"idempotency_key": request.key})
        return ChargeSession(reference=intent.id, client_params={"clientSecret": intent.client_secret,
                                                                 "publishableKey": self._publishable_key})

    async def refund(self, request: RefundRequest) -> RefundResult:
        # Stripe's `reason` takes only its own three words: ours goes in the metadata.
        refund = await self._client.v1.refunds.create_async(
            {"payment_intent": request.charge_reference, "amount": request.amount_fen,
             "refund_application_fee": request.refund_application_fee, "reverse_transfer": request.reverse_transfer,
             "metadata": {"order_id": str(request.order_id), "reason": request.reason[:500]}},
            {"idempotency_key": request.key})
        return RefundResult(reference=refund.id, succeeded=REFUND_OUTCOMES.get(refund.status))

    async def share_commission(self, request: ShareRequest) -> bool:
        """Nothing to send: the commission was taken as the application fee with the charge, and the
        rest went to the connected account by the destination transfer."""
        return True

    def parse_notification(self, headers: dict[str, str], body: bytes) -> list[GatewayEvent]:
        try:
            event = stripe.Webhook.construct_event(body, headers.get("stripe-signature"), self._webhook_secret)
        except (stripe.SignatureVerificationError, ValueError) as error:  # ValueError: not JSON, not UTF-8
            raise InvalidNotification(str(error)) from error
        return _events(event.to_dict())

    async def with_fee(self, event: GatewayEvent) -> GatewayEvent:
        """A succeeded charge's event with Stripe's fee, when the notification did not carry it: Stripe
        sends `latest_charge` as an id, so the fee is on its balance transaction, one retrieve away
        (parse_notification is synchronous and cannot make it). The caller runs this before applying."""
        if event.kind is not EventKind.CHARGE_SUCCEEDED or event.gateway_fee_fen:
            return event
        intent = await self._client.v1.payment_intents.retrieve_async(event.reference, {"expand": [FEE_EXPANSION]})
        return dataclasses.replace(event, gateway_fee_fen=_fee(intent.to_dict().get("latest_charge")))

    def acknowledge(self) -> tuple[int, bytes, str]:
        return 200, b'{"received": true}', "application/json"

    async def records(self, day: date) -> list[GatewayRecord]:
        """The PaymentIntents and Refunds created in the Shanghai day, every page of them."""
        start, end = day_bounds(day)
        window = {"gte": int(start.timestamp()), "lt": int(end.timestamp())}
        records = []
        intents = await self._client.v1.payment_intents.list_async(
            {"created": window, "limit": PAGE, "expand": [f"data.{FEE_EXPANSION}"]})
        async for intent in intents.auto_paging_iter():
            intent = intent.to_dict()
            if _within(intent, window):  # the emulator (localstripe) lists everything: checked here too
                records.append(GatewayRecord(
                    reference=intent["id"], kind="CHARGE", amount_fen=_amount(intent),
                    succeeded=intent["status"] == "succeeded", order_id=_order_id(intent),
                    extra={"status": intent["status"], "fee_fen": _fee(intent.get("latest_charge"))}))
        refunds = await self._client.v1.refunds.list_async({"created": window, "limit": PAGE})
        async for refund in refunds.auto_paging_iter():
            refund = refund.to_dict()
            if _within(refund, window):
                records.append(GatewayRecord(
                    reference=refund["id"], kind="REFUND", amount_fen=refund["amount"],
                    succeeded=refund["status"] == "succeeded", order_id=_order_id(refund),
                    extra={"status": refund["status"], "charge_reference": refund.get("payment_intent")}))
        return records


def _events(event: dict) -> list[GatewayEvent]:
    kind, data = event["type"], event["data"]["object"]
    at = datetime.fromtimestamp(event["created"], UTC)
    if kind in CHARGE_EVENTS:
        return [GatewayEvent(event_id=event["id"], kind=CHARGE_EVENTS[kind], raw_type=kind, reference=data["id"],
                             order_id=_order_id(data), amount_fen=_amount(data), occurred_at=at,
                             gateway_fee_fen=_fee(data.get("latest_charge")))]
    if kind in REFUND_EVENTS:
        events = [_refund_event(event, refund, data, at) for refund in _refunds_of(kind, data)
                  if refund.get("status") in REFUND_OUTCOMES]
        if events:
            return events
    return [GatewayEvent(event_id=event["id"], kind=EventKind.IGNORED, raw_type=kind, reference=data.get("id", ""),
                         occurred_at=at)]


def _refunds_of(kind: str, data: dict) -> list[dict]:
    """`refund.*` carry the refund itself. `charge.refunded` carries the charge, with its refunds listed
    only by API versions before 2022-11-15 (and by localstripe): newer ones send `refund.*` as well."""
    if kind == "charge.refunded":
        return (data.get("refunds") or {}).get("data") or []
    return [data]


def _refund_event(event: dict, refund: dict, data: dict, at: datetime) -> GatewayEvent:
    # One notification may settle several refunds: each gets its own replay key.
    event_id = event["id"] if refund is data else f"{event['id']}:{refund['id']}"
    succeeded = REFUND_OUTCOMES[refund["status"]]
    return GatewayEvent(event_id=event_id, kind=EventKind.REFUND_SUCCEEDED if succeeded else EventKind.REFUND_FAILED,
                        raw_type=event["type"], reference=refund["id"],
                        charge_reference=refund.get("payment_intent") or data.get("payment_intent"),
                        order_id=_order_id(refund) or _order_id(data), amount_fen=refund["amount"], occurred_at=at)


def _amount(intent: dict) -> int:
    """What a succeeded intent took (a partial capture takes less than it asked), else what it asks."""
    if intent.get("status") == "succeeded":
        return intent.get("amount_received") or intent["amount"]
    return intent["amount"]


def _fee(charge) -> int:
    """Stripe's fee on a charge, when its balance transaction is expanded (a retrieve or a list with
    `expand`). A webhook never expands it: Stripe sends `latest_charge` as an id, localstripe inlines
    the charge but gives its balance transaction as an id (and charges no fee: 0 when expanded)."""
    if isinstance(charge, dict) and isinstance(charge.get("balance_transaction"), dict):
        return int(charge["balance_transaction"].get("fee") or 0)
    return 0


def _order_id(data: dict) -> UUID | None:
    try:
        return UUID(str((data.get("metadata") or {})["order_id"]))
    except (KeyError, ValueError):
        return None


def _within(data: dict, window: dict) -> bool:
    return window["gte"] <= int(data.get("created") or 0) < window["lt"]
