"""Favourites (收藏): listings a resident keeps to come back to, for `actor.subject(ProxyScope.MARKET)`.

A favourite is one row per person and listing (a unique constraint), so favouriting twice, or twice
at once, leaves one. My list shows only what I may still see by `access.get_listing_for`'s rule: a
listing hidden by moderation, or of a community I no longer belong to, drops out of it (and comes
back if it is restored); a closed or reserved one stays, marked by its state."""

from uuid import UUID

from tortoise.expressions import Q, Subquery

from backend.core.actor import Actor, ProxyScope
from backend.core.bulk import insert_ignoring_conflicts
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate
from backend.market import access
from backend.market.models import Favourite, Listing, ListingState
from backend.market.views import LISTING_RELATED
from backend.registry.models import Membership

FAVOURITE_RELATED = tuple(f"listing__{related}" for related in LISTING_RELATED)


async def set_favourite(actor: Actor, *, listing_id: UUID, favourite: bool) -> Listing:
    """Keep a listing I may see among my favourites, or drop it; either is idempotent."""
    async with transaction() as tx:
        listing = await access.get_listing_for(actor, listing_id, tx=tx)
        me = actor.subject(ProxyScope.MARKET)
        if favourite:
            if listing.seller_id == me:
                raise DomainError(ErrorCode.INVALID_INPUT, "不能收藏自己发布的闲置", field="listingId")
            # One insert that skips the clash: concurrent favourites of one listing leave one row.
            await insert_ignoring_conflicts(tx, Favourite, [{"person_id": me, "listing_id": listing.id}])
        else:
            await Favourite.filter(person_id=me, listing_id=listing.id).using_db(tx).delete()
    return await Listing.get(id=listing.id).select_related(*LISTING_RELATED)


async def my_favourites(actor: Actor, *, first: int, after: str | None) -> Page[Favourite]:
    """My favourites, the latest kept first, each with its listing loaded as the api shows it."""
    me = actor.subject(ProxyScope.MARKET)
    # get_listing_for's rule for a neighbour's listing, as one filter: not a draft, not hidden, and
    # in a community I (still) belong to.
    reachable = (Q(listing__hidden_at=None) & ~Q(listing__state=ListingState.DRAFT)
                 & Q(listing__community_id__in=Subquery(Membership.filter(person_id=me).values("community_id"))))
    query = Favourite.filter(reachable, person_id=me).select_related(*FAVOURITE_RELATED)
    return await paginate(query, first=first, after=after, newest_first=True)
