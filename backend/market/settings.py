"""A community's market rules (市场规则): how many giveaways one person may win a week, and how many
listings one person may publish a day. A community without a row has the defaults of the model."""

from uuid import UUID

from backend.audit import service as audit
from backend.core.actor import Actor
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.permissions import Permission, require
from backend.market.models import MarketSettings

WEEKLY_WINS = (0, 20)  # 0: nobody wins giveaways (the community pauses them)
DAILY_LISTINGS = (1, 50)


async def settings_of(community_id: UUID, *, tx=None) -> MarketSettings:
    query = MarketSettings.filter(community_id=community_id)
    found = await (query.using_db(tx) if tx else query).first()
    return found or MarketSettings(community_id=community_id)


async def get_settings_for(actor: Actor, *, community_id: UUID) -> MarketSettings:
    require(actor, Permission.MARKET_MANAGE, community_id)
    return await settings_of(community_id)


async def update_settings(actor: Actor, *, community_id: UUID, weekly_giveaway_wins: int,
                          daily_listings: int) -> MarketSettings:
    """For what happens from now on: wins and publications already made stay."""
    require(actor, Permission.MARKET_MANAGE, community_id)
    if not WEEKLY_WINS[0] <= weekly_giveaway_wins <= WEEKLY_WINS[1]:
        raise DomainError(ErrorCode.INVALID_INPUT, f"每人每周最多领取赠送须为 {WEEKLY_WINS[0]}–{WEEKLY_WINS[1]} 次",
                          field="weeklyGiveawayWins")
    if not DAILY_LISTINGS[0] <= daily_listings <= DAILY_LISTINGS[1]:
        raise DomainError(ErrorCode.INVALID_INPUT, f"每人每天最多发布须为 {DAILY_LISTINGS[0]}–{DAILY_LISTINGS[1]} 条",
                          field="dailyListings")
    async with transaction() as tx:
        settings, _ = await MarketSettings.get_or_create(community_id=community_id, using_db=tx)
        before = {"weeklyGiveawayWins": settings.weekly_giveaway_wins, "dailyListings": settings.daily_listings}
        settings.weekly_giveaway_wins, settings.daily_listings = weekly_giveaway_wins, daily_listings
        await settings.save(using_db=tx, update_fields=["weekly_giveaway_wins", "daily_listings"])
        await audit.record(tx, actor, "market.settings_update", "community", community_id, community_id=community_id,
                           before=before, after={"weeklyGiveawayWins": weekly_giveaway_wins,
                                                 "dailyListings": daily_listings})
    return settings
