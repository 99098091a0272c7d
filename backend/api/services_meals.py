"""Meals for the elderly (助餐): whether the street's subsidy pays for me (or, with the ORDER scope,
my parent) and ordering a day's meals. The rules are backend/services/meals.py's; the order that
results is an ordinary service order (backend/api/services_orders.py)."""

import strawberry
from strawberry.types import Info

from backend.api.errors import attempt
from backend.api.ids import parse_uuid
from backend.api.services_enums import SubsidyTier
from backend.api.services_orders import ServiceOrderFulfilment, ServiceOrderPayload, order_payload
from backend.services import meals
from backend.services.labels import TIER_LABELS


@strawberry.type(description="What the street's meal subsidy pays for the person today in the community.")
class MealEligibility:
    eligible: bool
    tier: SubsidyTier | None
    tier_label: str | None
    subsidy_fen: int = strawberry.field(description="Paid by the subsidy for one portion a day (at most its price).")
    funder: str | None
    reason: str = strawberry.field(description="Why not, in Chinese, when not eligible; empty otherwise.")

    @classmethod
    def of(cls, found: meals.Eligibility) -> "MealEligibility":
        policy = found.policy
        return cls(eligible=found.eligible, tier=policy.tier if policy else None,
                   tier_label=TIER_LABELS[policy.tier] if policy else None,
                   subsidy_fen=policy.subsidy_fen if policy else 0, funder=policy.funder if policy else None,
                   reason=found.reason)


@strawberry.input
class MealChoiceInput:
    dish_id: strawberry.ID
    quantity: int = 1


@strawberry.type
class MealQueries:
    @strawberry.field(description="Whether the meal subsidy pays for me (or my principal, with ORDER) today in the "
                      "community, and how much; a member of the community only.")
    async def meal_eligibility(self, info: Info, community_id: strawberry.ID) -> MealEligibility | None:
        found, _ = await attempt(meals.my_eligibility(info.context.actor, community_id=parse_uuid(community_id)))
        return MealEligibility.of(found) if found else None


@strawberry.type
class MealMutations:
    @strawberry.mutation(description="Order a day's meals from a canteen's menu for me (or my principal, with ORDER) "
                         "before its cutoff; `subsidised` asks for the day's subsidised portion and is refused for "
                         "someone not eligible. PICKUP or DELIVERY as the menu offers.")
    async def meal_order_place(self, info: Info, menu_id: strawberry.ID, dishes: list[MealChoiceInput],
                               fulfilment: ServiceOrderFulfilment, subsidised: bool = False,
                               note: str | None = None) -> ServiceOrderPayload:
        choices = [meals.MealChoice(dish_id=parse_uuid(d.dish_id), quantity=d.quantity) for d in dishes[:20]]
        return await order_payload(info, meals.order_meals(info.context.actor, menu_id=parse_uuid(menu_id),
                                                            choices=choices, fulfilment=fulfilment,
                                                            subsidised=subsidised, note=note or ""))
