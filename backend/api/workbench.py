"""工作台 (一屏观社区): one `workbench(communityId)` with a field per domain, each the figures of one
console panel (admin/src/dashboard/panels.js). A domain adds its field here, its figures in its own
service, scoped to the staff member's community and reach."""

import strawberry
from strawberry.types import Info

from backend.api.case_stats import WorkbenchCases, workbench_cases
from backend.api.ids import parse_uuid
from backend.api.market_stats import WorkbenchMarket, workbench_market
from backend.api.notices import Notice
from backend.api.wallets import WorkbenchVolunteering, workbench_volunteering
from backend.notices import figures as notice_figures
from backend.registry import figures as registry_figures


@strawberry.type
class WorkbenchIdentity:
    residents_verified: int = strawberry.field(description="People living here on the registry's record.")
    households_verified: int = strawberry.field(description="Households with at least one of them.")
    households: int
    pending_verifications: int = strawberry.field(description="Residence applications waiting for a decision.")


@strawberry.type
class WorkbenchNotice:
    notice: Notice
    audience: int
    read: int
    acknowledged: int
    households: int
    households_reached: int = strawberry.field(description="Read by someone there, or visited offline.")


@strawberry.type
class GridUnreached:
    grid_name: str | None = strawberry.field(description="Null: buildings in no grid.")
    households: int = strawberry.field(description="Households not reached, once per notice (户次).")


@strawberry.type
class WorkbenchNotices:
    this_week: list[WorkbenchNotice] = strawberry.field(description="Published in the last 7 days, newest "
                                                        "first, at most 20.")
    unreached_by_grid: list[GridUnreached]


@strawberry.type
class Workbench:
    community_id: strawberry.ID

    @strawberry.field(description="Verified residents and households, pending verifications. Needs REGISTRY_READ; "
                      "a grid worker counts their grids.")
    async def identity(self, info: Info) -> WorkbenchIdentity:
        found = await registry_figures.identity_figures(info.context.actor, community_id=parse_uuid(self.community_id))
        return WorkbenchIdentity(residents_verified=found.residents_verified,
                                 households_verified=found.households_verified, households=found.households,
                                 pending_verifications=found.pending_verifications)

    @strawberry.field(description="This week's notices with their reach, and who they have not reached by grid. "
                      "Needs NOTICE_REACH; a grid worker counts their grids.")
    async def notices(self, info: Info) -> WorkbenchNotices:
        found = await notice_figures.notice_figures(info.context.actor, community_id=parse_uuid(self.community_id))
        return WorkbenchNotices(
            this_week=[WorkbenchNotice(notice=Notice.of(w.notice), audience=w.audience, read=w.read,
                                       acknowledged=w.acknowledged, households=w.households,
                                       households_reached=w.households_reached) for w in found.notices],
            unreached_by_grid=[GridUnreached(grid_name=g.grid_name, households=g.households)
                               for g in found.unreached_by_grid],
        )

    @strawberry.field(description="Open cases, overdue now, and this month's SLA compliance and satisfaction. "
                      "Needs CASE_HANDLE; a grid worker counts their grids.")
    async def cases(self, info: Info) -> WorkbenchCases:
        return await workbench_cases(info, self.community_id)

    @strawberry.field(description="This month's volunteer hours, active volunteers and redemptions, from the "
                      "ledger. Needs LEDGER_READ.")
    async def volunteering(self, info: Info) -> WorkbenchVolunteering:
        return await workbench_volunteering(info, self.community_id)

    @strawberry.field(description="Listings on offer, today's reservations, this week's handovers and hidden "
                      "listings waiting for review. Needs MARKET_MANAGE or MODERATE.")
    async def market(self, info: Info) -> WorkbenchMarket:
        return await workbench_market(info, self.community_id)


@strawberry.type
class WorkbenchQueries:
    @strawberry.field(description="The figures of the 工作台 for a community; each field checks its own permission.")
    def workbench(self, community_id: strawberry.ID) -> Workbench:
        return Workbench(community_id=community_id)
