"""The viewer and their communities."""

from uuid import UUID

import strawberry
from strawberry.types import Info

from backend.accounts.models import Person
from backend.api.notify import InboxConnection, InboxMessage
from backend.api.pagination import PageInfo
from backend.core import crypto
from backend.core.errors import DomainError
from backend.notify import service as notify_service
from backend.registry import service
from backend.registry.models import Building as BuildingModel
from backend.registry.models import Community as CommunityModel
from backend.registry.models import Role as RoleEnum

Role = strawberry.enum(RoleEnum, name="Role")


@strawberry.type
class Building:
    id: strawberry.ID
    name: str
    estate_name: str

    @classmethod
    def of(cls, row: BuildingModel) -> "Building":
        return cls(id=strawberry.ID(str(row.id)), name=row.name, estate_name=row.estate.name)


@strawberry.type
class BuildingConnection:
    nodes: list[Building]
    page_info: PageInfo


@strawberry.type
class Community:
    id: strawberry.ID
    name: str

    @classmethod
    def of(cls, row: CommunityModel) -> "Community":
        return cls(id=strawberry.ID(str(row.id)), name=row.name)

    @strawberry.field(description="Buildings of this community, oldest first. `first` is at most 50.")
    async def buildings(self, info: Info, first: int = 20, after: str | None = None) -> BuildingConnection:
        page = await service.list_buildings(info.context.actor, UUID(self.id), first=first, after=after)
        return BuildingConnection(
            nodes=[Building.of(b) for b in page.items],
            page_info=PageInfo.of(page),
        )


@strawberry.type
class Membership:
    role: Role
    community: Community


@strawberry.type(description="The signed-in person.")
class Viewer:
    id: strawberry.ID
    display_name: str
    phone: str | None = strawberry.field(description="Masked (138****1234).")

    @classmethod
    def of(cls, person: Person) -> "Viewer":
        phone = crypto.mask_phone(crypto.decrypt(person.phone_encrypted)) if person.phone_encrypted else None
        return cls(id=strawberry.ID(str(person.id)), display_name=person.display_name, phone=phone)

    @strawberry.field
    async def memberships(self, info: Info) -> list[Membership]:
        rows = await service.list_memberships(info.context.actor, UUID(self.id))
        return [Membership(role=m.role, community=Community.of(m.community)) for m in rows]

    @strawberry.field(description="My notifications, oldest first. `first` is at most 50.")
    async def inbox(self, info: Info, first: int = 20, after: str | None = None) -> InboxConnection:
        page = await notify_service.list_inbox(info.context.actor, first=first, after=after)
        return InboxConnection(nodes=[InboxMessage.of(m) for m in page.items], page_info=PageInfo.of(page))


@strawberry.type
class RegistryQueries:
    @strawberry.field(description="The signed-in person, or null when signed out.")
    async def viewer(self, info: Info) -> Viewer | None:
        person = await service.get_viewer(info.context.actor)
        return Viewer.of(person) if person else None

    @strawberry.field(description="A community the viewer belongs to; null for any other.")
    async def community(self, info: Info, id: strawberry.ID) -> Community | None:
        try:
            return Community.of(await service.get_community_for(info.context.actor, parse_id(id)))
        except DomainError:
            return None


def parse_id(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        return UUID(int=0)  # no row has it: the caller gets not-found
