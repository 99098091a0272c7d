"""Case statistics for the console's 诉求统计, its Excel export and the 工作台 panel.

The period selects the cases *raised* in [from, to) — Asia/Shanghai days, `to` excluded — and counts
what became of them by now. Per case, the rules are those of the SLA sweeper (backend/cases/sla.py):

- The accept clock runs while the case is 待受理; it stops at the first move out of it (受理, 开始处理
  or an ending straight away). Met when that move came within the category's accept hours, not
  counting the time the case waited for its resident. A case still 待受理 past its deadline is missed;
  one still within it is not counted yet.
- The resolve clock runs until the case is resolved or ends. Met when its last resolution came by the
  row's resolve deadline (later by the time waited; a reopening gives it a new one, as the service does).
  Closed outcomes (无法解决, 非本单位职责) are missed and never resolved; an open case past its
  deadline is missed; merged (已合并) and referred (已转办) cases are not counted.
- Times to accept and to resolve (medians, minutes) leave out the time waited for the resident.
- Satisfaction: every rating residents gave (1–5 stars; an auto-confirmation has none), by category
  and by the case's handler now. Reopen rate: cases sent back by a 部分解决 / 未解决 confirmation over
  cases confirmed at least once.

Reach: staff with CASE_HANDLE; a grid worker counts the cases of their grids only (as the case board).
Cases are read in batches of BATCH with a fixed number of queries each, so memory holds one batch and
two minute counts per case; the period is at most MAX_DAYS long."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import median
from uuid import UUID

from tortoise.expressions import F, Q

from backend.cases.models import Case, CaseCategory, CaseConfirmation, CaseEntry, CaseEvent, EntryKind, Outcome
from backend.cases.models import CaseState as S
from backend.cases.service import SHANGHAI, is_overdue
from backend.cases.states import OPEN_STATES
from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.errors import DomainError, ErrorCode
from backend.core.permissions import Permission, require
from backend.registry.scope import grid_scope

MAX_DAYS = 366
BATCH = 500
MAX_CATEGORIES = 200  # a community has a handful; the table lists every one in use
RESUMING = frozenset({S.RESOLVED, S.CLOSED_NOT_FIXED, S.NOT_RESPONSIBLE, S.DUPLICATE, S.REFERRED})  # each resumes
NOT_FIXED = frozenset({S.CLOSED_NOT_FIXED, S.NOT_RESPONSIBLE})  # closed: missed, never resolved
REOPENING = frozenset({Outcome.PARTLY, Outcome.NOT_RESOLVED})


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # excluded

    @classmethod
    def of(cls, start: date, end: date) -> "Period":
        if end <= start:
            raise DomainError(ErrorCode.INVALID_INPUT, "结束日期须晚于开始日期", field="to")
        if (end - start).days > MAX_DAYS:
            raise DomainError(ErrorCode.INVALID_INPUT, f"统计期间最长 {MAX_DAYS} 天，请缩短后再试", field="to")
        return cls(start, end)

    @classmethod
    def this_month(cls) -> "Period":
        today = clock.now().astimezone(SHANGHAI).date()
        start = today.replace(day=1)
        return cls(start, (start + timedelta(days=32)).replace(day=1))

    def bounds(self) -> tuple[datetime, datetime]:
        return (datetime.combine(self.start, time(), SHANGHAI), datetime.combine(self.end, time(), SHANGHAI))


@dataclass
class Tally:
    """The figures of a set of cases (all, one category's, one handler's)."""

    cases: int = 0
    overdue_now: int = 0
    by_state: Counter = field(default_factory=Counter)
    accept_counted: int = 0
    accept_met: int = 0
    resolve_counted: int = 0
    resolve_met: int = 0
    accept_seconds: list[int] = field(default_factory=list)
    resolve_seconds: list[int] = field(default_factory=list)
    ratings: list[int] = field(default_factory=lambda: [0] * 5)  # how many gave 1, 2, … 5 stars
    confirmed: int = 0
    reopened: int = 0

    @property
    def accept_rate(self) -> float | None:
        return _rate(self.accept_met, self.accept_counted)

    @property
    def resolve_rate(self) -> float | None:
        return _rate(self.resolve_met, self.resolve_counted)

    @property
    def reopen_rate(self) -> float | None:
        return _rate(self.reopened, self.confirmed)

    @property
    def median_accept_minutes(self) -> int | None:
        return _median_minutes(self.accept_seconds)

    @property
    def median_resolve_minutes(self) -> int | None:
        return _median_minutes(self.resolve_seconds)

    @property
    def rated(self) -> int:
        return sum(self.ratings)

    @property
    def mean_rating(self) -> float | None:
        rated = self.rated
        return round(sum(stars * n for stars, n in enumerate(self.ratings, 1)) / rated, 2) if rated else None

    def add(self, facts: "_Facts") -> None:
        self.cases += 1
        self.by_state[facts.state] += 1
        self.overdue_now += facts.overdue_now
        if facts.accepted is not None:
            self.accept_counted += 1
            self.accept_met += facts.accepted
        if facts.accept_seconds is not None:
            self.accept_seconds.append(facts.accept_seconds)
        if facts.resolved is not None:
            self.resolve_counted += 1
            self.resolve_met += facts.resolved
        if facts.resolve_seconds is not None:
            self.resolve_seconds.append(facts.resolve_seconds)
        for stars in facts.ratings:
            self.ratings[stars - 1] += 1
        self.confirmed += facts.confirmed
        self.reopened += facts.reopened


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _median_minutes(seconds: list[int]) -> int | None:
    return round(median(seconds) / 60) if seconds else None


@dataclass
class Group:
    id: UUID | None  # a category's or a handler's; None: cases nobody has taken yet
    name: str
    tally: Tally


@dataclass
class CaseStats:
    period: Period
    total: Tally
    by_category: list[Group]
    by_handler: list[Group]
    by_day: list[tuple[date, int]]  # cases raised each day of the period


async def case_stats(actor: Actor, *, community_id: UUID, period: Period) -> CaseStats:
    require(actor, Permission.CASE_HANDLE, community_id)
    scope = await grid_scope(actor, community_id)
    lo, hi = period.bounds()
    query = Case.filter(community_id=community_id, created_at__gte=lo, created_at__lt=hi)
    if not scope.everywhere:
        query = query.filter(grid_id__in=list(scope.grid_ids))
    categories = await CaseCategory.filter(community_id=community_id).order_by("id").limit(MAX_CATEGORIES) \
        .values_list("id", "name", "active")
    total, by_category, by_handler = Tally(), defaultdict(Tally), defaultdict(Tally)
    handler_names: dict[UUID | None, str] = {None: "未指派"}
    raised = Counter()
    now = clock.now()
    after = None
    while True:
        batch_query = query.filter(id__gt=after) if after else query
        batch = await batch_query.select_related("handler").order_by("id").limit(BATCH)
        if not batch:
            break
        for case, facts in await _facts_of(batch, now):
            for tally in (total, by_category[case.category_id], by_handler[case.handler_id]):
                tally.add(facts)
            if case.handler_id is not None:
                handler_names[case.handler_id] = case.handler.display_name
            raised[case.created_at.astimezone(SHANGHAI).date()] += 1
        if len(batch) < BATCH:
            break
        after = batch[-1].id
    days = (period.end - period.start).days
    return CaseStats(
        period=period, total=total,
        by_category=[Group(cid, name, by_category[cid]) for cid, name, active in categories
                     if active or cid in by_category],
        by_handler=sorted((Group(h, handler_names[h], t) for h, t in by_handler.items()),
                          key=lambda g: (g.id is None, g.name)),
        by_day=[(day, raised[day]) for day in (period.start + timedelta(days=n) for n in range(days))],
    )


@dataclass
class _Facts:
    """What one case adds to a tally: None where a figure does not count it."""

    state: S
    overdue_now: bool
    accepted: bool | None
    accept_seconds: int | None
    resolved: bool | None
    resolve_seconds: int | None
    ratings: list[int]
    confirmed: bool
    reopened: bool


async def _facts_of(batch: list[Case], now: datetime) -> list[tuple[Case, _Facts]]:
    """Four queries a batch: its cases (given), their moves, their questions and answers, their confirmations."""
    ids = [c.id for c in batch]
    marks: dict[UUID, list[tuple[datetime, bool]]] = defaultdict(list)  # (when, the clock stops) in time order
    responded: dict[UUID, datetime] = {}
    for case_id, source, target, at in await CaseEvent.filter(case_id__in=ids).order_by("created_at", "id") \
            .values_list("case_id", "from_state", "to_state", "created_at"):
        if source == S.SUBMITTED and case_id not in responded:
            responded[case_id] = at
        if target in RESUMING:
            marks[case_id].append((at, False))
    for case_id, kind, at in await CaseEntry.filter(case_id__in=ids, kind__in=[EntryKind.QUESTION, EntryKind.ANSWER]) \
            .values_list("case_id", "kind", "created_at"):
        marks[case_id].append((at, kind == EntryKind.QUESTION))
    confirmations = defaultdict(list)
    for case_id, outcome, rating in await CaseConfirmation.filter(case_id__in=ids) \
            .values_list("case_id", "outcome", "rating"):
        confirmations[case_id].append((outcome, rating))
    return [(case, _facts(case, now, _pauses(case, marks[case.id]), responded.get(case.id),
                          confirmations[case.id])) for case in batch]


def _pauses(case: Case, marks: list[tuple[datetime, bool]]) -> list[tuple[datetime, datetime | None]]:
    """When the case waited for its resident: from a question (unless already waiting) to the answer or
    the ending that resumed the clock (service._resume); the wait going on now is the row's `paused_at`."""
    pauses, since = [], None
    for at, stops in sorted(marks, key=lambda m: m[0]):
        if stops and since is None:
            since = at
        elif not stops and since is not None:
            pauses.append((since, at))
            since = None
    if case.paused_at is not None:
        pauses.append((case.paused_at, None))
    return pauses


