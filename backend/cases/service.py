"""Cases: raising one (a resident, staff for a resident, a relative for an elder), routing it to the
handler team, the workflow of the handlers, and what its resident does: answer, urge, confirm.

Who reaches a case: its resident (or their proxy with the CASE scope) and its followers, as residents;
the staff of its community holding CASE_HANDLE, a grid worker only for the cases of their grids. Out
of reach is not-found. Residents never see internal entries (notes, routing, reminders)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from tortoise.expressions import Q, Subquery

from backend.audit import service as audit
from backend.cases import setup
from backend.cases.models import (
    Case,
    CaseCategory,
    CaseConfirmation,
    CaseEntry,
    CaseEvent,
    CaseFollower,
    CaseReplyTemplate,
    CommonArea,
    EntryKind,
    Outcome,
    Party,
    RaiseChannel,
)
from backend.cases.models import CaseState as S
from backend.cases.states import CASE_STATES, OPEN_STATES
from backend.core.actor import Actor, ProxyScope
from backend.core.bulk import insert_ignoring_conflicts
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate
from backend.core.permissions import ROLE_PERMISSIONS, Permission, require
from backend.core.text import required_text as _text
from backend.media.models import Upload
from backend.notify import service as notify
from backend.registry.models import Building, GridWorker, Membership, PersonRoom, Role, Room, Unit
from backend.registry.scope import grid_scope, person_community
from backend.registry.service import address_of

MAX_PHOTOS = 9
SHANGHAI = ZoneInfo("Asia/Shanghai")  # the day of the once-a-day 催办
PARTY_NAMES = {Party.COMMITTEE: "居委会", Party.PROPERTY: "物业", Party.GRID: "网格员"}
TEAM_ROLES = {Party.COMMITTEE: Role.COMMITTEE_STAFF, Party.PROPERTY: Role.PROPERTY_STAFF}


def _not_found() -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, "找不到该诉求")


# --- Reach ---------------------------------------------------------------------------------------

async def get_case_for_staff(actor: Actor, case_id: UUID, *, tx=None, lock: bool = False,
                             permission: Permission = Permission.CASE_HANDLE) -> Case:
    """A case of the actor's community and reach (a grid worker: a place in their grids)."""
    query = Case.filter(id=case_id)
    if lock:
        query = query.select_for_update()
    case = await (query.using_db(tx) if tx else query).first()
    if case is None or case.community_id not in actor.roles:
        raise _not_found()
    scope = await grid_scope(actor, case.community_id)
    if not scope.everywhere and case.grid_id not in scope.grid_ids:
        raise _not_found()
    require(actor, permission, case.community_id)
    return case


async def _case_of_resident(actor: Actor, case_id: UUID, *, tx=None, lock: bool = False,
                            followers: bool = True) -> tuple[Case, UUID]:
    """A case whose resident (or, with `followers`, a follower) the actor is or acts for."""
    me = actor.subject(ProxyScope.CASE)
    mine = Q(resident_id=me)
    if followers:
        mine |= Q(id__in=Subquery(CaseFollower.filter(person_id=me).values("case_id")))
    query = Case.filter(mine, id=case_id)
    if lock:
        query = query.select_for_update()
    case = await (query.using_db(tx) if tx else query).first()
    if case is None:
        raise _not_found()
    return case, me


@dataclass
class CaseView:
    case: Case
    as_staff: bool
    mine: bool = False  # raised by me (or my principal): mine to answer and confirm, not a follower's


async def get_case_for(actor: Actor, case_id: UUID) -> CaseView:
    """A case I raised or follow, or one in my reach as staff."""
    try:
        case, me = await _case_of_resident(actor, case_id)
        return CaseView(case, as_staff=False, mine=case.resident_id == me)
    except DomainError as error:
        if error.code != ErrorCode.NOT_FOUND or actor.is_proxy:
            raise
    return CaseView(await get_case_for_staff(actor, case_id), as_staff=True)


# --- Raising and routing -------------------------------------------------------------------------

@dataclass
class Place:
    """Exactly one of them: a room, unit or building of the registry, or a common area."""

    room_id: UUID | None = None
    unit_id: UUID | None = None
    building_id: UUID | None = None
    area_id: UUID | None = None


