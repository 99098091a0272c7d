"""The lottery of a giveaway (到点抽签): neighbours enter before `draw_at`, a due sweep draws the
winner then, and anyone may re-run the draw from what it publishes.

The draw: a fresh seed (`secrets.token_hex(32)`) is recorded in `draw_seed`; the entries are ranked
by sha256(seed + entry id) (the id as its canonical lower-case string), smallest first; the winner is
the first in that ranking who is not over the community's weekly giveaway wins, and those ranked
before the winner were skipped for the cap. So the entries drawn among are the winner and everyone
ranked after them, and `winner_of(seed, those ids)` is the winner: `LotteryResult` publishes exactly
that. With no winner (nobody entered, or everyone over the cap) nothing was drawn among, and the
listing turns FIRST_COME without a draw time so the item still finds a neighbour. A drawn listing
that keeps its draw time had a winner, and its first reservation is the draw's (neighbours cannot
reserve a lottery's item first come)."""

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from tortoise.exceptions import IntegrityError
from tortoise.functions import Count

from backend.audit import service as audit
from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.statemachine import sweep_due
from backend.market import access
from backend.market.models import GiveawayMode, Listing, ListingKind, ListingState, LotteryEntry, Reservation
from backend.market.reservations import check_weekly_cap, open_reservation
from backend.market.states import LISTING_STATES
from backend.notify import service as notify

BATCH = 500  # a sweep's share; the next minute's sweep takes the rest
KIND = "market.lottery"


def ranking(seed: str, entry_ids: Iterable) -> list[str]:
    """The entries in draw order: smallest sha256(seed + entry id) first."""
    return sorted((str(i) for i in entry_ids), key=lambda i: hashlib.sha256((seed + i).encode()).hexdigest())


def winner_of(seed: str, entry_ids: Iterable) -> str | None:
    """The entry the draw picks among `entry_ids` with `seed` (None among none)."""
    return next(iter(ranking(seed, entry_ids)), None)


def _invalid(message: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, message, field="listingId")


async def _open_lottery(actor: Actor, listing_id: UUID, tx) -> tuple[Listing, UUID]:
    """The listing, locked (the draw locks it too, so no entry slips in after it), refused unless
    its lottery is open to me."""
    listing = await access.get_listing_for(actor, listing_id, tx=tx, lock=True)
    me = await access.require_member(actor, listing.community_id, tx=tx)
    if listing.kind is not ListingKind.FREE or listing.giveaway_mode is not GiveawayMode.LOTTERY:
        raise _invalid("该闲置不是抽签赠送")
    if listing.drawn_at is not None:
        raise _invalid("已开奖")
    if listing.state is not ListingState.PUBLISHED:
        raise _invalid(f"{LISTING_STATES.state_names[listing.state]}的闲置不能参加抽签")
    if listing.hidden_at is not None:  # only its seller and staff still see it
        raise _invalid("该闲置已被隐藏，不能参加抽签")
    if listing.draw_at <= clock.now():
        raise _invalid("已截止报名")
    if listing.seller_id == me:
        raise _invalid("不能参加自己发布的抽签")
    return listing, me


async def _audit_proxy(tx, actor: Actor, action: str, listing: Listing) -> None:
    if actor.is_proxy:  # the principal sees it in their history
        await audit.record(tx, actor, action, "listing", listing.id, community_id=listing.community_id)


async def enter(actor: Actor, *, listing_id: UUID) -> Listing:
    """Enter a published lottery before its draw, once per person."""
    async with transaction() as tx:
        listing, me = await _open_lottery(actor, listing_id, tx)
        try:
            async with transaction() as savepoint:  # the unique (listing, person) index decides
                await LotteryEntry.create(listing_id=listing.id, person_id=me, using_db=savepoint)
        except IntegrityError:
            raise _invalid("您已参加过抽签") from None
        await _audit_proxy(tx, actor, "market.lottery_enter", listing)
    return listing


async def leave(actor: Actor, *, listing_id: UUID) -> Listing:
    """Take back my entry before the draw."""
    async with transaction() as tx:
        listing, me = await _open_lottery(actor, listing_id, tx)
        if not await LotteryEntry.filter(listing_id=listing.id, person_id=me).using_db(tx).delete():
            raise _invalid("您还没有参加该抽签")
        await _audit_proxy(tx, actor, "market.lottery_leave", listing)
    return listing


# ------------------------------------------------------------------------------ the draw


async def _due() -> list[UUID]:
    return await Listing.filter(state=ListingState.PUBLISHED, giveaway_mode=GiveawayMode.LOTTERY, drawn_at=None,
                                hidden_at=None, draw_at__lte=clock.now()).order_by("draw_at").limit(
        BATCH).values_list("id", flat=True)


