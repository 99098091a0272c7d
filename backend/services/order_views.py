"""Reading orders: the resident's, a provider's (its admin all, a worker those assigned to them), a
community's for its SERVICES_MANAGE staff; what a list row shows, loaded for the whole page at once
(lines with payers, events, ratings, disputes: one query each); and what the caller may do next."""

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from tortoise.expressions import Q

from backend.core.actor import Actor, ProxyScope
from backend.core.clock import clock
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate, paginate_by
from backend.core.permissions import Permission, has
from backend.payments.port import PaymentGatewayName
from backend.registry.models import Room
from backend.registry.service import address_of
from backend.services import access, orders
from backend.services.models import (
    Order,
    OrderDispute,
    OrderEvent,
    OrderLine,
    OrderRating,
    OrderState,
    ProviderRole,
)
from backend.services.orders import ORDER_RELATED, Viewer

MAX_SEARCH = 40


class Action(StrEnum):
    PAY = "PAY"
    CANCEL = "CANCEL"
    CONFIRM = "CONFIRM"
    DISPUTE = "DISPUTE"
    NO_SHOW = "NO_SHOW"
    RATE = "RATE"
    ACCEPT = "ACCEPT"
    DECLINE = "DECLINE"
    DEPART = "DEPART"
    CHECK_IN = "CHECK_IN"
    START = "START"
    COMPLETE = "COMPLETE"
    RESOLVE = "RESOLVE"


S = OrderState
_RESIDENT = {S.PENDING_PAYMENT: (Action.PAY, Action.CANCEL), S.PAID: (Action.CANCEL,),
             S.ACCEPTED: (Action.CANCEL, Action.NO_SHOW), S.EN_ROUTE: (Action.NO_SHOW,),
             S.COMPLETED: (Action.CONFIRM, Action.DISPUTE), S.SETTLED: (Action.RATE,)}
_CREW = {S.ACCEPTED: (Action.DEPART,), S.EN_ROUTE: (Action.CHECK_IN,), S.CHECKED_IN: (Action.START,),
         S.IN_SERVICE: (Action.COMPLETE,)}


def actions_for(viewer: Viewer, order: Order) -> list[Action]:
    """What this caller may do with the order now (the services check again when they do it)."""
    now = clock.now()
    found: list[Action] = []
    if viewer.is_resident(order):
        for action in _RESIDENT.get(order.state, ()):
            if action is Action.PAY and order.gateway is PaymentGatewayName.NONE:
                continue
            if action is Action.NO_SHOW and now < order.scheduled_at:
                continue
            if action is Action.DISPUTE and order.confirm_by is not None and now >= order.confirm_by:
                continue
            found.append(action)
    role = viewer.provider_roles.get(order.provider_id)
    if order.state is S.PAID and role is not None:
        found.append(Action.ACCEPT)
    if viewer.is_admin(order):
        if order.state is S.PAID:
            found.append(Action.DECLINE)
        if order.state is S.ACCEPTED and Action.CANCEL not in found:
            found.append(Action.CANCEL)
    if viewer.is_admin(order) or viewer.is_worker(order):
        found += _CREW.get(order.state, ())
    if viewer.operator and order.state is S.DISPUTED:
        found.append(Action.RESOLVE)
    return found


async def my_orders(actor: Actor, *, state: OrderState | None, first: int, after: str | None) -> Page[Order]:
    """The orders of the resident I act for (myself, or my principal under the ORDER scope), newest first."""
    me = actor.subject(ProxyScope.ORDER)
    query = Order.filter(resident_id=me).select_related(*ORDER_RELATED)
    if state is not None:
        query = query.filter(state=state)
    return await paginate(query, first=first, after=after, newest_first=True)


async def provider_orders(actor: Actor, *, provider_id: UUID, states: list[OrderState] | None,
                          since: datetime | None, until: datetime | None, first: int,
                          after: str | None) -> Page[Order]:
    """A provider's orders by their booked time: all of them for its admin (and operators), the ones
    assigned to them (and the paid ones nobody took yet) for a worker; not-found for anyone else."""
    role = await access.provider_role(actor, provider_id)
    query = Order.filter(provider_id=provider_id).select_related(*ORDER_RELATED)
    if role is ProviderRole.WORKER:  # theirs, and the paid ones nobody has taken yet
        query = query.filter(Q(worker_id=actor.person_id) | Q(worker_id=None, state=OrderState.PAID))
    elif role is not ProviderRole.ADMIN and not await access.is_operator(actor):
        raise access.provider_not_found()
    if states:
        query = query.filter(state__in=states)
    if since is not None:
        query = query.filter(scheduled_at__gte=since)
    if until is not None:
        query = query.filter(scheduled_at__lt=until)
    return await paginate_by(query, ("scheduled_at",), first=first, after=after)


async def community_orders(actor: Actor, *, community_id: UUID, state: OrderState | None, search: str | None,
                           first: int, after: str | None) -> Page[Order]:
    """A community's orders, newest first, for its SERVICES_MANAGE staff (read only): by state, and by
    the provider's or the resident's name."""
    if actor.is_proxy or not has(actor, Permission.SERVICES_MANAGE, community_id):
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该社区", field="communityId")
    query = Order.filter(community_id=community_id).select_related(*ORDER_RELATED)
    if state is not None:
        query = query.filter(state=state)
    search = (search or "").strip()[:MAX_SEARCH]
    if search:
        query = query.filter(Q(provider__name__icontains=search) | Q(resident__display_name__icontains=search))
    return await paginate(query, first=first, after=after, newest_first=True)


async def disputed_orders(actor: Actor, *, first: int, after: str | None) -> Page[Order]:
    """Every community's disputed orders, the longest waiting first, for the operator who rules on them."""
    await access.require_operator(actor)
    query = Order.filter(state=OrderState.DISPUTED).select_related(*ORDER_RELATED)
    return await paginate(query, first=first, after=after)


async def lines_of(order_ids: list[UUID]) -> list[list[OrderLine]]:
    # In the order they were written (the delivery fee last): ids of one millisecond need not sort so.
    lines = await OrderLine.filter(order_id__in=order_ids).prefetch_related("payers").order_by("created_at", "id")
    return [[line for line in lines if line.order_id == i] for i in order_ids]


async def events_of(order_ids: list[UUID]) -> list[list[OrderEvent]]:
    events = await OrderEvent.filter(order_id__in=order_ids).order_by("created_at", "id")
    return [[e for e in events if e.order_id == i] for i in order_ids]


async def ratings_of(order_ids: list[UUID]) -> list[OrderRating | None]:
    found = {r.order_id: r for r in await OrderRating.filter(order_id__in=order_ids)}
    return [found.get(i) for i in order_ids]


async def addresses_of(room_ids: list[UUID]) -> list[str | None]:
    rooms = await Room.filter(id__in=room_ids).select_related("unit__building__estate")
    found = {r.id: address_of(r) for r in rooms}
    return [found.get(i) for i in room_ids]


async def disputes_of(order_ids: list[UUID]) -> list[OrderDispute | None]:
    found = {d.order_id: d for d in await OrderDispute.filter(order_id__in=order_ids)}
    return [found.get(i) for i in order_ids]


async def get_order(actor: Actor, order_id: UUID) -> tuple[Order, Viewer]:
    """One order as the caller may see it, with its provider, service and worker."""
    order, viewer = await orders.get_order_for(actor, order_id)
    return await orders.loaded(order.id), viewer
