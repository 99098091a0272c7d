"""Refunds (docs/services.md "Refund matrix"): what the provider keeps decides everything else — the
resident gets the rest of their payment back through the gateway, the ledger's holds are posted for
the kept part (or voided), and the commission follows in proportion (nothing on the provider's fault).

A refund is a Payment(REFUND, PENDING, key `order:{id}:refund:v{n}`) and an outbox job, written in the
caller's transaction; the job asks the gateway after the commit (a network call never runs inside a
transaction) and records its answer, and the gateway's notification confirms it later."""

from uuid import UUID

from backend.core import outbox
from backend.core.clock import clock
from backend.core.errors import DomainError, ErrorCode
from backend.payments.models import Payment, PaymentKind, PaymentState
from backend.payments.port import PaymentGatewayName, RefundRequest, gateway, idempotency_key
from backend.services import money
from backend.services.models import Order, PayerKind, Provider

REFUND_TOPIC = "services.refund"


def too_much() -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, "退款金额不能超过实付金额", field="refundFen")


async def paid_charge(tx, order: Order) -> Payment | None:
    """The order's charge that succeeded (None: nothing was paid through a gateway)."""
    return await Payment.filter(order_id=order.id, kind=PaymentKind.CHARGE, state=PaymentState.SUCCEEDED
                                ).order_by("-id").using_db(tx).first()


def refundable(order: Order, charge: Payment | None) -> int:
    return (charge.amount_fen if charge else 0) - order.refunded_fen


async def request(tx, order: Order, *, amount_fen: int, charge: Payment, reason: str) -> Payment:
    """Refund `amount_fen` of `charge`: the Payment row and its job, and the order's refunded total."""
    if amount_fen <= 0 or amount_fen > refundable(order, charge):
        raise too_much()
    version = await Payment.filter(order_id=order.id, kind=PaymentKind.REFUND).using_db(tx).count() + 1
    key = idempotency_key(order.id, "refund", version)
    payment = await Payment.create(order_id=order.id, gateway=charge.gateway, kind=PaymentKind.REFUND, key=key,
                                   amount_fen=amount_fen, state=PaymentState.PENDING, using_db=tx)
    order.refunded_fen += amount_fen
    await order.save(using_db=tx, update_fields=["refunded_fen", "updated_at"])
    await outbox.add(tx, REFUND_TOPIC, key=key, payment_id=str(payment.id), reason=reason[:100])
    return payment


def commission_after(order: Order, kept_fen: int, *, provider_fault: bool) -> int:
    """The commission on what the provider keeps: in proportion, never more than it keeps."""
    if provider_fault or kept_fen <= 0 or order.amount_fen <= 0:
        return 0
    return min(kept_fen, round(order.commission_fen * kept_fen / order.amount_fen))


def check_partial(order: Order, charge: Payment | None, refund_fen: int) -> None:
    """A partial refund is of the resident's own payment, at most what is left of it."""
    if refund_fen <= 0:
        raise DomainError(ErrorCode.INVALID_INPUT, "退款金额须大于 0", field="refundFen")
    if refund_fen > refundable(order, charge):
        raise too_much()


async def keep(tx, order: Order, kept_fen: int, *, reason: str, provider_fault: bool = False,
               settle: bool = True, fee_borne_by_platform: bool = True) -> Payment | None:
    """The provider keeps `kept_fen` of the amount, before settlement: the resident's refund of the
    rest of their payment, the holds resolved, the commission recomputed. `settle`: the order ends
    here, so the kept part is settled at once (a cancellation fee); otherwise settlement follows."""
    kept_fen = max(0, min(kept_fen, order.amount_fen))
    charge = await paid_charge(tx, order)
    resident_kept = money.split_kept(order, kept_fen).get(PayerKind.RESIDENT, 0)
    back = (charge.amount_fen if charge else 0) - resident_kept - order.refunded_fen
    order.commission_fen = commission_after(order, kept_fen, provider_fault=provider_fault)
    await order.save(using_db=tx, update_fields=["commission_fen", "updated_at"])
    if order.gateway is not PaymentGatewayName.NONE:
        await money.resolve_refund(tx, order, kept_fen, fee_borne_by_platform=fee_borne_by_platform, settle=settle)
    if charge is None or back <= 0:
        return None
    return await request(tx, order, amount_fen=back, charge=charge, reason=reason)


async def send(payment_id: UUID, reason: str = "") -> str:
    """The job: ask the gateway for the refund (the same key on a retry gets the first answer) and
    record what it says. A refund already answered is left alone."""
    payment = await Payment.filter(id=payment_id, kind=PaymentKind.REFUND).first()
    if payment is None or payment.state is not PaymentState.PENDING or payment.reference is not None:
        return "done"
    charge = await Payment.filter(order_id=payment.order_id, kind=PaymentKind.CHARGE,
                                  state=PaymentState.SUCCEEDED).order_by("-id").first()
    result = await gateway(payment.gateway).refund(RefundRequest(
        order_id=payment.order_id, key=payment.key, charge_reference=charge.reference, amount_fen=payment.amount_fen,
        charge_amount_fen=charge.amount_fen, refund_application_fee=True, reverse_transfer=True, reason=reason,
        payee=money.payee_of(await Provider.get(orders__id=payment.order_id))))
    changes = {"reference": result.reference}
    if result.succeeded is not None:
        changes |= {"state": PaymentState.SUCCEEDED if result.succeeded else PaymentState.FAILED,
                    "settled_at": clock.now()}
    # Only while still pending: a notification may have answered first.
    await Payment.filter(id=payment.id, state=PaymentState.PENDING).update(**changes, updated_at=clock.now())
    return "refunded" if result.succeeded else "asked"
