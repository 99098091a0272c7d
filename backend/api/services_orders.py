"""Paid-service orders: the quote, booking and paying (the sandbox's 模拟支付 too), every move of the
order's life, the resident's, the provider's and the community's lists, one order, and its live
updates. The rules and who may do what are the services' (backend/services/booking.py,
transitions.py, order_views.py); an order outside the caller's reach is not found."""

import json
from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated
from uuid import UUID

import strawberry
from strawberry.types import Info

from backend.api.errors import UserError, attempt
from backend.api.ids import parse_uuid
from backend.api.pagination import Counted, PageInfo
from backend.api.services_enums import PaymentGateway
from backend.core.errors import DomainError, ErrorCode
from backend.core.runtime import runtime
from backend.core.settings import get_settings
from backend.media.signing import signed_url
from backend.services import booking, order_views, orders, transitions
from backend.services.labels import CATEGORY_LABELS
from backend.services.models import DisputeOutcome as DisputeOutcomeEnum
from backend.services.models import Fulfilment as FulfilmentEnum
from backend.services.models import Order as OrderModel
from backend.services.models import OrderState as OrderStateEnum
from backend.services.models import PayerKind as PayerKindEnum
from backend.services.states import ORDER_STATES

ServiceOrderState = strawberry.enum(OrderStateEnum, name="ServiceOrderState")
ServiceOrderAction = strawberry.enum(order_views.Action, name="ServiceOrderAction",
                                     description="What the caller may do with the order now.")
ServiceOrderFulfilment = strawberry.enum(FulfilmentEnum, name="ServiceOrderFulfilment")
ServiceOrderPayerKind = strawberry.enum(PayerKindEnum, name="ServiceOrderPayerKind")
ServiceDisputeOutcome = strawberry.enum(DisputeOutcomeEnum, name="ServiceDisputeOutcome")


@strawberry.type
class ServiceOrderParty:
    id: strawberry.ID
    name: str


@strawberry.type
class ServiceOrderService:
    id: strawberry.ID
    name: str
    unit: str = strawberry.field(description="HOUR, ITEM or MEAL.")


@strawberry.type
class ServiceOrderPayer:
    kind: ServiceOrderPayerKind
    tier: str | None = strawberry.field(description="SUBSIDY: the subsidy tier it was granted for.")
    amount_fen: int


@strawberry.type
class ServiceOrderLine:
    description: str
    unit_price_fen: int
    quantity: int
    amount_fen: int
    payers: list[ServiceOrderPayer]


@strawberry.type
class CancellationTier:
    hours_before: int = strawberry.field(description="The fee applies from this many hours before the slot.")
    fee_bp: int = strawberry.field(description="Of the amount, in basis points (2000 = 20 %).")


@strawberry.type
class ServiceOrderEvent:
    to_state: ServiceOrderState
    label: str
    at: datetime
    reason: str | None


@strawberry.type
class ServiceOrderRating:
    stars: int
    comment: str


@strawberry.type
class ServiceOrderDispute:
    reason: str
    outcome: ServiceDisputeOutcome | None
    refund_fen: int | None
    decision_note: str | None
    decided_at: datetime | None
    created_at: datetime


def _party(row) -> ServiceOrderParty | None:
    if row is None:
        return None
    return ServiceOrderParty(id=strawberry.ID(str(row.id)), name=getattr(row, "name", None) or row.display_name)


