"""Staff edits of the registry."""

import strawberry
from strawberry.types import Info

from backend.api.errors import UserError, attempt
from backend.api.ids import parse_uuid
from backend.api.people import OkPayload
from backend.api.registry import Resident
from backend.registry import editing


@strawberry.type
class Grid:
    id: strawberry.ID
    name: str


@strawberry.type
class ResidentPayload:
    resident: Resident | None
    errors: list[UserError]


@strawberry.type
class RegistryEditingQueries:
    @strawberry.field(description="Grids of a community. Needs REGISTRY_READ.")
    async def registry_grids(self, info: Info, community_id: strawberry.ID) -> list[Grid]:
        rows = await editing.list_grids(info.context.actor, parse_uuid(community_id))
        return [Grid(id=strawberry.ID(str(g.id)), name=g.name) for g in rows]


@strawberry.type
class RegistryEditingMutations:
    @strawberry.mutation(description="Correct a resident's record (fields left out stay). Needs REGISTRY_IMPORT; "
                         "audited with before and after.")
    async def resident_update(self, info: Info, id: strawberry.ID, display_name: str | None = None,
                              phone: str | None = None, id_number: str | None = None) -> ResidentPayload:
        person, errors = await attempt(editing.update_resident(
            info.context.actor, person_id=parse_uuid(id), display_name=display_name, phone=phone,
            id_number=id_number,
        ))
        return ResidentPayload(resident=Resident.of(person) if person else None, errors=errors)

    @strawberry.mutation(description="Put a building in a grid. Needs REGISTRY_IMPORT.")
    async def grid_assign_building(self, info: Info, building_id: strawberry.ID, grid_id: strawberry.ID) -> OkPayload:
        _, errors = await attempt(editing.assign_building_to_grid(
            info.context.actor, building_id=parse_uuid(building_id), grid_id=parse_uuid(grid_id)))
        return OkPayload.of(errors)

    @strawberry.mutation(description="Give a grid worker a grid to look after. Needs REGISTRY_IMPORT.")
    async def grid_assign_worker(self, info: Info, grid_id: strawberry.ID, person_id: strawberry.ID) -> OkPayload:
        _, errors = await attempt(editing.assign_grid_worker(
            info.context.actor, grid_id=parse_uuid(grid_id), person_id=parse_uuid(person_id)))
        return OkPayload.of(errors)