@dataclass
class CaseDraft:
    category_id: UUID
    text: str
    place: Place
    photo_ids: list[UUID]


@dataclass
class _Located:
    fields: dict
    grid_id: UUID | None


async def _locate(community_id: UUID, place: Place) -> _Located:
    given = [v for v in (place.room_id, place.unit_id, place.building_id, place.area_id) if v is not None]
    if len(given) != 1:
        raise DomainError(ErrorCode.INVALID_INPUT, "请选择一个地点：房屋、单元、楼栋或公共区域", field="place")
    missing = DomainError(ErrorCode.NOT_FOUND, "找不到该地点", field="place")
    if place.area_id is not None:
        area = await CommonArea.filter(id=place.area_id, community_id=community_id).first()
        if area is None:
            raise missing
        return _Located({"area_id": area.id, "place_name": area.name}, area.grid_id)
    room = unit = building = None
    if place.room_id is not None:
        room = await Room.filter(id=place.room_id, community_id=community_id) \
            .select_related("unit__building__estate").first()
        if room is not None:
            unit, building, label = room.unit, room.unit.building, address_of(room)
    elif place.unit_id is not None:
        unit = await Unit.filter(id=place.unit_id, community_id=community_id).select_related("building__estate").first()
        if unit is not None:
            building = unit.building
            label = f"{building.estate.name} {building.name} {unit.name}"
    else:
        building = await Building.filter(id=place.building_id, community_id=community_id) \
            .select_related("estate").first()
        if building is not None:
            label = f"{building.estate.name} {building.name}"
    if building is None:
        raise missing
    return _Located({"room_id": room.id if room else None, "unit_id": unit.id if unit else None,
                     "building_id": building.id, "place_name": label[:100]}, building.grid_id)


async def _photos(actor: Actor, photo_ids: list[UUID]) -> list[str]:
    if len(photo_ids) > MAX_PHOTOS:
        raise DomainError(ErrorCode.INVALID_INPUT, f"最多上传 {MAX_PHOTOS} 张照片", field="photos")
    unique = list(dict.fromkeys(photo_ids))
    found = await Upload.filter(id__in=unique, owner_id=actor.person_id, kind="case_photo").count()
    if found != len(unique):
        raise DomainError(ErrorCode.NOT_FOUND, "找不到上传的照片", field="photos")
    return [str(i) for i in unique]


