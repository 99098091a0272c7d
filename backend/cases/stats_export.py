"""The case statistics as a workbook (Excel): the same figures as the console's 诉求统计, one sheet each
for the whole, by category, by handler and by day. Rates are fractions formatted as percentages, so a
spreadsheet can keep computing with them."""

import io
from datetime import timedelta
from uuid import UUID

from backend.cases.models import CaseState as S
from backend.cases.states import CASE_STATES
from backend.cases.stats import CaseStats, Group, Period, Tally, case_stats
from backend.core.actor import Actor
from backend.core.spreadsheet import safe_row

COLUMNS = ["名称", "诉求数", "当前超时", "受理计入", "按时受理", "按时受理率", "受理时长中位数（分钟）", "办结计入",
           "按时办结", "按时办结率", "办结时长中位数（分钟）", "评价数", "平均评分", *(f"{n}星" for n in range(1, 6)),
           "确认数", "重开数", "重开率"]
PERCENT_COLUMNS = ("按时受理率", "按时办结率", "重开率")


def tally_row(name: str, t: Tally) -> list:
    return [name, t.cases, t.overdue_now, t.accept_counted, t.accept_met, t.accept_rate, t.median_accept_minutes,
            t.resolve_counted, t.resolve_met, t.resolve_rate, t.median_resolve_minutes, t.rated, t.mean_rating,
            *t.ratings, t.confirmed, t.reopened, t.reopen_rate]


def _table(sheet, groups: list[Group]) -> None:
    sheet.append(COLUMNS)
    header = sheet.max_row
    for group in groups:
        sheet.append(safe_row(tally_row(group.name, group.tally)))
    for column in PERCENT_COLUMNS:
        index = COLUMNS.index(column) + 1
        for (cell,) in sheet.iter_rows(min_row=header + 1, min_col=index, max_col=index):
            cell.number_format = "0.0%"
    sheet.column_dimensions["A"].width = 16


def workbook(stats: CaseStats) -> bytes:
    from openpyxl import Workbook

    period = stats.period
    book = Workbook()
    whole = book.active
    whole.title = "总览"
    last = period.end - timedelta(days=1)
    whole.append([f"诉求统计：{period.start.isoformat()} 至 {last.isoformat()}（按提出日期，北京时间）"])
    whole.append([])
    _table(whole, [Group(None, "全部", stats.total)])
    whole.append([])
    whole.append(["状态", "诉求数"])
    for state in S:
        whole.append([CASE_STATES.state_names[state], stats.total.by_state[state]])
    _table(book.create_sheet("按分类"), stats.by_category)
    _table(book.create_sheet("按处理人"), stats.by_handler)
    days = book.create_sheet("按日")
    days.append(["日期", "提出"])
    for day, raised in stats.by_day:
        days.append([day.isoformat(), raised])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def stats_workbook(actor: Actor, *, community_id: UUID, period: Period) -> bytes:
    return workbook(await case_stats(actor, community_id=community_id, period=period))
