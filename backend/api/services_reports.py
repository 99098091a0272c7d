"""Paid services' reports: the provider statement (its admin or an operator), the commission revenue
report and reconciliation (operators), the 工作台's revenue panel and the subsidy claim report
(SERVICES_MANAGE). Rules live in backend/services/{statements,revenue,claims}.py and
backend/payments/reconcile.py; exports are backend/api/services_exports.py."""

from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from backend.api.errors import UserError, attempt
from backend.api.ids import parse_uuid
from backend.api.pagination import Counted, PageInfo
from backend.api.services_enums import PaymentGateway, ServiceCategory, SubsidyTier
from backend.payments import reconcile
from backend.payments.models import DifferenceKind
from backend.payments.port import PaymentGatewayName as GatewayEnum
from backend.services import claims, revenue, statements
from backend.services.labels import CATEGORY_LABELS, TIER_LABELS

RevenueGroupBy = strawberry.enum(revenue.GroupBy, name="RevenueGroupBy")
ReconciliationDifferenceKind = strawberry.enum(DifferenceKind, name="ReconciliationDifferenceKind")
FROM = strawberry.argument(name="from")


def _id(value) -> strawberry.ID | None:
    return strawberry.ID(str(value)) if value is not None else None


# --- Provider statement -----------------------------------------------------------------------------

@strawberry.type(description="A settled order on a provider's statement; money in fen.")
class ProviderStatementLine:
    settled_on: date
    order_id: strawberry.ID
    order_no: str
    category: ServiceCategory
    category_label: str
    items: str
    amount: int
    refunded: int
    commission: int
    gateway_fee: int
    fee_borne_by_platform: bool = strawberry.field(description="True: the platform pays the gateway's fee out of "
                                                   "its commission; false: it comes out of the provider's share.")
    share: int = strawberry.field(description="What the provider gets: amount − refunded − commission, less the "
                                  "gateway fee when the provider bears it.")


@strawberry.type
class ProviderStatementTotals:
    orders: int
    amount: int
    refunded: int
    commission: int
    gateway_fee: int
    provider_fee: int = strawberry.field(description="The gateway fees the provider bore.")
    share: int


@strawberry.type
class ProviderStatement:
    provider_id: strawberry.ID
    provider_name: str
    from_: date = strawberry.field(name="from")
    to: date
    lines: list[ProviderStatementLine]
    totals: ProviderStatementTotals

    @classmethod
    def of(cls, s: statements.Statement) -> "ProviderStatement":
        return cls(
            provider_id=_id(s.provider.id), provider_name=s.provider.name, from_=s.period.since, to=s.period.until,
            lines=[ProviderStatementLine(
                settled_on=line.settled_on, order_id=_id(line.order_id), order_no=line.order_no,
                category=line.category, category_label=CATEGORY_LABELS[line.category], items=line.items,
                amount=line.amount, refunded=line.refunded, commission=line.commission,
                gateway_fee=line.gateway_fee, fee_borne_by_platform=line.fee_borne_by_platform, share=line.share)
                for line in s.lines],
            totals=ProviderStatementTotals(orders=len(s.lines), amount=s.total("amount"), refunded=s.total("refunded"),
                                           commission=s.total("commission"), gateway_fee=s.total("gateway_fee"),
                                           provider_fee=s.total("provider_fee"), share=s.total("share")))


# --- Commission revenue and the panel ---------------------------------------------------------------

@strawberry.type(description="One period × category × provider of settled orders; money in fen.")
class CommissionRevenueRow:
    period: str = strawberry.field(description="YYYY-MM-DD or YYYY-MM (Asia/Shanghai).")
    category: ServiceCategory
    category_label: str
    provider_id: strawberry.ID
    provider_name: str
    orders: int
    gmv: int = strawberry.field(description="Amount less refunds.")
    commission: int
    gateway_fees: int
    platform_fees: int = strawberry.field(description="The part of gatewayFees the platform bore.")
    net_commission: int = strawberry.field(description="Commission less platformFees.")
    subsidy: int = strawberry.field(description="Meal subsidy kept (less refunds, in proportion).")


@strawberry.type
class CommissionRevenueTotals:
    orders: int
    gmv: int
    commission: int
    gateway_fees: int
    platform_fees: int
    net_commission: int
    subsidy: int