async def raise_case(actor: Actor, *, community_id: UUID, draft: CaseDraft,
                     channel: RaiseChannel = RaiseChannel.MINI_PROGRAM, resident_id: UUID | None = None) -> Case:
    """In the mini-program: for oneself, or (with the CASE scope) for the principal. By staff with
    CASE_HANDLE: for `resident_id`, a member of the community, by phone, visit or walk-in."""
    raised_by_staff = resident_id is not None
    if not raised_by_staff:
        if channel is not RaiseChannel.MINI_PROGRAM:
            raise DomainError(ErrorCode.INVALID_INPUT, "代居民登记须选择居民", field="residentId")
        resident_id = actor.subject(ProxyScope.CASE)
        if not await Membership.filter(person_id=resident_id, community_id=community_id).exists():
            raise DomainError(ErrorCode.NOT_FOUND, "找不到该社区")
    else:
        require(actor, Permission.CASE_HANDLE, community_id)
        if channel is RaiseChannel.MINI_PROGRAM:
            raise DomainError(ErrorCode.INVALID_INPUT, "请选择登记渠道：电话、走访或来访", field="channel")
        try:  # a resident in the actor's reach (a grid worker: living in their grids)
            reached = await person_community(actor, resident_id, Permission.CASE_HANDLE) == community_id
        except DomainError:
            reached = False
        if not reached:
            raise DomainError(ErrorCode.NOT_FOUND, "找不到该居民", field="residentId")
    text = _text(draft.text, "text", "问题描述", low=1, high=1000)
    category = await CaseCategory.filter(id=draft.category_id, community_id=community_id, active=True).first()
    if category is None:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该分类", field="categoryId")
    located = await _locate(community_id, draft.place)
    if raised_by_staff:  # a grid worker registers cases at places of their grids only
        scope = await grid_scope(actor, community_id)
        if not scope.everywhere and located.grid_id not in scope.grid_ids:
            raise DomainError(ErrorCode.NOT_FOUND, "找不到该地点", field="place")
    room_id = located.fields.get("room_id")
    # A room is the resident's own home; anywhere else is a unit, a building or a common area.
    if room_id is not None and not await PersonRoom.filter(person_id=resident_id, room_id=room_id, until=None).exists():
        raise DomainError(ErrorCode.NOT_FOUND, "只能选择自己的房屋，或所在的单元、楼栋、公共区域", field="place")
    photos = await _photos(actor, draft.photo_ids)
    now = clock.now()
    async with transaction() as tx:
        case = await Case.create(
            community_id=community_id, category=category, resident_id=resident_id, raised_by_id=actor.person_id,
            channel=channel, text=text, photos=photos, grid_id=located.grid_id, party=category.party,
            accept_due_at=now + timedelta(hours=category.accept_hours),
            resolve_due_at=now + timedelta(hours=category.resolve_hours), using_db=tx, **located.fields,
        )
        settings = await setup.settings_of(community_id, tx=tx)
        schedule(case, timedelta(hours=settings.remind_before_hours))
        await case.save(using_db=tx, update_fields=["next_check_at"])
        await _entry(tx, case, EntryKind.ASSIGN, actor=None, internal=True,
                     body=f"按分类「{category.name}」分派给{PARTY_NAMES[category.party]}")
        await notify_team(tx, case, title=f"新诉求：{category.name}", key=f"case:{case.id}:raised")
        await audit.record(tx, actor, "case.raise", "case", case.id, community_id=community_id,
                           after={"category": category.name, "channel": channel})
    return case


async def team_of(tx, case: Case) -> list[UUID]:
    """Who handles the case now: its handler, or else the team of its party (a GRID case with no
    grid worker on its grid goes to the committee)."""
    if case.handler_id is not None:
        return [case.handler_id]
    if case.party is Party.GRID and case.grid_id is not None:
        workers = await GridWorker.filter(grid_id=case.grid_id).using_db(tx).values_list("person_id", flat=True)
        if workers:
            return list(workers)
    role = TEAM_ROLES.get(case.party, Role.COMMITTEE_STAFF)
    return list(await Membership.filter(community_id=case.community_id, role=role).using_db(tx).distinct()
                .values_list("person_id", flat=True))


async def notify_team(tx, case: Case, *, title: str, key: str) -> None:
    await notify_people(tx, case, await team_of(tx, case), title=title, key=key)


async def notify_people(tx, case: Case, person_ids: list[UUID], *, title: str, key: str) -> None:
    if not person_ids:
        return
    await notify.deliver_many(tx, person_ids=person_ids, kind="case", title=title, body=f"case:{case.id}",
                              key_prefix=key)
    await notify.queue_push(tx, person_ids=person_ids, kind="case", title=title, body=case.place_name,
                            key_prefix=key, page=f"cases/pages/case/index?id={case.id}")


async def _notify_resident(tx, case: Case, *, title: str, key: str) -> None:
    """The resident and every follower."""
    followers = await CaseFollower.filter(case_id=case.id).using_db(tx).values_list("person_id", flat=True)
    await notify_people(tx, case, list(dict.fromkeys([case.resident_id, *followers])), title=title, key=key)


async def _entry(tx, case: Case, kind: EntryKind, *, actor: Actor | None, internal: bool, body: str = "") -> CaseEntry:
    return await CaseEntry.create(case_id=case.id, kind=kind, internal=internal, body=body,
                                  author_id=actor.person_id if actor else None,
                                  acting_for_id=actor.principal_on_record if actor else None, using_db=tx)


# --- SLA clocks ----------------------------------------------------------------------------------

def live_deadline(case: Case) -> datetime | None:
    """The deadline running now: to accept while submitted, to resolve while accepted or in progress."""
    if case.state is S.SUBMITTED:
        return case.accept_due_at
    if case.state in (S.ACCEPTED, S.IN_PROGRESS):
        return case.resolve_due_at
    return None


