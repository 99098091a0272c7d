"""Reservations (预订): the one buyer a listing is held for, first come (SELL, SWAP, FREE FIRST_COME)
or the lottery's winner (backend/market/lottery.py calls `open_reservation`); giving it up (the buyer
any time, the seller with a reason) or the seller's no-show report puts the listing back on the market.

Exactly one winner under races: the listing row is locked and its state checked again inside the
transaction, so of many neighbours reserving at once one moves it PUBLISHED → RESERVED and the others
find it reserved (手慢了). A reservation's rows are locked in the same order everywhere: the listing,
then the reservation. The other party hears of every change by inbox and push, written in the same
transaction (the push through the outbox, the live inbox event after the commit)."""

import secrets
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from backend.audit import service as audit
from backend.core import crypto
from backend.core.actor import Actor, ProxyScope
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate
from backend.core.permissions import Permission, has
from backend.market import access
from backend.market.models import GiveawayMode, Listing, ListingKind, ListingState, Reservation, ReservationState
from backend.market.settings import settings_of
from backend.market.states import LISTING_STATES
from backend.market.views import LISTING_RELATED
from backend.notify import service as notify
from backend.people.models import Person

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the week of the giveaway cap, Monday to Sunday
# What a Reservation row is loaded with wherever it is shown: its listing as a Listing shows, the buyer.
RESERVATION_RELATED = ("buyer", *(f"listing__{related}" for related in LISTING_RELATED))
HISTORY_LIMIT = 50  # listingReservations: a listing's reservations, newest first
MAX_REASON = 200


def _invalid(message: str, field: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, message, field=field)


def not_found() -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, "找不到该预订", field="reservationId")


def new_code() -> str:
    """The 6-digit handover code, from the system's secure random source."""
    return f"{secrets.randbelow(10**6):06d}"


async def open_reservation(tx, listing: Listing, buyer_id: UUID, giveaway: bool, *,
                           actor: Actor | None = None) -> Reservation:
    """Reserve the locked, PUBLISHED `listing` for `buyer_id`: PUBLISHED → RESERVED and an ACTIVE
    reservation with a new encrypted handover code. The caller has checked everything else (who may
    reserve, the weekly cap); the lottery's draw calls it without an actor (the system)."""
    await LISTING_STATES.move(tx, listing, ListingState.RESERVED, actor=actor)
    return await Reservation.create(listing_id=listing.id, buyer_id=buyer_id, state=ReservationState.ACTIVE,
                                    handover_code_encrypted=crypto.encrypt(new_code()), giveaway=giveaway,
                                    created_at=clock.now(), using_db=tx)


def week_start(now: datetime) -> datetime:
    """Monday 00:00 of this week, Asia/Shanghai."""
    local = now.astimezone(SHANGHAI)
    return (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)


async def check_weekly_cap(tx, community_id: UUID, person_id: UUID) -> None:
    """Refuse a giveaway to a person who has reached the community's weekly giveaway wins: their
    giveaway reservations there this week (Monday–Sunday, Asia/Shanghai) that were not cancelled. The
    person's row is locked first, so two giveaways reserved at once are counted one after the other."""
    await Person.filter(id=person_id).select_for_update().using_db(tx).first()
    cap = (await settings_of(community_id, tx=tx)).weekly_giveaway_wins
    won = await Reservation.filter(buyer_id=person_id, giveaway=True, listing__community_id=community_id,
                                   created_at__gte=week_start(clock.now())
                                   ).exclude(state=ReservationState.CANCELLED).using_db(tx).count()
    if won >= cap:
        raise _invalid(f"每人每周最多领取 {cap} 件赠送，本周已达上限，请下周再来", "listingId")


def _check_reservable(listing: Listing, me: UUID) -> None:
    if listing.seller_id == me:
        raise _invalid("您不能预订自己发布的闲置", "listingId")
    if listing.kind is ListingKind.WANTED:
        raise _invalid("求购信息请留言联系发布者", "listingId")
    if listing.giveaway_mode is GiveawayMode.LOTTERY and listing.drawn_at is None:
        # Once drawn, a winner who gives it up leaves it first come: nobody could enter again.
        raise _invalid("这是抽签赠送，请参与抽签", "listingId")


