"""The market's figures for the console: 市场统计 over a period, and the 工作台 panel.

A period is [since, until], both Asia/Shanghai days and included, at most MAX_DAYS long. Counted over
the community's own rows only:
- published: listings first published in the period (`published_at`); by category and by day alike;
- handed over: reservations handed over in the period (`ended_at` of a HANDED_OVER reservation);
- giveaways: those of them for a FREE listing (赠送成功);
- lottery draws: lottery listings drawn in the period;
- active sellers: people who published at least one listing in the period;
- reports and hidden: moderation's figures for kind LISTING, which the caller passes in as
  `moderation` (moderation imports the market through its wiring, so the market never imports it).

Each figure is one GROUP BY or one column read, whatever the period's length."""

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol
from uuid import UUID
from zoneinfo import ZoneInfo

from tortoise.functions import Count

from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.errors import DomainError, ErrorCode
from backend.core.permissions import Permission, require
from backend.market import access
from backend.market.models import (
    GiveawayMode,
    Listing,
    ListingCategory,
    ListingKind,
    ListingState,
    Reservation,
    ReservationState,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_DAYS = 366
DEFAULT_DAYS = 30


class ModerationFigures(Protocol):  # backend/moderation/figures.py's KindFigures
    reports: int  # reports made in the period
    hidden: int  # listings hidden in the period (auto-hidden or by a moderator)
    hidden_pending: int  # listings hidden now and waiting for a moderator's review


# (community_id, start, end) -> the moderation figures of kind LISTING; start/end None: now only.
ModerationCounter = Callable[[UUID, datetime | None, datetime | None], Awaitable[ModerationFigures]]


@dataclass(frozen=True)
class Period:
    since: date
    until: date  # included

    @classmethod
    def of(cls, since: date | None, until: date | None) -> "Period":
        """The period asked for; by default the 30 days up to today (or up to `until`)."""
        until = until or today()
        since = since or until - timedelta(days=DEFAULT_DAYS - 1)
        if until < since:
            raise DomainError(ErrorCode.INVALID_INPUT, "结束日期不能早于开始日期", field="until")
        if (until - since).days + 1 > MAX_DAYS:
            raise DomainError(ErrorCode.INVALID_INPUT, f"统计期间最长 {MAX_DAYS} 天，请缩短后再试", field="since")
        return cls(since, until)

    def bounds(self) -> tuple[datetime, datetime]:
        return (datetime.combine(self.since, time(), SHANGHAI),
                datetime.combine(self.until + timedelta(days=1), time(), SHANGHAI))

    def days(self) -> list[date]:
        return [self.since + timedelta(days=n) for n in range((self.until - self.since).days + 1)]


def today() -> date:
    return clock.now().astimezone(SHANGHAI).date()


def _day(at: datetime) -> date:
    return at.astimezone(SHANGHAI).date()


@dataclass
class MarketStats:
    period: Period
    published: int
    handed_over: int
    giveaways: int
    lottery_draws: int
    reports: int
    hidden: int
    active_sellers: int
    by_category: list[tuple[ListingCategory, int]]  # every category, in the enum's order
    daily: list[tuple[date, int, int]]  # each day of the period: published, handed over


async def market_stats(actor: Actor, *, community_id: UUID, period: Period,
                       moderation: ModerationCounter) -> MarketStats:
    require(actor, Permission.MARKET_MANAGE, community_id)
    start, end = period.bounds()
    published = Listing.filter(community_id=community_id, published_at__gte=start, published_at__lt=end)
    categories = dict(await published.annotate(n=Count("id")).group_by("category").values_list("category", "n"))
    sellers = await published.annotate(n=Count("seller_id", distinct=True)).values_list("n", flat=True)
    published_days = Counter(_day(at) for at in await published.values_list("published_at", flat=True))
    handovers = await Reservation.filter(
        listing__community_id=community_id, state=ReservationState.HANDED_OVER, ended_at__gte=start, ended_at__lt=end,
    ).values_list("ended_at", "listing__kind")
    handover_days = Counter(_day(at) for at, _ in handovers)
    draws = await Listing.filter(community_id=community_id, giveaway_mode=GiveawayMode.LOTTERY,
                                 drawn_at__gte=start, drawn_at__lt=end).count()
    moderated = await moderation(community_id, start, end)
    return MarketStats(
        period=period, published=sum(categories.values()), handed_over=len(handovers),
        giveaways=sum(1 for _, kind in handovers if kind == ListingKind.FREE), lottery_draws=draws,
        reports=moderated.reports, hidden=moderated.hidden, active_sellers=sellers[0] if sellers else 0,
        by_category=[(c, categories.get(c, 0)) for c in ListingCategory],
        daily=[(d, published_days[d], handover_days[d]) for d in period.days()],
    )


@dataclass
class MarketPanel:
    published: int  # on offer now: published and not hidden
    reserved_today: int  # reservations made today (Asia/Shanghai)
    handed_over_this_week: int  # handovers since Monday (Asia/Shanghai)
    hidden_pending: int  # hidden listings waiting for review


async def market_panel(actor: Actor, *, community_id: UUID, moderation: ModerationCounter) -> MarketPanel:
    """The 工作台 panel: for the market's staff (MARKET_MANAGE) and its moderators (MODERATE)."""
    if not access.is_staff(actor, community_id):
        require(actor, Permission.MARKET_MANAGE, community_id)  # not-found or forbidden, as for any panel
    day = today()
    midnight = datetime.combine(day, time(), SHANGHAI)
    monday = midnight - timedelta(days=day.weekday())
    on_offer = await Listing.filter(community_id=community_id, state=ListingState.PUBLISHED, hidden_at=None).count()
    reserved = await Reservation.filter(listing__community_id=community_id, created_at__gte=midnight).count()
    handed = await Reservation.filter(listing__community_id=community_id, state=ReservationState.HANDED_OVER,
                                      ended_at__gte=monday).count()
    moderated = await moderation(community_id, None, None)
    return MarketPanel(published=on_offer, reserved_today=reserved, handed_over_this_week=handed,
                       hidden_pending=moderated.hidden_pending)