def _working(start: datetime, end: datetime, pauses) -> int:
    """Seconds from `start` to `end`, less the time waited for the resident in between."""
    waited = sum(max(0.0, (min(end, until or end) - max(start, since)).total_seconds()) for since, until in pauses)
    return round((end - start).total_seconds() - waited)


def _facts(case: Case, now: datetime, pauses, responded: datetime | None, confirmations) -> _Facts:
    raised = case.created_at
    # The accept window as set at raising: the row's deadline less the waits it was moved on by.
    resumed = sum((until - since).total_seconds() for since, until in pauses if until is not None)
    window = (case.accept_due_at - raised).total_seconds() - resumed
    accepted = accept_seconds = None
    if responded is not None:
        accept_seconds = _working(raised, responded, pauses)
        accepted = accept_seconds <= window
    elif case.state is S.SUBMITTED and is_overdue(case):
        accepted = False
    resolved = resolve_seconds = None
    if case.state is S.RESOLVED:
        resolved = case.resolved_at <= case.resolve_due_at
        resolve_seconds = _working(raised, case.resolved_at, pauses)
    elif case.state in NOT_FIXED or (case.state in OPEN_STATES and case.resolve_due_at < (case.paused_at or now)):
        resolved = False
    return _Facts(state=case.state, overdue_now=is_overdue(case), accepted=accepted, accept_seconds=accept_seconds,
                  resolved=resolved, resolve_seconds=resolve_seconds,
                  ratings=[r for _, r in confirmations if r is not None], confirmed=bool(confirmations),
                  reopened=any(o in REOPENING for o, _ in confirmations))