def is_overdue(case: Case) -> bool:
    """Past its running deadline; a case waiting for its resident is judged at the time it began to wait."""
    deadline = live_deadline(case)
    return deadline is not None and deadline < (case.paused_at or clock.now())


def schedule(case: Case, remind_before: timedelta) -> None:
    """When the sweeper must next look at the case: the reminder before its running deadline, the
    deadline itself once reminded, and never again once escalated past it (or when it is closed)."""
    deadline = live_deadline(case)
    if deadline is None or case.escalated_for == deadline:
        case.next_check_at = None
    elif case.reminded_for == deadline:
        case.next_check_at = deadline
    else:
        case.next_check_at = deadline - remind_before


async def _reschedule(tx, case: Case) -> None:
    settings = await setup.settings_of(case.community_id, tx=tx)
    schedule(case, timedelta(hours=settings.remind_before_hours))
    await case.save(using_db=tx)


def _resume(case: Case) -> None:
    """The resident answered: the clocks go on, their deadlines later by the time waited."""
    if case.paused_at is None:
        return
    waited = clock.now() - case.paused_at
    case.accept_due_at += waited
    case.resolve_due_at += waited
    case.paused_at = None


# --- The handlers' workflow ----------------------------------------------------------------------

async def _move(actor: Actor, case_id: UUID, target: S, *, reason: str | None = None, prepare=None,
                action: str) -> Case:
    """Load and lock the case in reach, `prepare` it (in the transaction: a refused move rolls back
    what it wrote), move it and set its next SLA check."""
    async with transaction() as tx:
        case = await get_case_for_staff(actor, case_id, tx=tx, lock=True)
        if prepare is not None:
            await prepare(tx, case)
        await CASE_STATES.move(tx, case, target, actor=actor, reason=reason)
        await _reschedule(tx, case)
        await audit.record(tx, actor, action, "case", case.id, community_id=case.community_id,
                           after={"state": case.state})
    return case


async def accept_case(actor: Actor, *, case_id: UUID) -> Case:
    async def take(tx, case: Case) -> None:
        case.handler_id = case.handler_id or actor.person_id
        case.accepted_at = clock.now()
    return await _move(actor, case_id, S.ACCEPTED, prepare=take, action="case.accept")


async def start_case(actor: Actor, *, case_id: UUID) -> Case:
    async def take(tx, case: Case) -> None:
        case.handler_id = case.handler_id or actor.person_id
        case.accepted_at = case.accepted_at or clock.now()
    return await _move(actor, case_id, S.IN_PROGRESS, prepare=take, action="case.start")


async def resolve_case(actor: Actor, *, case_id: UUID, note: str) -> Case:
    """办结, with the note the resident reads; they are asked to confirm."""
    note = _text(note, "note", "办结说明")

    async def finish(tx, case: Case) -> None:
        _resume(case)
        case.resolution, case.resolved_at = note, clock.now()
        await _notify_resident(tx, case, title="您的诉求已办结，请确认并评价",
                               key=f"case:{case.id}:resolved:{case.round}")
    return await _move(actor, case_id, S.RESOLVED, reason=note, prepare=finish, action="case.resolve")


CLOSINGS = (S.CLOSED_NOT_FIXED, S.NOT_RESPONSIBLE)


async def close_case(actor: Actor, *, case_id: UUID, outcome: S, note: str) -> Case:
    """Closed without a fix: not fixable, or not ours. Never counted as resolved."""
    if outcome not in CLOSINGS:
        raise DomainError(ErrorCode.INVALID_INPUT, "请选择关闭原因：无法解决或非本单位职责", field="outcome")
    note = _text(note, "note", "关闭说明")

    async def finish(tx, case: Case) -> None:
        _resume(case)
        case.resolution = note
        await _notify_resident(tx, case, title="您的诉求已关闭", key=f"case:{case.id}:closed")
    return await _move(actor, case_id, outcome, reason=note, prepare=finish, action="case.close")


