"""A provider's catalogue, kept by its admin: services with their unit price, the time slots it
can come at, and the daily meal menus of the communities it serves.

A slot's `booked` and a dish's `ordered` move only by the orders' conditional updates; here a
capacity never goes below what is booked, a slot is deleted only when nobody ever booked it, and a
menu with orders keeps its dishes (only portions may grow)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID

from backend.audit import service as audit
from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.days import SHANGHAI
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate
from backend.services import access
from backend.services.labels import CATEGORY_LABELS
from backend.services.models import (
    MealDish,
    MealMenu,
    Order,
    Provider,
    ProviderCommunity,
    Service,
    ServiceCategory,
    ServiceUnit,
    Slot,
)

MAX_UNIT_PRICE_FEN = 1_000_000  # ¥10,000
MAX_MIN_QUANTITY = 24
SLOT_DURATION = (15, 720)  # minutes
MAX_SLOT_CAPACITY = 50
MAX_SLOTS_AT_ONCE = 50
SLOTS_AHEAD = timedelta(days=60)
MAX_DISHES = 20
MAX_DISH_PRICE_FEN = 100_000
MAX_PORTIONS = 1000
MAX_DELIVERY_FEE_FEN = 10_000
MAX_DAYS = 31  # the provider's schedule, read at most a month at a time


def _invalid(message: str, field: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, message, field=field)


def _between(value: int, low: int, high: int, message: str, field: str) -> None:
    if not low <= value <= high:
        raise _invalid(message, field)


@dataclass
class ServiceDraft:
    category: ServiceCategory
    name: str
    description: str
    unit: ServiceUnit
    unit_price_fen: int
    min_quantity: int
    duration_minutes: int
    active: bool

    def check(self, provider: Provider) -> None:
        self.category, self.unit = ServiceCategory(self.category), ServiceUnit(self.unit)
        self.name, self.description = (self.name or "").strip(), (self.description or "").strip()
        if self.category.value not in provider.categories:
            raise _invalid(f"本服务商未开通{CATEGORY_LABELS[self.category]}类服务", "category")
        if not 2 <= len(self.name) <= 40:
            raise _invalid("服务名称须为 2–40 个字", "name")
        if len(self.description) > 500:
            raise _invalid("服务说明最多 500 个字", "description")
        _between(self.unit_price_fen, 1, MAX_UNIT_PRICE_FEN, "单价须在 0.01 元到 10000 元之间", "unitPriceFen")
        _between(self.min_quantity, 1, MAX_MIN_QUANTITY, f"起订数量须在 1 到 {MAX_MIN_QUANTITY} 之间", "minQuantity")
        _between(self.duration_minutes, *SLOT_DURATION, "每单位服务时长须在 15 分钟到 12 小时之间",
                 "durationMinutes")


async def save_service(actor: Actor, *, provider_id: UUID, service_id: UUID | None, draft: ServiceDraft) -> Service:
    """Create a service of the provider (no id) or edit one; a service leaves the catalogue by `active`."""
    async with transaction() as tx:
        provider = await access.get_provider_for_admin(actor, provider_id, tx=tx)
        draft.check(provider)
        values = dict(category=draft.category, name=draft.name, description=draft.description, unit=draft.unit,
                      unit_price_fen=draft.unit_price_fen, min_quantity=draft.min_quantity,
                      duration_minutes=draft.duration_minutes, active=draft.active)
        if service_id is None:
            service = await Service.create(provider_id=provider.id, **values, using_db=tx)
        else:
            service = await Service.filter(id=service_id, provider_id=provider.id).select_for_update(
                ).using_db(tx).first()
            if service is None:
                raise DomainError(ErrorCode.NOT_FOUND, "找不到该服务", field="serviceId")
            service.update_from_dict(values)
            await service.save(using_db=tx)
        await audit.record(tx, actor, "service.catalogue_save", "service", service.id, community_id=None,
                           after={"name": service.name, "unitPriceFen": service.unit_price_fen,
                                  "active": service.active})
    service.provider = provider
    return service


@dataclass
class SlotsMade:
    created: list[Slot]
    skipped: list[datetime]  # starts the provider already had a slot at


async def create_slots(actor: Actor, *, provider_id: UUID, starts: list[datetime], duration_minutes: int,
                       capacity: int) -> SlotsMade:
    """Slots at each of `starts` (future, within 60 days); a start that already has one is skipped."""
    if not 1 <= len(starts) <= MAX_SLOTS_AT_ONCE:
        raise _invalid(f"每次可添加 1 到 {MAX_SLOTS_AT_ONCE} 个时段", "starts")
    if any(s.tzinfo is None for s in starts):
        raise _invalid("时段开始时间须带时区", "starts")
    now = clock.now()
    if any(not now < s <= now + SLOTS_AHEAD for s in starts):
        raise _invalid("时段须在当前时间之后、60 天之内", "starts")
    _between(duration_minutes, *SLOT_DURATION, "时段长度须在 15 分钟到 12 小时之间", "durationMinutes")
    _between(capacity, 1, MAX_SLOT_CAPACITY, f"每个时段可接 1 到 {MAX_SLOT_CAPACITY} 单", "capacity")
    wanted = sorted(set(starts))
    async with transaction() as tx:
        # The provider's row is locked, so two admins adding the same start at once add it once.
        provider = await access.get_provider_for_admin(actor, provider_id, tx=tx, lock=True)
        existing = set(await Slot.filter(provider_id=provider.id, starts_at__in=wanted).using_db(tx).values_list(
            "starts_at", flat=True))
        skipped = [s for s in wanted if s in existing]
        fresh = [Slot(provider_id=provider.id, starts_at=s, ends_at=s + timedelta(minutes=duration_minutes),
                      capacity=capacity) for s in wanted if s not in existing]
        if fresh:
            await Slot.bulk_create(fresh, using_db=tx)
            await audit.record(tx, actor, "service.slots_create", "service_provider", provider.id, community_id=None,
                               after={"slots": len(fresh), "capacity": capacity})
    return SlotsMade(fresh, skipped)


async def _slot_for_admin(tx, actor: Actor, slot_id: UUID) -> Slot:
    slot = await Slot.filter(id=slot_id).select_for_update().using_db(tx).first()
    if slot is None:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该时段", field="slotId")
    try:
        await access.get_provider_for_admin(actor, slot.provider_id, tx=tx)
    except DomainError as error:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该时段", field="slotId") from error
    return slot


async def set_slot_capacity(actor: Actor, *, slot_id: UUID, capacity: int) -> Slot:
    """A slot's capacity, never below what is booked."""
    _between(capacity, 1, MAX_SLOT_CAPACITY, f"每个时段可接 1 到 {MAX_SLOT_CAPACITY} 单", "capacity")
    async with transaction() as tx:
        slot = await _slot_for_admin(tx, actor, slot_id)
        # Conditional, like the bookings that move `booked`: a booking committed meanwhile is counted.
        changed = await Slot.filter(id=slot.id, booked__lte=capacity).using_db(tx).update(capacity=capacity)
        if not changed:
            raise _invalid(f"该时段已有 {slot.booked} 单预约，容量不能少于已预约数", "capacity")
        await audit.record(tx, actor, "service.slot_capacity_set", "service_provider", slot.provider_id,
                           community_id=None, before={"capacity": slot.capacity}, after={"capacity": capacity})
        slot.capacity = capacity
    return slot