async def _tell(tx, listing: Listing, who: str, person_ids: list[UUID], body: str) -> None:
    if not person_ids:
        return
    key, title = f"listing:{listing.id}:lottery:{who}", "抽签结果"
    await notify.deliver_many(tx, person_ids=person_ids, kind=KIND, title=title, body=body, key_prefix=key)
    await notify.queue_push(tx, person_ids=person_ids, kind=KIND, title=title, body=body, key_prefix=key,
                            page=f"market/pages/listing/index?id={listing.id}")


async def draw(tx, listing_id: UUID) -> bool:
    """Draw one due lottery (see the module docstring), in the sweep's transaction."""
    listing = await Listing.filter(id=listing_id, state=ListingState.PUBLISHED, giveaway_mode=GiveawayMode.LOTTERY,
                                   drawn_at=None, hidden_at=None).select_for_update().using_db(tx).first()
    if listing is None or listing.draw_at > clock.now():  # drawn, withdrawn or hidden meanwhile
        return False
    entries = dict(await LotteryEntry.filter(listing_id=listing.id).using_db(tx).values_list("id", "person_id"))
    listing.draw_seed, listing.drawn_at = secrets.token_hex(32), clock.now()
    skipped: list[UUID] = []
    winner = None
    for entry_id in ranking(listing.draw_seed, entries):
        person_id = entries[UUID(entry_id)]
        try:
            await check_weekly_cap(tx, listing.community_id, person_id)
        except DomainError:
            skipped.append(person_id)
            continue
        winner = person_id
        break
    title = listing.title
    if winner is None:  # a first-come giveaway has no draw time (and the seller may edit it as one)
        listing.giveaway_mode, listing.draw_at = GiveawayMode.FIRST_COME, None
    await listing.save(using_db=tx, update_fields=["draw_seed", "drawn_at", "giveaway_mode", "draw_at", "updated_at"])
    if winner is None:
        why = "无人参加抽签" if not entries else "参加者本周领取的赠送都已达上限"
        await _tell(tx, listing, "seller", [listing.seller_id], f"您的闲置「{title}」开奖时{why}，已改为先到先得")
    else:
        await open_reservation(tx, listing, winner, giveaway=True)
        await _tell(tx, listing, "won", [winner], f"您抽中了「{title}」，请按约定与发布者交接")
        await _tell(tx, listing, "seller", [listing.seller_id], f"您的闲置「{title}」已开奖，已为中签者预订")
    await _tell(tx, listing, "capped", skipped, f"「{title}」开奖时您本周领取的赠送已达上限，未参与抽取")
    told = {winner, *skipped}
    losers = [p for p in entries.values() if p not in told]
    await _tell(tx, listing, "lost", losers, f"很遗憾，「{title}」未中签")
    return True


async def draw_due() -> int:
    return await sweep_due(_due, draw)


# ------------------------------------------------------------------------------ what a listing shows


async def entered(me: UUID | None, listing_ids: list[UUID]) -> list[bool]:
    if me is None:
        return [False] * len(listing_ids)
    mine = set(await LotteryEntry.filter(person_id=me, listing_id__in=listing_ids).values_list("listing_id",
                                                                                              flat=True))
    return [i in mine for i in listing_ids]


async def entry_counts(listing_ids: list[UUID]) -> list[int]:
    counts = dict(await LotteryEntry.filter(listing_id__in=listing_ids).annotate(n=Count("id")).group_by(
        "listing_id").values_list("listing_id", "n"))
    return [counts.get(i, 0) for i in listing_ids]


@dataclass(frozen=True)
class Result:
    seed: str
    entry_ids: list[str]  # drawn among, in id order
    winner_entry_id: str | None
    winner_id: UUID | None  # the winning person
    drawn_at: datetime


async def results(listings: list[Listing]) -> list[Result | None]:
    """Each drawn lottery's result (None before the draw), for a page of listings in two statements."""
    drawn = [listing for listing in listings if listing.drawn_at is not None and listing.draw_seed is not None]
    ids = [listing.id for listing in drawn]
    entries: dict[UUID, dict[UUID, str]] = {i: {} for i in ids}
    # Both statements run for any page (even without a drawn lottery), so a page costs the same.
    for listing_id, entry_id, person_id in await LotteryEntry.filter(listing_id__in=ids).order_by(
            "id").values_list("listing_id", "id", "person_id"):
        entries[listing_id][person_id] = str(entry_id)
    kept = [listing.id for listing in drawn if listing.draw_at is not None]  # drawn with a winner
    rows = await Reservation.filter(listing_id__in=kept).order_by("-id").values_list("listing_id", "buyer_id")
    winners = dict(rows)  # the earliest (the draw's) wins
    found = {}
    for listing in drawn:
        by_person = entries[listing.id]
        winner_id = winners.get(listing.id)
        winner_entry = by_person.get(winner_id)
        among: list[str] = []
        if winner_entry is not None:
            order = ranking(listing.draw_seed, by_person.values())
            among = sorted(order[order.index(winner_entry):], key=UUID)
        found[listing.id] = Result(listing.draw_seed, among, winner_entry, winner_id if winner_entry else None,
                                   listing.drawn_at)
    return [found.get(listing.id) for listing in listings]
