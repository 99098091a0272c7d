"""Teams (志愿队伍) and activities (志愿活动): managers with VOLUNTEER_MANAGE keep the teams and their
coordinators; managers and a team's coordinators create, edit, publish and cancel its activities;
members of the community list and read the published ones. Sign-ups are signups.py, attendance
attendance.py, the review of hours review.py, certificates certificates.py."""

from datetime import datetime, timedelta
from uuid import UUID

from tortoise.expressions import Q

from backend.audit import service as audit
from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate
from backend.core.permissions import Permission, has, require
from backend.core.text import required_text
from backend.registry.models import Building, Estate, Membership, Role
from backend.volunteering import access
from backend.volunteering.models import (
    ActivityState,
    VolunteerActivity,
    VolunteerTeam,
    VolunteerTeamCoordinator,
)
from backend.volunteering.signups import promote_waitlisted
from backend.volunteering.states import ACTIVITY_STATES

SEARCH_MAX_CHARS = 32
MAX_SKILLS, SKILL_CHARS = 10, 16
MAX_CAPACITY, MAX_POINTS_PER_HOUR = 1000, 1000
MAX_DURATION = timedelta(days=7)
EDITABLE = (ActivityState.DRAFT, ActivityState.PUBLISHED)


def _search(search: str | None) -> str:
    return (search or "").strip()[:SEARCH_MAX_CHARS]


# --- Teams ---------------------------------------------------------------------------------------

async def list_teams(actor: Actor, *, community_id: UUID, search: str | None, first: int,
                     after: str | None) -> Page[VolunteerTeam]:
    """Every team for a manager; a coordinator's own teams for a coordinator."""
    actor.require_person()
    query = VolunteerTeam.filter(community_id=community_id)
    if not access.manages(actor, community_id):
        require(actor, Permission.VOLUNTEER_COORDINATE, community_id)
        query = query.filter(id__in=await access.coordinated_team_ids(actor, community_id))
    if words := _search(search):
        query = query.filter(name__icontains=words)
    return await paginate(query, first=first, after=after)


def _team_fields(name: str | None, description: str | None) -> dict:
    description = (description or "").strip()
    if len(description) > 500:
        _too_long("description", "队伍简介", 500)
    return {"name": required_text(name, "name", "队伍名称", high=32), "description": description}


def _too_long(field: str, what: str, high: int):
    raise DomainError(ErrorCode.INVALID_INPUT, f"{what}不能超过 {high} 个字", field=field)


async def _name_free(tx, community_id: UUID, name: str, *, besides: UUID | None = None) -> None:
    query = VolunteerTeam.filter(community_id=community_id, name=name).using_db(tx)
    if besides is not None:
        query = query.exclude(id=besides)
    if await query.exists():
        raise DomainError(ErrorCode.INVALID_INPUT, "已有同名的志愿队伍", field="name")


async def create_team(actor: Actor, *, community_id: UUID, name: str, description: str | None) -> VolunteerTeam:
    require(actor, Permission.VOLUNTEER_MANAGE, community_id)
    fields = _team_fields(name, description)
    async with transaction() as tx:
        await _name_free(tx, community_id, fields["name"])
        team = await VolunteerTeam.create(community_id=community_id, **fields, using_db=tx)
        await audit.record(tx, actor, "volunteer.team_create", "volunteer_team", team.id,
                           community_id=community_id, after=fields)
    return team


async def update_team(actor: Actor, *, team_id: UUID, name: str, description: str | None) -> VolunteerTeam:
    fields = _team_fields(name, description)
    async with transaction() as tx:
        team = await access.get_team_to_manage(actor, team_id, tx=tx, lock=True)
        await _name_free(tx, team.community_id, fields["name"], besides=team.id)
        before = {"name": team.name, "description": team.description}
        team.name, team.description = fields["name"], fields["description"]
        await team.save(using_db=tx)
        await audit.record(tx, actor, "volunteer.team_update", "volunteer_team", team.id,
                           community_id=team.community_id, before=before, after=fields)
    return team


async def add_coordinator(actor: Actor, *, team_id: UUID, person_id: UUID) -> VolunteerTeam:
    """Only a person holding the coordinator role (志愿者协调员) in the team's community."""
    async with transaction() as tx:
        team = await access.get_team_to_manage(actor, team_id, tx=tx, lock=True)
        if not await Membership.filter(person_id=person_id, community_id=team.community_id,
                                       role=Role.VOLUNTEER_COORDINATOR).using_db(tx).exists():
            raise DomainError(ErrorCode.INVALID_INPUT, "该人员不是本社区的志愿者协调员", field="personId")
        _, made = await VolunteerTeamCoordinator.get_or_create(team_id=team.id, person_id=person_id, using_db=tx)
        if not made:
            raise DomainError(ErrorCode.INVALID_INPUT, "该协调员已在本队伍中", field="personId")
        await audit.record(tx, actor, "volunteer.coordinator_add", "volunteer_team", team.id,
                           community_id=team.community_id, after={"personId": str(person_id)})
    return team


