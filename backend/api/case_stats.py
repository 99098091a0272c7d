"""Case statistics (诉求统计): SLA compliance, times to accept and to resolve, satisfaction and reopen
rate for the cases raised in a period, by category and by handler; the 工作台's case panel. The rules
are backend/cases/stats.py's."""

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from backend.api.cases import CaseStateCount
from backend.api.ids import parse_uuid
from backend.cases import stats
from backend.cases.models import CaseState as CaseStateEnum


@strawberry.type(description="The figures of a set of cases: all of the period's, a category's or a handler's.")
class CaseStatsRow:
    id: strawberry.ID | None = strawberry.field(description="The category's or handler's; null: the whole, or "
                                                "cases nobody has taken yet.")
    name: str
    cases: int
    overdue_now: int
    accept_counted: int = strawberry.field(description="Cases past their accept clock: accepted, or still "
                                           "waiting past the deadline.")
    accept_met: int
    accept_rate: float | None = strawberry.field(description="accept_met / accept_counted, 0–1; null: none counted.")
    median_accept_minutes: int | None = strawberry.field(description="Not counting time waited for the resident.")
    resolve_counted: int = strawberry.field(description="Resolved, closed (never counted as resolved) or open past "
                                            "the deadline; merged and referred cases are not counted.")
    resolve_met: int
    resolve_rate: float | None
    median_resolve_minutes: int | None
    rated: int
    mean_rating: float | None = strawberry.field(description="1–5, two decimals; null: no rating.")
    ratings: list[int] = strawberry.field(description="How many ratings gave 1, 2, 3, 4 and 5 stars.")
    confirmed: int = strawberry.field(description="Cases their resident confirmed at least once (auto included).")
    reopened: int = strawberry.field(description="Cases sent back by a PARTLY or NOT_RESOLVED confirmation.")
    reopen_rate: float | None

    @classmethod
    def of(cls, group_id, name: str, t: stats.Tally) -> "CaseStatsRow":
        return cls(id=strawberry.ID(str(group_id)) if group_id else None, name=name, cases=t.cases,
                   overdue_now=t.overdue_now, accept_counted=t.accept_counted, accept_met=t.accept_met,
                   accept_rate=t.accept_rate, median_accept_minutes=t.median_accept_minutes,
                   resolve_counted=t.resolve_counted, resolve_met=t.resolve_met, resolve_rate=t.resolve_rate,
                   median_resolve_minutes=t.median_resolve_minutes, rated=t.rated, mean_rating=t.mean_rating,
                   ratings=list(t.ratings), confirmed=t.confirmed, reopened=t.reopened, reopen_rate=t.reopen_rate)


@strawberry.type
class CaseDayCount:
    day: date
    raised: int


@strawberry.type
class CaseStats:
    from_: date = strawberry.field(name="from")
    to: date = strawberry.field(description="Excluded.")
    total: CaseStatsRow
    by_state: list[CaseStateCount]
    by_category: list[CaseStatsRow] = strawberry.field(description="Every active category, and inactive ones "
                                                       "with cases in the period.")
    by_handler: list[CaseStatsRow] = strawberry.field(description="By the handler a case has now, by name; "
                                                      "未指派 last.")
    by_day: list[CaseDayCount] = strawberry.field(description="Cases raised each day of the period.")

    @classmethod
    def of(cls, found: stats.CaseStats) -> "CaseStats":
        return cls(
            from_=found.period.start, to=found.period.end, total=CaseStatsRow.of(None, "全部", found.total),
            by_state=[CaseStateCount(state=s, count=found.total.by_state[s]) for s in CaseStateEnum],
            by_category=[CaseStatsRow.of(g.id, g.name, g.tally) for g in found.by_category],
            by_handler=[CaseStatsRow.of(g.id, g.name, g.tally) for g in found.by_handler],
            by_day=[CaseDayCount(day=d, raised=n) for d, n in found.by_day],
        )


@strawberry.type
class WorkbenchCases:
    open: int = strawberry.field(description="Cases open now (待受理, 已受理, 处理中).")
    overdue_now: int = strawberry.field(description="Open cases past their running deadline.")
    month: CaseStatsRow = strawberry.field(description="This month's cases (Asia/Shanghai): SLA and satisfaction.")


async def workbench_cases(info: Info, community_id: strawberry.ID) -> WorkbenchCases:
    panel = await stats.case_panel(info.context.actor, community_id=parse_uuid(community_id))
    return WorkbenchCases(open=panel.open, overdue_now=panel.overdue_now,
                          month=CaseStatsRow.of(None, "本月", panel.month.total))


@strawberry.type
class CaseStatsQueries:
    @strawberry.field(description="Statistics of the cases raised in [from, to) (Asia/Shanghai days, at most 366): "
                      "SLA compliance, medians, satisfaction and reopen rate, by category and handler. Needs "
                      "CASE_HANDLE; a grid worker counts their grids' cases.")
    async def case_stats(self, info: Info, community_id: strawberry.ID,
                         from_: Annotated[date, strawberry.argument(name="from")], to: date) -> CaseStats:
        period = stats.Period.of(from_, to)
        return CaseStats.of(await stats.case_stats(info.context.actor, community_id=parse_uuid(community_id),
                                                   period=period))
