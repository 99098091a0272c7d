"""The street (街道) level of cases: who supervises a street (managed by the platform operator), and
what a supervisor does with the overdue cases escalated to them — reads them and presses the
handlers (督办). A supervisor holds no role in the communities: their reach is the cases of their
street's communities that were escalated or are overdue now; anything else is not-found."""

import re
from uuid import UUID

from tortoise.expressions import Case as CaseWhen
from tortoise.expressions import Q, Subquery, When

from backend.audit import service as audit
from backend.cases.models import Case, CaseEntry, CaseEvent, EntryKind, StreetSupervisor
from backend.cases.models import CaseState as S
from backend.cases.service import MAX_TIMELINE, is_overdue, notify_team
from backend.cases.states import OPEN_STATES
from backend.core import crypto
from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate_by
from backend.core.permissions import Permission
from backend.core.platform import has_platform
from backend.people.models import Person
from backend.registry.models import Community, Street

MAX_STREETS = 200  # a district's streets, and a street's supervisors, shown at once
PHONE = re.compile(r"1\d{10}")


def _no_street() -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, "找不到该街道", field="streetId")


# --- The operator manages supervisors ------------------------------------------------------------

async def _require_operator(actor: Actor) -> None:
    actor.require_person()
    if not await has_platform(actor, Permission.PLATFORM_OPERATE):
        raise DomainError(ErrorCode.FORBIDDEN, "您没有此项操作的权限")


async def list_streets(actor: Actor, *, search: str | None = None) -> list[Street]:
    """Every street by name, or those whose name or code holds `search`."""
    await _require_operator(actor)
    query = Street.all()
    if text := (search or "").strip()[:32]:
        query = query.filter(Q(name__icontains=text) | Q(code__icontains=text))
    return await query.order_by("name", "id").limit(MAX_STREETS)


async def list_supervisors(actor: Actor, *, street_id: UUID) -> list[StreetSupervisor]:
    await _require_operator(actor)
    if not await Street.filter(id=street_id).exists():
        raise _no_street()
    return await StreetSupervisor.filter(street_id=street_id).select_related("person").order_by("id") \
        .limit(MAX_STREETS)


async def add_supervisor(actor: Actor, *, street_id: UUID, phone: str) -> StreetSupervisor:
    """Make the person with this phone a supervisor of the street: they hear of its escalations."""
    await _require_operator(actor)
    phone = re.sub(r"[\s-]", "", phone or "")
    if not PHONE.fullmatch(phone):
        raise DomainError(ErrorCode.INVALID_INPUT, "请填写 11 位手机号", field="phone")
    street = await Street.filter(id=street_id).first()
    if street is None:
        raise _no_street()
    person = await Person.filter(phone_lookup__in=crypto.lookup_hashes(phone), anonymized_at=None).first()
    if person is None:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到使用该手机号的用户，请先让其登录一次", field="phone")
    async with transaction() as tx:
        if await StreetSupervisor.filter(street_id=street.id, person_id=person.id).using_db(tx).exists():
            raise DomainError(ErrorCode.INVALID_INPUT, "该用户已是本街道的督办人员", field="phone")
        supervisor = await StreetSupervisor.create(street_id=street.id, person_id=person.id, using_db=tx)
        await audit.record(tx, actor, "case.street_supervisor_add", "street", street.id, community_id=None,
                           after={"person": str(person.id)})
    supervisor.person = person
    return supervisor


async def remove_supervisor(actor: Actor, *, supervisor_id: UUID) -> None:
    await _require_operator(actor)
    async with transaction() as tx:
        supervisor = await StreetSupervisor.filter(id=supervisor_id).select_for_update().using_db(tx).first()
        if supervisor is None:
            raise DomainError(ErrorCode.NOT_FOUND, "找不到该督办人员，可能已被移除")
        await supervisor.delete(using_db=tx)
        await audit.record(tx, actor, "case.street_supervisor_remove", "street", supervisor.street_id,
                           community_id=None, before={"person": str(supervisor.person_id)})


# --- A supervisor's cases ------------------------------------------------------------------------

async def supervised_streets(actor: Actor) -> list[Street]:
    """The streets I supervise (none when acting for someone: supervision is one's own)."""
    if actor.person_id is None or actor.is_proxy:
        return []
    return await Street.filter(case_supervisors__person_id=actor.person_id).order_by("name", "id").limit(MAX_STREETS)


