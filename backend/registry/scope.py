"""The one rule for a staff member's reach inside their community: staff holding
REGISTRY_READ_ALL_GRIDS reach every building; a grid worker only the buildings of their grids.
Every loader of a person, household, building or room applies it, and answers not-found (never
forbidden) for what lies outside, so nothing tells a grid worker that it exists."""

from dataclasses import dataclass
from uuid import UUID

from tortoise.expressions import Q

from backend.core.actor import Actor
from backend.core.errors import DomainError, ErrorCode
from backend.core.permissions import Permission, has, permissions, require
from backend.registry.models import Building, GridWorker, Membership, PersonRoom


@dataclass(frozen=True)
class GridScope:
    grid_ids: frozenset[UUID] | None  # None: every building of the community

    @property
    def everywhere(self) -> bool:
        return self.grid_ids is None

    def buildings(self, path: str = "") -> Q:
        """A filter keeping the buildings in reach; `path` leads from the queried model to its
        building (e.g. "room__unit__building" for households)."""
        if self.grid_ids is None:
            return Q()
        return Q(**{f"{path}__grid_id__in" if path else "grid_id__in": list(self.grid_ids)})

    def covers(self, building: Building) -> bool:
        return self.grid_ids is None or building.grid_id in self.grid_ids


async def grid_scope(actor: Actor, community_id: UUID) -> GridScope:
    """The buildings of `community_id` the actor reaches as staff (none without a staff role)."""
    if has(actor, Permission.REGISTRY_READ_ALL_GRIDS, community_id):
        return GridScope(None)
    if not permissions(actor, community_id):
        return GridScope(frozenset())
    grids = await GridWorker.filter(person_id=actor.person_id, community_id=community_id) \
        .values_list("grid_id", flat=True)
    return GridScope(frozenset(grids))


async def reaches_room(actor: Actor, room_id: UUID) -> bool:
    """Whether the room lies in the actor's reach as staff."""
    building = await Building.filter(units__rooms__id=room_id).first()
    return building is not None and (await grid_scope(actor, building.community_id)).covers(building)


def _not_found(what: str) -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, f"找不到该{what}")


async def require_building(actor: Actor, permission: Permission, building_id: UUID) -> Building:
    """A building in the actor's reach, for an action needing `permission` there."""
    building = await Building.filter(id=building_id).first()
    if building is None or not (await grid_scope(actor, building.community_id)).covers(building):
        raise _not_found("楼栋")
    require(actor, permission, building.community_id)
    return building


async def person_community(actor: Actor, person_id: UUID, permission: Permission) -> UUID:
    """The community in which the actor reaches this person as staff: one of theirs where the person
    is a member and, for a grid worker, lives in a building of their grids. Not-found otherwise;
    forbidden for staff in reach who lack `permission`."""
    communities = await Membership.filter(person_id=person_id).distinct().values_list("community_id", flat=True)
    for community_id in communities:
        scope = await grid_scope(actor, community_id)
        if scope.grid_ids == frozenset():
            continue
        if scope.everywhere or await PersonRoom.filter(
            scope.buildings("room__unit__building"), person_id=person_id, community_id=community_id, until=None
        ).exists():
            require(actor, permission, community_id)
            return community_id
    raise _not_found("居民")