async def refer_case(actor: Actor, *, case_id: UUID, to: str, note: str) -> Case:
    """转办 to another body (供电公司, 城管), with a note for the resident."""
    to = _text(to, "to", "转办单位", high=64)
    note = _text(note, "note", "转办说明")

    async def finish(tx, case: Case) -> None:
        _resume(case)
        case.referred_to, case.resolution = to, note
        await _notify_resident(tx, case, title=f"您的诉求已转办至{to}", key=f"case:{case.id}:referred")
    return await _move(actor, case_id, S.REFERRED, reason=f"转办至{to}：{note}", prepare=finish, action="case.refer")


async def merge_case(actor: Actor, *, case_id: UUID, into_id: UUID, reason: str) -> Case:
    """A duplicate ends as DUPLICATE; its resident and followers follow the survivor instead."""
    reason = _text(reason, "reason", "合并原因")
    if case_id == into_id:
        raise DomainError(ErrorCode.INVALID_INPUT, "不能与自身合并", field="intoId")
    async with transaction() as tx:
        # Both locked, in id order, so two merges of the same pair cannot deadlock.
        locked = {}
        for cid in sorted((case_id, into_id)):
            locked[cid] = await get_case_for_staff(actor, cid, tx=tx, lock=True, permission=Permission.CASE_MANAGE)
        case, survivor = locked[case_id], locked[into_id]
        if survivor.community_id != case.community_id or survivor.state not in OPEN_STATES:
            raise DomainError(ErrorCode.INVALID_INPUT, "只能合并到本社区未办结的诉求", field="intoId")
        movers = set(await CaseFollower.filter(case_id=case.id).using_db(tx).values_list("person_id", flat=True))
        movers = (movers | {case.resident_id}) - {survivor.resident_id}
        await insert_ignoring_conflicts(tx, CaseFollower, [{"case_id": survivor.id, "person_id": p}
                                                           for p in sorted(movers)])
        await CaseFollower.filter(case_id=case.id).using_db(tx).delete()
        _resume(case)
        case.merged_into_id, case.resolution = survivor.id, reason
        await CASE_STATES.move(tx, case, S.DUPLICATE, actor=actor, reason=reason)
        await _reschedule(tx, case)
        await notify_people(tx, case, sorted(movers), title="您关注的诉求已与相同问题合并处理",
                            key=f"case:{case.id}:merged")
        await audit.record(tx, actor, "case.merge", "case", case.id, community_id=case.community_id,
                           after={"into": str(survivor.id)})
    return case


async def assign_case(actor: Actor, *, case_id: UUID, handler_id: UUID, reason: str) -> Case:
    """Reassign to one handler of the case's community (a grid worker: of the case's grid)."""
    reason = _text(reason, "reason", "改派原因")
    async with transaction() as tx:
        case = await get_case_for_staff(actor, case_id, tx=tx, lock=True, permission=Permission.CASE_MANAGE)
        if case.state not in OPEN_STATES:
            raise DomainError(ErrorCode.INVALID_INPUT, "已办结的诉求不能改派")
        roles = set(await Membership.filter(person_id=handler_id, community_id=case.community_id).using_db(tx)
                    .values_list("role", flat=True))
        if not any(Permission.CASE_HANDLE in ROLE_PERMISSIONS.get(r, ()) for r in roles):
            raise DomainError(ErrorCode.NOT_FOUND, "找不到本社区的该处理人员", field="handlerId")
        everywhere = any(Permission.REGISTRY_READ_ALL_GRIDS in ROLE_PERMISSIONS.get(r, ()) for r in roles)
        if not everywhere and not await GridWorker.filter(person_id=handler_id, grid_id=case.grid_id).using_db(tx) \
                .exists():
            raise DomainError(ErrorCode.INVALID_INPUT, "该网格员不负责此地点所在的网格", field="handlerId")
        before = {"handler": str(case.handler_id) if case.handler_id else None}
        case.handler_id = handler_id
        await case.save(using_db=tx, update_fields=["handler_id"])
        await _entry(tx, case, EntryKind.ASSIGN, actor=actor, internal=True, body=f"改派：{reason}")
        await notify_people(tx, case, [handler_id], title="有诉求改派给您",
                            key=f"case:{case.id}:assign:{clock.now().isoformat()}")
        await audit.record(tx, actor, "case.assign", "case", case.id, community_id=case.community_id,
                           before=before, after={"handler": str(handler_id), "reason": reason})
    return case