async def _check_open(tx, listing: Listing, me: UUID) -> None:
    """The locked listing is on the market and open to me."""
    if listing.state is ListingState.RESERVED:
        if await Reservation.filter(listing_id=listing.id, buyer_id=me,
                                    state=ReservationState.ACTIVE).using_db(tx).exists():
            raise _invalid("您已预订该闲置，请按约定时间取货", "listingId")
        raise DomainError(ErrorCode.CONFLICT, "手慢了，该闲置已被预订", field="listingId")
    if listing.state is not ListingState.PUBLISHED or listing.expires_at <= clock.now():
        state = LISTING_STATES.state_names[listing.state if listing.state is not ListingState.PUBLISHED
                                           else ListingState.EXPIRED]  # past its end, not yet swept
        raise DomainError(ErrorCode.NOT_AVAILABLE, f"{state}的闲置不能预订", field="listingId")
    if listing.hidden_at is not None:  # staff who are members see hidden listings
        raise DomainError(ErrorCode.NOT_AVAILABLE, "该闲置已被隐藏，不能预订", field="listingId")
    if await Reservation.filter(listing_id=listing.id, buyer_id=me,
                                state=ReservationState.NO_SHOW).using_db(tx).exists():
        raise _invalid("卖家已登记您上次未到场，不能再预订该闲置", "listingId")


async def tell(tx, person_ids: list[UUID], *, reservation: Reservation, kind: str, title: str, body: str,
               key: str) -> None:
    """An inbox message and a push about a reservation, opening its deal page. The jobs' keys start
    `reservation:<id>:` (their dead letters are the listing's community's: backend/market/tasks.py)."""
    key = f"reservation:{reservation.id}:{key}"
    await notify.deliver_many(tx, person_ids=person_ids, kind=kind, title=title, body=body, key_prefix=key)
    page = f"market/pages/deal/index?listingId={reservation.listing_id}&reservationId={reservation.id}"
    await notify.queue_push(tx, person_ids=person_ids, kind=kind, title=title, body=body, key_prefix=key, page=page)


async def _name(tx, person_id: UUID) -> str:
    return (await Person.filter(id=person_id).using_db(tx).get()).display_name


async def reserve_listing(actor: Actor, *, listing_id: UUID) -> Reservation:
    """First come: a member of the listing's community reserves a PUBLISHED SELL, SWAP or FREE
    FIRST_COME listing of someone else's (a giveaway within the weekly cap); the seller is told."""
    async with transaction() as tx:
        listing = await access.get_listing_for(actor, listing_id, tx=tx, lock=True)
        me = await access.require_member(actor, listing.community_id, tx=tx)
        _check_reservable(listing, me)
        await _check_open(tx, listing, me)
        giveaway = listing.kind is ListingKind.FREE
        if giveaway:
            await check_weekly_cap(tx, listing.community_id, me)
        reservation = await open_reservation(tx, listing, me, giveaway, actor=actor)
        await audit.record(tx, actor, "market.reserve", "reservation", reservation.id,
                           community_id=listing.community_id, after={"listing": str(listing.id)})
        await tell(tx, [listing.seller_id], reservation=reservation, kind="market.reserved", title="闲置已被预订",
                   body=f"「{listing.title}」已被 {await _name(tx, me)} 预订，交接时请核对对方的交接码", key="reserved")
    return await loaded(reservation.id)


async def get_reservation_for(actor: Actor, reservation_id: UUID, *, tx=None) -> Reservation:
    """A reservation of mine, as its buyer or as its listing's seller (for `actor.subject(MARKET)`),
    with its listing; not-found for anyone else. Inside `tx` the listing, then the reservation, are
    locked, and both are read again under the lock."""
    me = actor.subject(ProxyScope.MARKET)
    query = Reservation.filter(id=reservation_id).select_related("listing")
    found = await (query.using_db(tx) if tx else query).first()
    if found is None or me not in (found.buyer_id, found.listing.seller_id):
        raise not_found()
    if tx is None:
        return found
    listing = await Listing.filter(id=found.listing_id).select_for_update().using_db(tx).get()
    reservation = await Reservation.filter(id=reservation_id).select_for_update().using_db(tx).get()
    reservation.listing = listing
    return reservation


def require_active(reservation: Reservation, verb: str) -> None:
    if reservation.state is not ReservationState.ACTIVE:
        raise _invalid(f"该预订已结束，不能{verb}", "reservationId")


def require_seller(actor: Actor, reservation: Reservation, message: str) -> None:
    if reservation.listing.seller_id != actor.subject(ProxyScope.MARKET):
        raise DomainError(ErrorCode.FORBIDDEN, message, field="reservationId")


async def _end(tx, actor: Actor, reservation: Reservation, state: ReservationState, reason: str | None) -> None:
    """The reservation ends without a handover: the listing goes back on the market."""
    reservation.state, reservation.ended_at, reservation.end_reason = state, clock.now(), reason
    await reservation.save(using_db=tx, update_fields=["state", "ended_at", "end_reason"])
    await LISTING_STATES.move(tx, reservation.listing, ListingState.PUBLISHED, actor=actor, reason=reason)


