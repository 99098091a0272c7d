"""A community's rules for paid services, for its committee staff (SERVICES_MANAGE): which categories
are free, the meal subsidy per tier, and the residents granted a tier."""

from datetime import date, datetime

import strawberry
from strawberry.types import Info

from backend.api.errors import UserError, attempt
from backend.api.ids import parse_uuid
from backend.api.pagination import Counted, PageInfo
from backend.api.services_catalogue import sid
from backend.api.services_enums import ServiceCategory, SubsidyTier
from backend.services import policies
from backend.services.labels import CATEGORY_LABELS, TIER_LABELS
from backend.services.models import SubsidyGrant as SubsidyGrantModel
from backend.services.models import SubsidyPolicy as SubsidyPolicyModel


@strawberry.type(description="Whether the community's residents pay for a category (基本服务免费).")
class CategoryPolicy:
    category: ServiceCategory
    category_label: str
    paid: bool


def _categories(paid: dict) -> list[CategoryPolicy]:
    return [CategoryPolicy(category=c, category_label=CATEGORY_LABELS[c], paid=p) for c, p in paid.items()]


@strawberry.type(description="What the subsidy pays a meal for a tier in the community.")
class SubsidyPolicy:
    id: strawberry.ID
    tier: SubsidyTier
    tier_label: str
    min_age: int | None
    subsidy_fen: int
    funder: str

    @classmethod
    def of(cls, row: SubsidyPolicyModel) -> "SubsidyPolicy":
        return cls(id=sid(row.id), tier=row.tier, tier_label=TIER_LABELS[row.tier], min_age=row.min_age,
                   subsidy_fen=row.subsidy_fen, funder=row.funder)


@strawberry.type(description="A resident's subsidy tier, recorded by staff with the evidence seen.")
class SubsidyGrant:
    id: strawberry.ID
    person_id: strawberry.ID
    person_name: str
    tier: SubsidyTier
    tier_label: str
    evidence: str
    valid_until: date | None
    granted_at: datetime

    @classmethod
    def of(cls, row: SubsidyGrantModel) -> "SubsidyGrant":
        return cls(id=sid(row.id), person_id=sid(row.person_id), person_name=row.person.display_name, tier=row.tier,
                   tier_label=TIER_LABELS[row.tier], evidence=row.evidence, valid_until=row.valid_until,
                   granted_at=row.created_at)


@strawberry.type
class SubsidyGrantConnection(Counted):
    nodes: list[SubsidyGrant]
    page_info: PageInfo


@strawberry.type
class CategoryPoliciesPayload:
    policies: list[CategoryPolicy]
    errors: list[UserError]


@strawberry.type
class SubsidyPolicyPayload:
    policy: SubsidyPolicy | None
    errors: list[UserError]


@strawberry.type
class SubsidyGrantPayload:
    grant: SubsidyGrant | None
    errors: list[UserError]


@strawberry.type
class SubsidyGrantRevokePayload:
    revoked_id: strawberry.ID | None
    errors: list[UserError]


@strawberry.type
class ServicePolicyQueries:
    @strawberry.field(description="Every category, free or paid for the community's residents. Needs SERVICES_MANAGE.")
    async def service_category_policies(self, info: Info, community_id: strawberry.ID) -> list[CategoryPolicy]:
        return _categories(await policies.category_policies(info.context.actor, community_id=parse_uuid(community_id)))

    @strawberry.field(description="The community's meal subsidy per tier. Needs SERVICES_MANAGE.")
    async def subsidy_policies(self, info: Info, community_id: strawberry.ID) -> list[SubsidyPolicy]:
        rows = await policies.subsidy_policies(info.context.actor, community_id=parse_uuid(community_id))
        return [SubsidyPolicy.of(r) for r in rows]

    @strawberry.field(description="The community's subsidy grants, newest first; first ≤ 50. Needs SERVICES_MANAGE.")
    async def subsidy_grants(self, info: Info, community_id: strawberry.ID, first: int = 20,
                             after: str | None = None) -> SubsidyGrantConnection:
        page = await policies.subsidy_grants(info.context.actor, community_id=parse_uuid(community_id), first=first,
                                             after=after)
        return SubsidyGrantConnection(nodes=[SubsidyGrant.of(g) for g in page.items], page_info=PageInfo.of(page),
                                      page=page)


@strawberry.type
class ServicePolicyMutations:
    @strawberry.mutation(description="Make a category free or paid for the community's residents (orders already "
                         "made keep theirs). Needs SERVICES_MANAGE.")
    async def service_category_policy_set(self, info: Info, community_id: strawberry.ID, category: ServiceCategory,
                                          paid: bool) -> CategoryPoliciesPayload:
        paid_by, errors = await attempt(policies.set_category_policy(
            info.context.actor, community_id=parse_uuid(community_id), category=category, paid=paid))
        return CategoryPoliciesPayload(policies=_categories(paid_by) if paid_by else [], errors=errors)

    @strawberry.mutation(description="The subsidy a meal for a tier (age tiers: minAge defaults to 60 or 80), "
                         "created or replaced. Needs SERVICES_MANAGE.")
    async def subsidy_policy_save(self, info: Info, community_id: strawberry.ID, tier: SubsidyTier, subsidy_fen: int,
                                  funder: str = "街道助餐补贴", min_age: int | None = None) -> SubsidyPolicyPayload:
        row, errors = await attempt(policies.save_subsidy_policy(
            info.context.actor, community_id=parse_uuid(community_id), tier=tier, min_age=min_age,
            subsidy_fen=subsidy_fen, funder=funder))
        return SubsidyPolicyPayload(policy=SubsidyPolicy.of(row) if row else None, errors=errors)

    @strawberry.mutation(description="Grant a member of the community a tier, with the evidence seen (or renew it). "
                         "Needs SERVICES_MANAGE.")
    async def subsidy_grant(self, info: Info, community_id: strawberry.ID, person_id: strawberry.ID, tier: SubsidyTier,
                            evidence: str, valid_until: date | None = None) -> SubsidyGrantPayload:
        draft = policies.GrantDraft(person_id=parse_uuid(person_id), tier=tier, evidence=evidence,
                                    valid_until=valid_until)
        row, errors = await attempt(policies.grant_subsidy(info.context.actor, community_id=parse_uuid(community_id),
                                                           draft=draft))
        return SubsidyGrantPayload(grant=SubsidyGrant.of(row) if row else None, errors=errors)

    @strawberry.mutation(description="Revoke a grant. Needs SERVICES_MANAGE in its community.")
    async def subsidy_grant_revoke(self, info: Info, grant_id: strawberry.ID) -> SubsidyGrantRevokePayload:
        revoked, errors = await attempt(policies.revoke_grant(info.context.actor, grant_id=parse_uuid(grant_id)))
        return SubsidyGrantRevokePayload(revoked_id=sid(revoked) if revoked else None, errors=errors)