async def delete_slot(actor: Actor, *, slot_id: UUID) -> UUID:
    """A slot nobody has booked (nor ever ordered: its orders keep naming it)."""
    async with transaction() as tx:
        slot = await _slot_for_admin(tx, actor, slot_id)
        if slot.booked > 0 or await Order.filter(slot_id=slot.id).using_db(tx).exists():
            raise _invalid("该时段已有预约，不能删除；可将容量调小", "slotId")
        await slot.delete(using_db=tx)
        await audit.record(tx, actor, "service.slot_delete", "service_provider", slot.provider_id, community_id=None,
                           before={"startsAt": slot.starts_at.isoformat()})
    return slot.id


@dataclass
class DishDraft:
    name: str
    price_fen: int
    portions: int


@dataclass
class MenuDraft:
    community_id: UUID
    day: date
    cutoff_at: datetime
    pickup: bool
    delivery: bool
    delivery_fee_fen: int
    dishes: list[DishDraft]

    def check(self) -> None:
        if self.cutoff_at.tzinfo is None:
            raise _invalid("截止时间须带时区", "cutoffAt")
        noon = datetime.combine(self.day, time(12), SHANGHAI)
        if not clock.now() < self.cutoff_at < noon:
            raise _invalid("截止时间须在当前时间之后、当天中午 12 点之前", "cutoffAt")
        if not (self.pickup or self.delivery):
            raise _invalid("请至少提供到店取餐或送餐上门一种方式", "pickup")
        if not self.delivery and self.delivery_fee_fen:
            raise _invalid("不送餐上门时不收配送费", "deliveryFeeFen")
        _between(self.delivery_fee_fen, 0, MAX_DELIVERY_FEE_FEN, "配送费须在 0 到 100 元之间", "deliveryFeeFen")
        if not 1 <= len(self.dishes) <= MAX_DISHES:
            raise _invalid(f"每份菜单须有 1 到 {MAX_DISHES} 道菜", "dishes")
        for dish in self.dishes:
            dish.name = (dish.name or "").strip()
            if not 1 <= len(dish.name) <= 40:
                raise _invalid("菜名须为 1–40 个字", "dishes")
            _between(dish.price_fen, 1, MAX_DISH_PRICE_FEN, "菜价须在 0.01 元到 1000 元之间", "dishes")
            _between(dish.portions, 1, MAX_PORTIONS, f"份数须在 1 到 {MAX_PORTIONS} 之间", "dishes")
        if len({d.name for d in self.dishes}) != len(self.dishes):
            raise _invalid("同一份菜单的菜名不能重复", "dishes")


