"""Reading the registry within the actor's reach."""

from uuid import UUID

from backend.accounts.models import Person
from backend.core.actor import Actor
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate
from backend.registry.models import Building, Community, Membership


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
    community = await get_community_for(actor, community_id)
    query = Building.filter(community_id=community.id).select_related("estate")
    return await paginate(query, first=first, after=after)
