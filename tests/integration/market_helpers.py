"""Arranging market tests: a published listing of a seller's, built directly like make_community
builds a community (what a test then asserts goes through the public surface)."""

from datetime import timedelta

from backend.core.clock import clock
from backend.market.models import (
    LISTING_DAYS,
    GiveawayMode,
    Listing,
    ListingCategory,
    ListingCondition,
    ListingKind,
    ListingState,
)
from backend.registry.models import Building


async def published_listing(seller, room, *, title: str = "儿童自行车 16寸", kind: ListingKind = ListingKind.SELL,
                            price_fen: int | None = 12000, category: ListingCategory = ListingCategory.KIDS,
                            mode: GiveawayMode | None = None, draw_at=None, description: str = "") -> Listing:
    """A PUBLISHED listing of `seller`, collected at `room` (a Room of the seller's community)."""
    await room.fetch_related("unit")
    building = await Building.get(id=room.unit.building_id)
    now = clock.now()
    if kind is ListingKind.FREE:
        price_fen, mode = None, mode or GiveawayMode.FIRST_COME
    return await Listing.create(
        community_id=room.community_id, seller=seller, kind=kind, category=category,
        condition=ListingCondition.GOOD, title=title, description=description, price_fen=price_fen,
        giveaway_mode=mode, draw_at=draw_at, estate_id=building.estate_id, building=building, room=room,
        state=ListingState.PUBLISHED, published_at=now, expires_at=now + timedelta(days=LISTING_DAYS))