async def reply(actor: Actor, *, case_id: UUID, body: str, template_id: UUID | None = None) -> CaseEntry:
    """A public reply to the resident, written or from one of the category's templates."""
    async with transaction() as tx:
        case = await get_case_for_staff(actor, case_id, tx=tx, lock=True)
        if template_id is not None:
            template = await CaseReplyTemplate.filter(id=template_id, category_id=case.category_id).using_db(tx).first()
            if template is None:
                raise DomainError(ErrorCode.NOT_FOUND, "找不到该分类的回复模板", field="templateId")
            body = body.strip() or template.body
        entry = await _entry(tx, case, EntryKind.REPLY, actor=actor, internal=False,
                             body=_text(body, "body", "回复内容", low=1))
        await _notify_resident(tx, case, title="您的诉求有新回复", key=f"case:{case.id}:entry:{entry.id}")
    return entry


async def add_note(actor: Actor, *, case_id: UUID, body: str) -> CaseEntry:
    """An internal note among the handlers; residents never see it."""
    body = _text(body, "body", "备注内容", low=1)
    async with transaction() as tx:
        case = await get_case_for_staff(actor, case_id, tx=tx)
        return await _entry(tx, case, EntryKind.NOTE, actor=actor, internal=True, body=body)


async def ask_resident(actor: Actor, *, case_id: UUID, question: str) -> CaseEntry:
    """Ask the resident; the SLA clocks pause until they answer."""
    question = _text(question, "question", "要询问居民的问题")
    async with transaction() as tx:
        case = await get_case_for_staff(actor, case_id, tx=tx, lock=True)
        if case.state not in OPEN_STATES:
            raise DomainError(ErrorCode.INVALID_INPUT, "已办结的诉求不能再询问居民")
        case.paused_at = case.paused_at or clock.now()
        await case.save(using_db=tx, update_fields=["paused_at"])
        entry = await _entry(tx, case, EntryKind.QUESTION, actor=actor, internal=False, body=question)
        await notify_people(tx, case, [case.resident_id], title="处理人员需要您补充信息",
                            key=f"case:{case.id}:entry:{entry.id}")
    return entry


# --- The resident's side -------------------------------------------------------------------------

async def answer(actor: Actor, *, case_id: UUID, body: str) -> CaseEntry:
    """The resident's answer to a question (or any word to the handlers); it resumes the clocks."""
    body = _text(body, "body", "回复内容", low=1)
    async with transaction() as tx:
        case, _ = await _case_of_resident(actor, case_id, tx=tx, lock=True, followers=False)
        if case.state not in OPEN_STATES:
            raise DomainError(ErrorCode.INVALID_INPUT, "诉求已办结，如有问题请在确认时说明")
        _resume(case)
        await _reschedule(tx, case)
        entry = await _entry(tx, case, EntryKind.ANSWER, actor=actor, internal=False, body=body)
        await notify_team(tx, case, title="居民已补充信息", key=f"case:{case.id}:entry:{entry.id}")
    return entry


async def follow(actor: Actor, *, case_id: UUID) -> None:
    """我也遇到: a member of the community joins an open case about a common place (a common area,
    or a building or unit they live in). A case about a room stays its household's."""
    me = actor.subject(ProxyScope.CASE)
    case = await Case.filter(id=case_id, room_id=None).first()
    if case is None or not await _may_follow(me, case):
        raise _not_found()
    if case.resident_id == me:
        raise DomainError(ErrorCode.INVALID_INPUT, "这是您自己提出的诉求")
    if case.state not in OPEN_STATES:
        raise DomainError(ErrorCode.INVALID_INPUT, "诉求已办结，不能再关注")
    async with transaction() as tx:
        if await CaseFollower.filter(case_id=case.id, person_id=me).using_db(tx).exists():
            raise DomainError(ErrorCode.INVALID_INPUT, "您已经关注了这条诉求")
        await insert_ignoring_conflicts(tx, CaseFollower, [{"case_id": case.id, "person_id": me}])
        if actor.is_proxy:
            await audit.record(tx, actor, "case.follow", "case", case.id, community_id=case.community_id)


