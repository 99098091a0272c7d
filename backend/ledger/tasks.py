"""Ledger jobs: the sweep that releases pending transfers whose timeout has passed."""

from backend.core.jobs import broker
from backend.ledger import service


@broker.task(task_name="ledger.expire_due", schedule=[{"cron": "* * * * *"}])
async def expire_due() -> int:
    return await service.expire_due()
