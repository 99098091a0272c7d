"""The paid services' catalogue: what residents browse (services of their community with the
free/paid split, a service's open slots, the day's meals) and what a provider's admin keeps
(services, slots, menus). The shared enums and small types of the services' api modules live here."""

from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from backend.api.errors import UserError, attempt
from backend.api.ids import parse_uuid
from backend.api.pagination import PageInfo
from backend.api.services_enums import ServiceCategory, ServiceUnit
from backend.core.pagination import Page
from backend.services import browse, catalogue
from backend.services.labels import CATEGORY_LABELS, UNIT_LABELS
from backend.services.models import MealMenu as MealMenuModel
from backend.services.models import Provider as ProviderModel
from backend.services.models import Slot as SlotModel


def sid(value) -> strawberry.ID:
    return strawberry.ID(str(value))


@strawberry.type(description="A provider as residents see it next to what it offers.")
class ServiceProviderBrief:
    id: strawberry.ID
    name: str

    @classmethod
    def of(cls, row: ProviderModel) -> "ServiceProviderBrief":
        return cls(id=sid(row.id), name=row.name)


@strawberry.type(description="A service of a provider's catalogue.")
class ServiceItem:
    id: strawberry.ID
    category: ServiceCategory
    category_label: str
    name: str
    description: str
    unit: ServiceUnit
    unit_label: str
    unit_price_fen: int
    min_quantity: int
    duration_minutes: int = strawberry.field(description="Of one unit on site.")
    active: bool
    provider: ServiceProviderBrief
    paid: bool | None = strawberry.field(description="Residents of the community browsed pay for its category "
                                         "(false: free there); null outside a community's list.")

    @classmethod
    def of(cls, row, paid: bool | None = None) -> "ServiceItem":
        return cls(id=sid(row.id), category=row.category, category_label=CATEGORY_LABELS[row.category],
                   name=row.name, description=row.description, unit=row.unit,
                   unit_label=UNIT_LABELS[row.unit], unit_price_fen=row.unit_price_fen,
                   min_quantity=row.min_quantity, duration_minutes=row.duration_minutes, active=row.active,
                   provider=ServiceProviderBrief.of(row.provider), paid=paid)


@strawberry.type
class ServiceItemConnection:
    nodes: list[ServiceItem]
    page_info: PageInfo


@strawberry.type(description="A time a provider can come, with its places.")
class ServiceSlot:
    id: strawberry.ID
    starts_at: datetime
    ends_at: datetime
    capacity: int
    booked: int
    left: int

    @classmethod
    def of(cls, row: SlotModel) -> "ServiceSlot":
        return cls(id=sid(row.id), starts_at=row.starts_at, ends_at=row.ends_at, capacity=row.capacity,
                   booked=row.booked, left=max(0, row.capacity - row.booked))


@strawberry.type
class MealDish:
    id: strawberry.ID
    name: str
    price_fen: int
    portions: int
    left: int = strawberry.field(description="Portions not yet ordered.")


@strawberry.type
class MenuCommunity:
    id: strawberry.ID
    name: str


@strawberry.type(description="A provider's meals of one day (Asia/Shanghai) for one community.")
class MealMenu:
    id: strawberry.ID
    day: date
    cutoff_at: datetime = strawberry.field(description="Orders close then.")
    pickup: bool = strawberry.field(description="到店取餐.")
    delivery: bool = strawberry.field(description="送餐上门, for deliveryFeeFen.")
    delivery_fee_fen: int
    provider: ServiceProviderBrief
    community: MenuCommunity
    dishes: list[MealDish]

    @classmethod
    def of(cls, row: MealMenuModel) -> "MealMenu":
        dishes = sorted(row.dishes, key=lambda d: (d.price_fen, d.name))  # as a menu board reads
        return cls(id=sid(row.id), day=row.day, cutoff_at=row.cutoff_at, pickup=row.pickup, delivery=row.delivery,
                   delivery_fee_fen=row.delivery_fee_fen, provider=ServiceProviderBrief.of(row.provider),
                   community=MenuCommunity(id=sid(row.community.id), name=row.community.name),
                   dishes=[MealDish(id=sid(d.id), name=d.name, price_fen=d.price_fen, portions=d.portions,
                                    left=max(0, d.portions - d.ordered)) for d in dishes])