@strawberry.type(description="A resident's booking of a provider's service (or a day's meals).")
class ServiceOrder:
    row: strawberry.Private[OrderModel]
    viewer: strawberry.Private[orders.Viewer]
    id: strawberry.ID
    state: ServiceOrderState
    state_label: str
    category: str = strawberry.field(description="HOUSEKEEPING, LAUNDRY, ERRANDS or MEALS.")
    category_label: str
    provider: ServiceOrderParty
    service: ServiceOrderService | None
    scheduled_at: datetime
    fulfilment: ServiceOrderFulfilment
    note: str
    amount_fen: int
    resident_fen: int
    subsidy_fen: int
    refunded_fen: int
    commission_fen: int | None = strawberry.field(description="The platform's commission: for the provider's "
                                                  "admin and operators only.")
    cancellation_tiers: list[CancellationTier] = strawberry.field(description="Shown before paying.")
    cancellation_fee_now_fen: int = strawberry.field(description="What the resident's cancellation costs now.")
    worker: ServiceOrderParty | None
    checked_in_at: datetime | None
    check_in_photo_url: str | None
    completed_at: datetime | None
    confirm_by: datetime | None
    accept_by: datetime | None
    pay_by: datetime | None
    gateway: PaymentGateway
    actions: list[ServiceOrderAction] = strawberry.field(description="What I may do now.")

    @classmethod
    def of(cls, row: OrderModel, viewer: orders.Viewer) -> "ServiceOrder":
        service = row.service
        return cls(
            row=row, viewer=viewer, id=strawberry.ID(str(row.id)), state=row.state,
            state_label=ORDER_STATES.state_names[row.state], category=row.category.value,
            category_label=CATEGORY_LABELS[row.category], provider=_party(row.provider),
            service=ServiceOrderService(id=strawberry.ID(str(service.id)), name=service.name, unit=service.unit.value)
            if service else None,
            scheduled_at=row.scheduled_at, fulfilment=row.fulfilment, note=row.note, amount_fen=row.amount_fen,
            resident_fen=row.resident_fen, subsidy_fen=row.subsidy_fen, refunded_fen=row.refunded_fen,
            commission_fen=row.commission_fen if viewer.sees_commission(row) else None,
            cancellation_tiers=[CancellationTier(hours_before=h, fee_bp=bp) for h, bp in row.cancellation_tiers],
            cancellation_fee_now_fen=transitions.fee_now(row), worker=_party(row.worker),
            checked_in_at=row.checked_in_at,
            check_in_photo_url=signed_url(get_settings(), row.check_in_photo_id) if row.check_in_photo_id else None,
            completed_at=row.completed_at, confirm_by=row.confirm_by, accept_by=row.accept_by, pay_by=row.pay_by,
            gateway=row.gateway, actions=order_views.actions_for(viewer, row))

    @strawberry.field
    async def lines(self, info: Info) -> list[ServiceOrderLine]:
        rows = await info.context.loader("services.order_lines", order_views.lines_of).load(self.row.id)
        return [ServiceOrderLine(description=line.description, unit_price_fen=line.unit_price_fen,
                                 quantity=line.quantity, amount_fen=line.amount_fen,
                                 payers=[ServiceOrderPayer(kind=p.kind, tier=p.tier.value if p.tier else None,
                                                           amount_fen=p.amount_fen) for p in line.payers])
                for line in rows]

    @strawberry.field(description="Every change, oldest first (the first one is the booking).")
    async def events(self, info: Info) -> list[ServiceOrderEvent]:
        rows = await info.context.loader("services.order_events", order_views.events_of).load(self.row.id)
        return [ServiceOrderEvent(to_state=e.to_state, label="已下单" if e.from_state == e.to_state
                                  else ORDER_STATES.state_names[e.to_state], at=e.created_at, reason=e.reason)
                for e in rows]

    @strawberry.field(description="Where the service happens, the resident's room (阳光花园 1栋 1单元 101): for the "
                      "resident (or their proxy with ORDER), the provider's admin and the worker assigned; null for "
                      "anyone else.")
    async def address(self, info: Info) -> str | None:
        if self.row.room_id is None or not self.viewer.sees_address(self.row):
            return None
        return await info.context.loader("services.order_addresses", order_views.addresses_of).load(self.row.room_id)

    @strawberry.field
    async def rating(self, info: Info) -> ServiceOrderRating | None:
        row = await info.context.loader("services.order_ratings", order_views.ratings_of).load(self.row.id)
        return ServiceOrderRating(stars=row.stars, comment=row.comment) if row else None

    @strawberry.field
    async def dispute(self, info: Info) -> ServiceOrderDispute | None:
        row = await info.context.loader("services.order_disputes", order_views.disputes_of).load(self.row.id)
        if row is None:
            return None
        return ServiceOrderDispute(reason=row.reason, outcome=row.outcome, refund_fen=row.refund_fen,
                                   decision_note=row.decision_note, decided_at=row.decided_at,
                                   created_at=row.created_at)


