"""The handover (交接): at the door the buyer shows the 6-digit code only they can see, and the seller
enters it. The right code ends the reservation HANDED_OVER and the listing RESERVED → HANDED_OVER
(ratings open). A wrong code is counted, and the count is committed though the seller gets an error;
the fifth locks the handover (both told) and every later try is refused, the right code too, until
one side cancels the reservation (which puts the listing back on the market)."""

import hmac
import re
from uuid import UUID

from backend.audit import service as audit
from backend.core import crypto
from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.market import reservations
from backend.market.models import ListingState, Reservation, ReservationState
from backend.market.states import LISTING_STATES

MAX_WRONG = 5
LOCKED = "交接码错误次数过多，交接已锁定"
CODE = re.compile(r"\d{6}")


def code_for(actor_person: UUID | None, reservation: Reservation) -> str | None:
    """The code, shown only to the buyer (`actor_person`: for whom the caller acts) while the
    reservation is ACTIVE and not locked."""
    if (actor_person is None or reservation.buyer_id != actor_person
            or reservation.state is not ReservationState.ACTIVE or reservation.locked_at is not None):
        return None
    return crypto.decrypt(reservation.handover_code_encrypted)


async def confirm_handover(actor: Actor, *, reservation_id: UUID, code: str) -> Reservation:
    """The seller enters the buyer's code."""
    code = code.strip()
    if not CODE.fullmatch(code):  # a typo of the format is not a guess: not counted
        raise DomainError(ErrorCode.INVALID_INPUT, "请输入 6 位数字交接码", field="code")
    refusal = None
    async with transaction() as tx:
        reservation = await reservations.get_reservation_for(actor, reservation_id, tx=tx)
        reservations.require_seller(actor, reservation, "请由卖家输入买家出示的交接码")
        reservations.require_active(reservation, "交接")
        listing = reservation.listing
        if reservation.locked_at is not None:
            raise DomainError(ErrorCode.FORBIDDEN, LOCKED, field="code")
        if hmac.compare_digest(code, crypto.decrypt(reservation.handover_code_encrypted)):
            reservation.state, reservation.ended_at = ReservationState.HANDED_OVER, clock.now()
            await reservation.save(using_db=tx, update_fields=["state", "ended_at"])
            await LISTING_STATES.move(tx, listing, ListingState.HANDED_OVER, actor=actor)
            await audit.record(tx, actor, "market.handover_confirm", "reservation", reservation.id,
                               community_id=listing.community_id, after={"listing": str(listing.id)})
            await reservations.tell(tx, [reservation.buyer_id], reservation=reservation, kind="market.handed_over",
                                    title="交接完成", body=f"「{listing.title}」已交接，7 天内可以评价卖家",
                                    key="handed_over")
        else:
            reservation.wrong_codes += 1
            left = MAX_WRONG - reservation.wrong_codes
            if left > 0:
                refusal = DomainError(ErrorCode.INVALID_INPUT, f"交接码不正确，还可尝试 {left} 次", field="code")
            else:
                reservation.locked_at = clock.now()
                refusal = DomainError(ErrorCode.FORBIDDEN, LOCKED, field="code")
                await reservations.tell(
                    tx, [reservation.buyer_id, listing.seller_id], reservation=reservation, kind="market.locked",
                    title="交接已锁定", body=f"「{listing.title}」的{LOCKED}，取消预订后可重新预订",
                    key="locked")
            await reservation.save(using_db=tx, update_fields=["wrong_codes", "locked_at"])
            await audit.record(tx, actor, "market.handover_wrong_code", "reservation", reservation.id,
                               community_id=listing.community_id, after={"wrongCodes": reservation.wrong_codes})
    if refusal is not None:  # raised after the commit: the count of wrong codes stays
        raise refusal
    return await reservations.loaded(reservation.id)