async def _may_follow(person_id: UUID, case: Case) -> bool:
    if not await Membership.filter(person_id=person_id, community_id=case.community_id).exists():
        return False
    if case.area_id is not None:
        return True
    homes = PersonRoom.filter(person_id=person_id, until=None)
    if case.unit_id is not None:
        return await homes.filter(room__unit_id=case.unit_id).exists()
    return await homes.filter(room__unit__building_id=case.building_id).exists()


def today() -> date:
    return clock.now().astimezone(SHANGHAI).date()


async def urge(actor: Actor, *, case_id: UUID) -> Case:
    """催办: the resident or a follower presses the handlers, at most once a day per case."""
    async with transaction() as tx:
        case, _ = await _case_of_resident(actor, case_id, tx=tx, lock=True)
        if case.state not in OPEN_STATES:
            raise DomainError(ErrorCode.INVALID_INPUT, "诉求已办结，无需催办")
        if case.urged_on == today():
            raise DomainError(ErrorCode.RATE_LIMITED, "今天已经催办过了，请明天再试")
        case.urged_on = today()
        await case.save(using_db=tx, update_fields=["urged_on"])
        await _entry(tx, case, EntryKind.URGE, actor=actor, internal=False, body="居民催办")
        await notify_team(tx, case, title="居民催办诉求", key=f"case:{case.id}:urge:{case.urged_on}")
        await audit.record(tx, actor, "case.urge", "case", case.id, community_id=case.community_id)
    return case


@dataclass
class Confirmation:
    outcome: Outcome
    rating: int
    comment: str = ""
    reason: str | None = None  # required when partly or not resolved


async def confirm(actor: Actor, *, case_id: UUID, confirmation: Confirmation) -> Case:
    """The resident's word on the resolution, with a 1–5 rating. Partly or not resolved reopens the
    case (with the reason), gives it a new resolve deadline and tells the handler."""
    outcome = confirmation.outcome
    if outcome is Outcome.AUTO:
        raise DomainError(ErrorCode.INVALID_INPUT, "请选择：已解决、部分解决或未解决", field="outcome")
    if not 1 <= confirmation.rating <= 5:
        raise DomainError(ErrorCode.INVALID_INPUT, "评分须为 1–5 星", field="rating")
    comment = (confirmation.comment or "").strip()
    if len(comment) > 500:
        raise DomainError(ErrorCode.INVALID_INPUT, "评价最多 500 个字", field="comment")
    reopen = outcome is not Outcome.RESOLVED
    reason = _text(confirmation.reason, "reason", "未解决的原因") if reopen else None
    async with transaction() as tx:
        case, me = await _case_of_resident(actor, case_id, tx=tx, lock=True, followers=False)
        if case.state is not S.RESOLVED:
            raise DomainError(ErrorCode.INVALID_INPUT, "诉求尚未办结，不能评价")
        if case.confirmed_at is not None:
            raise DomainError(ErrorCode.INVALID_INPUT, "您已经评价过这条诉求")
        await CaseConfirmation.create(case_id=case.id, round=case.round, outcome=outcome, rating=confirmation.rating,
                                      comment=comment, person_id=me, using_db=tx)
        await _entry(tx, case, EntryKind.CONFIRM, actor=actor, internal=False,
                     body=f"{OUTCOME_NAMES[outcome]}，{confirmation.rating} 星" + (f"：{comment}" if comment else ""))
        if reopen:
            category = await CaseCategory.get(id=case.category_id).using_db(tx)
            case.round += 1
            case.resolved_at = None
            case.resolve_due_at = clock.now() + timedelta(hours=category.resolve_hours)
            case.reminded_for = case.escalated_for = None
            await CASE_STATES.move(tx, case, S.IN_PROGRESS, actor=actor, reason=reason)
            await notify_team(tx, case, title=f"居民反馈诉求{OUTCOME_NAMES[outcome]}，已重新打开",
                              key=f"case:{case.id}:reopened:{case.round}")
        else:
            case.confirmed_at = clock.now()
        await _reschedule(tx, case)
        await audit.record(tx, actor, "case.confirm", "case", case.id, community_id=case.community_id,
                           after={"outcome": outcome, "rating": confirmation.rating})
    return case


