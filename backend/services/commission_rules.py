"""The platform's commission rules, set by the operator: per provider and category, per provider,
per category, or the platform default (both empty), the most specific applying
(rules.commission_rule_for). An order copies the rule at booking, so a change never alters an
order already made. Audited."""

from dataclasses import dataclass
from uuid import UUID

from backend.audit import service as audit
from backend.core.actor import Actor
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate
from backend.services import access
from backend.services.models import CommissionRule, Provider, ServiceCategory


def _invalid(message: str, field: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, message, field=field)


@dataclass
class RuleDraft:
    provider_id: UUID | None
    category: ServiceCategory | None
    percent_bp: int
    minimum_fen: int = 0
    cap_fen: int | None = None
    on_subsidy: bool = False

    def check(self) -> None:
        self.category = self.category and ServiceCategory(self.category)
        if not 0 <= self.percent_bp <= 10_000:
            raise _invalid("佣金比例须在 0% 到 100% 之间", "percentBp")
        if self.minimum_fen < 0:
            raise _invalid("最低佣金不能为负数", "minimumFen")
        if self.cap_fen is not None and self.cap_fen < self.minimum_fen:
            raise _invalid("佣金上限不能低于最低佣金", "capFen")


async def save_rule(actor: Actor, *, draft: RuleDraft) -> CommissionRule:
    """The rule for (provider, category), created or replaced."""
    draft.check()
    await access.require_operator(actor)
    async with transaction() as tx:
        # The provider's row locked: two operators saving its rule at once write one row.
        if draft.provider_id is not None and await Provider.filter(id=draft.provider_id).select_for_update(
                ).using_db(tx).first() is None:
            raise access.provider_not_found()
        rule = await CommissionRule.filter(provider_id=draft.provider_id, category=draft.category
                                           ).select_for_update().using_db(tx).first()
        values = dict(percent_bp=draft.percent_bp, minimum_fen=draft.minimum_fen, cap_fen=draft.cap_fen,
                      on_subsidy=draft.on_subsidy)
        if rule is None:
            rule = await CommissionRule.create(provider_id=draft.provider_id, category=draft.category,
                                               created_by_id=actor.person_id, **values, using_db=tx)
        else:
            rule.update_from_dict(values)
            await rule.save(using_db=tx)
        await audit.record(tx, actor, "service.commission_rule_save", "commission_rule", rule.id, community_id=None,
                           after={"provider": draft.provider_id and str(draft.provider_id),
                                  "category": draft.category, **values})
    return await CommissionRule.filter(id=rule.id).select_related("provider").get()


async def delete_rule(actor: Actor, *, rule_id: UUID) -> UUID:
    await access.require_operator(actor)
    async with transaction() as tx:
        rule = await CommissionRule.filter(id=rule_id).select_for_update().using_db(tx).first()
        if rule is None:
            raise DomainError(ErrorCode.NOT_FOUND, "找不到该佣金规则", field="id")
        await rule.delete(using_db=tx)
        await audit.record(tx, actor, "service.commission_rule_delete", "commission_rule", rule.id, community_id=None,
                           before={"provider": rule.provider_id and str(rule.provider_id), "category": rule.category,
                                   "percentBp": rule.percent_bp})
    return rule.id


async def list_rules(actor: Actor, *, first: int, after: str | None) -> Page[CommissionRule]:
    """Every rule, oldest first, with its provider."""
    await access.require_operator(actor)
    return await paginate(CommissionRule.all().select_related("provider"), first=first, after=after)
