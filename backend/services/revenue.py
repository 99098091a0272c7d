"""The platform's commission revenue (operator) and the 工作台's service revenue panel.

Revenue counts settled orders (SETTLED or REVIEWED) by the Asia/Shanghai day or month of their
settlement, by category and provider: orders, GMV (amount − refunded), commission, gateway fees (the
platform's part of them apart, see statements.py) and the subsidy kept. Each report is one GROUP BY
in SQL, whatever the period's length.

The panel reads this month's paid orders of one community (paid_at in the month): GMV, the commission
due on them and the subsidy kept, one aggregate statement. The subsidy kept of an order partly refunded
is its subsidy in proportion to what was kept, rounded down (never claimed above what is due), as the
claim report counts it."""

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from uuid import UUID

from tortoise import connections
from tortoise.expressions import RawSQL
from tortoise.functions import Count, Sum

from backend.core.actor import Actor
from backend.core.days import SHANGHAI, today
from backend.core.errors import DomainError, ErrorCode
from backend.core.permissions import Permission, require
from backend.payments import port
from backend.payments.port import PaymentGatewayName
from backend.services.access import is_operator, require_operator
from backend.services.models import Order, Provider, ServiceCategory
from backend.services.statements import SETTLED_STATES, Period

MAX_ROWS = 5000  # rows of one revenue report; a finer one is read by shorter periods


class GroupBy(StrEnum):
    DAY = "DAY"
    MONTH = "MONTH"


def _local_period(column: str, group_by: GroupBy) -> RawSQL:
    """The Asia/Shanghai day (YYYY-MM-DD) or month (YYYY-MM) of a timestamp column, in SQL. SQLite
    keeps times as ISO text in UTC, and Shanghai has been UTC+8 all year since 1991."""
    if connections.get("default").capabilities.dialect == "postgres":
        pattern = "YYYY-MM-DD" if group_by is GroupBy.DAY else "YYYY-MM"
        return RawSQL(f"to_char(\"{column}\" AT TIME ZONE 'Asia/Shanghai', '{pattern}')")
    pattern = "%Y-%m-%d" if group_by is GroupBy.DAY else "%Y-%m"
    return RawSQL(f"strftime('{pattern}', \"{column}\", '+8 hours')")


def _kept_subsidy() -> RawSQL:
    """Per order: the subsidy in proportion to what the provider kept, rounded down."""
    return RawSQL("CASE WHEN amount_fen > 0 THEN subsidy_fen * (amount_fen - refunded_fen) / amount_fen ELSE 0 END")


@dataclass
class RevenueRow:
    period: str  # YYYY-MM-DD or YYYY-MM
    category: ServiceCategory
    provider_id: UUID
    provider_name: str
    orders: int = 0
    gmv: int = 0
    commission: int = 0
    gateway_fees: int = 0
    platform_fees: int = 0  # the part of gateway_fees the platform bears (out of its commission)
    subsidy: int = 0

    @property
    def net_commission(self) -> int:
        """What the platform keeps: its commission less the payment provider's fees it bears."""
        return self.commission - self.platform_fees


@dataclass
class CommissionRevenue:
    period: Period
    group_by: GroupBy
    rows: list[RevenueRow]

    def total(self, column: str) -> int:
        return sum(getattr(row, column) for row in self.rows)


async def commission_revenue(actor: Actor, *, since: date | None, until: date | None,
                             group_by: GroupBy = GroupBy.MONTH) -> CommissionRevenue:
    """Operators only. Rows by period, then category, then provider name."""
    await require_operator(actor)
    period = Period.of(since, until)
    start, end = period.bounds()
    grouped = await Order.filter(state__in=SETTLED_STATES, settled_at__gte=start, settled_at__lt=end).annotate(
        period=_local_period("settled_at", group_by), orders=Count("id"), amount=Sum("amount_fen"),
        refunded=Sum("refunded_fen"), commission=Sum("commission_fen"), fees=Sum("gateway_fee_fen"),
        subsidy=Sum(_kept_subsidy()),
    ).group_by("period", "category", "provider_id", "gateway").limit(MAX_ROWS + 1).values_list(
        "period", "category", "provider_id", "gateway", "orders", "amount", "refunded", "commission", "fees",
        "subsidy")
    if len(grouped) > MAX_ROWS:
        raise DomainError(ErrorCode.INVALID_INPUT, f"报表超过 {MAX_ROWS} 行，请缩短期间或按月汇总", field="from")
    names = dict(await Provider.filter(id__in={g[2] for g in grouped}).values_list("id", "name"))
    rows: dict[tuple, RevenueRow] = {}
    for period_key, category, provider_id, gateway, orders, amount, refunded, commission, fees, subsidy in grouped:
        key = (period_key, ServiceCategory(category), provider_id)
        row = rows.setdefault(key, RevenueRow(period=period_key, category=key[1], provider_id=provider_id,
                                              provider_name=names.get(provider_id, "")))
        fees = int(fees or 0)
        row.orders += orders
        row.gmv += int(amount or 0) - int(refunded or 0)
        row.commission += int(commission or 0)
        row.gateway_fees += fees
        row.platform_fees += fees if port.fee_borne_by_platform(gateway) else 0
        row.subsidy += int(subsidy or 0)
    order = list(ServiceCategory)
    ordered = sorted(rows.values(), key=lambda r: (r.period, order.index(r.category), r.provider_name,
                                                   str(r.provider_id)))
    return CommissionRevenue(period=period, group_by=group_by, rows=ordered)


@dataclass
class RevenuePanel:
    month: str  # YYYY-MM, Asia/Shanghai
    orders: int  # paid this month, free ones left out
    gmv: int
    commission: int
    subsidy: int


async def revenue_panel(actor: Actor, *, community_id: UUID) -> RevenuePanel:
    """This month's paid orders in the community: for its SERVICES_MANAGE staff, or an operator."""
    if not await is_operator(actor):
        require(actor, Permission.SERVICES_MANAGE, community_id)
    first_day = today().replace(day=1)
    start = datetime.combine(first_day, time(), SHANGHAI)
    [(orders, amount, refunded, commission, subsidy)] = await Order.filter(
        community_id=community_id, paid_at__gte=start, gateway__not=PaymentGatewayName.NONE,
    ).annotate(orders=Count("id"), amount=Sum("amount_fen"), refunded=Sum("refunded_fen"),
               commission=Sum("commission_fen"), subsidy=Sum(_kept_subsidy()),
               ).values_list("orders", "amount", "refunded", "commission", "subsidy")
    return RevenuePanel(month=first_day.strftime("%Y-%m"), orders=orders or 0,
                        gmv=int(amount or 0) - int(refunded or 0), commission=int(commission or 0),
                        subsidy=int(subsidy or 0))