@strawberry.input(description="A service to create (no id) or edit.")
class ServiceInput:
    id: strawberry.ID | None = None
    provider_id: strawberry.ID
    category: ServiceCategory = strawberry.field(description="One of the provider's categories.")
    name: str
    description: str = ""
    unit: ServiceUnit
    unit_price_fen: int = strawberry.field(description="1 to 1,000,000 fen.")
    min_quantity: int = strawberry.field(default=1, description="1 to 24 units.")
    duration_minutes: int = strawberry.field(default=60, description="Of one unit on site, 15 to 720.")
    active: bool = True


@strawberry.input
class DishInput:
    name: str
    price_fen: int
    portions: int


@strawberry.input(description="A day's menu for a community the provider serves (replaces the one there).")
class MealMenuInput:
    provider_id: strawberry.ID
    community_id: strawberry.ID
    day: date
    cutoff_at: datetime = strawberry.field(description="In the future and before the day's noon.")
    pickup: bool = True
    delivery: bool = False
    delivery_fee_fen: int = 0
    dishes: list[DishInput] = strawberry.field(description="1 to 20 dishes.")


@strawberry.type
class ServiceItemPayload:
    service: ServiceItem | None
    errors: list[UserError]


@strawberry.type
class ServiceSlotsCreatePayload:
    slots: list[ServiceSlot] = strawberry.field(description="The slots made.")
    skipped: list[datetime] = strawberry.field(description="Starts the provider already had a slot at.")
    errors: list[UserError]


@strawberry.type
class ServiceSlotPayload:
    slot: ServiceSlot | None
    errors: list[UserError]


@strawberry.type
class ServiceSlotDeletePayload:
    deleted_id: strawberry.ID | None
    errors: list[UserError]


@strawberry.type
class MealMenuPayload:
    menu: MealMenu | None
    errors: list[UserError]


def _offered(page: Page) -> ServiceItemConnection:
    return ServiceItemConnection(nodes=[ServiceItem.of(o.service, o.paid) for o in page.items],
                                 page_info=PageInfo.of(page))


@strawberry.type
class ServiceCatalogueQueries:
    @strawberry.field(description="Active services of the verified providers serving the community, each saying "
                      "whether its category is paid there; first ≤ 50. A member of the community (or a proxy with "
                      "ORDER for one).")
    async def community_services(self, info: Info, community_id: strawberry.ID, category: ServiceCategory | None = None,
                                 first: int = 20, after: str | None = None) -> ServiceItemConnection:
        page = await browse.community_services(info.context.actor, community_id=parse_uuid(community_id),
                                               category=category, first=first, after=after)
        return _offered(page)

    @strawberry.field(description="A service's future slots with places left, over `days` (1–14) days from "
                      "`from`. A member of a community its provider serves (or a proxy with ORDER for one).")
    async def service_slots(self, info: Info, service_id: strawberry.ID,
                            from_: Annotated[date, strawberry.argument(name="from")], days: int = 7
                            ) -> list[ServiceSlot]:
        rows = await browse.service_slots(info.context.actor, service_id=parse_uuid(service_id), day_from=from_,
                                          days=days)
        return [ServiceSlot.of(r) for r in rows]

    @strawberry.field(description="The provider's services, active or not, oldest first; first ≤ 50. Its admin.")
    async def provider_services(self, info: Info, provider_id: strawberry.ID, first: int = 20,
                                after: str | None = None) -> ServiceItemConnection:
        page = await catalogue.provider_services(info.context.actor, provider_id=parse_uuid(provider_id),
                                                 first=first, after=after)
        return ServiceItemConnection(nodes=[ServiceItem.of(s) for s in page.items], page_info=PageInfo.of(page))

    @strawberry.field(description="The provider's slots over `days` (1–31) days from `from`, booked or not. "
                      "Its admin.")
    async def provider_slots(self, info: Info, provider_id: strawberry.ID,
                             from_: Annotated[date, strawberry.argument(name="from")], days: int = 7
                             ) -> list[ServiceSlot]:
        rows = await catalogue.provider_slots(info.context.actor, provider_id=parse_uuid(provider_id),
                                              day_from=from_, days=days)
        return [ServiceSlot.of(r) for r in rows]

    @strawberry.field(description="The day's meal menus of verified providers for the community. A member of the "
                      "community (or a proxy with ORDER for one).")
    async def meal_menus(self, info: Info, community_id: strawberry.ID, day: date) -> list[MealMenu]:
        rows = await browse.meal_menus(info.context.actor, community_id=parse_uuid(community_id), day=day)
        return [MealMenu.of(r) for r in rows]

    @strawberry.field(description="The provider's menus over `days` (1–31) days from `from`, in every community it "
                      "serves. Its admin.")
    async def provider_menus(self, info: Info, provider_id: strawberry.ID,
                             from_: Annotated[date, strawberry.argument(name="from")], days: int = 7
                             ) -> list[MealMenu]:
        rows = await catalogue.provider_menus(info.context.actor, provider_id=parse_uuid(provider_id),
                                              day_from=from_, days=days)
        return [MealMenu.of(r) for r in rows]


