"""The market's job after a listing is published (outbox topic `market.listing_published`, written by
listingPublish): tell the saved searches it matches. The search index needs no job: a trigger keeps
it (migration 0027)."""

from uuid import UUID

from backend.core.jobs import broker, community_of_keys
from backend.market import saved
from backend.market.models import Listing


@community_of_keys("listing")  # the saved-search inbox and push jobs of a listing (saved.notice_key)
async def listing_community(listing_id: UUID) -> UUID | None:
    return await Listing.filter(id=listing_id).first().values_list("community_id", flat=True)


@broker.task(task_name="market.listing_published")
async def listing_published(*, key: str, listing_id: str) -> int:
    return await saved.notify_matches(UUID(listing_id))
