"""Notifications from the payment providers (webhooks): verified by the gateway's adapter, handled
once each, applied to their order. A replay (the same event id) changes nothing; an event that
arrives after a later one (out of order) is applied only where it still makes sense for the order's
state, otherwise recorded as stale."""

from uuid import UUID

import structlog
from tortoise.exceptions import IntegrityError

from backend.core.db import transaction
from backend.payments.models import ProcessedEvent
from backend.payments.port import GatewayEvent, InvalidNotification, PaymentGatewayName, gateway
from backend.services import orders

log = structlog.get_logger(__name__)


async def receive(gateway_name: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes, str]:
    """The HTTP answer to one notification: the adapter's acknowledgement once handled (or already
    handled), 400 when it does not verify (nothing applied)."""
    try:
        adapter = gateway(gateway_name.upper())
    except ValueError:
        return 404, b"unknown gateway", "text/plain"
    try:
        events = adapter.parse_notification({k.lower(): v for k, v in headers.items()}, body)
    except InvalidNotification as error:
        log.warning("payment_notification_refused", gateway=gateway_name, reason=str(error))
        return 400, b"invalid notification", "text/plain"
    for event in events:
        await handle(adapter.name, await adapter.with_fee(event))
    return adapter.acknowledge()


async def handle(gateway_name: PaymentGatewayName, event: GatewayEvent) -> str:
    """Apply one verified event exactly once: its ProcessedEvent row and its effect commit together,
    so a replay racing the first delivery meets the unique key and changes nothing. Returns the
    outcome recorded."""
    try:
        async with transaction() as tx:
            record = await ProcessedEvent.create(gateway=gateway_name.value, event_id=event.event_id,
                                                 kind=event.raw_type, outcome="", using_db=tx)
            record.outcome = (await apply_event(tx, gateway_name, event))[:200]
            await record.save(using_db=tx, update_fields=["outcome"])
            return record.outcome
    except IntegrityError:
        return "replayed"


async def apply_event(tx, gateway_name: PaymentGatewayName, event: GatewayEvent) -> str:
    return await orders.apply_payment_event(tx, gateway_name, event)


def order_id_of(value) -> UUID | None:
    try:
        return UUID(str(value))
    except ValueError:
        return None
