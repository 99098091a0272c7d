"""Market jobs: the every-minute sweeps of listing expiry and renewal reminders, and closing the
handed-over listings whose 7 days of ratings are over."""

from uuid import UUID

from backend.core.jobs import broker, community_of_keys
from backend.market import expiry, ratings
from backend.market.models import Reservation


@community_of_keys("reservation")  # the inbox and push jobs of a reservation (reservations.tell)
async def reservation_community(reservation_id: UUID) -> UUID | None:
    return await Reservation.filter(id=reservation_id).first().values_list("listing__community_id", flat=True)


@broker.task(task_name="market.expire_due", schedule=[{"cron": "* * * * *"}])
async def expire_listings() -> int:
    return await expiry.expire_due()


@broker.task(task_name="market.remind_renewal", schedule=[{"cron": "* * * * *"}])
async def remind_renewals() -> int:
    return await expiry.remind_due()


@broker.task(task_name="market.close_rated", schedule=[{"cron": "*/10 * * * *"}])
async def close_rated_listings() -> int:
    return await ratings.close_due()
