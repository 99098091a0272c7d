"""Moderation's figures for one kind of content in a community (the market's 市场统计 and 工作台
panel read them for LISTING). No permission check here: the domain whose figures these are checks
its own (the market's stats require MARKET_MANAGE) before its api layer asks for them."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from tortoise.functions import Count

from backend.moderation.models import ItemState, LogAction, ModeratedItem, ModerationLogEntry, ModerationReport

HIDING = (LogAction.AUTO_HIDE, LogAction.HIDE)


@dataclass(frozen=True)
class KindFigures:
    reports: int  # reports made in [start, end)
    hidden: int  # items hidden in [start, end), automatically or by a moderator (each once)
    hidden_pending: int  # items hidden now and waiting for a moderator's review


async def kind_figures(*, kind: str, community_id: UUID, start: datetime | None,
                       end: datetime | None) -> KindFigures:
    """The figures of `kind` in the community; with no period only `hidden_pending` is counted."""
    pending = await ModeratedItem.filter(community_id=community_id, kind=kind, state=ItemState.HIDDEN).count()
    if start is None or end is None:
        return KindFigures(reports=0, hidden=0, hidden_pending=pending)
    reports = await ModerationReport.filter(item__community_id=community_id, item__kind=kind,
                                            created_at__gte=start, created_at__lt=end).count()
    hidden = await ModerationLogEntry.filter(
        community_id=community_id, item__kind=kind, action__in=HIDING, created_at__gte=start, created_at__lt=end,
    ).annotate(n=Count("item_id", distinct=True)).values_list("n", flat=True)
    return KindFigures(reports=reports, hidden=hidden[0] if hidden else 0, hidden_pending=pending)