@strawberry.type
class ServiceOrderConnection(Counted):
    nodes: list[ServiceOrder]
    page_info: PageInfo


@strawberry.type
class ServiceOrderPayload:
    order: ServiceOrder | None
    errors: list[UserError]


@strawberry.type
class ServiceOrderPayPayload:
    order: ServiceOrder | None
    gateway: PaymentGateway | None
    client_params: str | None = strawberry.field(description="What the client needs to pay, as a JSON string "
                                                 "(Stripe's client secret, WeChat's JSAPI parameters).")
    errors: list[UserError]


@strawberry.type
class QuotedTier:
    hours_before: int
    fee_bp: int
    fee_fen: int = strawberry.field(description="The cancellation fee of this tier for this booking.")


@strawberry.type(description="The price of a booking before it is made.")
class ServiceOrderQuote:
    amount_fen: int
    unit_price_fen: int
    quantity: int
    paid: bool = strawberry.field(description="False: the category is free in my community.")
    cancellation_tiers: list[QuotedTier]


async def order_payload(info: Info, call) -> ServiceOrderPayload:
    row, errors = await attempt(call)
    if row is None:
        return ServiceOrderPayload(order=None, errors=errors)
    return ServiceOrderPayload(order=ServiceOrder.of(row, await orders.viewer_of(info.context.actor)), errors=errors)


def _connection(page, viewer: orders.Viewer) -> ServiceOrderConnection:
    return ServiceOrderConnection(nodes=[ServiceOrder.of(row, viewer) for row in page.items],
                                  page_info=PageInfo.of(page), page=page)


def _optional(value) -> UUID | None:
    return parse_uuid(value) if value is not None else None


@strawberry.type
class ServiceOrderQueries:
    @strawberry.field(description="The price and cancellation fees of booking a service's slot (a resident of a "
                      "community the provider serves, or their proxy with ORDER).")
    async def service_order_quote(self, info: Info, service_id: strawberry.ID, slot_id: strawberry.ID,
                                  quantity: int) -> ServiceOrderQuote:
        found = await booking.quote(info.context.actor, service_id=parse_uuid(service_id),
                                    slot_id=parse_uuid(slot_id), quantity=quantity)
        return ServiceOrderQuote(amount_fen=found.amount_fen, unit_price_fen=found.unit_price_fen,
                                 quantity=found.quantity, paid=found.paid,
                                 cancellation_tiers=[QuotedTier(hours_before=t.hours_before, fee_bp=t.fee_bp,
                                                                fee_fen=t.fee_fen) for t in found.tiers])

    @strawberry.field(description="My service orders (or my principal's, with ORDER), newest first; first ≤ 50.")
    async def my_service_orders(self, info: Info, state: ServiceOrderState | None = None, first: int = 20,
                                after: str | None = None) -> ServiceOrderConnection:
        actor = info.context.actor
        page = await order_views.my_orders(actor, state=state, first=first, after=after)
        return _connection(page, await orders.viewer_of(actor))

    @strawberry.field(description="One order: for its resident (or their proxy with ORDER), its provider's admin, "
                      "its assigned worker, the community's SERVICES_MANAGE staff and operators. Null otherwise.")
    async def service_order(self, info: Info, id: strawberry.ID) -> ServiceOrder | None:
        try:
            row, viewer = await order_views.get_order(info.context.actor, parse_uuid(id))
        except DomainError as error:
            if error.code != ErrorCode.NOT_FOUND:
                raise
            return None
        return ServiceOrder.of(row, viewer)

    @strawberry.field(description="A provider's orders by booked time: its admin (and operators) all of them, a "
                      "worker those assigned to them; from ≤ scheduledAt < to; first ≤ 50.")
    async def provider_orders(self, info: Info, provider_id: strawberry.ID,
                              states: list[ServiceOrderState] | None = None,
                              from_: Annotated[datetime | None, strawberry.argument(name="from")] = None,
                              to: datetime | None = None, first: int = 20,
                              after: str | None = None) -> ServiceOrderConnection:
        actor = info.context.actor
        page = await order_views.provider_orders(actor, provider_id=parse_uuid(provider_id), states=states,
                                                 since=from_, until=to, first=first, after=after)
        return _connection(page, await orders.viewer_of(actor))

    @strawberry.field(description="A community's service orders, newest first, by state and by provider or "
                      "resident name: SERVICES_MANAGE in the community (read only); first ≤ 50.")
    async def community_service_orders(self, info: Info, community_id: strawberry.ID,
                                       state: ServiceOrderState | None = None, search: str | None = None,
                                       first: int = 20, after: str | None = None) -> ServiceOrderConnection:
        actor = info.context.actor
        page = await order_views.community_orders(actor, community_id=parse_uuid(community_id), state=state,
                                                  search=search, first=first, after=after)
        return _connection(page, await orders.viewer_of(actor))

    @strawberry.field(description="Every community's disputed orders, the longest waiting first, to rule on: "
                      "PLATFORM_OPERATE; first ≤ 50.")
    async def disputed_service_orders(self, info: Info, first: int = 20,
                                      after: str | None = None) -> ServiceOrderConnection:
        actor = info.context.actor
        page = await order_views.disputed_orders(actor, first=first, after=after)
        return _connection(page, await orders.viewer_of(actor))


