"""The notices' figures for the 工作台: this week's notices with their reach and acknowledgement, and
the households they have not reached yet, by grid. Counted over the staff member's reach (a grid
worker: the households of their grids), in a fixed number of queries however large the community."""

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from tortoise.expressions import Q, Subquery
from tortoise.functions import Count

from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.permissions import Permission, require
from backend.notices.models import Notice, NoticeOfflineReach, NoticeRecipient
from backend.registry.models import Grid
from backend.registry.scope import grid_scope

WEEK = timedelta(days=7)
MAX_NOTICES = 20


@dataclass
class WeekNotice:
    notice: Notice
    audience: int
    read: int
    acknowledged: int
    households: int
    households_reached: int  # read by someone there, or visited


@dataclass
class GridUnreached:
    grid_name: str | None  # None: buildings in no grid
    households: int  # households not reached, counted once per notice (户次)


@dataclass
class NoticeFigures:
    notices: list[WeekNotice]
    unreached_by_grid: list[GridUnreached]


async def notice_figures(actor: Actor, *, community_id: UUID) -> NoticeFigures:
    require(actor, Permission.NOTICE_REACH, community_id)
    scope = await grid_scope(actor, community_id)
    in_reach = NoticeRecipient.filter(scope.buildings("building"), notice__community_id=community_id,
                                      notice__published_at__gte=clock.now() - WEEK)
    notices = await Notice.filter(id__in=Subquery(in_reach.values("notice_id"))) \
        .order_by("-published_at").limit(MAX_NOTICES)
    rows = NoticeRecipient.filter(scope.buildings("building"), notice_id__in=[n.id for n in notices])
    people = {n: (total, read, acked) for n, total, read, acked in await rows.annotate(
        total=Count("id"), read=Count("id", _filter=Q(read_at__isnull=False)),
        acked=Count("id", _filter=Q(acknowledged_at__isnull=False)),
    ).group_by("notice_id").values_list("notice_id", "total", "read", "acked")}
    households = await rows.exclude(household_id=None).annotate(
        n=Count("household_id", distinct=True),
        read=Count("household_id", distinct=True, _filter=Q(read_at__isnull=False)),
    ).group_by("notice_id", "building__grid_id").values_list("notice_id", "building__grid_id", "n", "read")
    visited = await _visited_unread(rows, [n.id for n in notices])

    reach, unreached = Counter(), Counter()
    for notice_id, grid_id, n, read in households:
        reached = read + visited[notice_id, grid_id]
        reach[notice_id, "households"] += n
        reach[notice_id, "reached"] += reached
        unreached[grid_id] += n - reached
    names = dict(await Grid.filter(id__in=[g for g in unreached if g]).values_list("id", "name"))
    return NoticeFigures(
        notices=[WeekNotice(n, *people.get(n.id, (0, 0, 0)), reach[n.id, "households"], reach[n.id, "reached"])
                 for n in notices],
        unreached_by_grid=sorted((GridUnreached(names.get(g), count) for g, count in unreached.items()),
                                 key=lambda g: (g.grid_name is None, g.grid_name or "")),
    )


async def _visited_unread(rows, notice_ids: list[UUID]) -> Counter:
    """Households visited offline where nobody read the notice, by (notice, grid): visits are few."""
    visits = await NoticeOfflineReach.filter(
        notice_id__in=notice_ids, household_id__in=Subquery(rows.values("household_id")),
    ).values_list("notice_id", "household_id", "household__room__unit__building__grid_id")
    if not visits:
        return Counter()
    read = set(await rows.filter(read_at__isnull=False, household_id__in=[h for _, h, _ in visits])
               .values_list("notice_id", "household_id"))
    return Counter((n, g) for n, h, g in visits if (n, h) not in read)
