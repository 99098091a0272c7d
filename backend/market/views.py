"""What a listing shows besides its own row, loaded for a whole page at once: its photos, the
seller's verified-resident badge and the room, for the seller and the accepted buyer only."""

from uuid import UUID

from backend.market import access
from backend.market.models import Favourite, Listing, ListingPhoto
from backend.media.service import variant_urls

# What a Listing row is loaded with (select_related) wherever it is shown.
LISTING_RELATED = ("seller", "estate", "building", "room__unit")


async def photos_of(listing_ids: list[UUID]) -> list[list[dict[str, str]]]:
    """Per listing, in the seller's order: {"display": url, "thumbnail": url}."""
    rows = await ListingPhoto.filter(listing_id__in=listing_ids).select_related("upload").order_by("position")
    found: dict[UUID, list[dict[str, str]]] = {i: [] for i in listing_ids}
    for photo in rows:
        found[photo.listing_id].append(variant_urls(photo.upload))
    return [found[i] for i in listing_ids]


async def sellers_verified(listings: list[Listing]) -> list[bool]:
    verified: set[tuple[UUID, UUID]] = set()
    for community_id in {listing.community_id for listing in listings}:
        people = [listing.seller_id for listing in listings if listing.community_id == community_id]
        verified |= {(p, community_id) for p in await access.verified_people(people, community_id)}
    return [(listing.seller_id, listing.community_id) in verified for listing in listings]


async def rooms_shown(me: UUID | None, listings: list[Listing]) -> list[bool]:
    """Whether `me` may see each listing's room: its seller, or the buyer it is reserved for."""
    if me is None:
        return [False] * len(listings)
    others = [listing.id for listing in listings if listing.seller_id != me]
    buyers = await access.accepted_buyers(others) if others else {}
    return [listing.seller_id == me or buyers.get(listing.id) == me for listing in listings]


async def favourited(me: UUID | None, listing_ids: list[UUID]) -> list[bool]:
    if me is None:
        return [False] * len(listing_ids)
    kept = set(await Favourite.filter(person_id=me, listing_id__in=listing_ids).values_list("listing_id", flat=True))
    return [i in kept for i in listing_ids]
