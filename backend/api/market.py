"""The flea market's listings: a listing, mine, drafting, publishing, renewing and withdrawing, the
pickup places I may offer; for staff the community's listings with their history, and the rules."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from backend.api.errors import UserError, attempt
from backend.api.ids import parse_uuid
from backend.api.market_types import (
    GiveawayMode,
    Listing,
    ListingCategory,
    ListingCondition,
    ListingConnection,
    ListingKind,
    ListingPayload,
    ListingState,
)
from backend.api.pagination import PageInfo
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page
from backend.market import access, listings
from backend.market import settings as market_settings
from backend.market.models import MarketSettings as MarketSettingsModel


def _optional_uuid(value):
    return parse_uuid(value) if value is not None else None


@strawberry.input(description="A listing to create (no id) or edit. SELL needs priceFen; FREE needs giveawayMode "
                  "(LOTTERY also drawAt, 1 h to 14 days ahead); the pickup place is roomId (one of my verified "
                  "homes) or buildingId.")
class ListingInput:
    id: strawberry.ID | None = None
    community_id: strawberry.ID
    kind: ListingKind
    category: ListingCategory
    condition: ListingCondition | None = None
    title: str
    description: str | None = None
    price_fen: int | None = None
    giveaway_mode: GiveawayMode | None = None
    draw_at: datetime | None = None
    room_id: strawberry.ID | None = None
    building_id: strawberry.ID | None = None
    photo_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="My listing_photo uploads, at most 9, in this order. Left out: unchanged.")

    def draft(self) -> listings.ListingDraft:
        return listings.ListingDraft(
            community_id=parse_uuid(self.community_id), kind=self.kind, category=self.category,
            condition=self.condition, title=self.title, description=self.description, price_fen=self.price_fen,
            giveaway_mode=self.giveaway_mode, draw_at=self.draw_at, room_id=_optional_uuid(self.room_id),
            building_id=_optional_uuid(self.building_id),
            photo_ids=None if self.photo_ids is None else [parse_uuid(i) for i in self.photo_ids])


@strawberry.type(description="One of my verified homes, where I can offer pickup.")
class MarketHome:
    room_id: strawberry.ID
    building_id: strawberry.ID
    label: str = strawberry.field(description="阳光花园 3栋 1单元 302")


@strawberry.type
class MarketBuilding:
    id: strawberry.ID
    label: str = strawberry.field(description="阳光花园 3栋")


@strawberry.type
class ListingEventEntry:
    from_state: ListingState
    to_state: ListingState
    actor_name: str = strawberry.field(description="Who moved it; 系统 for the expiry sweep and the lottery.")
    reason: str | None
    at: datetime


@strawberry.type
class MarketSettings:
    weekly_giveaway_wins: int = strawberry.field(description="Giveaways one person may win a week (0–20).")
    daily_listings: int = strawberry.field(description="Listings one person may publish a day (1–50).")

    @classmethod
    def of(cls, row: MarketSettingsModel) -> "MarketSettings":
        return cls(weekly_giveaway_wins=row.weekly_giveaway_wins, daily_listings=row.daily_listings)


@strawberry.type
class MarketSettingsPayload:
    settings: MarketSettings | None
    errors: list[UserError]


def _connection(info: Info, page: Page) -> ListingConnection:
    me = access.viewer(info.context.actor)
    return ListingConnection(nodes=[Listing.of(row, me) for row in page.items], page_info=PageInfo.of(page),
                             page=page)


async def _payload(info: Info, call) -> ListingPayload:
    row, errors = await attempt(call)
    return ListingPayload(listing=Listing.of(row, access.viewer(info.context.actor)) if row else None, errors=errors)


@strawberry.type
class MarketQueries:
    @strawberry.field(description="A listing I may see (in my communities; a draft or hidden one only its seller's, "
                      "a hidden one also staff's); null otherwise.")
    async def listing(self, info: Info, id: strawberry.ID) -> Listing | None:
        try:
            row = await listings.listing_for_view(info.context.actor, listing_id=parse_uuid(id))
        except DomainError as error:
            if error.code != ErrorCode.NOT_FOUND:  # a proxy without the MARKET scope: say why
                raise
            return None
        return Listing.of(row, access.viewer(info.context.actor))

    @strawberry.field(description="My listings (my principal's with the MARKET scope), newest first, drafts "
                      "included; first ≤ 50.")
    async def my_listings(self, info: Info, state: ListingState | None = None, first: int = 20,
                          after: str | None = None) -> ListingConnection:
        page = await listings.my_listings(info.context.actor, state=state, first=first, after=after)
        return _connection(info, page)

    @strawberry.field(description="My verified homes in the community, to offer pickup at.")
    async def market_homes(self, info: Info, community_id: strawberry.ID) -> list[MarketHome]:
        homes = await listings.homes_of(info.context.actor, community_id=parse_uuid(community_id))
        return [MarketHome(room_id=strawberry.ID(str(h.room_id)), building_id=strawberry.ID(str(h.building_id)),
                           label=h.label) for h in homes]

    @strawberry.field(description="The community's buildings, to offer pickup at without a verified home.")
    async def market_buildings(self, info: Info, community_id: strawberry.ID) -> list[MarketBuilding]:
        found = await listings.buildings_of(info.context.actor, community_id=parse_uuid(community_id))
        return [MarketBuilding(id=strawberry.ID(str(b.id)), label=b.label) for b in found]

    @strawberry.field(description="A community's listings (not drafts), hidden ones too, newest first, by a part "
                      "of the title, state and hidden; first ≤ 50. Needs MARKET_MANAGE or MODERATE.")
    async def market_listings(self, info: Info, community_id: strawberry.ID, query: str | None = None,
                              state: ListingState | None = None, hidden: bool | None = None, first: int = 20,
                              after: str | None = None) -> ListingConnection:
        page = await listings.staff_listings(info.context.actor, community_id=parse_uuid(community_id), query=query,
                                             state=state, hidden=hidden, first=first, after=after)
        return _connection(info, page)

    @strawberry.field(description="A listing's history, oldest first. Needs MARKET_MANAGE or MODERATE.")
    async def listing_events(self, info: Info, listing_id: strawberry.ID) -> list[ListingEventEntry]:
        events = await listings.listing_events(info.context.actor, listing_id=parse_uuid(listing_id))
        return [ListingEventEntry(from_state=e.from_state, to_state=e.to_state, reason=e.reason, at=e.created_at,
                                  actor_name=e.actor.display_name if e.actor else "系统") for e in events]

    @strawberry.field(description="The community's market rules. Needs MARKET_MANAGE.")
    async def market_settings(self, info: Info, community_id: strawberry.ID) -> MarketSettings:
        row = await market_settings.get_settings_for(info.context.actor, community_id=parse_uuid(community_id))
        return MarketSettings.of(row)


@strawberry.type
class MarketMutations:
    @strawberry.mutation(description="Create a draft (no id), or edit a draft, published or expired listing of "
                         "mine. A member of the community; a published one is checked for prohibited items again.")
    async def listing_save(self, info: Info, input: ListingInput) -> ListingPayload:
        return await _payload(info, listings.save_listing(
            info.context.actor, listing_id=_optional_uuid(input.id),
            draft=input.draft()))

    @strawberry.mutation(description="Publish my draft for 30 days: refused for prohibited items (with the reason) "
                         "and beyond the community's daily limit.")
    async def listing_publish(self, info: Info, id: strawberry.ID) -> ListingPayload:
        return await _payload(info, listings.publish_listing(info.context.actor, listing_id=parse_uuid(id)))

    @strawberry.mutation(description="30 more days from now for my published or expired listing.")
    async def listing_renew(self, info: Info, id: strawberry.ID) -> ListingPayload:
        return await _payload(info, listings.renew_listing(info.context.actor, listing_id=parse_uuid(id)))

    @strawberry.mutation(description="Take my draft, published or expired listing off the market (下架).")
    async def listing_withdraw(self, info: Info, id: strawberry.ID, reason: str | None = None) -> ListingPayload:
        return await _payload(info, listings.withdraw_listing(info.context.actor, listing_id=parse_uuid(id),
                                                              reason=reason))

    @strawberry.mutation(description="Set the community's market rules. Needs MARKET_MANAGE.")
    async def market_settings_update(self, info: Info, community_id: strawberry.ID, weekly_giveaway_wins: int,
                                     daily_listings: int) -> MarketSettingsPayload:
        row, errors = await attempt(market_settings.update_settings(
            info.context.actor, community_id=parse_uuid(community_id), weekly_giveaway_wins=weekly_giveaway_wins,
            daily_listings=daily_listings))
        return MarketSettingsPayload(settings=MarketSettings.of(row) if row else None, errors=errors)

