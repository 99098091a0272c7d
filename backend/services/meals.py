"""Meals for the elderly (助餐): who the street's subsidy pays for, and ordering a day's meals.

A person is eligible for a tier by age (the birth date in their ID number, as the time bank reads it)
or by a grant committee staff recorded (低保, 失能) that is still valid; of the community's subsidy
policies the one paying most applies. The subsidy pays for one portion a day (a day's 助餐), at most
its price; the resident pays the rest and the delivery fee. A family member orders for a parent
through a proxy with the ORDER scope (`actor.subject`), and an order asking for the subsidy for
someone not eligible is refused, with nothing written."""

from dataclasses import dataclass
from datetime import date, datetime, time
from uuid import UUID

from tortoise.expressions import F

from backend.audit import service as audit
from backend.core import crypto
from backend.core.actor import Actor, ProxyScope
from backend.core.clock import clock
from backend.core.days import SHANGHAI, today
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.people.models import Person
from backend.registry.models import Membership, PersonRoom
from backend.services import orders
from backend.services.booking import MAX_NOTE, LineSpec, PayerSpec, create_order
from backend.services.models import (
    Fulfilment,
    MealDish,
    MealMenu,
    Order,
    OrderLinePayer,
    OrderState,
    PayerKind,
    Provider,
    ProviderState,
    ServiceCategory,
    SubsidyGrant,
    SubsidyPolicy,
    SubsidyTier,
)
from backend.timebank.eligibility import age_on, birth_date

MAX_PORTIONS = 5  # of one dish in one order
AGE_TIERS = {SubsidyTier.AGE_60: 60, SubsidyTier.AGE_80: 80}  # the tier's age when its policy sets none
# Orders that still hold their subsidy (a cancelled or refunded one gave it back).
_LIVE = [OrderState.PENDING_PAYMENT, OrderState.PAID, OrderState.ACCEPTED, OrderState.EN_ROUTE,
         OrderState.CHECKED_IN, OrderState.IN_SERVICE, OrderState.COMPLETED, OrderState.CONFIRMED,
         OrderState.SETTLED, OrderState.REVIEWED, OrderState.DISPUTED]


@dataclass(frozen=True)
class Eligibility:
    policy: SubsidyPolicy | None  # the policy paying most that the person qualifies for
    reason: str  # why not, in Chinese, when there is none

    @property
    def eligible(self) -> bool:
        return self.policy is not None


async def eligibility(person: Person, community_id: UUID, day: date, *, tx=None) -> Eligibility:
    """Whether the street's subsidy pays for `person`'s meals in the community on `day`, and how much."""
    policies = await SubsidyPolicy.filter(community_id=community_id).using_db(tx).order_by("-subsidy_fen")
    if not policies:
        return Eligibility(None, "本社区暂未开通助餐补贴")
    born = birth_date(crypto.decrypt(person.id_number_encrypted)) if person.id_number_encrypted else None
    granted = {g.tier for g in await SubsidyGrant.filter(community_id=community_id, person_id=person.id).using_db(tx)
               if g.valid_until is None or g.valid_until >= day}
    def qualifies(policy: SubsidyPolicy) -> bool:
        old_enough = policy.min_age is None or (born is not None and age_on(born, day) >= policy.min_age)
        if policy.tier in AGE_TIERS:
            return born is not None and age_on(born, day) >= (policy.min_age or AGE_TIERS[policy.tier])
        return policy.tier in granted and old_enough

    best = next((policy for policy in policies if qualifies(policy)), None)
    if best is not None:
        return Eligibility(best, "")
    if born is None and not granted:
        return Eligibility(None, "未登记有效的身份证号，无法确认年龄，请到居委会登记后享受助餐补贴")
    return Eligibility(None, "不符合本社区助餐补贴条件（年龄或困难类别）")


@dataclass(frozen=True)
class MealChoice:
    dish_id: UUID
    quantity: int


async def _subsidy_used(tx, person_id: UUID, day: date) -> bool:
    """Whether a live order of the person's already has the day's subsidised portion."""
    noon = datetime.combine(day, time(12), SHANGHAI)
    return await OrderLinePayer.filter(kind=PayerKind.SUBSIDY, order__resident_id=person_id,
                                       order__scheduled_at=noon, order__state__in=_LIVE).using_db(tx).exists()


def _check_choices(menu: MealMenu, dishes: dict[UUID, MealDish], choices: list[MealChoice],
                   fulfilment: Fulfilment) -> None:
    if not choices or len(choices) > len(dishes) or len({c.dish_id for c in choices}) != len(choices):
        raise DomainError(ErrorCode.INVALID_INPUT, "请选择菜品，每道菜只选一次", field="dishes")
    for choice in choices:
        if choice.dish_id not in dishes:
            raise DomainError(ErrorCode.NOT_FOUND, "该菜品不在当天菜单上", field="dishes")
        if not 1 <= choice.quantity <= MAX_PORTIONS:
            raise DomainError(ErrorCode.INVALID_INPUT, f"每道菜一次订 1 到 {MAX_PORTIONS} 份", field="dishes")
    if fulfilment is Fulfilment.ON_SITE or (fulfilment is Fulfilment.PICKUP and not menu.pickup) or (
            fulfilment is Fulfilment.DELIVERY and not menu.delivery):
        raise DomainError(ErrorCode.INVALID_INPUT, "该食堂当天不提供这种取餐方式", field="fulfilment")


