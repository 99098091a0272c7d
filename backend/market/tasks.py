"""Market jobs: the every-minute sweeps of listing expiry and renewal reminders."""

from backend.core.jobs import broker
from backend.market import expiry


@broker.task(task_name="market.expire_due", schedule=[{"cron": "* * * * *"}])
async def expire_listings() -> int:
    return await expiry.expire_due()


@broker.task(task_name="market.remind_renewal", schedule=[{"cron": "* * * * *"}])
async def remind_renewals() -> int:
    return await expiry.remind_due()