async def remove_coordinator(actor: Actor, *, team_id: UUID, person_id: UUID) -> VolunteerTeam:
    async with transaction() as tx:
        team = await access.get_team_to_manage(actor, team_id, tx=tx, lock=True)
        removed = await VolunteerTeamCoordinator.filter(team_id=team.id, person_id=person_id).using_db(tx).delete()
        if not removed:
            raise DomainError(ErrorCode.INVALID_INPUT, "该人员不是本队伍的协调员", field="personId")
        await audit.record(tx, actor, "volunteer.coordinator_remove", "volunteer_team", team.id,
                           community_id=team.community_id, before={"personId": str(person_id)})
    return team


async def coordinators_of(team_ids: list[UUID]) -> dict[UUID, list]:
    """The coordinators (people) of each team, in one query."""
    rows = await VolunteerTeamCoordinator.filter(team_id__in=team_ids).select_related("person").order_by("id")
    found: dict[UUID, list] = {t: [] for t in team_ids}
    for row in rows:
        found[row.team_id].append(row.person)
    return found


# --- Activities ----------------------------------------------------------------------------------

async def _place(tx, community_id: UUID, estate_id: UUID | None, building_id: UUID | None,
                 place_text: str | None) -> dict:
    """Exactly one of: an estate, a building (of this community), or a text of at most 64."""
    text = (place_text or "").strip()
    given = [v for v in (estate_id, building_id, text) if v]
    if len(given) != 1:
        raise DomainError(ErrorCode.INVALID_INPUT, "请选择一个小区或楼栋，或填写活动地点", field="place")
    if estate_id and not await Estate.filter(id=estate_id, community_id=community_id).using_db(tx).exists():
        raise DomainError(ErrorCode.INVALID_INPUT, "找不到该小区", field="estateId")
    if building_id and not await Building.filter(id=building_id, community_id=community_id).using_db(tx).exists():
        raise DomainError(ErrorCode.INVALID_INPUT, "找不到该楼栋", field="buildingId")
    if len(text) > 64:
        _too_long("placeText", "活动地点", 64)
    return {"estate_id": estate_id, "building_id": building_id, "place_text": text}


def _skills(skills: list[str] | None) -> list[str]:
    cleaned = list(dict.fromkeys(s.strip() for s in (skills or []) if s and s.strip()))
    if len(cleaned) > MAX_SKILLS:
        raise DomainError(ErrorCode.INVALID_INPUT, f"技能要求最多 {MAX_SKILLS} 项", field="skills")
    if any(len(s) > SKILL_CHARS for s in cleaned):
        raise DomainError(ErrorCode.INVALID_INPUT, f"每项技能不能超过 {SKILL_CHARS} 个字", field="skills")
    return cleaned


def _activity_fields(*, title: str, description: str | None, starts_at: datetime, ends_at: datetime, capacity: int,
                     skills: list[str] | None, points_per_hour: int) -> dict:
    description = (description or "").strip()
    if len(description) > 2000:
        _too_long("description", "活动介绍", 2000)
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise DomainError(ErrorCode.INVALID_INPUT, "请填写带时区的开始与结束时间", field="startsAt")
    if not starts_at < ends_at <= starts_at + MAX_DURATION:
        raise DomainError(ErrorCode.INVALID_INPUT, "结束时间须晚于开始时间，且活动不超过 7 天", field="endsAt")
    if not 1 <= capacity <= MAX_CAPACITY:
        raise DomainError(ErrorCode.INVALID_INPUT, f"招募人数须在 1 到 {MAX_CAPACITY} 之间", field="capacity")
    if not 0 <= points_per_hour <= MAX_POINTS_PER_HOUR:
        raise DomainError(ErrorCode.INVALID_INPUT, f"每小时积分须在 0 到 {MAX_POINTS_PER_HOUR} 之间",
                          field="pointsPerHour")
    return {"title": required_text(title, "title", "活动名称", high=64), "description": description,
            "starts_at": starts_at, "ends_at": ends_at, "capacity": capacity, "skills": _skills(skills),
            "points_per_hour": points_per_hour}


def _audited(fields: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, datetime) else str(v) if isinstance(v, UUID) else v)
            for k, v in fields.items()}