def _keeps_ordered_dishes(menu: MealMenu, dishes: list[MealDish], draft: MenuDraft) -> None:
    """A menu residents have ordered from: the same dishes at the same prices, the same ways to get
    them; only more portions (and another cutoff)."""
    same_ways = (menu.pickup, menu.delivery, menu.delivery_fee_fen) == (draft.pickup, draft.delivery,
                                                                        draft.delivery_fee_fen)
    same_dishes = sorted((d.name, d.price_fen) for d in dishes) == sorted((d.name, d.price_fen) for d in draft.dishes)
    if not (same_ways and same_dishes):
        raise _invalid("已有订单的菜单不能更改菜品、价格和取餐方式，只能增加份数", "dishes")
    portions = {d.name: d.portions for d in draft.dishes}
    if any(portions[d.name] < d.portions for d in dishes):
        raise _invalid("已有订单的菜单只能增加份数", "dishes")


async def save_menu(actor: Actor, *, provider_id: UUID, draft: MenuDraft) -> MealMenu:
    """The provider's meals of a day for a community it serves (created or replaced)."""
    draft.check()
    async with transaction() as tx:
        provider = await access.get_provider_for_admin(actor, provider_id, tx=tx, lock=True)
        if ServiceCategory.MEALS.value not in provider.categories:
            raise _invalid("本服务商未开通助餐服务", "providerId")
        if not await ProviderCommunity.filter(provider_id=provider.id, community_id=draft.community_id
                                              ).using_db(tx).exists():
            raise DomainError(ErrorCode.NOT_FOUND, "本服务商不服务该社区", field="communityId")
        values = dict(cutoff_at=draft.cutoff_at, pickup=draft.pickup, delivery=draft.delivery,
                      delivery_fee_fen=draft.delivery_fee_fen)
        menu = await MealMenu.filter(provider_id=provider.id, community_id=draft.community_id, day=draft.day
                                     ).select_for_update().using_db(tx).first()
        if menu is None:
            menu = await MealMenu.create(provider_id=provider.id, community_id=draft.community_id, day=draft.day,
                                         **values, using_db=tx)
            await MealDish.bulk_create([MealDish(menu_id=menu.id, name=d.name, price_fen=d.price_fen,
                                                 portions=d.portions) for d in draft.dishes], using_db=tx)
        elif await Order.filter(menu_id=menu.id).using_db(tx).exists():
            dishes = await MealDish.filter(menu_id=menu.id).using_db(tx)
            _keeps_ordered_dishes(menu, dishes, draft)
            portions = {d.name: d.portions for d in draft.dishes}
            for dish in dishes:
                await MealDish.filter(id=dish.id).using_db(tx).update(portions=portions[dish.name])
            menu.cutoff_at = draft.cutoff_at
            await menu.save(using_db=tx, update_fields=["cutoff_at"])
        else:
            menu.update_from_dict(values)
            await menu.save(using_db=tx)
            await MealDish.filter(menu_id=menu.id).using_db(tx).delete()
            await MealDish.bulk_create([MealDish(menu_id=menu.id, name=d.name, price_fen=d.price_fen,
                                                 portions=d.portions) for d in draft.dishes], using_db=tx)
        await audit.record(tx, actor, "service.menu_save", "service_provider", provider.id,
                           community_id=draft.community_id,
                           after={"day": draft.day.isoformat(), "dishes": [d.name for d in draft.dishes]})
    return await menu_loaded(menu.id)


async def menu_loaded(menu_id: UUID) -> MealMenu:
    return await MealMenu.filter(id=menu_id).select_related("provider", "community").prefetch_related("dishes").get()


def day_range(day_from: date, days: int) -> tuple[datetime, datetime]:
    """From the start of `day_from` (Asia/Shanghai) for `days` days."""
    if not 1 <= days <= MAX_DAYS:
        raise _invalid(f"一次最多查看 {MAX_DAYS} 天", "days")
    start = datetime.combine(day_from, time(0), SHANGHAI)
    return start, start + timedelta(days=days)


async def provider_services(actor: Actor, *, provider_id: UUID, first: int, after: str | None) -> Page[Service]:
    """The provider's services, active or not, oldest first, for its admin (the console's 服务项目)."""
    provider = await access.get_provider_for_admin(actor, provider_id)
    return await paginate(Service.filter(provider_id=provider.id).select_related("provider"), first=first, after=after)


async def provider_slots(actor: Actor, *, provider_id: UUID, day_from: date, days: int) -> list[Slot]:
    """The provider's slots of those days, booked or not, for its admin."""
    start, end = day_range(day_from, days)
    provider = await access.get_provider_for_admin(actor, provider_id)
    return await Slot.filter(provider_id=provider.id, starts_at__gte=start, starts_at__lt=end).order_by("starts_at")


async def provider_menus(actor: Actor, *, provider_id: UUID, day_from: date, days: int) -> list[MealMenu]:
    """The provider's menus of those days in every community it serves, for its admin."""
    start, end = day_range(day_from, days)
    provider = await access.get_provider_for_admin(actor, provider_id)
    return await MealMenu.filter(provider_id=provider.id, day__gte=start.date(), day__lt=end.date()).select_related(
        "provider", "community").prefetch_related("dishes").order_by("day", "community_id")
