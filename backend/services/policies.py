"""A community's own rules for paid services, kept by its committee staff (SERVICES_MANAGE): which
categories residents pay for (基本服务免费), the street's meal subsidy per tier, and the grants of
a tier to a resident for the tiers not read from the ID number (低保, 失能). Audited."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from backend.audit import service as audit
from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate
from backend.core.permissions import Permission, require
from backend.registry.models import Membership
from backend.services.catalogue import SHANGHAI
from backend.services.models import CategoryPolicy, ServiceCategory, SubsidyGrant, SubsidyPolicy, SubsidyTier

AGE_TIERS = {SubsidyTier.AGE_60: 60, SubsidyTier.AGE_80: 80}  # the age a tier is read at, by default
MAX_SUBSIDY_FEN = 10_000  # ¥100 a meal


def _invalid(message: str, field: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, message, field=field)


def _require_manager(actor: Actor, community_id: UUID) -> None:
    """Staff holding SERVICES_MANAGE there, in person."""
    if actor.is_proxy:
        raise DomainError(ErrorCode.FORBIDDEN, "代办时不能管理社区服务")
    require(actor, Permission.SERVICES_MANAGE, community_id)


async def paid_by_category(community_id: UUID, *, tx=None) -> dict[ServiceCategory, bool]:
    """Every category's free/paid rule in the community, in one query: paid unless a row says free
    (the rule of rules.is_paid, for all categories at once)."""
    query = CategoryPolicy.filter(community_id=community_id)
    rows = await (query.using_db(tx) if tx else query)
    policy = {row.category: row.paid for row in rows}
    return {category: policy.get(category, True) for category in ServiceCategory}


async def category_policies(actor: Actor, *, community_id: UUID) -> dict[ServiceCategory, bool]:
    _require_manager(actor, community_id)
    return await paid_by_category(community_id)


async def set_category_policy(actor: Actor, *, community_id: UUID, category: ServiceCategory,
                              paid: bool) -> dict[ServiceCategory, bool]:
    """A category free or paid for the community's residents; orders already made keep theirs."""
    _require_manager(actor, community_id)
    category = ServiceCategory(category)
    async with transaction() as tx:
        row = await CategoryPolicy.filter(community_id=community_id, category=category).select_for_update(
            ).using_db(tx).first()
        before = row.paid if row else True
        if row is None:
            await CategoryPolicy.create(community_id=community_id, category=category, paid=paid, using_db=tx)
        else:
            await CategoryPolicy.filter(id=row.id).using_db(tx).update(paid=paid)
        await audit.record(tx, actor, "service.category_policy_set", "community", community_id,
                           community_id=community_id, before={"category": category, "paid": before},
                           after={"category": category, "paid": paid})
        return await paid_by_category(community_id, tx=tx)


async def subsidy_policies(actor: Actor, *, community_id: UUID) -> list[SubsidyPolicy]:
    _require_manager(actor, community_id)
    rows = await SubsidyPolicy.filter(community_id=community_id)
    order = list(SubsidyTier)
    return sorted(rows, key=lambda p: order.index(p.tier))


