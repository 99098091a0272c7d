"""Points (积分): the rewards mall, redemptions with their pickup codes, and the participation rules.
Residents browse, redeem and cancel; staff with POINTS_MANAGE keep the catalogue, collect at the
pickup desk and set the rules. Who may do what is the service's (backend/points)."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from backend.api.errors import UserError, attempt
from backend.api.ids import parse_uuid
from backend.api.pagination import Counted, PageInfo
from backend.points import catalogue, redemptions, rules
from backend.points.catalogue import RewardDraft
from backend.points.models import Redemption as RedemptionModel
from backend.points.models import RedemptionState as RedemptionStateEnum
from backend.points.models import Reward as RewardModel
from backend.points.models import RuleKind as RuleKindEnum

RedemptionState = strawberry.enum(RedemptionStateEnum, name="RedemptionState")
PointsRuleKind = strawberry.enum(RuleKindEnum, name="PointsRuleKind")


@strawberry.type(description="A reward of the community's mall.")
class Reward:
    id: strawberry.ID
    name: str
    description: str
    cost: int = strawberry.field(description="Points one redemption spends.")
    stock: int = strawberry.field(description="How many are left to redeem.")
    active: bool = strawberry.field(description="On sale (staff may pause it).")
    archived: bool
    created_at: datetime

    @classmethod
    def of(cls, r: RewardModel) -> "Reward":
        return cls(id=strawberry.ID(str(r.id)), name=r.name, description=r.description, cost=r.cost, stock=r.stock,
                   active=r.active, archived=r.archived_at is not None, created_at=r.created_at)


@strawberry.type(description="A redemption. Its pickup code is shown to the redeemer only, never in staff lists.")
class Redemption:
    id: strawberry.ID
    reward_id: strawberry.ID
    reward_name: str
    cost: int
    state: RedemptionState
    pickup_code: str | None = strawberry.field(description="The 6-digit code to show at pickup: for the redeemer, "
                                               "while pending.")
    person_name: str | None = strawberry.field(description="Whose it is: for staff only.")
    expires_at: datetime = strawberry.field(description="Uncollected by then, it expires and the points come back.")
    resolved_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, r: RedemptionModel, *, mine: bool = False, staff: bool = False) -> "Redemption":
        pending = r.state == RedemptionStateEnum.PENDING
        return cls(id=strawberry.ID(str(r.id)), reward_id=strawberry.ID(str(r.reward_id)), reward_name=r.reward.name,
                   cost=r.cost, state=r.state, pickup_code=redemptions.pickup_code(r) if mine and pending else None,
                   person_name=r.person.display_name if staff else None, expires_at=r.expires_at,
                   resolved_at=r.resolved_at, created_at=r.created_at)


@strawberry.type(description="A participation rule: the points one event earns.")
class PointsRule:
    kind: PointsRuleKind
    label: str
    points: int
    active: bool


@strawberry.type(description="My points in a community.")
class PointsBalance:
    points: int = strawberry.field(description="What may be spent now.")
    held: int = strawberry.field(description="Held by redemptions waiting for pickup.")


@strawberry.type
class RewardConnection(Counted):
    nodes: list[Reward]
    page_info: PageInfo


@strawberry.type
class RedemptionConnection(Counted):
    nodes: list[Redemption]
    page_info: PageInfo


@strawberry.input
class RewardInput:
    name: str
    description: str = ""
    cost: int
    stock: int
    active: bool = True

    def draft(self) -> RewardDraft:
        return RewardDraft(name=self.name, description=self.description, cost=self.cost, stock=self.stock,
                           active=self.active)


@strawberry.type
class RewardPayload:
    reward: Reward | None
    errors: list[UserError]


@strawberry.type
class RedemptionPayload:
    redemption: Redemption | None
    errors: list[UserError]


@strawberry.type
class PointsRulePayload:
    rule: PointsRule | None
    errors: list[UserError]


def _rule(r) -> PointsRule:
    return PointsRule(kind=r.kind, label=rules.LABELS[r.kind], points=r.points, active=r.active)


async def _reward(call) -> RewardPayload:
    reward, errors = await attempt(call)
    return RewardPayload(reward=Reward.of(reward) if reward else None, errors=errors)


async def _redemption(call, **shown) -> RedemptionPayload:
    redemption, errors = await attempt(call)
    return RedemptionPayload(redemption=Redemption.of(redemption, **shown) if redemption else None, errors=errors)


@strawberry.type
class PointsQueries:
    @strawberry.field(description="The community's rewards, newest first, those holding every word of `search`: for "
                      "residents those on sale, for POINTS_MANAGE all (archived ones with includeArchived); "
                      "first ≤ 50.")
    async def rewards(self, info: Info, community_id: strawberry.ID, search: str | None = None,
                      include_archived: bool = False, first: int = 20, after: str | None = None) -> RewardConnection:
        page = await catalogue.list_rewards(info.context.actor, community_id=parse_uuid(community_id), search=search,
                                            include_archived=include_archived, first=first, after=after)
        return RewardConnection(nodes=[Reward.of(r) for r in page.items], page_info=PageInfo.of(page), page=page)

    @strawberry.field(description="One reward: on sale for the community's residents, any for POINTS_MANAGE.")
    async def reward(self, info: Info, id: strawberry.ID) -> Reward:
        return Reward.of(await catalogue.get_reward_for(info.context.actor, parse_uuid(id)))

    @strawberry.field(description="My points in the community (or, with the TIMEBANK proxy scope, my principal's).")
    async def points_balance(self, info: Info, community_id: strawberry.ID) -> PointsBalance:
        points, held = await catalogue.my_points(info.context.actor, community_id=parse_uuid(community_id))
        return PointsBalance(points=points, held=held)

    @strawberry.field(description="My redemptions (or my principal's with TIMEBANK), newest first, with the pickup "
                      "codes of those pending; first ≤ 50.")
    async def my_redemptions(self, info: Info, first: int = 20, after: str | None = None) -> RedemptionConnection:
        page = await redemptions.my_redemptions(info.context.actor, first=first, after=after)
        return RedemptionConnection(nodes=[Redemption.of(r, mine=True) for r in page.items],
                                    page_info=PageInfo.of(page), page=page)

    @strawberry.field(description="The community's redemptions for the pickup desk, newest first, by state (never "
                      "their codes); first ≤ 50. Needs POINTS_MANAGE.")
    async def redemptions(self, info: Info, community_id: strawberry.ID, state: RedemptionState | None = None,
                          first: int = 20, after: str | None = None) -> RedemptionConnection:
        page = await redemptions.list_redemptions(info.context.actor, community_id=parse_uuid(community_id),
                                                  state=state, first=first, after=after)
        return RedemptionConnection(nodes=[Redemption.of(r, staff=True) for r in page.items],
                                    page_info=PageInfo.of(page), page=page)

    @strawberry.field(description="The pending redemption a pickup code names (the reward and the person), to check "
                      "before collecting. Five wrong codes in a row lock the staff member out for 10 minutes. "
                      "Needs POINTS_MANAGE.")
    async def redemption_by_pickup_code(self, info: Info, community_id: strawberry.ID,
                                        pickup_code: str) -> RedemptionPayload:
        return await _redemption(redemptions.find_by_code(info.context.actor, community_id=parse_uuid(community_id),
                                                          pickup_code=pickup_code), staff=True)

    @strawberry.field(description="The community's participation rules. Needs POINTS_MANAGE.")
    async def points_rules(self, info: Info, community_id: strawberry.ID) -> list[PointsRule]:
        return [_rule(r) for r in await rules.list_rules(info.context.actor, community_id=parse_uuid(community_id))]


@strawberry.type
class PointsMutations:
    @strawberry.mutation(description="Add a reward (name 2–40 characters, cost 1–1,000,000 points, stock "
                         "0–100,000). Needs POINTS_MANAGE.")
    async def reward_create(self, info: Info, community_id: strawberry.ID, input: RewardInput) -> RewardPayload:
        return await _reward(catalogue.create_reward(info.context.actor, community_id=parse_uuid(community_id),
                                                     draft=input.draft()))

    @strawberry.mutation(description="Change a reward (its stock is what is left to redeem). Needs POINTS_MANAGE.")
    async def reward_update(self, info: Info, id: strawberry.ID, input: RewardInput) -> RewardPayload:
        return await _reward(catalogue.update_reward(info.context.actor, reward_id=parse_uuid(id), draft=input.draft()))

    @strawberry.mutation(description="Take a reward off the mall for good (kept for its redemptions). Needs "
                         "POINTS_MANAGE.")
    async def reward_archive(self, info: Info, id: strawberry.ID) -> RewardPayload:
        return await _reward(catalogue.archive_reward(info.context.actor, reward_id=parse_uuid(id)))

    @strawberry.mutation(description="Redeem a reward: its cost is held from my points and one of its stock is mine "
                         "until pickup (14 days) with the pickup code returned; for my principal with TIMEBANK.")
    async def reward_redeem(self, info: Info, reward_id: strawberry.ID) -> RedemptionPayload:
        return await _redemption(redemptions.redeem(info.context.actor, reward_id=parse_uuid(reward_id)), mine=True)

    @strawberry.mutation(description="Hand a reward over at the pickup desk: the held points are spent. Five wrong "
                         "codes in a row lock the staff member out for 10 minutes. Needs POINTS_MANAGE.")
    async def redemption_collect(self, info: Info, community_id: strawberry.ID, pickup_code: str) -> RedemptionPayload:
        return await _redemption(redemptions.collect(info.context.actor, community_id=parse_uuid(community_id),
                                                     pickup_code=pickup_code), staff=True)

    @strawberry.mutation(description="Cancel a redemption not yet collected: the points are released and the stock "
                         "comes back. By the redeemer (or their proxy with TIMEBANK) or POINTS_MANAGE.")
    async def redemption_cancel(self, info: Info, id: strawberry.ID) -> RedemptionPayload:
        return await _redemption(redemptions.cancel(info.context.actor, redemption_id=parse_uuid(id)))

    @strawberry.mutation(description="Set a participation rule's points (0–1000 an event) and whether it applies. "
                         "Needs POINTS_MANAGE.")
    async def points_rule_update(self, info: Info, community_id: strawberry.ID, kind: PointsRuleKind, points: int,
                                 active: bool = True) -> PointsRulePayload:
        rule, errors = await attempt(rules.update_rule(info.context.actor, community_id=parse_uuid(community_id),
                                                       kind=kind, points=points, active=active))
        return PointsRulePayload(rule=_rule(rule) if rule else None, errors=errors)
