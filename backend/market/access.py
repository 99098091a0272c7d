"""Who may see and touch a listing: the one loader every market service goes through.

A resident reaches the listings of the communities they belong to; a hidden listing (moderation)
only its seller and the community's moderators. Market actions are for
`actor.subject(ProxyScope.MARKET)`: a relative with that scope trades for the elder. Staff with
MARKET_MANAGE or MODERATE see every listing of their community, hidden or not."""

from uuid import UUID

from backend.core.actor import Actor, ProxyScope
from backend.core.errors import DomainError, ErrorCode
from backend.core.permissions import Permission, has
from backend.market.models import Listing, ListingState, Reservation, ReservationState
from backend.registry.models import Membership, PersonRoom


def not_found() -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, "找不到该闲置", field="listingId")


def is_staff(actor: Actor, community_id: UUID) -> bool:
    return not actor.is_proxy and (has(actor, Permission.MARKET_MANAGE, community_id)
                                   or has(actor, Permission.MODERATE, community_id))


async def is_member(person_id: UUID, community_id: UUID, *, tx=None) -> bool:
    query = Membership.filter(person_id=person_id, community_id=community_id)
    return await (query.using_db(tx) if tx else query).exists()


async def verified_people(person_ids: list[UUID], community_id: UUID) -> set[UUID]:
    """Those of `person_ids` with a verified home in the community (the 已认证住户 badge)."""
    found = await PersonRoom.filter(person_id__in=person_ids, community_id=community_id, until=None
                                    ).values_list("person_id", flat=True)
    return set(found)


async def require_member(actor: Actor, community_id: UUID, *, tx=None) -> UUID:
    """The person market actions are for, a member of the community; not-found otherwise."""
    me = actor.subject(ProxyScope.MARKET)
    if not await is_member(me, community_id, tx=tx):
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该社区", field="communityId")
    return me


async def get_listing_for(actor: Actor, listing_id: UUID, *, tx=None, lock: bool = False) -> Listing:
    """The listing as the actor may see it; not-found outside their reach. Drafts are the seller's."""
    query = Listing.filter(id=listing_id)
    if lock:
        query = query.select_for_update()
    listing = await (query.using_db(tx) if tx else query).first()
    if listing is None:
        raise not_found()
    if is_staff(actor, listing.community_id) and listing.state is not ListingState.DRAFT:
        return listing
    me = actor.subject(ProxyScope.MARKET)
    if listing.seller_id == me:
        return listing
    if (listing.state is ListingState.DRAFT or listing.hidden_at is not None
            or not await is_member(me, listing.community_id, tx=tx)):
        raise not_found()
    return listing


async def accepted_buyers(listing_ids: list[UUID]) -> dict[UUID, UUID]:
    """Each listing's buyer of its live or completed reservation: the one who may see the room."""
    rows = await Reservation.filter(
        listing_id__in=listing_ids, state__in=(ReservationState.ACTIVE, ReservationState.HANDED_OVER),
    ).order_by("created_at").values_list("listing_id", "buyer_id")
    return dict(rows)  # the newest wins


def viewer(actor: Actor) -> UUID | None:
    """For whom the listing is shown (the principal under the MARKET scope); None for anyone else."""
    if actor.person_id is None:
        return None
    try:
        return actor.subject(ProxyScope.MARKET)
    except DomainError:
        return None
