"""Who reaches what in volunteering. A manager (VOLUNTEER_MANAGE) runs every team and activity of
their community; a coordinator (VOLUNTEER_COORDINATE) runs only the activities of the teams they
coordinate; members of the community see its published activities. Anything beyond is not-found."""

from uuid import UUID

from backend.core.actor import Actor
from backend.core.errors import DomainError, ErrorCode
from backend.core.permissions import Permission, has, permissions
from backend.registry.models import Membership
from backend.volunteering.models import ActivityState, VolunteerActivity, VolunteerTeam, VolunteerTeamCoordinator

VISIBLE_TO_MEMBERS = (ActivityState.PUBLISHED, ActivityState.FINISHED)
SELF_ONLY = "志愿服务须由本人参加，不能代办"


def activity_not_found() -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, "找不到该志愿活动")


def manages(actor: Actor, community_id: UUID) -> bool:
    return has(actor, Permission.VOLUNTEER_MANAGE, community_id)


async def coordinated_team_ids(actor: Actor, community_id: UUID) -> list[UUID]:
    """The teams of the community the actor coordinates (none without VOLUNTEER_COORDINATE there)."""
    if actor.person_id is None or not has(actor, Permission.VOLUNTEER_COORDINATE, community_id):
        return []
    return await VolunteerTeamCoordinator.filter(person_id=actor.person_id, team__community_id=community_id
                                                 ).values_list("team_id", flat=True)


async def runs(actor: Actor, activity: VolunteerActivity) -> bool:
    if manages(actor, activity.community_id):
        return True
    return activity.team_id in await coordinated_team_ids(actor, activity.community_id)


async def is_member(person_id: UUID, community_id: UUID) -> bool:
    return await Membership.filter(person_id=person_id, community_id=community_id).exists()


async def require_member_or_staff(actor: Actor, community_id: UUID) -> None:
    actor.require_person()
    if permissions(actor, community_id):
        return
    if not await is_member(actor.person_id, community_id):
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该社区")


async def get_team_to_manage(actor: Actor, team_id: UUID, *, tx=None, lock: bool = False) -> VolunteerTeam:
    actor.require_person()
    query = VolunteerTeam.filter(id=team_id)
    if lock:
        query = query.select_for_update()
    team = await (query.using_db(tx) if tx else query).first()
    if team is None or not manages(actor, team.community_id):
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该志愿队伍")
    return team


async def get_activity_to_run(actor: Actor, activity_id: UUID, *, tx=None, lock: bool = False) -> VolunteerActivity:
    """An activity the actor manages or coordinates, locked when asked (sign-ups, cancellation)."""
    actor.require_person()
    query = VolunteerActivity.filter(id=activity_id)
    if lock:
        query = query.select_for_update()
    activity = await (query.using_db(tx) if tx else query).first()
    if activity is None or not await runs(actor, activity):
        raise activity_not_found()
    return activity


async def get_activity_for(actor: Actor, activity_id: UUID) -> VolunteerActivity:
    """An activity as anyone in reach sees it: those who run it, any state; members, once published."""
    actor.require_person()
    activity = await VolunteerActivity.filter(id=activity_id).select_related("team", "estate", "building").first()
    if activity is None:
        raise activity_not_found()
    if await runs(actor, activity):
        return activity
    if activity.state in VISIBLE_TO_MEMBERS and await is_member(actor.person_id, activity.community_id):
        return activity
    raise activity_not_found()
