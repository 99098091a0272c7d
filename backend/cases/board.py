"""The handlers' case board: a community's cases in the actor's reach (a grid worker: their grids'),
found by state, category, handler, channel, being overdue and a search, overdue first; the counts
per state; the handlers a case may be assigned to."""

import base64
import binascii
import json
from contextlib import suppress
from dataclasses import dataclass
from uuid import UUID

from tortoise.expressions import Case as SqlCase
from tortoise.expressions import F, Q, Subquery, When
from tortoise.functions import Count

from backend.cases.models import Case, RaiseChannel
from backend.cases.models import CaseState as S
from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.errors import DomainError, ErrorCode
from backend.core.limits import MAX_PAGE_SIZE
from backend.core.pagination import Page, count_capped
from backend.core.permissions import ROLE_PERMISSIONS, Permission, require
from backend.people.models import Person
from backend.registry.models import Membership
from backend.registry.scope import grid_scope

SEARCH_MAX_CHARS = 32
MAX_HANDLERS = 200  # the staff of one community who may handle cases


@dataclass
class CaseFilter:
    state: S | None = None
    overdue: bool | None = None
    category_id: UUID | None = None
    handler_id: UUID | None = None
    channel: RaiseChannel | None = None
    search: str | None = None  # a part of the text, the place or the resident's name, or a case's id


def late() -> Q:
    """Past the running deadline (the same rule as service.is_overdue): to accept while submitted,
    to resolve while accepted or in progress; a case waiting for its resident is judged at the time
    it began to wait."""
    now = clock.now()
    running = (Q(state=S.SUBMITTED, accept_due_at__lt=now) | Q(state__in=[S.ACCEPTED, S.IN_PROGRESS],
                                                                resolve_due_at__lt=now))
    paused = (Q(state=S.SUBMITTED, accept_due_at__lt=F("paused_at")) |
              Q(state__in=[S.ACCEPTED, S.IN_PROGRESS], resolve_due_at__lt=F("paused_at")))
    return (running & Q(paused_at=None)) | (paused & Q(paused_at__isnull=False))


def _search(text: str) -> Q:
    with suppress(ValueError):
        return Q(id=UUID(text))  # a case's number as the console shows it
    text = text[:SEARCH_MAX_CHARS]
    return Q(text__icontains=text) | Q(place_name__icontains=text) | Q(resident__display_name__icontains=text)


async def _in_reach(actor: Actor, community_id: UUID, where: CaseFilter):
    require(actor, Permission.CASE_HANDLE, community_id)
    scope = await grid_scope(actor, community_id)
    query = Case.filter(community_id=community_id)
    if not scope.everywhere:
        query = query.filter(grid_id__in=list(scope.grid_ids))
    for field, value in (("category_id", where.category_id), ("handler_id", where.handler_id),
                         ("channel", where.channel)):
        if value is not None:
            query = query.filter(**{field: value})
    if where.overdue is not None:
        query = query.filter(late()) if where.overdue else query.exclude(late())
    if text := (where.search or "").strip():
        query = query.filter(_search(text))
    return query


def _cursor(rank: str, case_id: UUID) -> str:
    return base64.urlsafe_b64encode(json.dumps([rank, str(case_id)]).encode()).decode().rstrip("=")


def _after(cursor: str) -> tuple[str, UUID]:
    try:
        rank, case_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return str(rank), UUID(case_id)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise DomainError(ErrorCode.INVALID_INPUT, "无效的分页游标", field="after") from exc


async def list_cases(actor: Actor, *, community_id: UUID, where: CaseFilter, first: int,
                     after: str | None) -> Page[Case]:
    """Overdue cases first, then the others; newest first within each. One statement: the rank
    ("0" overdue, "1" not: text, as tortoise binds a CASE's results like the columns it tests) is
    computed in SQL and the cursor holds the last row's rank and id."""
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise DomainError(ErrorCode.INVALID_INPUT, f"每页条数须在 1 到 {MAX_PAGE_SIZE} 之间", field="first")
    counted = await _in_reach(actor, community_id, where)
    if where.state is not None:
        counted = counted.filter(state=where.state)
    query = counted.annotate(rank=SqlCase(When(late(), then="0"), default="1"))
    if after is not None:
        rank, case_id = _after(after)
        query = query.filter(Q(rank__gt=rank) | Q(rank=rank, id__lt=case_id))
    rows = await query.select_related("category", "handler", "resident").order_by("rank", "-id").limit(first + 1)
    items = rows[:first]
    cursor = _cursor(items[-1].rank, items[-1].id) if items else None
    return Page(items, len(rows) > first, cursor, lambda: count_capped(counted))


@dataclass
class Counts:
    by_state: dict[S, int]
    overdue: int


async def count_cases(actor: Actor, *, community_id: UUID, where: CaseFilter) -> Counts:
    """How many cases of the board's filters (all but the state) are in each state, and overdue."""
    query = await _in_reach(actor, community_id, where)
    rows = await query.annotate(n=Count("id")).group_by("state").values_list("state", "n")
    overdue = 0 if where.overdue is False else await query.filter(late()).count()
    return Counts({S(state): n for state, n in rows}, overdue)


HANDLER_ROLES = [role for role, granted in ROLE_PERMISSIONS.items() if Permission.CASE_HANDLE in granted]


async def handlers(actor: Actor, *, community_id: UUID) -> list[Person]:
    """The community's staff who may handle cases, by name: whom a case may be assigned to."""
    require(actor, Permission.CASE_HANDLE, community_id)
    people = Membership.filter(community_id=community_id, role__in=HANDLER_ROLES).values("person_id")
    return await Person.filter(id__in=Subquery(people)).order_by("display_name", "id").limit(MAX_HANDLERS)