OUTCOME_NAMES = {Outcome.RESOLVED: "已解决", Outcome.PARTLY: "部分解决", Outcome.NOT_RESOLVED: "未解决",
                 Outcome.AUTO: "逾期未评价，自动确认"}


# --- Lists and timelines -------------------------------------------------------------------------

async def list_cases(actor: Actor, *, community_id: UUID, state: S | None, overdue: bool | None, first: int,
                     after: str | None) -> Page[Case]:
    """A community's cases in the actor's reach, newest first, by state and by being overdue."""
    require(actor, Permission.CASE_HANDLE, community_id)
    scope = await grid_scope(actor, community_id)
    query = Case.filter(community_id=community_id).select_related("category", "handler")
    if not scope.everywhere:
        query = query.filter(grid_id__in=list(scope.grid_ids))
    if state is not None:
        query = query.filter(state=state)
    if overdue is not None:
        now = clock.now()
        late = Q(state=S.SUBMITTED, accept_due_at__lt=now) | Q(state__in=[S.ACCEPTED, S.IN_PROGRESS],
                                                                 resolve_due_at__lt=now)
        query = query.filter(late, paused_at=None) if overdue else query.exclude(late & Q(paused_at=None))
    return await paginate(query, first=first, after=after, newest_first=True)


async def my_cases(actor: Actor, *, first: int, after: str | None) -> Page[Case]:
    """The cases I raised (or my principal did) and the ones I follow, newest first."""
    me = actor.subject(ProxyScope.CASE)
    followed = Subquery(CaseFollower.filter(person_id=me).values("case_id"))
    query = Case.filter(Q(resident_id=me) | Q(id__in=followed)).select_related("category", "handler")
    return await paginate(query, first=first, after=after, newest_first=True)


async def cases_nearby(actor: Actor, *, community_id: UUID, first: int, after: str | None,
                       category_id: UUID | None = None) -> Page[Case]:
    """Open cases of others about the common places I could follow (我也遇到): the community's common
    areas, and the units and buildings I live in; newest first. With `category_id`, of that category
    only (what the raise page offers instead of a duplicate)."""
    me = actor.subject(ProxyScope.CASE)
    if not await Membership.filter(person_id=me, community_id=community_id).exists():
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该社区")
    homes = await PersonRoom.filter(person_id=me, community_id=community_id, until=None) \
        .values_list("room__unit_id", "room__unit__building_id")
    near = Q(area_id__isnull=False) | Q(unit_id__in=[u for u, _ in homes]) | \
        Q(unit_id=None, building_id__in=[b for _, b in homes])
    query = Case.filter(near, community_id=community_id, state__in=list(OPEN_STATES), room_id=None) \
        .exclude(resident_id=me).select_related("category", "handler")
    if category_id is not None:
        query = query.filter(category_id=category_id)
    return await paginate(query, first=first, after=after, newest_first=True)


MAX_TIMELINE = 200  # a case's events and entries shown, oldest first


@dataclass
class Timeline:
    events: list[CaseEvent]
    entries: list[CaseEntry]
    confirmations: list[CaseConfirmation]
    followers: int


async def timeline(view: CaseView) -> Timeline:
    """What happened to the case: transitions, and the entries the viewer may see (residents never
    see the internal ones)."""
    case = view.case
    entries = CaseEntry.filter(case_id=case.id)
    if not view.as_staff:
        entries = entries.filter(internal=False)
    return Timeline(
        events=await CaseEvent.filter(case_id=case.id).select_related("actor", "acting_for").order_by("id")
        .limit(MAX_TIMELINE),
        entries=await entries.select_related("author", "acting_for").order_by("id").limit(MAX_TIMELINE),
        confirmations=await CaseConfirmation.filter(case_id=case.id).order_by("round").limit(MAX_TIMELINE),
        followers=await CaseFollower.filter(case_id=case.id).count(),
    )