async def _require_supervisor(actor: Actor, street_id: UUID | None) -> None:
    actor.require_person()
    if street_id is None or actor.is_proxy or not await StreetSupervisor.filter(
            street_id=street_id, person_id=actor.person_id).exists():
        raise _no_street()


def _late() -> Q:
    """Open and past its running deadline, not waiting for the resident (as service.is_overdue)."""
    now = clock.now()
    return (Q(state=S.SUBMITTED, accept_due_at__lt=now) | Q(state__in=[S.ACCEPTED, S.IN_PROGRESS],
                                                             resolve_due_at__lt=now)) & Q(paused_at=None)


async def list_street_cases(actor: Actor, *, street_id: UUID, overdue_only: bool, search: str | None, first: int,
                            after: str | None) -> Page[Case]:
    """The escalated or overdue cases of the street's communities: overdue now first, then the other
    open ones, then the ended ones, oldest first in each; by text, place or category."""
    await _require_supervisor(actor, street_id)
    late = _late()
    communities = Subquery(Community.filter(street_id=street_id).values("id"))
    query = Case.filter(Q(escalated_at__isnull=False) | late, community_id__in=communities)
    if overdue_only:
        query = query.filter(late)
    words = (search or "").strip()[:64]
    if words:
        query = query.filter(Q(text__icontains=words) | Q(place_name__icontains=words)
                             | Q(category__name__icontains=words))
    # Ranks as text: PostgreSQL types the parameters of a CASE from its other branches' text.
    urgency = CaseWhen(When(late, then="0"), When(state__in=list(OPEN_STATES), then="1"), default="2")
    query = query.annotate(urgency=urgency).select_related("category", "handler", "community")
    return await paginate_by(query, ("urgency",), first=first, after=after)


async def get_street_case(actor: Actor, case_id: UUID, *, tx=None, lock: bool = False) -> Case:
    """An escalated or overdue case of a street I supervise."""
    query = Case.filter(id=case_id)
    if lock:
        query = query.select_for_update()
    case = await (query.using_db(tx) if tx else query).first()
    if case is not None:  # loaded apart: a locked row cannot be joined to another table's
        case.community = await Community.filter(id=case.community_id).using_db(tx).first()
    try:
        await _require_supervisor(actor, case.community.street_id if case else None)
    except DomainError:
        case = None
    if case is None or (case.escalated_at is None and not is_overdue(case)):
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该诉求")
    return case


# What the street reads of a case's timeline: what its resident reads, and the escalations and 督办.
STREET_KINDS = (EntryKind.ESCALATE, EntryKind.SUPERVISE)


async def street_timeline(case: Case) -> tuple[list[CaseEvent], list[CaseEntry]]:
    events = await CaseEvent.filter(case_id=case.id).select_related("actor", "acting_for").order_by("id") \
        .limit(MAX_TIMELINE)
    entries = await CaseEntry.filter(Q(internal=False) | Q(kind__in=list(STREET_KINDS)), case_id=case.id) \
        .select_related("author", "acting_for").order_by("id").limit(MAX_TIMELINE)
    return events, entries


async def urge_case(actor: Actor, *, case_id: UUID, note: str) -> CaseEntry:
    """督办: the supervisor's note joins the timeline (internal: the handlers', not the resident's)
    and the handler hears of it."""
    note = (note or "").strip()
    if not 2 <= len(note) <= 500:
        raise DomainError(ErrorCode.INVALID_INPUT, "请填写督办意见（2–500 个字）", field="note")
    async with transaction() as tx:
        case = await get_street_case(actor, case_id, tx=tx, lock=True)
        if case.state not in OPEN_STATES:
            raise DomainError(ErrorCode.INVALID_INPUT, "诉求已办结，无需督办")
        entry = await CaseEntry.create(case_id=case.id, kind=EntryKind.SUPERVISE, internal=True, body=note,
                                       author_id=actor.person_id, using_db=tx)
        await notify_team(tx, case, title="街道督办：请尽快处理该诉求", key=f"case:{case.id}:supervise:{entry.id}")
        await audit.record(tx, actor, "case.street_urge", "case", case.id, community_id=case.community_id,
                           after={"note": note})
    return entry
