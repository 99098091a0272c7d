"""The monthly subsidy claim report (助餐补贴申领表) a community sends the street: per person and day,
the subsidised meals kept, their tier and the subsidy, and the month's totals per funder. For staff
with SERVICES_MANAGE in the community.

A meal counts on its day (the order's scheduled day, Asia/Shanghai) once paid, unless its order was
cancelled, declined, not delivered or refunded in full; a partial refund reduces the subsidy in
proportion to what was kept (rounded down: a claim never asks for more than is due), the meals stay."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from uuid import UUID

from backend.core.actor import Actor
from backend.core.days import SHANGHAI
from backend.core.errors import DomainError, ErrorCode
from backend.core.permissions import Permission, require
from backend.people.masking import mask_name
from backend.people.models import Person
from backend.registry.models import Community
from backend.services.labels import TIER_LABELS
from backend.services.models import (
    OrderLinePayer,
    OrderState,
    PayerKind,
    ServiceCategory,
    SubsidyPolicy,
    SubsidyTier,
)
from backend.services.statements import csv_export, shanghai_day, yuan

MAX_ENTRIES = 20_000  # subsidised dish lines of one month's report
LEFT_OUT = (OrderState.PENDING_PAYMENT, OrderState.CANCELLED, OrderState.DECLINED, OrderState.NO_SHOW,
            OrderState.REFUNDED)
DEFAULT_FUNDER = SubsidyPolicy._meta.fields_map["funder"].default


@dataclass
class ClaimRow:
    day: date
    person_id: UUID
    masked_name: str
    tier: SubsidyTier
    meals: int = 0
    subsidy: int = 0


@dataclass
class FunderTotal:
    funder: str
    meals: int = 0
    subsidy: int = 0
    people: set = field(default_factory=set)


@dataclass
class SubsidyClaims:
    community: Community
    month: str
    rows: list[ClaimRow]
    funders: list[FunderTotal]

    @property
    def meals(self) -> int:
        return sum(r.meals for r in self.rows)

    @property
    def subsidy(self) -> int:
        return sum(r.subsidy for r in self.rows)


def month_bounds(month: str) -> tuple[datetime, datetime]:
    try:
        first = date.fromisoformat(f"{month}-01") if len(month or "") == 7 else None
    except ValueError:
        first = None
    if first is None:
        raise DomainError(ErrorCode.INVALID_INPUT, "月份格式应为 YYYY-MM", field="month")
    following = (first.replace(year=first.year + 1, month=1) if first.month == 12
                 else first.replace(month=first.month + 1))
    return datetime.combine(first, time(), SHANGHAI), datetime.combine(following, time(), SHANGHAI)


def _kept(payers: list[tuple[SubsidyTier, int]], amount: int, refunded: int) -> dict[SubsidyTier, int]:
    """An order's subsidy by tier, in proportion to what was kept: the order's total is rounded down
    once (as the revenue panel counts it), the odd fen going to its largest tier."""
    by_tier: dict[SubsidyTier, int] = defaultdict(int)
    for tier, fen in payers:
        by_tier[tier] += fen
    kept = amount - refunded
    total = sum(by_tier.values()) * kept // amount if amount > 0 else 0
    shares = {tier: fen * kept // amount if amount > 0 else 0 for tier, fen in by_tier.items()}
    shares[max(by_tier, key=by_tier.get)] += total - sum(shares.values())
    return shares


async def subsidy_claims(actor: Actor, *, community_id: UUID, month: str) -> SubsidyClaims:
    require(actor, Permission.SERVICES_MANAGE, community_id)
    start, end = month_bounds(month)
    community = await Community.get(id=community_id)
    entries = await OrderLinePayer.filter(
        kind=PayerKind.SUBSIDY, order__community_id=community_id, order__category=ServiceCategory.MEALS,
        order__scheduled_at__gte=start, order__scheduled_at__lt=end, order__state__not_in=LEFT_OUT,
    ).limit(MAX_ENTRIES + 1).values_list("order_id", "order__resident_id", "order__scheduled_at",
                                         "order__amount_fen", "order__refunded_fen", "tier", "amount_fen",
                                         "line__quantity")
    if len(entries) > MAX_ENTRIES:
        raise DomainError(ErrorCode.INVALID_INPUT, f"该月补贴记录超过 {MAX_ENTRIES} 条，请联系平台导出", field="month")
    orders: dict[UUID, dict] = {}
    for order_id, person_id, scheduled_at, amount, refunded, tier, fen, quantity in entries:
        order = orders.setdefault(order_id, {"person": person_id, "day": shanghai_day(scheduled_at),
                                             "amount": amount, "refunded": refunded, "payers": [], "meals": {}})
        tier = SubsidyTier(tier or SubsidyTier.AGE_60)
        order["payers"].append((tier, fen))
        order["meals"][tier] = order["meals"].get(tier, 0) + quantity
    names = dict(await Person.filter(id__in={o["person"] for o in orders.values()}).values_list("id", "display_name"))
    funders_of = dict(await SubsidyPolicy.filter(community_id=community_id).values_list("tier", "funder"))
    rows: dict[tuple, ClaimRow] = {}
    funders: dict[str, FunderTotal] = {}
    for order in orders.values():
        for tier, subsidy in _kept(order["payers"], order["amount"], order["refunded"]).items():
            key = (order["day"], order["person"], tier)
            row = rows.setdefault(key, ClaimRow(day=order["day"], person_id=order["person"], tier=tier,
                                                masked_name=mask_name(names.get(order["person"], ""))))
            row.meals += order["meals"][tier]
            row.subsidy += subsidy
            name = funders_of.get(tier.value, DEFAULT_FUNDER)
            funder = funders.setdefault(name, FunderTotal(funder=name))
            funder.meals += order["meals"][tier]
            funder.subsidy += subsidy
            funder.people.add(order["person"])
    tiers = list(SubsidyTier)
    return SubsidyClaims(community=community, month=month,
                         rows=sorted(rows.values(), key=lambda r: (r.day, r.masked_name, str(r.person_id),
                                                                   tiers.index(r.tier))),
                         funders=sorted(funders.values(), key=lambda f: f.funder))


COLUMNS = ["日期", "姓名", "补贴档次", "份数", "补贴金额（元）"]


def claims_csv(c: SubsidyClaims) -> bytes:
    rows = [[f"助餐补贴申领表：{c.community.name}（{c.month}，北京时间）"], COLUMNS,
            *([r.day.isoformat(), r.masked_name, TIER_LABELS[r.tier], r.meals, yuan(r.subsidy)] for r in c.rows),
            ["合计", "", "", c.meals, yuan(c.subsidy)], [], ["资金来源", "人数", "份数", "补贴金额（元）"],
            *([f.funder, len(f.people), f.meals, yuan(f.subsidy)] for f in c.funders)]
    return csv_export(rows)


def filename(c: SubsidyClaims) -> str:
    return f"subsidy-claims-{c.month}.csv"
