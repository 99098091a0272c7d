"""The money rules an order copies at booking: which commission rule applies and what it takes, whether
the community's residents pay for the category, and the cancellation fee tiers (docs/services.md)."""

from uuid import UUID

from tortoise.expressions import Q

from backend.services.models import DEFAULT_COMMISSION_BP, CategoryPolicy, CommissionRule, ServiceCategory

# A resident's cancellation fee by how long before the slot starts: at least 24 h nothing, 2 to 24 h
# 20 %, under 2 h 50 % (hours before, fee in basis points), copied to each order and shown before paying.
CANCELLATION_TIERS = [[24, 0], [2, 2000], [0, 5000]]


def snapshot(rule: CommissionRule | None) -> dict:
    """What an order keeps of the rule in force (the platform default when none applies)."""
    if rule is None:
        return {"percent_bp": DEFAULT_COMMISSION_BP, "minimum_fen": 0, "cap_fen": None, "on_subsidy": False}
    return {"percent_bp": rule.percent_bp, "minimum_fen": rule.minimum_fen, "cap_fen": rule.cap_fen,
            "on_subsidy": rule.on_subsidy}


async def commission_rule_for(provider_id: UUID, category: ServiceCategory, *, tx=None) -> dict:
    """The most specific rule: provider and category, the provider, the category, everything."""
    query = CommissionRule.filter(Q(provider_id=provider_id) | Q(provider_id=None),
                                  Q(category=category) | Q(category=None))
    rules = await (query.using_db(tx) if tx else query)
    rules.sort(key=lambda r: (r.provider_id is not None, r.category is not None), reverse=True)
    return snapshot(rules[0] if rules else None)


def commission_on(rule: dict, *, amount_fen: int, subsidy_fen: int = 0) -> int:
    """The commission of an order of `amount_fen` (of which `subsidy_fen` is subsidised): the rule's
    percentage of its base, at least its minimum and at most its cap, and never more than the amount."""
    base = amount_fen if rule["on_subsidy"] else amount_fen - subsidy_fen
    fee = max(round(base * rule["percent_bp"] / 10_000), rule["minimum_fen"])
    if rule["cap_fen"] is not None:
        fee = min(fee, rule["cap_fen"])
    return max(0, min(fee, amount_fen))


def cancellation_fee_bp(tiers: list[list[int]], hours_before: float) -> int:
    """The fee of a resident's cancellation `hours_before` the slot (tiers as CANCELLATION_TIERS)."""
    for min_hours, fee_bp in tiers:
        if hours_before >= min_hours:
            return fee_bp
    return tiers[-1][1]


async def is_paid(community_id: UUID, category: ServiceCategory, *, tx=None) -> bool:
    """Whether the community's residents pay for the category (paid unless its policy says free)."""
    query = CategoryPolicy.filter(community_id=community_id, category=category)
    policy = await (query.using_db(tx) if tx else query).first()
    return policy is None or policy.paid
