"""What moderation needs of the market, without this package knowing of moderation (the wiring
registers these two as the kind "LISTING"): the reported listing (its community, seller and text),
and hiding it. A hidden listing keeps its state; `access.get_listing_for` and every resident-facing
list refuse it, its seller still sees it marked hidden."""

from typing import NamedTuple
from uuid import UUID

from backend.core.clock import clock
from backend.market.models import Listing, ListingState

KIND = "LISTING"


class ListingTarget(NamedTuple):
    community_id: UUID
    seller_id: UUID
    text: str


async def listing_target(target_id: UUID) -> ListingTarget | None:
    """The listing reported; None for none, or for a draft (nobody but its seller has seen it)."""
    listing = await Listing.filter(id=target_id).exclude(state=ListingState.DRAFT).first()
    if listing is None:
        return None
    return ListingTarget(listing.community_id, listing.seller_id, f"{listing.title}\n{listing.description}")


async def set_listing_hidden(tx, target_id: UUID, hidden: bool) -> None:
    """In the caller's transaction; the listing itself is never changed."""
    await Listing.filter(id=target_id).using_db(tx).update(hidden_at=clock.now() if hidden else None)
