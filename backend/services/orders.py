"""Orders: who reaches an order and in which role (docs/services.md "Who does what"), the resident's
notification and live update of each change, and what a payment provider's notification does to its
order. Booking is backend/services/booking.py, the transitions transitions.py."""

from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from uuid import UUID

from backend.core.actor import Actor, ProxyScope
from backend.core.clock import clock
from backend.core.db import after_commit
from backend.core.errors import DomainError, ErrorCode
from backend.core.permissions import Permission, has
from backend.core.runtime import runtime
from backend.notify import service as notify
from backend.payments.models import Payment, PaymentKind, PaymentState
from backend.payments.port import EventKind, GatewayEvent, PaymentGatewayName, gateway
from backend.services import access, money, refunds
from backend.services.models import ACCEPT_WITHIN_MINUTES, Order, OrderState, ProviderMember, ProviderRole
from backend.services.states import ORDER_STATES

# What an order is shown with wherever it is listed.
ORDER_RELATED = ("provider", "service", "worker")


def not_found() -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, "找不到该订单", field="orderId")


def subject_or_none(actor: Actor) -> UUID | None:
    """For whom the actor acts on orders (the principal under the ORDER scope); None otherwise."""
    if actor.person_id is None:
        return None
    try:
        return actor.subject(ProxyScope.ORDER)
    except DomainError:
        return None


@dataclass(frozen=True)
class Viewer:
    """Who looks at orders, worked out once per request: the resident they act for, the providers
    they work for (in person) and whether they are an operator."""

    actor: Actor
    me: UUID | None
    provider_roles: dict[UUID, ProviderRole] = field(default_factory=dict)
    operator: bool = False

    def is_resident(self, order: Order) -> bool:
        return self.me is not None and self.me == order.resident_id

    def is_admin(self, order: Order) -> bool:
        return self.provider_roles.get(order.provider_id) is ProviderRole.ADMIN

    def is_worker(self, order: Order) -> bool:
        """Assigned to it, or a worker of its provider looking at it while nobody has taken it yet."""
        if self.provider_roles.get(order.provider_id) is None:
            return False
        if order.worker_id is None:
            return order.state is OrderState.PAID
        return order.worker_id == self.actor.person_id

    def is_staff(self, order: Order) -> bool:
        return not self.actor.is_proxy and has(self.actor, Permission.SERVICES_MANAGE, order.community_id)

    def reaches(self, order: Order) -> bool:
        return (self.is_resident(order) or self.is_admin(order) or self.is_worker(order) or self.is_staff(order)
                or self.operator)

    def sees_commission(self, order: Order) -> bool:
        return self.is_admin(order) or self.operator

    def sees_address(self, order: Order) -> bool:
        """Those who go there or send someone: the resident, the provider's admin, the worker assigned."""
        assigned = order.worker_id is not None and order.worker_id == self.actor.person_id
        return self.is_resident(order) or self.is_admin(order) or assigned


async def viewer_of(actor: Actor, *, tx=None) -> Viewer:
    if actor.person_id is None:
        return Viewer(actor, None)
    roles: dict[UUID, ProviderRole] = {}
    if not actor.is_proxy:
        query = ProviderMember.filter(person_id=actor.person_id, active=True)
        roles = dict(await (query.using_db(tx) if tx else query).values_list("provider_id", "role"))
    return Viewer(actor, subject_or_none(actor), roles, await access.is_operator(actor))


async def get_order_for(actor: Actor, order_id: UUID, *, tx=None, lock: bool = False) -> tuple[Order, Viewer]:
    """The order as the actor may reach it, with who they are to it; not-found outside their reach.
    With `lock` (inside `tx`) the row is locked for the transition that follows."""
    actor.require_person()
    query = Order.filter(id=order_id)
    if lock:
        query = query.select_for_update()
    order = await (query.using_db(tx) if tx else query).first()
    if order is None:
        raise not_found()
    viewer = await viewer_of(actor, tx=tx)
    if not viewer.reaches(order):
        raise not_found()
    return order, viewer


async def loaded(order_id: UUID) -> Order:
    return await Order.filter(id=order_id).select_related(*ORDER_RELATED).get()


def channel(order_id: UUID) -> str:
    return f"services:order:{order_id}"


async def tell(tx, order: Order, *, title: str, body: str, key: str | None = None) -> None:
    """The resident hears of a change (inbox and push, in `tx`); live followers after the commit."""
    key_prefix = f"order:{order.id}:{key or order.state.value.lower()}"
    page = f"services/pages/order/index?id={order.id}"
    await notify.deliver_many(tx, person_ids=[order.resident_id], kind="services.order", title=title, body=body,
                              key_prefix=key_prefix)
    await notify.queue_push(tx, person_ids=[order.resident_id], kind="services.order", title=title, body=body,
                            key_prefix=key_prefix, page=page)
    publish_update(tx, order.id)


def publish_update(tx, order_id: UUID) -> None:
    after_commit(tx, partial(runtime().pubsub.publish, channel(order_id), str(order_id)))