@strawberry.type
class CommissionRevenue:
    from_: date = strawberry.field(name="from")
    to: date
    group_by: RevenueGroupBy
    rows: list[CommissionRevenueRow]
    totals: CommissionRevenueTotals

    @classmethod
    def of(cls, r: revenue.CommissionRevenue) -> "CommissionRevenue":
        columns = ("orders", "gmv", "commission", "gateway_fees", "platform_fees", "net_commission", "subsidy")
        return cls(from_=r.period.since, to=r.period.until, group_by=r.group_by,
                   rows=[CommissionRevenueRow(period=row.period, category=row.category,
                                              category_label=CATEGORY_LABELS[row.category],
                                              provider_id=_id(row.provider_id), provider_name=row.provider_name,
                                              **{c: getattr(row, c) for c in columns}) for row in r.rows],
                   totals=CommissionRevenueTotals(**{c: r.total(c) for c in columns}))


@strawberry.type(description="This month's (Asia/Shanghai) paid orders of the community; money in fen.")
class ServiceRevenuePanel:
    month: str
    orders: int
    gmv: int
    commission: int
    subsidy: int


# --- Subsidy claims ---------------------------------------------------------------------------------

@strawberry.type
class SubsidyClaimRow:
    day: date
    person_id: strawberry.ID
    masked_name: str
    tier: SubsidyTier
    tier_label: str
    meals: int
    subsidy: int = strawberry.field(description="Fen.")


@strawberry.type
class SubsidyFunderTotal:
    funder: str
    people: int
    meals: int
    subsidy: int


@strawberry.type(description="The month's subsidised meals kept, per person and day, for the funder (街道).")
class SubsidyClaims:
    community_id: strawberry.ID
    month: str
    rows: list[SubsidyClaimRow]
    funders: list[SubsidyFunderTotal]
    meals: int
    subsidy: int

    @classmethod
    def of(cls, c: claims.SubsidyClaims) -> "SubsidyClaims":
        return cls(community_id=_id(c.community.id), month=c.month, meals=c.meals, subsidy=c.subsidy,
                   rows=[SubsidyClaimRow(day=r.day, person_id=_id(r.person_id), masked_name=r.masked_name,
                                         tier=r.tier, tier_label=TIER_LABELS[r.tier], meals=r.meals,
                                         subsidy=r.subsidy) for r in c.rows],
                   funders=[SubsidyFunderTotal(funder=f.funder, people=len(f.people), meals=f.meals,
                                               subsidy=f.subsidy) for f in c.funders])


# --- Reconciliation ---------------------------------------------------------------------------------

@strawberry.type
class ReconciliationRun:
    id: strawberry.ID
    gateway: PaymentGateway
    day: date
    compared: int
    differences: int
    unresolved: int
    finished_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, run, unresolved: int) -> "ReconciliationRun":
        return cls(id=_id(run.id), gateway=GatewayEnum(run.gateway), day=run.day, compared=run.compared,
                   differences=run.differences, unresolved=unresolved, finished_at=run.finished_at,
                   created_at=run.created_at)


@strawberry.type
class ReconciliationRunConnection(Counted):
    nodes: list[ReconciliationRun]
    page_info: PageInfo


@strawberry.type
class ReconciliationRunPayload:
    run: ReconciliationRun | None
    errors: list[UserError]


@strawberry.type
class ReconciliationDifference:
    id: strawberry.ID
    run_id: strawberry.ID
    kind: ReconciliationDifferenceKind
    kind_label: str
    reference: str
    order_id: strawberry.ID | None
    ours: int | None = strawberry.field(description="Our amount (fen); null: we have no record.")
    theirs: int | None = strawberry.field(description="The provider's amount (fen); null: it has no record.")
    note: str = strawberry.field(description="The operator's note once resolved.")
    resolved_at: datetime | None
    resolved_by_name: str | None

    @classmethod
    def of(cls, d) -> "ReconciliationDifference":
        return cls(id=_id(d.id), run_id=_id(d.run_id), kind=d.kind, kind_label=reconcile.KIND_LABELS[d.kind],
                   reference=d.reference, order_id=_id(d.order_id), ours=d.ours_fen, theirs=d.theirs_fen,
                   note=d.note, resolved_at=d.resolved_at,
                   resolved_by_name=d.resolved_by.display_name if d.resolved_by_id else None)


@strawberry.type
class ReconciliationDifferenceConnection(Counted):
    nodes: list[ReconciliationDifference]
    page_info: PageInfo


@strawberry.type
class ReconciliationDifferencePayload:
    difference: ReconciliationDifference | None
    errors: list[UserError]


