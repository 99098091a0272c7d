"""Paid-service jobs: the every-minute sweeps of the order deadlines, the daily settlement (and the
one queued after each confirmation), the refunds and the commission sharing asked of the gateways
after their transaction committed. Jobs keyed `order:<id>:…` are the order's community's."""

from uuid import UUID

from backend.core.jobs import broker, community_of_keys
from backend.services import refunds, settlement, timers
from backend.services.models import Order


@community_of_keys("order")  # refunds, settlement, sharing, and the resident's inbox and push of an order
async def order_community(order_id: UUID) -> UUID | None:
    return await Order.filter(id=order_id).first().values_list("community_id", flat=True)


@broker.task(task_name="services.cancel_unpaid", schedule=[{"cron": "* * * * *"}])
async def cancel_unpaid() -> int:
    return await timers.cancel_unpaid()


@broker.task(task_name="services.decline_unaccepted", schedule=[{"cron": "* * * * *"}])
async def decline_unaccepted() -> int:
    return await timers.decline_unaccepted()


@broker.task(task_name="services.confirm_completed", schedule=[{"cron": "* * * * *"}])
async def confirm_completed() -> int:
    return await timers.confirm_completed()


@broker.task(task_name="services.settle_due", schedule=[{"cron": "0 3 * * *"}])
async def settle_due(key: str | None = None) -> int:
    return await settlement.settle_due()


@broker.task(task_name=refunds.REFUND_TOPIC)
async def refund(key: str, payment_id: str, reason: str = "") -> str:
    return await refunds.send(UUID(payment_id), reason)


@broker.task(task_name=settlement.SHARE_TOPIC)
async def share_commission(key: str, order_id: str) -> bool:
    return await settlement.share_commission(UUID(order_id))
