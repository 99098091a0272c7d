"""The market's deals: reserving a listing (first come), cancelling, the no-show, the handover code
and the two-sided ratings; my deals and a listing's reservation history. The rules are the
services' (backend/market/reservations.py, handover.py, ratings.py); everything is for
`actor.subject(ProxyScope.MARKET)`."""

from datetime import datetime
from enum import Enum
from uuid import UUID

import strawberry
from strawberry.types import Info

from backend.api.errors import UserError, attempt
from backend.api.ids import parse_uuid
from backend.api.market_types import Listing
from backend.api.pagination import Counted, PageInfo
from backend.core.clock import clock
from backend.market import access, handover, ratings, reservations
from backend.market.models import Rating as RatingModel
from backend.market.models import Reservation as ReservationModel
from backend.market.models import ReservationState as ReservationStateEnum

ReservationState = strawberry.enum(ReservationStateEnum, name="ReservationState")
STATE_LABELS = {ReservationStateEnum.ACTIVE: "待交接", ReservationStateEnum.HANDED_OVER: "已交接",
                ReservationStateEnum.CANCELLED: "已取消", ReservationStateEnum.NO_SHOW: "未到场"}


@strawberry.enum(description="My side of a deal: the buyer, or the seller of the listing.")
class DealRole(Enum):
    BUYER = "BUYER"
    SELLER = "SELLER"


@strawberry.type
class MarketRating:
    stars: int
    comment: str
    created_at: datetime

    @classmethod
    def of(cls, row: RatingModel | None) -> "MarketRating | None":
        return cls(stars=row.stars, comment=row.comment, created_at=row.created_at) if row else None


@strawberry.type(description="A seller's record in the listing's community.")
class SellerRating:
    average: float | None = strawberry.field(description="Of the visible ratings they received as a seller, "
                                             "to one decimal; null without any.")
    count: int = strawberry.field(description="Visible ratings received as a seller (shown when both sides rated "
                                  "or 7 days after the handover).")
    handovers: int = strawberry.field(description="Their listings handed over.")
    no_shows: int = strawberry.field(description="Times they did not come to collect, as a buyer.")

    @classmethod
    def of(cls, record: ratings.SellerRecord) -> "SellerRating":
        return cls(average=record.average, count=record.count, handovers=record.handovers,
                   no_shows=record.no_shows)


@strawberry.type(description="A listing held for one buyer, from the reservation to the handover and ratings.")
class Reservation:
    row: strawberry.Private[ReservationModel]
    me: strawberry.Private[UUID | None]
    id: strawberry.ID
    listing: Listing
    buyer_name: str
    seller_name: str
    i_am_buyer: bool = strawberry.field(description="I (or, with the MARKET scope, my principal) am the buyer.")
    state: ReservationState
    state_label: str = strawberry.field(description="待交接 / 已交接 / 已取消 / 未到场")
    handover_code: str | None = strawberry.field(description="The 6 digits the buyer shows the seller: only to the "
                                                 "buyer, only while ACTIVE and not locked.")
    locked: bool = strawberry.field(description="Five wrong codes were entered: cancel to release it.")
    giveaway: bool
    created_at: datetime
    ended_at: datetime | None
    end_reason: str | None

    @classmethod
    def of(cls, row: ReservationModel, me: UUID | None) -> "Reservation":
        return cls(row=row, me=me, id=strawberry.ID(str(row.id)), listing=Listing.of(row.listing, me),
                   buyer_name=row.buyer.display_name, seller_name=row.listing.seller.display_name,
                   i_am_buyer=me is not None and row.buyer_id == me, state=row.state,
                   state_label=STATE_LABELS[row.state], handover_code=handover.code_for(me, row),
                   locked=row.locked_at is not None, giveaway=row.giveaway, created_at=row.created_at,
                   ended_at=row.ended_at, end_reason=row.end_reason)

    async def _ratings(self, info: Info) -> list[RatingModel]:
        return await info.context.loader("market.ratings", ratings.ratings_of).load(self.row.id)

    @strawberry.field(description="The rating I gave.")
    async def my_rating(self, info: Info) -> MarketRating | None:
        given = [r for r in await self._ratings(info) if self.me is not None and r.rater_id == self.me]
        return MarketRating.of(given[0] if given else None)

    @strawberry.field(description="The other side's rating of me: null until both rated or 7 days after the "
                      "handover.")
    async def their_rating(self, info: Info) -> MarketRating | None:
        found = await self._ratings(info)
        if self.row.ended_at is None or not ratings.shown(found, self.row.ended_at, clock.now()):
            return None
        received = [r for r in found if self.me is not None and r.ratee_id == self.me]
        return MarketRating.of(received[0] if received else None)

    @strawberry.field(description="I may rate now: handed over, within 7 days, not rated yet.")
    async def can_rate(self, info: Info) -> bool:
        parties = (self.row.buyer_id, self.row.listing.seller_id)
        if self.me not in parties or not ratings.open_for_rating(self.row, clock.now()):
            return False
        return not any(r.rater_id == self.me for r in await self._ratings(info))


