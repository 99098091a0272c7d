"""Settlement (CONFIRMED → SETTLED): the order's holds posted and its kept money split out of escrow
into the provider's share, the platform's commission and the gateway's fee (money.settle_specs).

The transfers go through the ledger's batcher (no tx: the escrow and the platform's accounts are hot),
with ids derived from the order, so a re-run answers EXISTS; then a short transaction marks the order
SETTLED. Many orders are settled at once (asyncio.gather in chunks) so the batcher groups their
transfers into few transactions. A free order settles without any transfer. Where the gateway shares
the commission after the fact (WeChat Pay 分账), an outbox job asks it to."""

import asyncio
from uuid import UUID

import structlog

from backend.core import outbox
from backend.core.clock import clock
from backend.core.db import transaction
from backend.ledger import service as ledger
from backend.payments.models import Payment, PaymentKind, PaymentState
from backend.payments.port import PaymentGatewayName, ShareRequest, gateway, idempotency_key
from backend.services import money, orders
from backend.services.models import Order, OrderState, Provider
from backend.services.states import ORDER_STATES

log = structlog.get_logger(__name__)
BATCH = 2000  # orders one run takes; the next run takes the rest
CHUNK = 100  # settled concurrently, so the ledger's batcher groups them
SHARE_TOPIC = "services.share_commission"
SHARES_COMMISSION = {PaymentGatewayName.WECHAT}  # Stripe took its application fee with the charge


async def settle_due(limit: int = BATCH) -> int:
    """Settle every confirmed order; returns how many were settled by this run."""
    ids = await Order.filter(state=OrderState.CONFIRMED).order_by("id").limit(limit).values_list("id", flat=True)
    settled = 0
    for start in range(0, len(ids), CHUNK):
        results = await asyncio.gather(*(settle_order(i) for i in ids[start:start + CHUNK]), return_exceptions=True)
        for order_id, result in zip(ids[start:start + CHUNK], results, strict=True):
            if isinstance(result, BaseException):
                log.error("settlement_failed", order_id=str(order_id), error=repr(result))
            else:
                settled += bool(result)
    return settled


async def settle_order(order_id: UUID) -> bool:
    order = await Order.filter(id=order_id).first()
    if order is None or order.state is not OrderState.CONFIRMED:
        return False
    if order.gateway is not PaymentGatewayName.NONE:
        async with transaction() as tx:  # reads only: the accounts opened, the holds' state
            specs = await money.settle_specs(tx, order, fee_borne_by_platform=orders.fee_borne_by_platform(order))
        ledger.require_ok(await ledger.create_transfers(specs))
    async with transaction() as tx:
        order = await Order.filter(id=order_id).select_for_update().using_db(tx).first()
        if order is None or order.state is not OrderState.CONFIRMED:
            return False
        order.settled_at = clock.now()
        await ORDER_STATES.move(tx, order, OrderState.SETTLED, actor=None)
        if order.gateway in SHARES_COMMISSION and order.commission_fen > 0:
            await outbox.add(tx, SHARE_TOPIC, key=idempotency_key(order.id, "share", order.payment_version),
                             order_id=str(order.id))
        orders.publish_update(tx, order.id)
    return True


async def share_commission(order_id: UUID) -> bool:
    """The job: ask the gateway to share the commission to the platform and release the rest to the
    provider (分账 then 完结), once (its Payment row and key)."""
    order = await Order.filter(id=order_id).first()
    charge = await Payment.filter(order_id=order_id, kind=PaymentKind.CHARGE, state=PaymentState.SUCCEEDED).first()
    if order is None or charge is None:
        return False
    key = idempotency_key(order.id, "share", order.payment_version)
    payment, _ = await Payment.get_or_create(key=key, defaults={
        "order_id": order.id, "gateway": charge.gateway, "kind": PaymentKind.PROFIT_SHARE,
        "amount_fen": order.commission_fen, "state": PaymentState.PENDING})
    if payment.state is PaymentState.SUCCEEDED:
        return True
    provider = await Provider.get(id=order.provider_id)
    done = await gateway(charge.gateway).share_commission(ShareRequest(
        order_id=order.id, key=key, charge_reference=charge.reference, commission_fen=order.commission_fen,
        payee=money.payee_of(provider)))
    if done:
        await Payment.filter(id=payment.id, state=PaymentState.PENDING).update(
            state=PaymentState.SUCCEEDED, settled_at=clock.now(), updated_at=clock.now())
    return done
