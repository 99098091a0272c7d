"""The registry's figures for the 工作台: who is verified where, and what waits for verification, over
the buildings in the staff member's reach (a grid worker: their grids)."""

from dataclasses import dataclass
from uuid import UUID

from tortoise.expressions import Subquery

from backend.core.actor import Actor
from backend.core.permissions import Permission, require
from backend.people.models import Person
from backend.registry.models import ApplicationStatus, Household, PersonRoom, ResidenceApplication
from backend.registry.scope import grid_scope


@dataclass
class IdentityFigures:
    residents_verified: int  # people living here on the registry's record (imported or approved)
    households_verified: int  # households with at least one such resident
    households: int
    pending_verifications: int


async def identity_figures(actor: Actor, *, community_id: UUID) -> IdentityFigures:
    require(actor, Permission.REGISTRY_READ, community_id)
    in_reach = (await grid_scope(actor, community_id)).buildings("room__unit__building")
    living = PersonRoom.filter(in_reach, community_id=community_id, until=None)
    return IdentityFigures(
        residents_verified=await Person.filter(id__in=Subquery(living.values("person_id"))).count(),
        households_verified=await Household.filter(id__in=Subquery(living.values("household_id"))).count(),
        households=await Household.filter(in_reach, community_id=community_id).count(),
        pending_verifications=await ResidenceApplication.filter(in_reach, community_id=community_id,
                                                                status=ApplicationStatus.PENDING).count(),
    )
