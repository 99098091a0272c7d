"""The platform's commission rules, for the operator (PLATFORM_OPERATE)."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from backend.api.errors import UserError, attempt
from backend.api.ids import parse_uuid
from backend.api.pagination import PageInfo
from backend.api.services_catalogue import ServiceProviderBrief, sid
from backend.api.services_enums import ServiceCategory
from backend.services import commission_rules
from backend.services.models import CommissionRule as CommissionRuleModel


@strawberry.type(description="The commission on an order: percentBp of its amount (less any subsidy unless "
                 "onSubsidy), at least minimumFen, at most capFen. The most specific rule applies: provider and "
                 "category, provider, category, the platform default (neither).")
class CommissionRule:
    id: strawberry.ID
    provider: ServiceProviderBrief | None
    category: ServiceCategory | None
    percent_bp: int = strawberry.field(description="Basis points: 1000 = 10 %.")
    minimum_fen: int
    cap_fen: int | None
    on_subsidy: bool
    updated_at: datetime

    @classmethod
    def of(cls, row: CommissionRuleModel) -> "CommissionRule":
        return cls(id=sid(row.id), provider=ServiceProviderBrief.of(row.provider) if row.provider else None,
                   category=row.category, percent_bp=row.percent_bp, minimum_fen=row.minimum_fen, cap_fen=row.cap_fen,
                   on_subsidy=row.on_subsidy, updated_at=row.updated_at)


@strawberry.type
class CommissionRuleConnection:
    nodes: list[CommissionRule]
    page_info: PageInfo


@strawberry.type
class CommissionRulePayload:
    rule: CommissionRule | None
    errors: list[UserError]


@strawberry.type
class CommissionRuleDeletePayload:
    deleted_id: strawberry.ID | None
    errors: list[UserError]


@strawberry.type
class CommissionRuleQueries:
    @strawberry.field(description="Every commission rule, oldest first; first ≤ 50. Needs PLATFORM_OPERATE.")
    async def commission_rules(self, info: Info, first: int = 50, after: str | None = None
                               ) -> CommissionRuleConnection:
        page = await commission_rules.list_rules(info.context.actor, first=first, after=after)
        return CommissionRuleConnection(nodes=[CommissionRule.of(r) for r in page.items], page_info=PageInfo.of(page))


@strawberry.type
class CommissionRuleMutations:
    @strawberry.mutation(description="The rule for a provider and/or a category (neither: the platform default), "
                         "created or replaced; percentBp 0–10000, capFen ≥ minimumFen ≥ 0. Needs PLATFORM_OPERATE.")
    async def commission_rule_save(self, info: Info, percent_bp: int, provider_id: strawberry.ID | None = None,
                                   category: ServiceCategory | None = None, minimum_fen: int = 0,
                                   cap_fen: int | None = None, on_subsidy: bool = False) -> CommissionRulePayload:
        draft = commission_rules.RuleDraft(provider_id=parse_uuid(provider_id) if provider_id is not None else None,
                                           category=category, percent_bp=percent_bp, minimum_fen=minimum_fen,
                                           cap_fen=cap_fen, on_subsidy=on_subsidy)
        row, errors = await attempt(commission_rules.save_rule(info.context.actor, draft=draft))
        return CommissionRulePayload(rule=CommissionRule.of(row) if row else None, errors=errors)

    @strawberry.mutation(description="Delete a rule (orders keep the rule they copied). Needs PLATFORM_OPERATE.")
    async def commission_rule_delete(self, info: Info, id: strawberry.ID) -> CommissionRuleDeletePayload:
        deleted, errors = await attempt(commission_rules.delete_rule(info.context.actor, rule_id=parse_uuid(id)))
        return CommissionRuleDeletePayload(deleted_id=sid(deleted) if deleted else None, errors=errors)
