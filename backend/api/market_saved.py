"""Favourites and saved searches of the flea market: marketFavourites, listingFavourite, savedSearches,
savedSearchCreate, savedSearchDelete. All are a resident's own (or, with the MARKET proxy scope, their
principal's); the rules are the service's (backend/market/favourites.py, saved.py)."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from backend.api.errors import UserError, attempt
from backend.api.ids import parse_uuid
from backend.api.market_types import Listing, ListingCategory, ListingConnection, ListingKind, ListingPayload
from backend.api.pagination import PageInfo
from backend.api.people import OkPayload
from backend.market import access, favourites, saved, search
from backend.market.models import SavedSearch as SavedSearchModel


@strawberry.type(description="A kept search (订阅): a new listing matching it notifies its owner.")
class SavedSearch:
    id: strawberry.ID
    community_id: strawberry.ID
    query: str
    category: ListingCategory | None
    kind: ListingKind | None
    free: bool | None
    min_price_fen: int | None
    max_price_fen: int | None
    created_at: datetime

    @classmethod
    def of(cls, row: SavedSearchModel) -> "SavedSearch":
        f = saved.filters_of(row)
        return cls(id=strawberry.ID(str(row.id)), community_id=strawberry.ID(str(row.community_id)), query=row.query,
                   category=f.category, kind=f.kind, free=f.free, min_price_fen=f.min_price_fen,
                   max_price_fen=f.max_price_fen, created_at=row.created_at)


@strawberry.input(description="What marketSearch takes, kept: a query (≤ 40 characters) and the filters.")
class SavedSearchInput:
    community_id: strawberry.ID
    query: str = ""
    category: ListingCategory | None = None
    kind: ListingKind | None = None
    free: bool | None = None
    min_price_fen: int | None = None
    max_price_fen: int | None = None

    def draft(self) -> saved.SavedSearchDraft:
        return saved.SavedSearchDraft(community_id=parse_uuid(self.community_id), query=self.query,
                                      filters=search.Filters(category=self.category, kind=self.kind, free=self.free,
                                                             min_price_fen=self.min_price_fen,
                                                             max_price_fen=self.max_price_fen))


@strawberry.type
class SavedSearchPayload:
    saved_search: SavedSearch | None
    errors: list[UserError]


@strawberry.type
class MarketSavedQueries:
    @strawberry.field(description="My favourite listings (or my principal's with MARKET), the latest kept first; "
                      "hidden ones and those of communities I left drop out. first ≤ 50.")
    async def market_favourites(self, info: Info, first: int = 20, after: str | None = None) -> ListingConnection:
        actor = info.context.actor
        page = await favourites.my_favourites(actor, first=first, after=after)
        me = access.viewer(actor)
        return ListingConnection(nodes=[Listing.of(f.listing, me) for f in page.items], page_info=PageInfo.of(page),
                                 page=page)

    @strawberry.field(description="My saved searches (or my principal's with MARKET), the newest first.")
    async def saved_searches(self, info: Info) -> list[SavedSearch]:
        return [SavedSearch.of(row) for row in await saved.my_saved_searches(info.context.actor)]


@strawberry.type
class MarketSavedMutations:
    @strawberry.mutation(description="Keep a listing I may see among my favourites (favourite: true) or drop it; "
                         "either twice is the same as once. Not my own listings.")
    async def listing_favourite(self, info: Info, listing_id: strawberry.ID, favourite: bool) -> ListingPayload:
        actor = info.context.actor
        listing, errors = await attempt(favourites.set_favourite(actor, listing_id=parse_uuid(listing_id),
                                                                 favourite=favourite))
        return ListingPayload(listing=Listing.of(listing, access.viewer(actor)) if listing else None, errors=errors)

    @strawberry.mutation(description=f"Save a search of a community I belong to (at most {saved.MAX_SAVED}); a new "
                         "listing matching it tells me in the inbox.")
    async def saved_search_create(self, info: Info, input: SavedSearchInput) -> SavedSearchPayload:
        row, errors = await attempt(saved.create_saved_search(info.context.actor, draft=input.draft()))
        return SavedSearchPayload(saved_search=SavedSearch.of(row) if row else None, errors=errors)

    @strawberry.mutation(description="Delete one of my saved searches.")
    async def saved_search_delete(self, info: Info, id: strawberry.ID) -> OkPayload:
        _, errors = await attempt(saved.delete_saved_search(info.context.actor, saved_search_id=parse_uuid(id)))
        return OkPayload.of(errors)