@strawberry.type
class ServiceOrderMutations:
    @strawberry.mutation(description="Book a service in a slot (a resident of a community the provider serves, or "
                         "their proxy with ORDER). A full slot gives CONFLICT. The room defaults to my home.")
    async def service_order_book(self, info: Info, service_id: strawberry.ID, slot_id: strawberry.ID,
                                 quantity: int, note: str | None = None,
                                 room_id: strawberry.ID | None = None) -> ServiceOrderPayload:
        return await order_payload(info, booking.book(info.context.actor, service_id=parse_uuid(service_id),
                                                      slot_id=parse_uuid(slot_id), quantity=quantity, note=note or "",
                                                      room_id=_optional(room_id)))

    @strawberry.mutation(description="Pay my pending order (the resident or their proxy with ORDER): the gateway's "
                         "session for the client. Paying again while pending returns the same session.")
    async def service_order_pay(self, info: Info, order_id: strawberry.ID,
                                gateway: PaymentGateway | None = None) -> ServiceOrderPayPayload:
        result, errors = await attempt(booking.pay(info.context.actor, order_id=parse_uuid(order_id),
                                                   gateway_name=gateway))
        if result is None:
            return ServiceOrderPayPayload(order=None, gateway=None, client_params=None, errors=errors)
        row, session = result
        return ServiceOrderPayPayload(order=ServiceOrder.of(row, await orders.viewer_of(info.context.actor)),
                                      gateway=row.gateway, client_params=json.dumps(session.client_params),
                                      errors=[])

    @strawberry.mutation(description="模拟支付: the sandbox's notification that my pending sandbox order was paid "
                         "(the resident or their proxy with ORDER; SANDBOX orders only).")
    async def service_order_sandbox_pay(self, info: Info, order_id: strawberry.ID) -> ServiceOrderPayload:
        return await order_payload(info, booking.sandbox_pay(info.context.actor, order_id=parse_uuid(order_id)))

    @strawberry.mutation(description="Accept a paid order: the provider's admin (assigning a worker, optional) or a "
                         "worker of the provider for themselves.")
    async def service_order_accept(self, info: Info, order_id: strawberry.ID,
                                   worker_id: strawberry.ID | None = None) -> ServiceOrderPayload:
        return await order_payload(info, transitions.accept(info.context.actor, order_id=parse_uuid(order_id),
                                                            worker_id=_optional(worker_id)))

    @strawberry.mutation(description="Decline a paid order with a reason (the provider's admin): refunded in full.")
    async def service_order_decline(self, info: Info, order_id: strawberry.ID, reason: str) -> ServiceOrderPayload:
        return await order_payload(info, transitions.decline(info.context.actor, order_id=parse_uuid(order_id),
                                                             reason=reason))

    @strawberry.mutation(description="On the way (the assigned worker or the provider's admin).")
    async def service_order_depart(self, info: Info, order_id: strawberry.ID) -> ServiceOrderPayload:
        return await order_payload(info, transitions.depart(info.context.actor, order_id=parse_uuid(order_id)))

    @strawberry.mutation(description="Arrived, with a photo: my proof_photo upload (the assigned worker or the "
                         "provider's admin).")
    async def service_order_check_in(self, info: Info, order_id: strawberry.ID,
                                     photo_upload_id: strawberry.ID) -> ServiceOrderPayload:
        return await order_payload(info, transitions.check_in(info.context.actor, order_id=parse_uuid(order_id),
                                                              photo_upload_id=parse_uuid(photo_upload_id)))

    @strawberry.mutation(description="Service started (the assigned worker or the provider's admin).")
    async def service_order_start(self, info: Info, order_id: strawberry.ID) -> ServiceOrderPayload:
        return await order_payload(info, transitions.start(info.context.actor, order_id=parse_uuid(order_id)))

    @strawberry.mutation(description="Service done (the assigned worker or the provider's admin): the resident has "
                         "48 h to confirm or dispute.")
    async def service_order_complete(self, info: Info, order_id: strawberry.ID) -> ServiceOrderPayload:
        return await order_payload(info, transitions.complete(info.context.actor, order_id=parse_uuid(order_id)))

    @strawberry.mutation(description="Confirm my completed order (the resident or their proxy with ORDER).")
    async def service_order_confirm(self, info: Info, order_id: strawberry.ID) -> ServiceOrderPayload:
        return await order_payload(info, transitions.confirm(info.context.actor, order_id=parse_uuid(order_id)))

    @strawberry.mutation(description="Cancel: the resident (or their proxy with ORDER; free until accepted, then "
                         "the tier's fee), or the provider's admin with a reason (refunded in full).")
    async def service_order_cancel(self, info: Info, order_id: strawberry.ID,
                                   reason: str | None = None) -> ServiceOrderPayload:
        return await order_payload(info, transitions.cancel(info.context.actor, order_id=parse_uuid(order_id),
                                                            reason=reason))

    @strawberry.mutation(description="Nobody came (the resident or their proxy with ORDER, after the booked time): "
                         "refunded in full.")
    async def service_order_no_show(self, info: Info, order_id: strawberry.ID) -> ServiceOrderPayload:
        return await order_payload(info, transitions.report_no_show(info.context.actor, order_id=parse_uuid(order_id)))

    @strawberry.mutation(description="Dispute my completed order before it is confirmed (the resident or their "
                         "proxy with ORDER): the operator decides.")
    async def service_order_dispute(self, info: Info, order_id: strawberry.ID, reason: str) -> ServiceOrderPayload:
        return await order_payload(info, transitions.dispute(info.context.actor, order_id=parse_uuid(order_id),
                                                             reason=reason))

    @strawberry.mutation(description="Decide a dispute (PLATFORM_OPERATE): RELEASE, PARTIAL (refundFen back) or "
                         "REFUND, with a note.")
    async def service_order_dispute_resolve(self, info: Info, order_id: strawberry.ID, outcome: ServiceDisputeOutcome,
                                            note: str, refund_fen: int | None = None) -> ServiceOrderPayload:
        return await order_payload(info, transitions.resolve_dispute(
            info.context.actor, order_id=parse_uuid(order_id), outcome=outcome, refund_fen=refund_fen, note=note))

    @strawberry.mutation(description="Rate my settled order once, 1–5 stars, a comment of at most 300 characters "
                         "(the resident or their proxy with ORDER).")
    async def service_order_rate(self, info: Info, order_id: strawberry.ID, stars: int,
                                 comment: str | None = None) -> ServiceOrderPayload:
        return await order_payload(info, transitions.rate(info.context.actor, order_id=parse_uuid(order_id),
                                                          stars=stars, comment=comment))


@strawberry.type
class ServiceOrderSubscriptions:
    @strawberry.subscription(description="An order as it changes, after each change commits: for whoever may see it.")
    async def service_order_updated(self, info: Info, order_id: strawberry.ID) -> AsyncGenerator[ServiceOrder, None]:
        actor = info.context.actor
        order, viewer = await order_views.get_order(actor, parse_uuid(order_id))
        async for _ in runtime().pubsub.subscribe(orders.channel(order.id)):
            yield ServiceOrder.of(await orders.loaded(order.id), viewer)
