"""The viewer, their communities, and the registry browser for staff."""

from datetime import datetime
from uuid import UUID

import strawberry
from strawberry.types import Info

from backend.accounts import service as accounts
from backend.api.audit import AuditConnection
from backend.api.case_street import Street
from backend.api.ids import parse_uuid
from backend.api.notify import InboxConnection, InboxMessage, NotificationSettings, viewer_notification_settings
from backend.api.pagination import Counted, PageInfo
from backend.api.people import PersonBrief
from backend.api.proxies import Proxy
from backend.api.residence import Residence, ResidentRole, RoomAddress
from backend.audit import service as audit
from backend.cases import street
from backend.core import platform
from backend.core.errors import DomainError
from backend.core.permissions import Permission as PermissionEnum
from backend.notify import service as notify_service
from backend.people import consent, masking
from backend.people.models import Person
from backend.privacy import service as privacy
from backend.proxies import service as proxies
from backend.registry import service
from backend.registry.models import Building as BuildingModel
from backend.registry.models import Community as CommunityModel
from backend.registry.models import PersonRoom
from backend.registry.models import Role as RoleEnum

Role = strawberry.enum(RoleEnum, name="Role")
PersonalField = strawberry.enum(privacy.PersonalField, name="PersonalField")
Permission = strawberry.enum(PermissionEnum, name="Permission")


@strawberry.type
class Building:
    id: strawberry.ID
    name: str
    estate_name: str
    grid_name: str | None

    @classmethod
    def of(cls, row: BuildingModel) -> "Building":
        return cls(id=strawberry.ID(str(row.id)), name=row.name, estate_name=row.estate.name,
                   grid_name=row.grid.name if row.grid else None)


@strawberry.type
class BuildingConnection:
    nodes: list[Building]
    page_info: PageInfo


@strawberry.type
class Estate:
    id: strawberry.ID
    name: str


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
        return BuildingConnection(nodes=[Building.of(b) for b in page.items], page_info=PageInfo.of(page))


@strawberry.type
class Membership:
    role: Role
    community: Community


@strawberry.type(description="What I may do in one community as staff (every operation still checks).")
class CommunityPermissions:
    community: Community
    permissions: list[Permission]


@strawberry.type
class Session:
    id: strawberry.ID
    method: str
    user_agent: str
    created_at: datetime
    last_used_at: datetime
    current: bool


@strawberry.type(description="A resident as staff see them: personal data masked unless unmasked with a reason.")
class Resident:
    id: strawberry.ID
    display_name: str
    phone: str | None
    id_number: str | None

    @classmethod
    def of(cls, person: Person) -> "Resident":
        return cls(id=strawberry.ID(str(person.id)), display_name=person.display_name,
                   phone=masking.masked_phone(person), id_number=masking.masked_id_number(person))


@strawberry.type
class RoomResident:
    residence_id: strawberry.ID
    resident: Resident
    role: ResidentRole
    since: datetime
    channel: str


@strawberry.type(description="Someone living in a room now, as the registry search finds them.")
class RegistryResident:
    residence_id: strawberry.ID
    resident: Resident
    role: ResidentRole
    since: datetime
    room: RoomAddress
    address: str = strawberry.field(description="e.g. 阳光花园 1栋 1单元 101")

    @classmethod
    def of(cls, link: PersonRoom) -> "RegistryResident":
        return cls(residence_id=strawberry.ID(str(link.id)), resident=Resident.of(link.person), role=link.role,
                   since=link.since, room=RoomAddress.of(link.room), address=service.address_of(link.room))


@strawberry.type
class RegistryResidentConnection(Counted):
    nodes: list[RegistryResident]
    page_info: PageInfo


@strawberry.type
class DirectoryRoom:
    room: RoomAddress
    unit_id: strawberry.ID
    unit_name: str


@strawberry.type
class RegistryRoom:
    room: RoomAddress
    unit_name: str
    residents: list[RoomResident]


