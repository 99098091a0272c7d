"""Ratings after a handover: each side rates the other once, 1–5 stars and a comment, within 7 days
of the handover. A rating is hidden from the one rated until both have rated or the 7 days have
passed, so neither answers the other's stars. The listing closes (HANDED_OVER → CLOSED) when both
have rated, or by the sweep once the 7 days are over. A seller's record in a community
(`SellerRecord`) counts only ratings already visible."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from tortoise.expressions import Q

from backend.audit import service as audit
from backend.core.actor import Actor, ProxyScope
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.statemachine import sweep_due
from backend.market import reservations
from backend.market.models import Listing, ListingState, Rating, Reservation, ReservationState
from backend.market.states import LISTING_STATES

RATING_WINDOW = timedelta(days=7)
MAX_COMMENT = 200
BATCH = 500  # a sweep's share; the next sweep takes the rest


def _invalid(message: str, field: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, message, field=field)


def open_for_rating(reservation: Reservation, now: datetime) -> bool:
    return reservation.state is ReservationState.HANDED_OVER and now <= reservation.ended_at + RATING_WINDOW


def shown(ratings: list[Rating], ended_at: datetime, now: datetime) -> bool:
    """Whether a handover's ratings are shown to the ones rated: both rated, or the window is over."""
    return len(ratings) == 2 or now > ended_at + RATING_WINDOW


async def rate(actor: Actor, *, reservation_id: UUID, stars: int, comment: str | None) -> Reservation:
    """My rating of the other side of a handover of mine."""
    comment = (comment or "").strip()
    if not 1 <= stars <= 5:
        raise _invalid("评分须为 1 到 5 星", "stars")
    if len(comment) > MAX_COMMENT:
        raise _invalid(f"评价最多 {MAX_COMMENT} 个字", "comment")
    async with transaction() as tx:
        reservation = await reservations.get_reservation_for(actor, reservation_id, tx=tx)
        if reservation.state is not ReservationState.HANDED_OVER:
            raise _invalid("交接完成后才能评价", "reservationId")
        now = clock.now()
        if not open_for_rating(reservation, now):
            raise _invalid("评价已截止", "reservationId")
        me, listing = actor.subject(ProxyScope.MARKET), reservation.listing
        if await Rating.filter(reservation_id=reservation.id, rater_id=me).using_db(tx).exists():
            raise _invalid("您已评价过", "reservationId")
        other = listing.seller_id if me == reservation.buyer_id else reservation.buyer_id
        await Rating.create(reservation_id=reservation.id, rater_id=me, ratee_id=other, stars=stars, comment=comment,
                            created_at=now, using_db=tx)
        await audit.record(tx, actor, "market.rate", "reservation", reservation.id, community_id=listing.community_id,
                           after={"stars": stars})
        both = await Rating.filter(reservation_id=reservation.id).using_db(tx).count() == 2
        if both and listing.state is ListingState.HANDED_OVER:
            await LISTING_STATES.move(tx, listing, ListingState.CLOSED, actor=actor, reason="双方已评价")
    return await reservations.loaded(reservation.id)


async def ratings_of(reservation_ids: list[UUID]) -> list[list[Rating]]:
    """Each reservation's ratings (none, one or both), for a page of reservations at once."""
    found: dict[UUID, list[Rating]] = defaultdict(list)
    for rating in await Rating.filter(reservation_id__in=reservation_ids).order_by("id"):
        found[rating.reservation_id].append(rating)
    return [found[i] for i in reservation_ids]


@dataclass(frozen=True)
class SellerRecord:
    average: float | None  # of the visible ratings the seller received for their listings
    count: int
    handovers: int  # of the seller's listings
    no_shows: int  # the seller's own, as a buyer


async def seller_records(listings: list[Listing]) -> list[SellerRecord]:
    """Each listing's seller's record in the listing's community, for a page at once (two queries)."""
    people = list({listing.seller_id for listing in listings})
    communities = list({listing.community_id for listing in listings})
    # Both ratings of the sellers' handovers: the other one decides whether a rating is shown yet.
    rows = await Rating.filter(reservation__listing__seller_id__in=people,
                               reservation__listing__community_id__in=communities).values_list(
        "reservation_id", "ratee_id", "stars", "reservation__ended_at", "reservation__listing__seller_id",
        "reservation__listing__community_id")
    per_reservation = Counter(row[0] for row in rows)
    now = clock.now()
    stars: dict[tuple[UUID, UUID], list[int]] = defaultdict(list)
    for reservation_id, ratee, given, ended_at, seller, community in rows:
        if ratee == seller and (per_reservation[reservation_id] == 2 or now > ended_at + RATING_WINDOW):
            stars[seller, community].append(given)
    deals = await Reservation.filter(
        Q(listing__seller_id__in=people, state=ReservationState.HANDED_OVER)
        | Q(buyer_id__in=people, state=ReservationState.NO_SHOW),
        listing__community_id__in=communities).values_list("state", "listing__seller_id", "buyer_id",
                                                          "listing__community_id")
    handovers, no_shows = Counter(), Counter()
    for state, seller, buyer, community in deals:
        if state == ReservationState.HANDED_OVER:
            handovers[seller, community] += 1
        else:
            no_shows[buyer, community] += 1
    records = []
    for listing in listings:
        key = (listing.seller_id, listing.community_id)
        given = stars[key]
        records.append(SellerRecord(average=round(sum(given) / len(given), 1) if given else None, count=len(given),
                                    handovers=handovers[key], no_shows=no_shows[key]))
    return records


async def close_due() -> int:
    """Close the handed-over listings whose rating window is over (the due sweep, every 10 minutes)."""
    async def due() -> list[UUID]:
        cutoff = clock.now() - RATING_WINDOW
        return await Listing.filter(state=ListingState.HANDED_OVER, reservations__state=ReservationState.HANDED_OVER,
                                    reservations__ended_at__lte=cutoff).distinct().order_by("id").limit(
            BATCH).values_list("id", flat=True)

    async def close(tx, listing_id: UUID) -> bool:
        listing = await Listing.filter(id=listing_id, state=ListingState.HANDED_OVER).select_for_update(
        ).using_db(tx).first()
        if listing is None:  # both rated meanwhile
            return False
        await LISTING_STATES.move(tx, listing, ListingState.CLOSED, actor=None, reason="交接已满 7 天")
        return True

    return await sweep_due(due, close)
