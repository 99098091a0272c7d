"""Residences, households, applications and invitations."""

from datetime import datetime
from uuid import UUID

import strawberry
from strawberry.types import Info

from backend.api.errors import UserError, attempt
from backend.api.ids import parse_uuid
from backend.api.pagination import PageInfo
from backend.api.people import PersonBrief
from backend.core.settings import get_settings
from backend.media.signing import signed_url
from backend.registry import residence, service
from backend.registry.models import ApplicationStatus as ApplicationStatusEnum
from backend.registry.models import PersonRoom, ResidenceApplication
from backend.registry.models import ResidentRole as ResidentRoleEnum
from backend.registry.models import Room as RoomModel
from backend.registry.service import address_of

ResidentRole = strawberry.enum(ResidentRoleEnum, name="ResidentRole")
ApplicationStatus = strawberry.enum(ApplicationStatusEnum, name="ApplicationStatus")


@strawberry.type(description="A room's address. Areas are exact: square metres with two decimals.")
class RoomAddress:
    id: strawberry.ID
    code: str
    number: str
    floor: int
    area_m2: str

    @classmethod
    def of(cls, room: RoomModel) -> "RoomAddress":
        return cls(id=strawberry.ID(str(room.id)), code=room.code, number=room.number, floor=room.floor,
                   area_m2=f"{room.area_dm2 // 100}.{room.area_dm2 % 100:02d}")


@strawberry.type
class HouseholdMember:
    residence_id: strawberry.ID
    person: PersonBrief
    role: ResidentRole
    since: datetime


@strawberry.type
class Residence:
    id: strawberry.ID
    role: ResidentRole
    since: datetime
    until: datetime | None
    household_id: strawberry.ID
    room: RoomAddress
    address: str = strawberry.field(description="e.g. 阳光花园 1栋 1单元 101")

    @classmethod
    def of(cls, link: PersonRoom) -> "Residence":
        return cls(id=strawberry.ID(str(link.id)), role=link.role, since=link.since, until=link.until,
                   household_id=strawberry.ID(str(link.household_id)), room=RoomAddress.of(link.room),
                   address=address_of(link.room))

    @strawberry.field(description="Who lives in this household now.")
    async def members(self, info: Info) -> list[HouseholdMember]:
        actor = info.context.actor
        members = info.context.loader("household_members", lambda ids: service.household_members(actor, ids))
        links = await members.load(UUID(self.household_id))
        return [HouseholdMember(residence_id=strawberry.ID(str(m.id)), person=PersonBrief.of(m.person), role=m.role,
                                since=m.since) for m in links]


@strawberry.type(name="ResidenceApplication")
class ResidenceApplicationType:
    id: strawberry.ID
    status: ApplicationStatus
    role: ResidentRole
    person: PersonBrief
    room: RoomAddress
    reason: str | None
    created_at: datetime
    decided_at: datetime | None
    address: str = strawberry.field(description="e.g. 阳光花园 1栋 1单元 101")
    proof_url: str | None = strawberry.field(description="A signed link to the proof photo, valid 10 minutes.")

    @classmethod
    def of(cls, app: ResidenceApplication) -> "ResidenceApplicationType":
        proof = signed_url(get_settings(), app.proof_id) if app.proof_id else None
        return cls(id=strawberry.ID(str(app.id)), status=app.status, role=app.role, person=PersonBrief.of(app.person),
                   room=RoomAddress.of(app.room), reason=app.reason, created_at=app.created_at,
                   decided_at=app.decided_at, proof_url=proof, address=address_of(app.room))


@strawberry.type
class ResidenceApplicationConnection:
    nodes: list[ResidenceApplicationType]
    page_info: PageInfo


@strawberry.type
class ResidenceApplicationPayload:
    application: ResidenceApplicationType | None
    errors: list[UserError]


@strawberry.type
class ResidencePayload:
    residence_id: strawberry.ID | None
    errors: list[UserError]


@strawberry.type
class InvitePayload:
    code: str | None = strawberry.field(description="Show it as a QR code; it works once, for 72 hours.")
    expires_at: datetime | None
    errors: list[UserError]


async def _application_payload(call) -> ResidenceApplicationPayload:
    application, errors = await attempt(call)
    if application is not None:
        await application.fetch_related("person", "room__unit__building__estate")
    return ResidenceApplicationPayload(
        application=ResidenceApplicationType.of(application) if application else None, errors=errors
    )


@strawberry.type
class ResidenceQueries:
    @strawberry.field(description="The verification queue. Needs RESIDENCE_VERIFY in the community.")
    async def residence_applications(self, info: Info, community_id: strawberry.ID,
                                     status: ApplicationStatus | None = None, first: int = 20,
                                     after: str | None = None) -> ResidenceApplicationConnection:
        page = await residence.list_applications(info.context.actor, community_id=parse_uuid(community_id),
                                                 status=status, first=first, after=after)
        return ResidenceApplicationConnection(nodes=[ResidenceApplicationType.of(a) for a in page.items],
                                              page_info=PageInfo.of(page))


@strawberry.type
class ResidenceMutations:
    @strawberry.mutation(description="Apply to be verified as living in a room (proxy scope REGISTRY).")
    async def residence_apply(self, info: Info, community_id: strawberry.ID, room_code: str, role: ResidentRole,
                              proof_upload_id: strawberry.ID | None = None) -> ResidenceApplicationPayload:
        return await _application_payload(residence.apply_for_room(
            info.context.actor, community_id=parse_uuid(community_id), room_code=room_code, role=role,
            proof_upload_id=parse_uuid(proof_upload_id) if proof_upload_id else None,
        ))

    @strawberry.mutation(description="Approve an application. Needs RESIDENCE_VERIFY.")
    async def residence_approve(self, info: Info, id: strawberry.ID) -> ResidenceApplicationPayload:
        return await _application_payload(
            residence.decide_application(info.context.actor, application_id=parse_uuid(id), approve=True)
        )

    @strawberry.mutation(description="Reject an application with a reason. Needs RESIDENCE_VERIFY.")
    async def residence_reject(self, info: Info, id: strawberry.ID, reason: str) -> ResidenceApplicationPayload:
        return await _application_payload(residence.decide_application(
            info.context.actor, application_id=parse_uuid(id), approve=False, reason=reason
        ))

    @strawberry.mutation(description="The head of household invites a family member.")
    async def household_invite_create(self, info: Info, role: ResidentRole) -> InvitePayload:
        result, errors = await attempt(residence.create_invite(info.context.actor, role=role))
        invite, code = result or (None, None)
        return InvitePayload(code=code, expires_at=invite.expires_at if invite else None, errors=errors)

    @strawberry.mutation(description="Join a household with an invitation code.")
    async def household_invite_accept(self, info: Info, code: str) -> ResidencePayload:
        link, errors = await attempt(residence.accept_invite(info.context.actor, code=code[:200]))
        return ResidencePayload(residence_id=strawberry.ID(str(link.id)) if link else None, errors=errors)

    @strawberry.mutation(description="Move out: ends the residence and keeps its history.")
    async def residence_move_out(self, info: Info, id: strawberry.ID) -> ResidencePayload:
        link, errors = await attempt(residence.move_out(info.context.actor, residence_id=parse_uuid(id)))
        return ResidencePayload(residence_id=strawberry.ID(str(link.id)) if link else None, errors=errors)
