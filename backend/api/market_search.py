"""Browsing and searching the flea market (跳蚤市场): Chinese text, filters and sorts. Who may search
and what matches is the service's (backend/market/search.py)."""

import strawberry
from strawberry.types import Info

from backend.api.ids import parse_uuid
from backend.api.market_types import Listing, ListingCategory, ListingConnection, ListingKind
from backend.api.pagination import PageInfo
from backend.market import access, search

MarketSort = strawberry.enum(search.MarketSort, name="MarketSort",
                             description="NEWEST; PRICE_ASC / PRICE_DESC (no price last); "
                             "NEAREST: the estates of my homes first, then newest.")


@strawberry.type
class MarketSearchQueries:
    @strawberry.field(description="The community's published listings (not hidden, not expired) whose title or "
                      "description holds every two-character piece of `query` (≤ 40 characters; one character: "
                      "containing it), filtered and sorted; for its members and market staff; first ≤ 50.")
    async def market_search(self, info: Info, community_id: strawberry.ID, query: str | None = None,
                            category: ListingCategory | None = None, kind: ListingKind | None = None,
                            free: bool | None = None, min_price_fen: int | None = None,
                            max_price_fen: int | None = None, sort: MarketSort = search.MarketSort.NEWEST,
                            first: int = 20, after: str | None = None) -> ListingConnection:
        actor = info.context.actor
        filters = search.Filters(category=category, kind=kind, free=free, min_price_fen=min_price_fen,
                                 max_price_fen=max_price_fen)
        page = await search.search_listings(actor, community_id=parse_uuid(community_id), query=query,
                                            filters=filters, sort=sort, first=first, after=after)
        me = access.viewer(actor)
        return ListingConnection(nodes=[Listing.of(row, me) for row in page.items], page_info=PageInfo.of(page),
                                 page=page)
