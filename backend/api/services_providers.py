"""Service providers (服务商): applying, the operator's onboarding (verify, reject, suspend,
reinstate), and the admin's payout accounts, members and communities served. A provider's licence,
payout accounts and members are shown to its admin and the operator only."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from backend.api.errors import UserError, attempt
from backend.api.ids import parse_uuid
from backend.api.pagination import Counted, PageInfo
from backend.api.services_catalogue import sid
from backend.api.services_enums import ServiceCategory
from backend.core import crypto
from backend.core.errors import DomainError, ErrorCode
from backend.core.settings import get_settings
from backend.media.signing import signed_url
from backend.services import access, providers
from backend.services.models import Provider as ProviderModel
from backend.services.models import ProviderMember as ProviderMemberModel
from backend.services.models import ProviderRole as ProviderRoleEnum
from backend.services.models import ProviderState as ProviderStateEnum

ProviderState = strawberry.enum(ProviderStateEnum, name="ProviderState",
                                description="APPLIED 待审核, VERIFIED 已认证, REJECTED 未通过, SUSPENDED 已暂停.")
ProviderRole = strawberry.enum(ProviderRoleEnum, name="ProviderRole",
                               description="ADMIN (PROVIDER_ADMIN) or WORKER (PROVIDER_WORKER).")


@strawberry.type
class ProviderCommunity:
    id: strawberry.ID
    name: str


@strawberry.type
class ProviderMember:
    id: strawberry.ID
    person_id: strawberry.ID
    name: str
    role: ProviderRole
    role_label: str

    @classmethod
    def of(cls, row: ProviderMemberModel) -> "ProviderMember":
        return cls(id=sid(row.id), person_id=sid(row.person_id), name=row.person.display_name, role=row.role,
                   role_label=providers.ROLE_NAMES[row.role])


@strawberry.type(description="A service provider (服务商).")
class ServiceProvider:
    row: strawberry.Private[ProviderModel]
    privileged: strawberry.Private[bool]  # its admin or an operator
    id: strawberry.ID
    name: str
    state: ProviderState
    state_label: str
    categories: list[ServiceCategory]
    contact_name: str
    contact_phone: str = strawberry.field(description="Masked: 138****1234.")
    verified_at: datetime | None
    decision_note: str | None = strawberry.field(description="Why it was rejected or suspended.")

    @classmethod
    def of(cls, row: ProviderModel, *, privileged: bool) -> "ServiceProvider":
        return cls(row=row, privileged=privileged, id=sid(row.id), name=row.name, state=row.state,
                   state_label=providers.PROVIDER_STATE_NAMES[row.state], categories=list(row.categories),
                   contact_name=row.contact_name,
                   contact_phone=crypto.mask_phone(crypto.decrypt(row.contact_phone_encrypted)),
                   verified_at=row.verified_at,
                   decision_note=row.decision_note)

    @strawberry.field(description="A signed link to the licence (营业执照), for 10 minutes. Its admin and the "
                      "operator only.")
    def licence_url(self) -> str | None:
        return signed_url(get_settings(), self.row.licence_id) if self.privileged and self.row.licence_id else None

    @strawberry.field(description="The Stripe Connect account (acct_…). Its admin and the operator only.")
    def stripe_account_id(self) -> str | None:
        return self.row.stripe_account_id if self.privileged else None

    @strawberry.field(description="The WeChat Pay sub-merchant id. Its admin and the operator only.")
    def wechat_sub_mchid(self) -> str | None:
        return self.row.wechat_sub_mchid if self.privileged else None

    @strawberry.field(description="The communities it serves.")
    async def communities(self, info: Info) -> list[ProviderCommunity]:
        rows = await info.context.loader("services.provider_communities", providers.communities_of).load(self.row.id)
        return [ProviderCommunity(id=sid(c.id), name=c.name) for c in rows]

    @strawberry.field(description="Its active members, admins first. Its admin and the operator only (else empty).")
    async def members(self, info: Info) -> list[ProviderMember]:
        if not self.privileged:
            return []
        rows = await info.context.loader("services.provider_members", providers.members_of).load(self.row.id)
        return [ProviderMember.of(m) for m in rows]


@strawberry.type
class ServiceProviderConnection(Counted):
    nodes: list[ServiceProvider]
    page_info: PageInfo


@strawberry.type(description="A provider I work for, with my role there.")
class MyProvider:
    provider: ServiceProvider
    role: ProviderRole


@strawberry.type
class ServiceProviderPayload:
    provider: ServiceProvider | None
    errors: list[UserError]


@strawberry.type
class ProviderMemberPayload:
    member: ProviderMember | None
    errors: list[UserError]


@strawberry.input(description="An application to become a provider (入驻申请).")
class ProviderApplyInput:
    name: str
    categories: list[ServiceCategory]
    contact_name: str
    contact_phone: str
    licence_upload_id: strawberry.ID = strawberry.field(description="My provider_licence upload (an image or a PDF).")
    community_ids: list[strawberry.ID]


async def _payload(call) -> ServiceProviderPayload:
    row, errors = await attempt(call)
    return ServiceProviderPayload(provider=ServiceProvider.of(row, privileged=True) if row else None, errors=errors)


@strawberry.type
class ServiceProviderQueries:
    @strawberry.field(description="The providers I work for in person, with my role.")
    async def my_providers(self, info: Info) -> list[MyProvider]:
        found = await access.my_providers(info.context.actor)
        return [MyProvider(provider=ServiceProvider.of(p, privileged=role is ProviderRoleEnum.ADMIN), role=role)
                for p, role in sorted(found, key=lambda pair: pair[0].id)]

    @strawberry.field(description="Every provider, newest first, by state and a part of the name; first ≤ 50. "
                      "Needs PLATFORM_OPERATE.")
    async def service_providers(self, info: Info, state: ProviderState | None = None, search: str | None = None,
                                first: int = 20, after: str | None = None) -> ServiceProviderConnection:
        page = await providers.list_providers(info.context.actor, state=state, search=search, first=first, after=after)
        return ServiceProviderConnection(nodes=[ServiceProvider.of(p, privileged=True) for p in page.items],
                                         page_info=PageInfo.of(page), page=page)

    @strawberry.field(description="A provider, for its members and the operator; null for anyone else.")
    async def service_provider(self, info: Info, id: strawberry.ID) -> ServiceProvider | None:
        try:
            view = await providers.get_provider_for(info.context.actor, parse_uuid(id))
        except DomainError as error:
            if error.code != ErrorCode.NOT_FOUND:
                raise
            return None
        return ServiceProvider.of(view.provider, privileged=view.privileged)


@strawberry.type
class ServiceProviderMutations:
    @strawberry.mutation(description="Apply to become a provider, in person: it waits for the operator's review "
                         "and I become its admin. Any signed-in person.")
    async def provider_apply(self, info: Info, input: ProviderApplyInput) -> ServiceProviderPayload:
        return await _payload(providers.apply(
            info.context.actor, name=input.name, categories=input.categories, contact_name=input.contact_name,
            contact_phone=input.contact_phone, licence_upload_id=parse_uuid(input.licence_upload_id),
            community_ids=[parse_uuid(c) for c in input.community_ids]))

    @strawberry.mutation(description="Verify (approve) or reject an application; a rejection needs a note. Needs "
                         "PLATFORM_OPERATE.")
    async def provider_decide(self, info: Info, provider_id: strawberry.ID, approve: bool,
                              note: str | None = None) -> ServiceProviderPayload:
        return await _payload(providers.decide(info.context.actor, provider_id=parse_uuid(provider_id),
                                               approve=approve, note=note))

    @strawberry.mutation(description="Suspend a verified provider (no new orders), with a note. Needs "
                         "PLATFORM_OPERATE.")
    async def provider_suspend(self, info: Info, provider_id: strawberry.ID, note: str) -> ServiceProviderPayload:
        return await _payload(providers.suspend(info.context.actor, provider_id=parse_uuid(provider_id), note=note))

    @strawberry.mutation(description="Reinstate a suspended provider. Needs PLATFORM_OPERATE.")
    async def provider_reinstate(self, info: Info, provider_id: strawberry.ID,
                                 note: str | None = None) -> ServiceProviderPayload:
        return await _payload(providers.reinstate(info.context.actor, provider_id=parse_uuid(provider_id),
                                                  note=note))

    @strawberry.mutation(description="Where the provider is paid: a Stripe Connect account (acct_ + 16–32 letters "
                         "or digits) and a WeChat Pay sub-merchant id (8–10 digits); empty clears. Its admin.")
    async def provider_payout_set(self, info: Info, provider_id: strawberry.ID, stripe_account_id: str | None = None,
                                  wechat_sub_mchid: str | None = None) -> ServiceProviderPayload:
        return await _payload(providers.set_payout(info.context.actor, provider_id=parse_uuid(provider_id),
                                                   stripe_account_id=stripe_account_id,
                                                   wechat_sub_mchid=wechat_sub_mchid))

    @strawberry.mutation(description="Add the person with this phone (signed in once) as a worker or an admin. "
                         "Its admin.")
    async def provider_member_add(self, info: Info, provider_id: strawberry.ID, phone: str,
                                  role: ProviderRole) -> ProviderMemberPayload:
        row, errors = await attempt(providers.add_member(info.context.actor, provider_id=parse_uuid(provider_id),
                                                         phone=phone, role=role))
        return ProviderMemberPayload(member=ProviderMember.of(row) if row else None, errors=errors)

    @strawberry.mutation(description="Remove a member (the last admin stays). Its admin.")
    async def provider_member_remove(self, info: Info, provider_id: strawberry.ID,
                                     member_id: strawberry.ID) -> ProviderMemberPayload:
        row, errors = await attempt(providers.remove_member(info.context.actor, provider_id=parse_uuid(provider_id),
                                                            member_id=parse_uuid(member_id)))
        return ProviderMemberPayload(member=ProviderMember.of(row) if row else None, errors=errors)

    @strawberry.mutation(description="The communities the provider serves, replaced as a whole. Its admin.")
    async def provider_communities_set(self, info: Info, provider_id: strawberry.ID,
                                       community_ids: list[strawberry.ID]) -> ServiceProviderPayload:
        return await _payload(providers.set_communities(info.context.actor, provider_id=parse_uuid(provider_id),
                                                        community_ids=[parse_uuid(c) for c in community_ids]))