@strawberry.type
class ReservationPayload:
    reservation: Reservation | None
    errors: list[UserError]


@strawberry.type
class ReservationConnection(Counted):
    nodes: list[Reservation]
    page_info: PageInfo


async def _payload(info: Info, call) -> ReservationPayload:
    row, errors = await attempt(call)
    me = access.viewer(info.context.actor)
    return ReservationPayload(reservation=Reservation.of(row, me) if row else None, errors=errors)


@strawberry.type
class MarketDealQueries:
    @strawberry.field(description="My deals in a community I belong to, as the buyer or as the seller, newest "
                      "first; first ≤ 50.")
    async def my_reservations(self, info: Info, community_id: strawberry.ID, role: DealRole, first: int = 20,
                              after: str | None = None) -> ReservationConnection:
        actor = info.context.actor
        page = await reservations.my_reservations(actor, community_id=parse_uuid(community_id),
                                                  buyer=role is DealRole.BUYER, first=first, after=after)
        me = access.viewer(actor)
        return ReservationConnection(nodes=[Reservation.of(row, me) for row in page.items],
                                     page_info=PageInfo.of(page), page=page)

    @strawberry.field(description="A listing's reservations, newest first (at most 50): for its seller and the "
                      "community's MARKET_MANAGE staff.")
    async def listing_reservations(self, info: Info, listing_id: strawberry.ID) -> list[Reservation]:
        actor = info.context.actor
        rows = await reservations.listing_reservations(actor, listing_id=parse_uuid(listing_id))
        me = access.viewer(actor)
        return [Reservation.of(row, me) for row in rows]


@strawberry.type
class MarketDealMutations:
    @strawberry.mutation(description="Reserve a published SELL, SWAP or first-come FREE listing of my community "
                         "(not my own; a giveaway within the weekly cap). The first wins; the others get CONFLICT.")
    async def listing_reserve(self, info: Info, listing_id: strawberry.ID) -> ReservationPayload:
        return await _payload(info, reservations.reserve_listing(info.context.actor, listing_id=parse_uuid(listing_id)))

    @strawberry.mutation(description="Give up an active reservation: the buyer any time, the seller with a reason. "
                         "The listing is published again; a locked handover is released.")
    async def reservation_cancel(self, info: Info, reservation_id: strawberry.ID,
                                 reason: str | None = None) -> ReservationPayload:
        return await _payload(info, reservations.cancel_reservation(
            info.context.actor, reservation_id=parse_uuid(reservation_id), reason=reason))

    @strawberry.mutation(description="The seller: the buyer did not come. The listing is published again.")
    async def reservation_no_show(self, info: Info, reservation_id: strawberry.ID) -> ReservationPayload:
        return await _payload(info, reservations.report_no_show(info.context.actor,
                                                                reservation_id=parse_uuid(reservation_id)))

    @strawberry.mutation(description="The seller enters the buyer's 6-digit code: handed over. Five wrong codes "
                         "lock the handover.")
    async def handover_confirm(self, info: Info, reservation_id: strawberry.ID, code: str) -> ReservationPayload:
        return await _payload(info, handover.confirm_handover(info.context.actor,
                                                              reservation_id=parse_uuid(reservation_id), code=code))

    @strawberry.mutation(description="Rate the other side of my handover once, 1–5 stars, within 7 days.")
    async def market_rate(self, info: Info, reservation_id: strawberry.ID, stars: int,
                          comment: str | None = None) -> ReservationPayload:
        return await _payload(info, ratings.rate(info.context.actor, reservation_id=parse_uuid(reservation_id),
                                                 stars=stars, comment=comment))