@strawberry.type
class ServiceReportQueries:
    @strawberry.field(description="A provider's statement: its orders settled in [from, to] (Asia/Shanghai days, "
                      "both included, at most 366; default this month), at most 2,000. Needs the provider's admin "
                      "or PLATFORM_OPERATE.")
    async def provider_statement(self, info: Info, provider_id: strawberry.ID,
                                 from_: Annotated[date | None, FROM] = None, to: date | None = None,
                                 ) -> ProviderStatement:
        return ProviderStatement.of(await statements.provider_statement(
            info.context.actor, provider_id=parse_uuid(provider_id), since=from_, until=to))

    @strawberry.field(description="Commission revenue of the orders settled in [from, to] (Asia/Shanghai, at most "
                      "366 days) by day or month, category and provider. Needs PLATFORM_OPERATE.")
    async def commission_revenue(self, info: Info, from_: Annotated[date | None, FROM] = None,
                                 to: date | None = None,
                                 group_by: RevenueGroupBy = revenue.GroupBy.MONTH) -> CommissionRevenue:
        return CommissionRevenue.of(await revenue.commission_revenue(info.context.actor, since=from_, until=to,
                                                                     group_by=group_by))

    @strawberry.field(description="The 工作台's service revenue: GMV, commission and subsidy of this month's paid "
                      "orders. Needs SERVICES_MANAGE in the community, or PLATFORM_OPERATE.")
    async def service_revenue_panel(self, info: Info, community_id: strawberry.ID) -> ServiceRevenuePanel:
        panel = await revenue.revenue_panel(info.context.actor, community_id=parse_uuid(community_id))
        return ServiceRevenuePanel(month=panel.month, orders=panel.orders, gmv=panel.gmv, commission=panel.commission,
                                   subsidy=panel.subsidy)

    @strawberry.field(description="The month's (YYYY-MM) subsidy claim report for the street: subsidised meals "
                      "kept per person and day, totals per funder. Needs SERVICES_MANAGE.")
    async def subsidy_claims(self, info: Info, community_id: strawberry.ID, month: str) -> SubsidyClaims:
        return SubsidyClaims.of(await claims.subsidy_claims(info.context.actor, community_id=parse_uuid(community_id),
                                                            month=month))

    @strawberry.field(description="Reconciliation runs, newest first, of one gateway or all; first ≤ 50. Needs "
                      "PLATFORM_OPERATE.")
    async def reconciliation_runs(self, info: Info, gateway: PaymentGateway | None = None, first: int = 20,
                                  after: str | None = None) -> ReconciliationRunConnection:
        page = await reconcile.runs(info.context.actor, gateway_name=gateway.value if gateway else None,
                                    first=first, after=after)
        open_counts = await reconcile.unresolved_counts([r.id for r in page.items])
        return ReconciliationRunConnection(nodes=[ReconciliationRun.of(r, open_counts.get(r.id, 0))
                                                  for r in page.items], page_info=PageInfo.of(page), page=page)

    @strawberry.field(description="A run's differences (unresolved only, if asked); first ≤ 50. Needs "
                      "PLATFORM_OPERATE.")
    async def reconciliation_differences(self, info: Info, run_id: strawberry.ID, unresolved_only: bool = False,
                                         first: int = 20, after: str | None = None,
                                         ) -> ReconciliationDifferenceConnection:
        page = await reconcile.differences(info.context.actor, run_id=parse_uuid(run_id),
                                           unresolved_only=unresolved_only, first=first, after=after)
        return ReconciliationDifferenceConnection(nodes=[ReconciliationDifference.of(d) for d in page.items],
                                                  page_info=PageInfo.of(page), page=page)


@strawberry.type
class ServiceReportMutations:
    @strawberry.mutation(description="Reconcile one day (Asia/Shanghai, not in the future) of a configured gateway "
                         "now: a new run. Needs PLATFORM_OPERATE.")
    async def reconciliation_run(self, info: Info, gateway: PaymentGateway, day: date) -> ReconciliationRunPayload:
        run, errors = await attempt(reconcile.run_now(info.context.actor, gateway_name=gateway.value, day=day))
        if run is None:
            return ReconciliationRunPayload(run=None, errors=errors)
        counts = await reconcile.unresolved_counts([run.id])
        return ReconciliationRunPayload(run=ReconciliationRun.of(run, counts.get(run.id, 0)), errors=[])

    @strawberry.mutation(description="Resolve a reconciliation difference with a note (1–200 characters). Needs "
                         "PLATFORM_OPERATE; audited.")
    async def reconciliation_difference_resolve(self, info: Info, difference_id: strawberry.ID,
                                                note: str) -> ReconciliationDifferencePayload:
        found, errors = await attempt(reconcile.resolve_difference(info.context.actor,
                                                                   difference_id=parse_uuid(difference_id),
                                                                   note=note))
        return ReconciliationDifferencePayload(difference=ReconciliationDifference.of(found) if found else None,
                                               errors=errors)