# --- The 工作台 panel ----------------------------------------------------------------------------

def overdue_filter(now: datetime) -> Q:
    """service.is_overdue in SQL: past the running deadline, judged at the start of a wait for the resident."""
    def late(at) -> Q:
        return Q(state=S.SUBMITTED, accept_due_at__lt=at) | Q(state__in=[S.ACCEPTED, S.IN_PROGRESS],
                                                              resolve_due_at__lt=at)
    return (Q(paused_at=None) & late(now)) | (Q(paused_at__isnull=False) & late(F("paused_at")))


@dataclass
class CasePanel:
    open: int
    overdue_now: int
    month: CaseStats  # this month's (Asia/Shanghai) cases


async def case_panel(actor: Actor, *, community_id: UUID) -> CasePanel:
    """The open cases of the actor's reach, how many are overdue now, and this month's figures."""
    month = await case_stats(actor, community_id=community_id, period=Period.this_month())
    scope = await grid_scope(actor, community_id)
    open_cases = Case.filter(community_id=community_id, state__in=list(OPEN_STATES))
    if not scope.everywhere:
        open_cases = open_cases.filter(grid_id__in=list(scope.grid_ids))
    return CasePanel(open=await open_cases.count(), overdue_now=await open_cases.filter(overdue_filter(clock.now()))
                     .count(), month=month)
