"""What residents see of the catalogue: the services of verified providers serving their community
(and whether the community makes them pay), a service's open slots, and the day's meal menus.

For `actor.subject(ProxyScope.ORDER)`, who must be a member of the community: a relative with the
ORDER scope browses for the elder. Anything else is not found."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from tortoise.expressions import F

from backend.core.actor import Actor, ProxyScope
from backend.core.clock import clock
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate
from backend.registry.models import Membership
from backend.services.catalogue import day_range
from backend.services.models import MealMenu, ProviderCommunity, ProviderState, Service, ServiceCategory, Slot
from backend.services.policies import paid_by_category

MAX_BROWSE_DAYS = 14


async def require_member(actor: Actor, community_id: UUID) -> UUID:
    """The person orders are for, a member of the community; not-found otherwise."""
    me = actor.subject(ProxyScope.ORDER)
    if not await Membership.filter(person_id=me, community_id=community_id).exists():
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该社区", field="communityId")
    return me


@dataclass
class Offered:
    service: Service  # its provider loaded
    paid: bool  # residents of the community pay for its category


async def community_services(actor: Actor, *, community_id: UUID, category: ServiceCategory | None, first: int,
                             after: str | None) -> Page[Offered]:
    """Active services of the verified providers serving the community, oldest first."""
    await require_member(actor, community_id)
    query = Service.filter(active=True, provider__state=ProviderState.VERIFIED,
                           provider__served__community_id=community_id).select_related("provider")
    if category is not None:
        query = query.filter(category=category)
    page = await paginate(query, first=first, after=after)
    paid = await paid_by_category(community_id)
    return Page([Offered(s, paid[s.category]) for s in page.items], page.has_next_page, page.end_cursor, page.count)


async def get_service_for(actor: Actor, service_id: UUID) -> Service:
    """An active service of a verified provider serving one of my (my principal's) communities."""
    me = actor.subject(ProxyScope.ORDER)
    service = await Service.filter(id=service_id, active=True, provider__state=ProviderState.VERIFIED
                                   ).select_related("provider").first()
    if service is not None:
        mine = await Membership.filter(person_id=me).values_list("community_id", flat=True)
        if await ProviderCommunity.filter(provider_id=service.provider_id, community_id__in=mine).exists():
            return service
    raise DomainError(ErrorCode.NOT_FOUND, "找不到该服务", field="serviceId")


async def service_slots(actor: Actor, *, service_id: UUID, day_from: date, days: int) -> list[Slot]:
    """The provider's future slots of those days with places left, earliest first."""
    if not 1 <= days <= MAX_BROWSE_DAYS:
        raise DomainError(ErrorCode.INVALID_INPUT, f"一次最多查看 {MAX_BROWSE_DAYS} 天", field="days")
    start, end = day_range(day_from, days)
    service = await get_service_for(actor, service_id)
    return await Slot.filter(provider_id=service.provider_id, starts_at__gte=max(start, clock.now()),
                             starts_at__lt=end, booked__lt=F("capacity")).order_by("starts_at")


async def meal_menus(actor: Actor, *, community_id: UUID, day: date) -> list[MealMenu]:
    """The day's menus of verified providers for the community, with their dishes."""
    await require_member(actor, community_id)
    return await MealMenu.filter(community_id=community_id, day=day, provider__state=ProviderState.VERIFIED
                                 ).select_related("provider", "community").prefetch_related("dishes").order_by("id")
