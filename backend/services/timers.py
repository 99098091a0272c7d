"""The order's deadlines (docs/services.md): unpaid after pay_by → CANCELLED (the slot freed), paid but
not accepted by accept_by → DECLINED and refunded in full, completed and neither confirmed nor
disputed by confirm_by → CONFIRMED (and due for settlement). Each is a due sweep on the injectable
clock (core.statemachine.sweep_due): select the due ids, then lock and check each again in its own
transaction, so a missed or doubled tick loses nothing and applies nothing twice."""

from collections.abc import Awaitable, Callable
from uuid import UUID

from backend.core.clock import clock
from backend.core.statemachine import sweep_due
from backend.services import transitions
from backend.services.models import Order, OrderState

BATCH = 500  # a sweep's share; the next minute's sweep takes the rest


def _sweep(state: OrderState, deadline: str, apply: Callable[[object, Order], Awaitable[None]]):
    async def due() -> list[UUID]:
        return await Order.filter(state=state, **{f"{deadline}__lte": clock.now()}).order_by(deadline).limit(
            BATCH).values_list("id", flat=True)

    async def apply_one(tx, order_id: UUID) -> bool:
        order = await Order.filter(id=order_id, state=state).select_for_update().using_db(tx).first()
        if order is None or getattr(order, deadline) is None or getattr(order, deadline) > clock.now():
            return False  # moved by someone meanwhile
        await apply(tx, order)
        return True

    return lambda: sweep_due(due, apply_one)


cancel_unpaid = _sweep(OrderState.PENDING_PAYMENT, "pay_by", transitions.cancel_unpaid)
decline_unaccepted = _sweep(OrderState.PAID, "accept_by", transitions.decline_unaccepted)
confirm_completed = _sweep(OrderState.COMPLETED, "confirm_by", transitions.confirm_due)