async def save_subsidy_policy(actor: Actor, *, community_id: UUID, tier: SubsidyTier, min_age: int | None,
                              subsidy_fen: int, funder: str) -> SubsidyPolicy:
    """What the subsidy pays a meal for a tier (an age tier reads the birth date in the ID number:
    60 or 80 unless `min_age` says otherwise; the other tiers need a grant)."""
    _require_manager(actor, community_id)
    tier, funder = SubsidyTier(tier), (funder or "").strip()
    if tier in AGE_TIERS:
        min_age = AGE_TIERS[tier] if min_age is None else min_age
        if not 50 <= min_age <= 120:
            raise _invalid("年龄须在 50 到 120 岁之间", "minAge")
    elif min_age is not None:
        raise _invalid("低保、失能等档次按登记认定，不按年龄", "minAge")
    if not 1 <= subsidy_fen <= MAX_SUBSIDY_FEN:
        raise _invalid("每餐补贴须在 0.01 元到 100 元之间", "subsidyFen")
    if not 2 <= len(funder) <= 40:
        raise _invalid("请填写补贴出资方（2–40 个字）", "funder")
    async with transaction() as tx:
        policy = await SubsidyPolicy.filter(community_id=community_id, tier=tier).select_for_update(
            ).using_db(tx).first()
        values = dict(min_age=min_age, subsidy_fen=subsidy_fen, funder=funder)
        if policy is None:
            policy = await SubsidyPolicy.create(community_id=community_id, tier=tier, **values, using_db=tx)
        else:
            policy.update_from_dict(values)
            await policy.save(using_db=tx)
        await audit.record(tx, actor, "service.subsidy_policy_save", "community", community_id,
                           community_id=community_id, after={"tier": tier, "subsidyFen": subsidy_fen,
                                                             "minAge": min_age, "funder": funder})
    return policy


@dataclass
class GrantDraft:
    person_id: UUID
    tier: SubsidyTier
    evidence: str
    valid_until: date | None


async def grant_subsidy(actor: Actor, *, community_id: UUID, draft: GrantDraft) -> SubsidyGrant:
    """A member's tier (recorded with the evidence seen), or its renewal."""
    _require_manager(actor, community_id)
    tier, evidence = SubsidyTier(draft.tier), (draft.evidence or "").strip()
    if not 2 <= len(evidence) <= 200:
        raise _invalid("请填写认定依据（2–200 个字）", "evidence")
    if draft.valid_until is not None and draft.valid_until < clock.now().astimezone(SHANGHAI).date():
        raise _invalid("有效期不能早于今天", "validUntil")
    async with transaction() as tx:
        if not await Membership.filter(person_id=draft.person_id, community_id=community_id).using_db(tx).exists():
            raise DomainError(ErrorCode.NOT_FOUND, "找不到该居民", field="personId")
        grant = await SubsidyGrant.filter(community_id=community_id, person_id=draft.person_id, tier=tier
                                          ).select_for_update().using_db(tx).first()
        values = dict(evidence=evidence, valid_until=draft.valid_until, granted_by_id=actor.person_id)
        if grant is None:
            grant = await SubsidyGrant.create(community_id=community_id, person_id=draft.person_id, tier=tier,
                                              **values, using_db=tx)
        else:
            grant.update_from_dict(values)
            await grant.save(using_db=tx)
        await audit.record(tx, actor, "service.subsidy_grant", "community", community_id, community_id=community_id,
                           after={"person": str(draft.person_id), "tier": tier,
                                  "validUntil": draft.valid_until and draft.valid_until.isoformat()})
    return await SubsidyGrant.filter(id=grant.id).select_related("person").get()


async def revoke_grant(actor: Actor, *, grant_id: UUID) -> UUID:
    async with transaction() as tx:
        grant = await SubsidyGrant.filter(id=grant_id).select_for_update().using_db(tx).first()
        if grant is None:
            raise DomainError(ErrorCode.NOT_FOUND, "找不到该补贴认定", field="grantId")
        _require_manager(actor, grant.community_id)  # anyone without a staff role there: not found
        await grant.delete(using_db=tx)
        await audit.record(tx, actor, "service.subsidy_grant_revoke", "community", grant.community_id,
                           community_id=grant.community_id, before={"person": str(grant.person_id),
                                                                    "tier": grant.tier})
    return grant.id


async def subsidy_grants(actor: Actor, *, community_id: UUID, first: int, after: str | None) -> Page[SubsidyGrant]:
    """The community's grants, newest first, with whom each is for."""
    _require_manager(actor, community_id)
    query = SubsidyGrant.filter(community_id=community_id).select_related("person")
    return await paginate(query, first=first, after=after, newest_first=True)
