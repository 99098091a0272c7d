"""Reservations (hG owns this module): only the two functions the lottery's draw calls, as
CONTRACT.md states them, until hG's module lands in the merge."""

import secrets
from datetime import timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from backend.core import crypto
from backend.core.clock import clock
from backend.core.errors import DomainError, ErrorCode
from backend.market.models import Listing, ListingState, Reservation, ReservationState
from backend.market.settings import settings_of
from backend.market.states import LISTING_STATES

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def open_reservation(tx, listing: Listing, buyer_id: UUID, *, giveaway: bool = False) -> Reservation:
    """PUBLISHED → RESERVED for `buyer_id` with an encrypted six-digit handover code. The caller has
    checked everything else and holds the listing's lock."""
    reservation = await Reservation.create(
        listing_id=listing.id, buyer_id=buyer_id, state=ReservationState.ACTIVE, giveaway=giveaway,
        handover_code=crypto.encrypt(f"{secrets.randbelow(10**6):06d}"), created_at=clock.now(), using_db=tx)
    await LISTING_STATES.move(tx, listing, ListingState.RESERVED, actor=None)
    return reservation


async def check_weekly_cap(tx, community_id: UUID, person_id: UUID) -> None:
    """Refused when the person already holds the community's weekly giveaway wins (Monday–Sunday,
    Asia/Shanghai; cancelled reservations do not count)."""
    cap = (await settings_of(community_id, tx=tx)).weekly_giveaway_wins
    today = clock.now().astimezone(SHANGHAI).replace(hour=0, minute=0, second=0, microsecond=0)
    monday = today - timedelta(days=today.weekday())
    won = await Reservation.filter(buyer_id=person_id, giveaway=True, listing__community_id=community_id,
                                   created_at__gte=monday).exclude(state=ReservationState.CANCELLED
                                                                   ).using_db(tx).count()
    if won >= cap:
        raise DomainError(ErrorCode.INVALID_INPUT, f"每人每周最多领取 {cap} 次赠送，本周已达上限", field="listingId")