@strawberry.type(description="The signed-in person.")
class Viewer:
    id: strawberry.ID
    display_name: str
    phone: str | None = strawberry.field(description="Masked (138****1234).")

    @classmethod
    def of(cls, person: Person) -> "Viewer":
        return cls(id=strawberry.ID(str(person.id)), display_name=person.display_name,
                   phone=masking.masked_phone(person))

    @strawberry.field
    async def memberships(self, info: Info) -> list[Membership]:
        rows = await service.list_memberships(info.context.actor, UUID(self.id))
        return [Membership(role=m.role, community=Community.of(m.community)) for m in rows]

    @strawberry.field(description="What I may do as staff, per community where I hold a staff role, for menus.")
    async def permissions(self, info: Info) -> list[CommunityPermissions]:
        return [CommunityPermissions(community=Community.of(c), permissions=sorted(granted))
                for c, granted in await service.staff_permissions(info.context.actor)]

    @strawberry.field(description="What I may do over the whole platform (运营方), beside any community.")
    async def platform_permissions(self, info: Info) -> list[Permission]:
        return sorted(await platform.platform_permissions(info.context.actor))

    @strawberry.field(description="The streets whose escalated cases I supervise (街道督办), for the menu.")
    async def supervised_streets(self, info: Info) -> list[Street]:
        return [Street.of(s) for s in await street.supervised_streets(info.context.actor)]

    @strawberry.field(description="My notifications (or my principal's when acting), newest first. `first` ≤ 50.")
    async def inbox(self, info: Info, first: int = 20, after: str | None = None) -> InboxConnection:
        page = await notify_service.list_inbox(info.context.actor, first=first, after=after)
        return InboxConnection(nodes=[InboxMessage.of(m) for m in page.items], page_info=PageInfo.of(page))

    @strawberry.field(description="My push channels and quiet hours.")
    async def notification_settings(self, info: Info) -> NotificationSettings:
        return await viewer_notification_settings(info)

    @strawberry.field(description="Where I live (or, when acting as a proxy, where my principal lives).")
    async def residences(self, info: Info) -> list[Residence]:
        return [Residence.of(r) for r in await service.my_residences(info.context.actor)]

    @strawberry.field(description="Proxies I granted and proxies I hold.")
    async def proxies(self, info: Info) -> list[Proxy]:
        return [Proxy.of(p) for p in await proxies.list_proxies(info.context.actor)]

    @strawberry.field(description="The person I am acting for now (代办), if any.")
    async def acting_for(self, info: Info) -> PersonBrief | None:
        principal = info.context.actor.principal_on_record
        return PersonBrief.of(await Person.get(id=principal)) if principal else None

    @strawberry.field(description="My signed-in devices.")
    async def sessions(self, info: Info) -> list[Session]:
        current = info.context.actor.session_id
        return [Session(id=strawberry.ID(str(s.id)), method=s.method, user_agent=s.user_agent,
                        created_at=s.created_at, last_used_at=s.last_used_at, current=s.id == current)
                for s in await accounts.list_sessions(info.context.actor)]

    @strawberry.field(description="What I did, and what proxies did for me, newest first.")
    async def history(self, info: Info, first: int = 20, after: str | None = None) -> AuditConnection:
        page = await audit.history(info.context.actor, first=first, after=after)
        return await AuditConnection.of(page)

    @strawberry.field(description="Whether I accepted the current privacy notice.")
    async def privacy_consent_given(self) -> bool:
        return await consent.has_consented(UUID(self.id))