@strawberry.type
class ServiceCatalogueMutations:
    @strawberry.mutation(description="Create (no id) or edit a service of the provider, in one of its categories. "
                         "The provider's admin.")
    async def service_save(self, info: Info, input: ServiceInput) -> ServiceItemPayload:
        draft = catalogue.ServiceDraft(category=input.category, name=input.name, description=input.description,
                                       unit=input.unit, unit_price_fen=input.unit_price_fen,
                                       min_quantity=input.min_quantity, duration_minutes=input.duration_minutes,
                                       active=input.active)
        row, errors = await attempt(catalogue.save_service(
            info.context.actor, provider_id=parse_uuid(input.provider_id),
            service_id=parse_uuid(input.id) if input.id is not None else None, draft=draft))
        return ServiceItemPayload(service=ServiceItem.of(row) if row else None, errors=errors)

    @strawberry.mutation(description="Slots at each of `starts` (1–50, future, within 60 days) of `durationMinutes`, "
                         "each taking `capacity` (1–50) bookings; a start that already has a slot is skipped. The "
                         "provider's admin.")
    async def service_slots_create(self, info: Info, provider_id: strawberry.ID, starts: list[datetime],
                                   duration_minutes: int, capacity: int) -> ServiceSlotsCreatePayload:
        made, errors = await attempt(catalogue.create_slots(
            info.context.actor, provider_id=parse_uuid(provider_id), starts=starts,
            duration_minutes=duration_minutes, capacity=capacity))
        return ServiceSlotsCreatePayload(slots=[ServiceSlot.of(s) for s in made.created] if made else [],
                                         skipped=made.skipped if made else [], errors=errors)

    @strawberry.mutation(description="A slot's capacity (1–50), never below its bookings. The provider's admin.")
    async def service_slot_capacity_set(self, info: Info, slot_id: strawberry.ID, capacity: int) -> ServiceSlotPayload:
        row, errors = await attempt(catalogue.set_slot_capacity(info.context.actor, slot_id=parse_uuid(slot_id),
                                                                capacity=capacity))
        return ServiceSlotPayload(slot=ServiceSlot.of(row) if row else None, errors=errors)

    @strawberry.mutation(description="Delete a slot nobody has booked. The provider's admin.")
    async def service_slot_delete(self, info: Info, slot_id: strawberry.ID) -> ServiceSlotDeletePayload:
        deleted, errors = await attempt(catalogue.delete_slot(info.context.actor, slot_id=parse_uuid(slot_id)))
        return ServiceSlotDeletePayload(deleted_id=sid(deleted) if deleted else None, errors=errors)

    @strawberry.mutation(description="The provider's menu of a day for a community it serves; once ordered from, "
                         "only more portions and another cutoff. The provider's admin (a MEALS provider).")
    async def meal_menu_save(self, info: Info, input: MealMenuInput) -> MealMenuPayload:
        draft = catalogue.MenuDraft(
            community_id=parse_uuid(input.community_id), day=input.day, cutoff_at=input.cutoff_at, pickup=input.pickup,
            delivery=input.delivery, delivery_fee_fen=input.delivery_fee_fen,
            dishes=[catalogue.DishDraft(name=d.name, price_fen=d.price_fen, portions=d.portions) for d in input.dishes])
        row, errors = await attempt(catalogue.save_menu(info.context.actor, provider_id=parse_uuid(input.provider_id),
                                                        draft=draft))
        return MealMenuPayload(menu=MealMenu.of(row) if row else None, errors=errors)