async def create_activity(actor: Actor, *, team_id: UUID, estate_id: UUID | None = None,
                          building_id: UUID | None = None, place_text: str | None = None, **given) -> VolunteerActivity:
    """A draft activity of a team the actor manages or coordinates."""
    actor.require_person()
    fields = _activity_fields(**given)
    if fields["starts_at"] <= clock.now():
        raise DomainError(ErrorCode.INVALID_INPUT, "开始时间须晚于现在", field="startsAt")
    async with transaction() as tx:
        team = await VolunteerTeam.filter(id=team_id).using_db(tx).first()
        if team is None or not (access.manages(actor, team.community_id)
                                or team.id in await access.coordinated_team_ids(actor, team.community_id)):
            raise DomainError(ErrorCode.NOT_FOUND, "找不到该志愿队伍")
        fields |= await _place(tx, team.community_id, estate_id, building_id, place_text)
        activity = await VolunteerActivity.create(community_id=team.community_id, team_id=team.id, **fields,
                                                  using_db=tx)
        await audit.record(tx, actor, "volunteer.activity_create", "volunteer_activity", activity.id,
                           community_id=team.community_id, after=_audited(fields))
    return activity


async def update_activity(actor: Actor, *, activity_id: UUID, estate_id: UUID | None = None,
                          building_id: UUID | None = None, place_text: str | None = None,
                          **given) -> VolunteerActivity:
    """Edit a draft or published activity; more places promote the waitlisted in order."""
    fields = _activity_fields(**given)
    async with transaction() as tx:
        activity = await access.get_activity_to_run(actor, activity_id, tx=tx, lock=True)
        if activity.state not in EDITABLE:
            raise DomainError(ErrorCode.INVALID_INPUT, "已结束或已取消的活动不能修改")
        fields |= await _place(tx, activity.community_id, estate_id, building_id, place_text)
        before = _audited({k: getattr(activity, k) for k in fields})
        for name, value in fields.items():
            setattr(activity, name, value)
        await activity.save(using_db=tx)
        await promote_waitlisted(tx, activity)
        await audit.record(tx, actor, "volunteer.activity_update", "volunteer_activity", activity.id,
                           community_id=activity.community_id, before=before, after=_audited(fields))
    return activity


async def publish_activity(actor: Actor, *, activity_id: UUID) -> VolunteerActivity:
    async with transaction() as tx:
        activity = await access.get_activity_to_run(actor, activity_id, tx=tx, lock=True)
        if activity.state == ActivityState.DRAFT and activity.starts_at <= clock.now():
            raise DomainError(ErrorCode.INVALID_INPUT, "活动开始时间已过，请先修改时间再发布", field="startsAt")
        await ACTIVITY_STATES.move(tx, activity, ActivityState.PUBLISHED, actor=actor)
        await audit.record(tx, actor, "volunteer.activity_publish", "volunteer_activity", activity.id,
                           community_id=activity.community_id)
    return activity


async def cancel_activity(actor: Actor, *, activity_id: UUID, reason: str) -> VolunteerActivity:
    """Cancel with a reason; everyone signed up or waitlisted is told."""
    from backend.volunteering.signups import tell_cancelled

    reason = required_text(reason, "reason", "取消原因", high=200)
    async with transaction() as tx:
        activity = await access.get_activity_to_run(actor, activity_id, tx=tx, lock=True)
        await ACTIVITY_STATES.move(tx, activity, ActivityState.CANCELLED, actor=actor, reason=reason)
        activity.cancel_reason = reason
        await activity.save(using_db=tx, update_fields=["cancel_reason"])
        await tell_cancelled(tx, activity)
        await audit.record(tx, actor, "volunteer.activity_cancel", "volunteer_activity", activity.id,
                           community_id=activity.community_id, after={"reason": reason})
    return activity


async def list_activities(actor: Actor, *, community_id: UUID, state: ActivityState | None, search: str | None,
                          first: int, after: str | None) -> Page[VolunteerActivity]:
    """A manager: every activity; others: the published and finished ones, and every one of the
    teams they coordinate. Newest first."""
    await access.require_member_or_staff(actor, community_id)
    query = VolunteerActivity.filter(community_id=community_id).select_related("team", "estate", "building")
    if not access.manages(actor, community_id):
        visible = Q(state__in=access.VISIBLE_TO_MEMBERS)
        if has(actor, Permission.VOLUNTEER_COORDINATE, community_id):
            visible |= Q(team_id__in=await access.coordinated_team_ids(actor, community_id))
        query = query.filter(visible)
    if state is not None:
        query = query.filter(state=state)
    if words := _search(search):
        query = query.filter(title__icontains=words)
    return await paginate(query, first=first, after=after, newest_first=True)


def place_name(activity: VolunteerActivity) -> str:
    """Where, as people read it (the activity loaded with its estate and building)."""
    if activity.building_id:
        return activity.building.name
    if activity.estate_id:
        return activity.estate.name
    return activity.place_text
