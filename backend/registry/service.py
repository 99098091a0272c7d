"""Reading the registry within the actor's reach: residents see their own household; staff see
their community, and a grid worker only the buildings of their grids (可见/不可见)."""

from uuid import UUID

from tortoise.expressions import Q

from backend.core.actor import Actor, ProxyScope
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate
from backend.core.permissions import Permission, has, permissions, require
from backend.people.models import Person
from backend.registry.models import Building, Community, Estate, Membership, PersonRoom, Room
from backend.registry.scope import grid_scope, person_community, require_building

SEARCH_MAX_CHARS = 32


def address_of(room: Room) -> str:
    """e.g. 阳光花园 1栋 1单元 101 (the room's unit, building and estate must be loaded)."""
    return f"{room.unit.building.estate.name} {room.unit.building.name} {room.unit.name} {room.number}"


async def get_viewer(actor: Actor) -> Person | None:
    if not actor.is_authenticated:
        return None
    return await Person.filter(id=actor.person_id).first()


async def list_memberships(actor: Actor, person_id: UUID) -> list[Membership]:
    if actor.person_id != person_id:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该居民")
    return await Membership.filter(person_id=person_id).order_by("created_at").select_related("community")


async def get_community_for(actor: Actor, community_id: UUID) -> Community:
    """Not-found, never forbidden, for a community the actor does not belong to."""
    actor.require_person()
    if community_id not in actor.roles:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该社区")
    return await Community.get(id=community_id)


async def list_buildings(actor: Actor, community_id: UUID, *, first: int, after: str | None) -> Page[Building]:
    """Every building for a member; for staff, those in their reach (a grid worker: their grids)."""
    community = await get_community_for(actor, community_id)
    query = Building.filter(community_id=community.id).select_related("estate", "grid")
    if has(actor, Permission.REGISTRY_READ, community.id):
        query = query.filter((await grid_scope(actor, community.id)).buildings())
    return await paginate(query, first=first, after=after)


async def list_estates(actor: Actor, community_id: UUID) -> list[Estate]:
    require(actor, Permission.REGISTRY_READ, community_id)
    return await Estate.filter(community_id=community_id).order_by("name")


async def list_registry_buildings(actor: Actor, community_id: UUID, estate_id: UUID | None) -> list[Building]:
    """The buildings this staff member may browse."""
    require(actor, Permission.REGISTRY_READ, community_id)
    query = Building.filter((await grid_scope(actor, community_id)).buildings(), community_id=community_id)
    if estate_id is not None:
        query = query.filter(estate_id=estate_id)
    return await query.select_related("estate", "grid").order_by("estate_id", "name").limit(200)


async def search_residents(actor: Actor, community_id: UUID, search: str | None, *, first: int,
                           after: str | None) -> Page[PersonRoom]:
    """Who lives in the community now, within the actor's reach (a grid worker: their grids), found
    by a part of the name, a room number or code, or the last four digits of a phone."""
    require(actor, Permission.REGISTRY_READ, community_id)
    scope = await grid_scope(actor, community_id)
    query = PersonRoom.filter(scope.buildings("room__unit__building"), community_id=community_id, until=None)
    text = (search or "").strip()[:SEARCH_MAX_CHARS]
    if text:
        match = Q(person__display_name__icontains=text) | Q(room__number=text) | Q(room__code=text)
        if len(text) == 4 and text.isdigit():
            match |= Q(person__phone_last4=text)
        query = query.filter(match)
    return await paginate(query.select_related("person", "room__unit__building__estate"), first=first, after=after)


async def staff_permissions(actor: Actor) -> list[tuple[Community, frozenset[Permission]]]:
    """What the actor may do as staff in each community, by name: the console builds its menus from
    this, from the rules every operation enforces (and still enforces when called)."""
    granted = {c: p for c in actor.roles if (p := permissions(actor, c))}
    return [(c, granted[c.id]) for c in await Community.filter(id__in=list(granted)).order_by("name")]


async def list_rooms(actor: Actor, building_id: UUID) -> list[Room]:
    """The rooms of a building with their unit, for the registry browser."""
    await require_building(actor, Permission.REGISTRY_READ, building_id)
    return await Room.filter(unit__building_id=building_id).select_related("unit") \
        .order_by("unit__name", "floor", "number").limit(500)


async def residents_of_rooms(room_ids: list[UUID]) -> dict[UUID, list[PersonRoom]]:
    """Current residents per room, in one query (the registry browser's loader)."""
    links = await PersonRoom.filter(room_id__in=room_ids, until=None).select_related("person").order_by("since")
    grouped: dict[UUID, list[PersonRoom]] = {room_id: [] for room_id in room_ids}
    for link in links:
        grouped[link.room_id].append(link)
    return grouped


async def get_person_for(actor: Actor, person_id: UUID) -> Person:
    """Oneself, or a resident in the actor's reach as staff (a grid worker: living in their grids)."""
    me = actor.require_person()
    if person_id != me:
        await person_community(actor, person_id, Permission.REGISTRY_READ)
    person = await Person.filter(id=person_id).first()
    if person is None:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该居民")
    return person


async def my_residences(actor: Actor) -> list[PersonRoom]:
    """Where I (or the person I act for) live now, with the room's address."""
    subject = actor.subject(ProxyScope.REGISTRY)
    return await PersonRoom.filter(person_id=subject, until=None).select_related(
        "room__unit__building__estate", "household"
    ).order_by("since")


async def household_members(actor: Actor, household_ids: list[UUID]) -> list[list[PersonRoom] | DomainError]:
    """Who lives in each of these households now, in two queries whatever their number (the loader
    behind Residence.members); not-found for a household the subject does not live in."""
    subject = actor.subject(ProxyScope.REGISTRY)
    mine = set(await PersonRoom.filter(person_id=subject, household_id__in=household_ids, until=None)
               .values_list("household_id", flat=True))
    members: dict[UUID, list[PersonRoom]] = {h: [] for h in mine}
    for link in await PersonRoom.filter(household_id__in=list(mine), until=None).select_related("person") \
            .order_by("since"):
        members[link.household_id].append(link)
    return [members[h] if h in mine else DomainError(ErrorCode.NOT_FOUND, "找不到该户") for h in household_ids]


# The address directory: community, building and room names only (no residents), for any signed-in
# person choosing where they live.

async def directory_communities(actor: Actor, search: str | None) -> list[Community]:
    actor.require_person()
    query = Community.all()
    if search:
        query = query.filter(name__icontains=search.strip()[:32])
    return await query.order_by("name").limit(20)


async def directory_buildings(actor: Actor, community_id: UUID) -> list[Building]:
    actor.require_person()
    return await Building.filter(community_id=community_id).select_related("estate").order_by("estate_id", "name") \
        .limit(200)


async def directory_rooms(actor: Actor, building_id: UUID) -> list[Room]:
    actor.require_person()
    return await Room.filter(unit__building_id=building_id).select_related("unit") \
        .order_by("unit__name", "floor", "number").limit(500)