async def _take_portions(tx, choices: list[MealChoice]) -> None:
    """One conditional update a dish, in id order (as a slot's place): sold out → CONFLICT."""
    for choice in sorted(choices, key=lambda c: c.dish_id):
        taken = await MealDish.filter(id=choice.dish_id).filter(ordered__lte=F("portions") - choice.quantity) \
            .using_db(tx).update(ordered=F("ordered") + choice.quantity)
        if not taken:
            raise DomainError(ErrorCode.CONFLICT, "该菜品份数已订完，请选择其他菜品", field="dishes")


async def order_meals(actor: Actor, *, menu_id: UUID, choices: list[MealChoice], fulfilment: Fulfilment,
                      subsidised: bool, note: str = "") -> Order:
    """A day's meals from a canteen's menu for `actor.subject(ORDER)`, before the menu's cutoff."""
    resident_id = actor.subject(ProxyScope.ORDER)
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise DomainError(ErrorCode.INVALID_INPUT, f"备注最多 {MAX_NOTE} 个字", field="note")
    async with transaction() as tx:
        menu = await MealMenu.get_or_none(id=menu_id).using_db(tx)
        if menu is None or not await Membership.filter(person_id=resident_id,
                                                       community_id=menu.community_id).using_db(tx).exists():
            raise DomainError(ErrorCode.NOT_FOUND, "找不到该菜单", field="menuId")
        provider = await Provider.get(id=menu.provider_id).using_db(tx)
        if provider.state is not ProviderState.VERIFIED:
            raise DomainError(ErrorCode.NOT_AVAILABLE, "该食堂暂停接单", field="menuId")
        if clock.now() >= menu.cutoff_at:
            raise DomainError(ErrorCode.INVALID_INPUT, "已过当天的订餐截止时间", field="menuId")
        dishes = {d.id: d for d in await MealDish.filter(menu_id=menu.id).using_db(tx)}
        _check_choices(menu, dishes, choices, fulfilment)
        policy = None
        if subsidised:
            person = await Person.get(id=resident_id).using_db(tx)
            found = await eligibility(person, menu.community_id, menu.day, tx=tx)
            if not found.eligible:
                raise DomainError(ErrorCode.INVALID_INPUT, found.reason, field="subsidised")
            if await _subsidy_used(tx, resident_id, menu.day):
                raise DomainError(ErrorCode.INVALID_INPUT, "当天的助餐补贴已用过（每人每天补贴一份）",
                                  field="subsidised")
            policy = found.policy
        # The day's one subsidised portion is taken from the first dish, at most its price.
        subsidy = min(policy.subsidy_fen, dishes[choices[0].dish_id].price_fen) if policy else 0
        lines = []
        for choice in choices:
            dish = dishes[choice.dish_id]
            covered, amount = (subsidy if not lines else 0), dish.price_fen * choice.quantity
            payers = [PayerSpec(PayerKind.SUBSIDY, covered, tier=policy.tier if covered else None),
                      PayerSpec(PayerKind.RESIDENT, amount - covered)]
            lines.append(LineSpec(dish.name, dish.price_fen, choice.quantity, [p for p in payers if p.amount_fen],
                                  dish_id=dish.id))
        if fulfilment is Fulfilment.DELIVERY and menu.delivery_fee_fen:
            lines.append(LineSpec("送餐费", menu.delivery_fee_fen, 1,
                                  [PayerSpec(PayerKind.RESIDENT, menu.delivery_fee_fen)]))
        await _take_portions(tx, choices)
        home = await PersonRoom.filter(person_id=resident_id, community_id=menu.community_id, until=None
                                       ).using_db(tx).first()
        order = await create_order(
            tx, resident_id=resident_id, placed_by_id=actor.require_person(), provider=provider,
            category=ServiceCategory.MEALS, community_id=menu.community_id, lines=lines, fulfilment=fulfilment,
            scheduled_at=datetime.combine(menu.day, time(12), SHANGHAI), menu=menu,
            room_id=home.room_id if home else None, note=note, actor=actor)
        await audit.record(tx, actor, "service_order.book", "service_order", order.id, community_id=menu.community_id,
                           after={"menu": str(menu.id), "amountFen": order.amount_fen,
                                  "subsidyFen": order.subsidy_fen})
    return await orders.loaded(order.id)


async def my_eligibility(actor: Actor, *, community_id: UUID) -> Eligibility:
    """The subsidy `actor.subject(ORDER)` would get today in the community (for the order page)."""
    person_id = actor.subject(ProxyScope.ORDER)
    if not await Membership.filter(person_id=person_id, community_id=community_id).exists():
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该社区", field="communityId")
    return await eligibility(await Person.get(id=person_id), community_id, today())