async def mark_paid(tx, order: Order, *, gateway_fee_fen: int = 0) -> None:
    """PENDING_PAYMENT → PAID (by the system): the accept deadline starts and the holds are written."""
    now = clock.now()
    order.paid_at, order.accept_by, order.pay_by = now, now + timedelta(minutes=ACCEPT_WITHIN_MINUTES), None
    order.gateway_fee_fen = gateway_fee_fen
    await ORDER_STATES.move(tx, order, OrderState.PAID, actor=None)
    if order.gateway is not PaymentGatewayName.NONE:
        await money.write_holds(tx, order)
    await tell(tx, order, title="订单已支付", body="订单已支付，等待服务商接单")


def _order_id(value) -> UUID | None:
    try:
        return UUID(str(value)) if value is not None else None
    except ValueError:
        return None


async def _charge_of(tx, gateway_name: PaymentGatewayName, event: GatewayEvent) -> Payment | None:
    """The CHARGE the event is about: by its reference, or (a notification faster than our write of
    the reference) the order's pending charge that has none yet."""
    found = await Payment.filter(gateway=gateway_name.value, kind=PaymentKind.CHARGE, reference=event.reference
                                 ).select_for_update().using_db(tx).first()
    order_id = _order_id(event.order_id)
    if found is None and order_id is not None:
        found = await Payment.filter(gateway=gateway_name.value, kind=PaymentKind.CHARGE, order_id=order_id,
                                     reference=None, state=PaymentState.PENDING
                                     ).order_by("-id").select_for_update().using_db(tx).first()
        if found is not None:
            found.reference = event.reference
    return found


async def apply_payment_event(tx, gateway_name: PaymentGatewayName, event: GatewayEvent) -> str:
    """Apply a verified notification to its order inside `tx`; returns what it changed (or why
    nothing), recorded on its ProcessedEvent. Safe in any order: each kind acts only where it still
    fits the order's state."""
    gateway_name = PaymentGatewayName(gateway_name)
    if event.kind in (EventKind.CHARGE_SUCCEEDED, EventKind.CHARGE_FAILED):
        payment = await _charge_of(tx, gateway_name, event)
        if payment is None:
            return "unknown"
        order = await Order.filter(id=payment.order_id).select_for_update().using_db(tx).get()
        if event.kind is EventKind.CHARGE_FAILED:
            return await _charge_failed(tx, order, payment, event)
        return await _charge_succeeded(tx, order, payment, event)
    if event.kind in (EventKind.REFUND_SUCCEEDED, EventKind.REFUND_FAILED, EventKind.SHARE_FINISHED):
        kind = PaymentKind.PROFIT_SHARE if event.kind is EventKind.SHARE_FINISHED else PaymentKind.REFUND
        payment = await Payment.filter(gateway=gateway_name.value, kind=kind, reference=event.reference
                                       ).select_for_update().using_db(tx).first()
        if payment is None:
            return "unknown"
        succeeded = event.kind is not EventKind.REFUND_FAILED
        if payment.state is not PaymentState.PENDING:
            return f"already {payment.state.value.lower()}"
        payment.state = PaymentState.SUCCEEDED if succeeded else PaymentState.FAILED
        payment.settled_at = event.occurred_at or clock.now()
        await payment.save(using_db=tx, update_fields=["state", "settled_at", "updated_at"])
        return f"{kind.value.lower()} {payment.state.value.lower()}"
    return "ignored"


async def _charge_failed(tx, order: Order, payment: Payment, event: GatewayEvent) -> str:
    if payment.state is not PaymentState.PENDING:
        return f"stale: charge already {payment.state.value.lower()}"
    payment.state, payment.failure = PaymentState.FAILED, event.raw_type[:200]
    await payment.save(using_db=tx, update_fields=["state", "failure", "reference", "updated_at"])
    if order.state is OrderState.PENDING_PAYMENT:  # a new attempt gets a new idempotency key
        order.payment_version += 1
        await order.save(using_db=tx, update_fields=["payment_version", "updated_at"])
    return "charge failed"


async def _charge_succeeded(tx, order: Order, payment: Payment, event: GatewayEvent) -> str:
    if payment.state is PaymentState.SUCCEEDED:
        return "already paid"
    if event.amount_fen != payment.amount_fen:
        return f"amount mismatch: {event.amount_fen} notified, {payment.amount_fen} charged; not applied"
    payment.state, payment.settled_at = PaymentState.SUCCEEDED, event.occurred_at or clock.now()
    payment.gateway_fee_fen = event.gateway_fee_fen
    await payment.save(using_db=tx, update_fields=["state", "settled_at", "gateway_fee_fen", "reference",
                                                   "updated_at"])
    if order.state is not OrderState.PENDING_PAYMENT:
        # Paid after it was cancelled (unpaid in time) or paid twice: the resident must not lose money.
        await refunds.request(tx, order, amount_fen=payment.amount_fen, charge=payment,
                              reason="订单已取消，退还支付款项")
        return "stale: refunded"
    await mark_paid(tx, order, gateway_fee_fen=event.gateway_fee_fen)
    return "paid"



def fee_borne_by_platform(order: Order) -> bool:
    if order.gateway is PaymentGatewayName.NONE:
        return True
    return gateway(order.gateway).fee_borne_by_platform
