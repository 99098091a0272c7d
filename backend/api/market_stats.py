"""The market's figures: 市场统计 (`marketStats`) and the 工作台's market panel. The rules are
backend/market/stats.py's; moderation's figures for LISTING are handed to it from here, since the
market does not import moderation."""

from datetime import date, datetime
from uuid import UUID

import strawberry
from strawberry.types import Info

from backend.api.ids import parse_uuid
from backend.api.market_types import ListingCategory
from backend.market import stats
from backend.market.moderated import KIND as LISTING_KIND
from backend.moderation import figures as moderation_figures


async def _listing_moderation(community_id: UUID, start: datetime | None,
                              end: datetime | None) -> moderation_figures.KindFigures:
    return await moderation_figures.kind_figures(kind=LISTING_KIND, community_id=community_id, start=start, end=end)


@strawberry.type
class MarketCategoryCount:
    category: ListingCategory
    count: int


@strawberry.type
class MarketDay:
    day: date
    published: int
    handed_over: int


@strawberry.type(description="The market in a period [since, until] (Asia/Shanghai days, both included).")
class MarketStats:
    since: date
    until: date
    published: int = strawberry.field(description="Listings first published in the period.")
    handed_over: int = strawberry.field(description="Handovers (the buyer's code confirmed) in the period.")
    giveaways: int = strawberry.field(description="Of those, free listings given away.")
    lottery_draws: int = strawberry.field(description="Lottery giveaways drawn in the period.")
    reports: int = strawberry.field(description="Reports on listings made in the period.")
    hidden: int = strawberry.field(description="Listings hidden in the period, by reports or a moderator.")
    active_sellers: int = strawberry.field(description="People who published a listing in the period.")
    by_category: list[MarketCategoryCount] = strawberry.field(description="Published listings, every category.")
    daily: list[MarketDay] = strawberry.field(description="Each day of the period.")

    @classmethod
    def of(cls, s: stats.MarketStats) -> "MarketStats":
        return cls(since=s.period.since, until=s.period.until, published=s.published, handed_over=s.handed_over,
                   giveaways=s.giveaways, lottery_draws=s.lottery_draws, reports=s.reports, hidden=s.hidden,
                   active_sellers=s.active_sellers,
                   by_category=[MarketCategoryCount(category=c, count=n) for c, n in s.by_category],
                   daily=[MarketDay(day=d, published=p, handed_over=h) for d, p, h in s.daily])


@strawberry.type
class WorkbenchMarket:
    published: int = strawberry.field(description="Listings on offer now (published, not hidden).")
    reserved_today: int = strawberry.field(description="Reservations made today (Asia/Shanghai).")
    handed_over_this_week: int = strawberry.field(description="Handovers since Monday (Asia/Shanghai).")
    hidden_pending: int = strawberry.field(description="Hidden listings waiting for a moderator's review.")


async def workbench_market(info: Info, community_id: strawberry.ID) -> WorkbenchMarket:
    panel = await stats.market_panel(info.context.actor, community_id=parse_uuid(community_id),
                                     moderation=_listing_moderation)
    return WorkbenchMarket(published=panel.published, reserved_today=panel.reserved_today,
                           handed_over_this_week=panel.handed_over_this_week, hidden_pending=panel.hidden_pending)


@strawberry.type
class MarketStatsQueries:
    @strawberry.field(description="The market's figures over [since, until] (Asia/Shanghai days, both included, "
                      "at most 366; by default the last 30 days): publications, handovers, giveaways, draws, "
                      "reports and hidden listings, by category and by day. Needs MARKET_MANAGE.")
    async def market_stats(self, info: Info, community_id: strawberry.ID, since: date | None = None,
                           until: date | None = None) -> MarketStats:
        period = stats.Period.of(since, until)
        return MarketStats.of(await stats.market_stats(info.context.actor, community_id=parse_uuid(community_id),
                                                       period=period, moderation=_listing_moderation))