async def cancel_reservation(actor: Actor, *, reservation_id: UUID, reason: str | None) -> Reservation:
    """The buyer gives up an ACTIVE reservation (a reason is optional), or the seller cancels it (a
    reason is required); the listing is published again and the other side is told. Cancelling also
    releases a handover locked by wrong codes."""
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > MAX_REASON:
        raise _invalid(f"取消原因最多 {MAX_REASON} 个字", "reason")
    async with transaction() as tx:
        reservation = await get_reservation_for(actor, reservation_id, tx=tx)
        require_active(reservation, "取消")
        listing = reservation.listing
        by_seller = listing.seller_id == actor.subject(ProxyScope.MARKET)
        if by_seller and reason is None:
            raise _invalid("请填写取消原因", "reason")
        await _end(tx, actor, reservation, ReservationState.CANCELLED, reason)
        await audit.record(tx, actor, "market.reservation_cancel", "reservation", reservation.id,
                           community_id=listing.community_id, after={"reason": reason, "bySeller": by_seller})
        if by_seller:
            await tell(tx, [reservation.buyer_id], reservation=reservation, kind="market.cancelled",
                       title="预订已被取消", body=f"卖家取消了您对「{listing.title}」的预订：{reason}", key="cancelled")
        else:
            buyer = await _name(tx, reservation.buyer_id)
            await tell(tx, [listing.seller_id], reservation=reservation, kind="market.cancelled", title="预订已被取消",
                       body=f"{buyer} 取消了对「{listing.title}」的预订，闲置已重新上架", key="cancelled")
    return await loaded(reservation.id)


async def report_no_show(actor: Actor, *, reservation_id: UUID) -> Reservation:
    """The seller reports that the buyer of an ACTIVE reservation did not come: NO_SHOW (counted in
    the buyer's record), the listing published again, the buyer told."""
    async with transaction() as tx:
        reservation = await get_reservation_for(actor, reservation_id, tx=tx)
        require_seller(actor, reservation, "只有卖家可以登记买家未到场")
        require_active(reservation, "登记未到场")
        listing = reservation.listing
        await _end(tx, actor, reservation, ReservationState.NO_SHOW, "买家未到场")
        await audit.record(tx, actor, "market.no_show", "reservation", reservation.id,
                           community_id=listing.community_id, after={"buyer": str(reservation.buyer_id)})
        await tell(tx, [reservation.buyer_id], reservation=reservation, kind="market.no_show", title="已登记未到场",
                   body=f"卖家登记您未按约定取走「{listing.title}」，预订已结束", key="no_show")
    return await loaded(reservation.id)


async def loaded(reservation_id: UUID) -> Reservation:
    return await Reservation.filter(id=reservation_id).select_related(*RESERVATION_RELATED).get()


async def my_reservations(actor: Actor, *, community_id: UUID, buyer: bool, first: int,
                          after: str | None) -> Page[Reservation]:
    """My reservations in a community I belong to, as the buyer or as the seller, newest first."""
    me = await access.require_member(actor, community_id)
    mine = {"buyer_id": me} if buyer else {"listing__seller_id": me}
    query = Reservation.filter(listing__community_id=community_id, **mine).select_related(*RESERVATION_RELATED)
    return await paginate(query, first=first, after=after, newest_first=True)


async def listing_reservations(actor: Actor, *, listing_id: UUID) -> list[Reservation]:
    """A listing's reservations, newest first (at most HISTORY_LIMIT): for its seller and the
    community's market staff (MARKET_MANAGE)."""
    listing = await access.get_listing_for(actor, listing_id)
    staff = not actor.is_proxy and has(actor, Permission.MARKET_MANAGE, listing.community_id)
    if not staff and listing.seller_id != access.viewer(actor):
        raise DomainError(ErrorCode.FORBIDDEN, "只有发布者和市场管理人员可以查看预订记录", field="listingId")
    return await Reservation.filter(listing_id=listing.id).select_related(*RESERVATION_RELATED
                                                                          ).order_by("-id").limit(HISTORY_LIMIT)


async def shown_reservations(me: UUID | None, listings: list[Listing]) -> list[Reservation | None]:
    """Each listing's live or completed reservation (ACTIVE or HANDED_OVER, the newest), for its seller
    and that buyer only; None for anyone else."""
    if me is None:
        return [None] * len(listings)
    rows = await Reservation.filter(
        listing_id__in=[listing.id for listing in listings],
        state__in=(ReservationState.ACTIVE, ReservationState.HANDED_OVER),
    ).select_related(*RESERVATION_RELATED).order_by("id")
    newest = {row.listing_id: row for row in rows}
    return [row if (row := newest.get(listing.id)) and me in (row.buyer_id, listing.seller_id) else None
            for listing in listings]
