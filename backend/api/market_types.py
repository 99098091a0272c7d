"""The market's GraphQL types shared by its api modules (listings, search, deals, statistics).

A `Listing` is built from a row loaded with `LISTING_RELATED`; its photos, badge and room load per
page through the request's loaders (backend/market/views.py), never one query per row."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from backend.api.errors import UserError
from backend.api.market_lottery import LotteryResult
from backend.api.pagination import Counted, PageInfo
from backend.market import access, lottery, ratings, reservations, views
from backend.market.models import GiveawayMode as GiveawayModeEnum
from backend.market.models import Listing as ListingModel
from backend.market.models import ListingCategory as ListingCategoryEnum
from backend.market.models import ListingCondition as ListingConditionEnum
from backend.market.models import ListingKind as ListingKindEnum
from backend.market.models import ListingState as ListingStateEnum
from backend.market.states import LISTING_STATES
from backend.market.views import LISTING_RELATED  # noqa: F401  (the api modules import it from here)

if TYPE_CHECKING:
    from backend.api.market_deals import Reservation, SellerRating

ListingKind = strawberry.enum(ListingKindEnum, name="ListingKind",
                              description="SELL (a price), FREE (a giveaway), SWAP, WANTED (求购, an optional budget).")
ListingCategory = strawberry.enum(ListingCategoryEnum, name="ListingCategory")
ListingCondition = strawberry.enum(ListingConditionEnum, name="ListingCondition")
GiveawayMode = strawberry.enum(GiveawayModeEnum, name="GiveawayMode",
                               description="FIRST_COME: the first to reserve; LOTTERY: drawn at drawAt among entrants.")
ListingState = strawberry.enum(ListingStateEnum, name="ListingState")


@strawberry.type
class ListingPhoto:
    display_url: str
    thumbnail_url: str


@strawberry.type
class Listing:
    row: strawberry.Private[ListingModel]
    id: strawberry.ID
    kind: ListingKind
    category: ListingCategory
    condition: ListingCondition | None
    title: str
    description: str
    price_fen: int | None = strawberry.field(description="SELL: the price; WANTED: the budget; else null.")
    giveaway_mode: GiveawayMode | None
    draw_at: datetime | None
    drawn_at: datetime | None
    state: ListingState
    state_label: str
    published_at: datetime | None
    expires_at: datetime | None
    created_at: datetime
    hidden: bool = strawberry.field(description="Hidden by moderation: shown to its seller and staff only.")
    mine: bool = strawberry.field(description="I am (or, with the MARKET scope, my principal is) its seller.")
    seller_name: str
    pickup_place: str = strawberry.field(description="Where to collect it, to the building (小区 + 楼栋).")

    @classmethod
    def of(cls, row: ListingModel, me) -> "Listing":
        return cls(row=row, id=strawberry.ID(str(row.id)), kind=row.kind, category=row.category,
                   condition=row.condition, title=row.title, description=row.description, price_fen=row.price_fen,
                   giveaway_mode=row.giveaway_mode, draw_at=row.draw_at, drawn_at=row.drawn_at, state=row.state,
                   state_label=LISTING_STATES.state_names[row.state], published_at=row.published_at,
                   expires_at=row.expires_at, created_at=row.created_at, hidden=row.hidden_at is not None,
                   mine=me is not None and row.seller_id == me, seller_name=row.seller.display_name,
                   pickup_place=f"{row.estate.name} {row.building.name}")

    @strawberry.field(description="The lottery's seed, published once it is drawn: anyone can re-run the draw.")
    def draw_seed(self) -> str | None:
        return self.row.draw_seed if self.row.drawn_at is not None else None

    @strawberry.field(description="Up to 9 photos, re-encoded without EXIF, in the seller's order.")
    async def photos(self, info: Info) -> list[ListingPhoto]:
        found = await info.context.loader("market.photos", views.photos_of).load(self.row.id)
        return [ListingPhoto(display_url=p["display"], thumbnail_url=p["thumbnail"]) for p in found]

    @strawberry.field(description="The seller has a verified home in the community (已认证住户).")
    async def seller_verified(self, info: Info) -> bool:
        return await info.context.loader("market.verified", views.sellers_verified).load(self.row)

    @strawberry.field(description="The exact room (单元 + 房号): for the seller and the accepted buyer only.")
    async def pickup_room(self, info: Info) -> str | None:
        me = access.viewer(info.context.actor)
        shown = await info.context.loader(f"market.rooms:{me}", lambda rows: views.rooms_shown(me, rows)
                                          ).load(self.row)
        room = self.row.room
        return f"{room.unit.name} {room.number or room.code}" if shown and room is not None else None

    @strawberry.field(description="I (or my principal) keep it among my favourites (收藏).")
    async def favourited(self, info: Info) -> bool:
        me = access.viewer(info.context.actor)
        return await info.context.loader(f"market.favourites:{me}", lambda ids: views.favourited(me, ids)
                                         ).load(self.row.id)

    @strawberry.field(description="Its live or last completed reservation: for its seller and that buyer only.")
    async def reservation(self, info: Info) -> Annotated["Reservation", strawberry.lazy("backend.api.market_deals")
                                                         ] | None:
        from backend.api.market_deals import Reservation

        me = access.viewer(info.context.actor)
        row = await info.context.loader(f"market.reservation:{me}", lambda rows: reservations.shown_reservations(
            me, rows)).load(self.row)
        return Reservation.of(row, me) if row else None

    @strawberry.field(description="The seller's record in this community: visible ratings, handovers, no-shows.")
    async def seller_rating(self, info: Info) -> Annotated["SellerRating", strawberry.lazy("backend.api.market_deals")]:
        from backend.api.market_deals import SellerRating

        return SellerRating.of(await info.context.loader("market.seller_ratings", ratings.seller_records
                                                         ).load(self.row))

    @strawberry.field(description="I (or my principal) entered its lottery.")
    async def entered(self, info: Info) -> bool:
        me = access.viewer(info.context.actor)
        return await info.context.loader(f"market.entered:{me}", lambda ids: lottery.entered(me, ids)
                                         ).load(self.row.id)

    @strawberry.field(description="How many entered its lottery (0 for other listings).")
    async def entry_count(self, info: Info) -> int:
        return await info.context.loader("market.entry_counts", lottery.entry_counts).load(self.row.id)

    @strawberry.field(description="The lottery's result once drawn (null before), for anyone who may see the listing.")
    async def lottery_result(self, info: Info) -> LotteryResult | None:
        result = await info.context.loader("market.lottery_results", lottery.results).load(self.row)
        return LotteryResult.of(result, access.viewer(info.context.actor)) if result else None


@strawberry.type
class ListingConnection(Counted):
    nodes: list[Listing]
    page_info: PageInfo


@strawberry.type
class ListingPayload:
    listing: Listing | None
    errors: list[UserError]