@strawberry.type
class RegistryQueries:
    @strawberry.field(description="The signed-in person, or null when signed out.")
    async def viewer(self, info: Info) -> Viewer | None:
        person = await service.get_viewer(info.context.actor)
        return Viewer.of(person) if person else None

    @strawberry.field(description="A community the viewer belongs to; null for any other.")
    async def community(self, info: Info, id: strawberry.ID) -> Community | None:
        try:
            return Community.of(await service.get_community_for(info.context.actor, parse_uuid(id)))
        except DomainError:
            return None

    @strawberry.field(description="Estates of a community. Needs REGISTRY_READ.")
    async def registry_estates(self, info: Info, community_id: strawberry.ID) -> list[Estate]:
        rows = await service.list_estates(info.context.actor, parse_uuid(community_id))
        return [Estate(id=strawberry.ID(str(e.id)), name=e.name) for e in rows]

    @strawberry.field(description="Buildings I may browse (a grid worker: those of their grids).")
    async def registry_buildings(self, info: Info, community_id: strawberry.ID,
                                 estate_id: strawberry.ID | None = None) -> list[Building]:
        rows = await service.list_registry_buildings(info.context.actor, parse_uuid(community_id),
                                                     parse_uuid(estate_id) if estate_id else None)
        return [Building.of(b) for b in rows]

    @strawberry.field(description="Rooms of a building with their current residents (masked).")
    async def registry_rooms(self, info: Info, building_id: strawberry.ID) -> list[RegistryRoom]:
        rooms = await service.list_rooms(info.context.actor, parse_uuid(building_id))
        residents = await service.residents_of_rooms([r.id for r in rooms])
        return [
            RegistryRoom(room=RoomAddress.of(room), unit_name=room.unit.name, residents=[
                RoomResident(residence_id=strawberry.ID(str(link.id)), resident=Resident.of(link.person),
                             role=link.role, since=link.since, channel=link.channel)
                for link in residents[room.id]
            ])
            for room in rooms
        ]

    @strawberry.field(description="Residents living in a community now (a grid worker: in their grids), found by "
                      "name, room number or code, or a phone's last four digits; oldest first. Needs REGISTRY_READ.")
    async def registry_residents(self, info: Info, community_id: strawberry.ID, search: str | None = None,
                                 first: int = 20, after: str | None = None) -> RegistryResidentConnection:
        page = await service.search_residents(info.context.actor, parse_uuid(community_id), search, first=first,
                                              after=after)
        return RegistryResidentConnection(nodes=[RegistryResident.of(link) for link in page.items],
                                          page_info=PageInfo.of(page), page=page)

    @strawberry.field(description="A resident of a community I may read, or myself.")
    async def resident(self, info: Info, id: strawberry.ID) -> Resident | None:
        try:
            return Resident.of(await service.get_person_for(info.context.actor, parse_uuid(id)))
        except DomainError:
            return None

    @strawberry.field(description="Communities by name, for choosing where I live (addresses only).")
    async def directory_communities(self, info: Info, search: str | None = None) -> list[Community]:
        return [Community.of(c) for c in await service.directory_communities(info.context.actor, search)]

    @strawberry.field(description="A community's buildings, for choosing where I live (addresses only).")
    async def directory_buildings(self, info: Info, community_id: strawberry.ID) -> list[Building]:
        rows = await service.directory_buildings(info.context.actor, parse_uuid(community_id))
        return [Building(id=strawberry.ID(str(b.id)), name=b.name, estate_name=b.estate.name, grid_name=None)
                for b in rows]

    @strawberry.field(description="A building's rooms, for choosing where I live (addresses only).")
    async def directory_rooms(self, info: Info, building_id: strawberry.ID) -> list[DirectoryRoom]:
        rows = await service.directory_rooms(info.context.actor, parse_uuid(building_id))
        return [DirectoryRoom(room=RoomAddress.of(r), unit_id=strawberry.ID(str(r.unit_id)), unit_name=r.unit.name)
                for r in rows]

    @strawberry.field(description="Everything Linli holds about me, to download (JSON).")
    async def my_data_export(self, info: Info) -> strawberry.scalars.JSON:
        return await privacy.export_my_data(info.context.actor)
