"""Booking and paying: the shared order builder (`create_order`, which the meals call too), a
resident's booking of a slot, the quote shown before it, paying through the gateway, and the
sandbox's 模拟支付.

A slot's place is taken by one conditional update (`booked = booked + 1 WHERE booked < capacity`), so
concurrent bookings never pass its capacity; the row lock PostgreSQL takes for the update makes the
others wait and re-check. Paying writes the Payment row first (its idempotency key), then calls the
gateway outside any transaction (a network call), then stores the reference: a retry sends the same
key and gets the same session."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from tortoise.expressions import F

from backend.accounts.models import WechatAccount
from backend.audit import service as audit
from backend.core.actor import Actor, ProxyScope
from backend.core.bulk import insert_ignoring_conflicts
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.settings import get_settings
from backend.payments.models import Payment, PaymentKind, PaymentState
from backend.payments.port import (
    ChargeRequest,
    ChargeSession,
    EventKind,
    Payee,
    PaymentGatewayName,
    gateway,
    idempotency_key,
)
from backend.payments.sandbox import SandboxGateway
from backend.registry.models import Membership, PersonRoom
from backend.services import money, orders, payment_events, rules
from backend.services.models import (
    PAY_WITHIN_MINUTES,
    Fulfilment,
    MealMenu,
    Order,
    OrderLine,
    OrderLinePayer,
    OrderState,
    PayerKind,
    Provider,
    ProviderCommunity,
    ProviderState,
    Service,
    ServiceCategory,
    Slot,
    SubsidyTier,
)
from backend.services.states import ORDER_STATES

MAX_QUANTITY = 24
MAX_NOTE = 200


@dataclass(frozen=True)
class PayerSpec:
    kind: PayerKind
    amount_fen: int
    tier: SubsidyTier | None = None


@dataclass(frozen=True)
class LineSpec:
    description: str
    unit_price_fen: int
    quantity: int
    payers: list[PayerSpec] = field(default_factory=list)
    dish_id: UUID | None = None

    @property
    def amount_fen(self) -> int:
        return self.unit_price_fen * self.quantity


def _invalid(message: str, field_name: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, message, field=field_name)


def _check_lines(lines: list[LineSpec]) -> None:
    if not lines:
        raise _invalid("订单至少要有一项", "lines")
    for line in lines:
        if line.unit_price_fen < 0 or line.quantity <= 0:
            raise _invalid("单价不能为负，数量须为正", "lines")
        if any(p.amount_fen < 0 for p in line.payers) or sum(p.amount_fen for p in line.payers) != line.amount_fen:
            raise _invalid("每一项的付款方金额之和须等于该项金额", "lines")


async def create_order(tx, *, resident_id: UUID, placed_by_id: UUID, provider: Provider, category: ServiceCategory,
                       community_id: UUID, lines: list[LineSpec], fulfilment: Fulfilment, scheduled_at: datetime,
                       service: Service | None = None, slot: Slot | None = None, menu: MealMenu | None = None,
                       actor: Actor, room_id: UUID | None = None, note: str = "") -> Order:
    """The order with its lines and payers, the commission rule and the cancellation tiers in force
    copied, in `tx`. It waits for payment (pay_by), or is PAID at once when nothing goes through a
    gateway (a free category, or a subsidy that pays everything: then only the subsidy's hold)."""
    _check_lines(lines)
    payers = [p for line in lines for p in line.payers]
    resident_fen = sum(p.amount_fen for p in payers if p.kind is PayerKind.RESIDENT)
    subsidy_fen = sum(p.amount_fen for p in payers if p.kind is PayerKind.SUBSIDY)
    amount_fen = resident_fen + subsidy_fen
    paid = await rules.is_paid(community_id, category, tx=tx)
    rule = await rules.commission_rule_for(provider.id, category, tx=tx)
    commission = rules.commission_on(rule, amount_fen=amount_fen, subsidy_fen=subsidy_fen) if paid else 0
    now = clock.now()
    order = await Order.create(
        community_id=community_id, resident_id=resident_id, placed_by_id=placed_by_id, provider_id=provider.id,
        category=category, service=service, slot=slot, menu=menu, room_id=room_id, fulfilment=fulfilment,
        scheduled_at=scheduled_at, note=note, state=OrderState.PENDING_PAYMENT, amount_fen=amount_fen,
        resident_fen=resident_fen, subsidy_fen=subsidy_fen, commission_fen=commission, commission_rule=rule,
        cancellation_tiers=rules.CANCELLATION_TIERS,
        gateway=PaymentGatewayName(get_settings().payment_gateway) if paid else PaymentGatewayName.NONE,
        pay_by=now + timedelta(minutes=PAY_WITHIN_MINUTES), using_db=tx)
    for spec in lines:
        line = await OrderLine.create(order=order, description=spec.description[:60], dish_id=spec.dish_id,
                                      unit_price_fen=spec.unit_price_fen, quantity=spec.quantity,
                                      amount_fen=spec.amount_fen, using_db=tx)
        for payer in spec.payers:
            await OrderLinePayer.create(line=line, order=order, kind=payer.kind, tier=payer.tier,
                                        amount_fen=payer.amount_fen, using_db=tx)
    await ORDER_STATES.record(tx, order, OrderState.PENDING_PAYMENT, actor=actor)
    if not paid or resident_fen == 0:
        await orders.mark_paid(tx, order)
    else:
        orders.publish_update(tx, order.id)
    return order


async def _bookable(tx, actor: Actor, service_id: UUID, slot_id: UUID, quantity: int,
                    room_id: UUID | None) -> tuple[UUID, Service, Slot, UUID, UUID | None]:
    """What a booking needs, checked: the resident, the active service of a verified provider, its
    slot in the future, the community (one the provider serves and the resident belongs to) and the
    room (one of the resident's homes there)."""
    me = actor.subject(ProxyScope.ORDER)
    service = await Service.filter(id=service_id).select_related("provider").using_db(tx).first()
    if service is None or not service.active or service.provider.state is not ProviderState.VERIFIED:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该服务", field="serviceId")
    served = await ProviderCommunity.filter(provider_id=service.provider_id).using_db(tx).values_list(
        "community_id", flat=True)
    communities = set(await Membership.filter(person_id=me, community_id__in=served).using_db(tx).values_list(
        "community_id", flat=True))
    if not communities:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该服务", field="serviceId")
    homes = await PersonRoom.filter(person_id=me, until=None, community_id__in=communities).order_by(
        "since").using_db(tx).values_list("room_id", "community_id")
    if room_id is not None:
        home = next((h for h in homes if h[0] == room_id), None)
        if home is None:
            raise DomainError(ErrorCode.NOT_FOUND, "找不到该房屋", field="roomId")
    else:
        home = homes[0] if homes else (None, sorted(communities)[0])
    if not service.min_quantity <= quantity <= MAX_QUANTITY:
        raise _invalid(f"数量须在 {service.min_quantity} 到 {MAX_QUANTITY} 之间", "quantity")
    slot = await Slot.filter(id=slot_id, provider_id=service.provider_id).using_db(tx).first()
    if slot is None:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该时段", field="slotId")
    if slot.starts_at <= clock.now():
        raise _invalid("该时段已开始，请选择其他时段", "slotId")
    return me, service, slot, home[1], home[0]


async def book(actor: Actor, *, service_id: UUID, slot_id: UUID, quantity: int, note: str = "",
               room_id: UUID | None = None) -> Order:
    """A resident (or their proxy with the ORDER scope) books a service in a slot."""
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise _invalid(f"备注最多 {MAX_NOTE} 个字", "note")
    async with transaction() as tx:
        me, service, slot, community_id, room = await _bookable(tx, actor, service_id, slot_id, quantity, room_id)
        taken = await Slot.filter(id=slot.id, booked__lt=F("capacity")).using_db(tx).update(booked=F("booked") + 1)
        if not taken:
            raise DomainError(ErrorCode.CONFLICT, "该时段已约满，请选择其他时段", field="slotId")
        line = LineSpec(description=service.name, unit_price_fen=service.unit_price_fen, quantity=quantity,
                        payers=[PayerSpec(PayerKind.RESIDENT, service.unit_price_fen * quantity)])
        order = await create_order(tx, resident_id=me, placed_by_id=actor.require_person(), provider=service.provider,
                                   category=service.category, community_id=community_id, lines=[line],
                                   fulfilment=Fulfilment.ON_SITE, scheduled_at=slot.starts_at, service=service,
                                   slot=slot, room_id=room, note=note, actor=actor)
        await audit.record(tx, actor, "service_order.book", "service_order", order.id, community_id=community_id,
                           after={"service": str(service.id), "slot": str(slot.id), "amountFen": order.amount_fen})
    return await orders.loaded(order.id)


@dataclass(frozen=True)
class TierFee:
    hours_before: int
    fee_bp: int
    fee_fen: int


@dataclass(frozen=True)
class Quote:
    amount_fen: int
    unit_price_fen: int
    quantity: int
    paid: bool  # False: a free category in the resident's community, nothing to pay
    tiers: list[TierFee]


async def quote(actor: Actor, *, service_id: UUID, slot_id: UUID, quantity: int) -> Quote:
    """The price of a booking and the cancellation fee of each tier, before booking (the commission
    is the platform's business, not shown to residents)."""
    async with transaction() as tx:
        _, service, _, community_id, _ = await _bookable(tx, actor, service_id, slot_id, quantity, None)
        paid = await rules.is_paid(community_id, service.category, tx=tx)
    amount = service.unit_price_fen * quantity if paid else 0
    return Quote(amount_fen=amount, unit_price_fen=service.unit_price_fen, quantity=quantity, paid=paid,
                 tiers=[TierFee(hours, bp, round(amount * bp / 10_000)) for hours, bp in rules.CANCELLATION_TIERS])


def _payee(provider: Provider, name: PaymentGatewayName) -> Payee:
    if name is PaymentGatewayName.STRIPE and not provider.stripe_account_id:
        raise _invalid("该服务商尚未开通 Stripe 收款账户，暂不能在线支付", "gateway")
    if name is PaymentGatewayName.WECHAT and not provider.wechat_sub_mchid:
        raise _invalid("该服务商尚未开通微信支付收款（子商户），暂不能在线支付", "gateway")
    return money.payee_of(provider)


def _check_payable(order: Order) -> None:
    if order.state is OrderState.PENDING_PAYMENT:
        return
    if order.state is OrderState.CANCELLED:
        raise _invalid("订单已取消，不能支付，请重新下单", "orderId")
    raise _invalid("订单已支付，请勿重复支付", "orderId")


async def pay(actor: Actor, *, order_id: UUID, gateway_name: PaymentGatewayName | None = None
              ) -> tuple[Order, ChargeSession]:
    """The resident pays a pending order: the charge at the gateway (the resident's part, with the
    commission as the application fee, to the provider's own account). Paying again while it is
    pending returns the same session."""
    async with transaction() as tx:
        order, viewer = await orders.get_order_for(actor, order_id, tx=tx, lock=True)
        if not viewer.is_resident(order):
            raise orders.not_found()
        _check_payable(order)
        name = PaymentGatewayName(gateway_name or order.gateway)
        if name is PaymentGatewayName.NONE or order.gateway is PaymentGatewayName.NONE:
            raise _invalid("该订单无需支付", "orderId")
        provider = await Provider.get(id=order.provider_id).using_db(tx)
        payee = _payee(provider, name)
        if name is not order.gateway:  # another configured gateway: a new attempt, a new key
            order.gateway, order.payment_version = name, order.payment_version + 1
            await order.save(using_db=tx, update_fields=["gateway", "payment_version", "updated_at"])
        key = idempotency_key(order.id, "pay", order.payment_version)
        await insert_ignoring_conflicts(tx, Payment, [{
            "order_id": order.id, "gateway": name.value, "kind": PaymentKind.CHARGE.value, "key": key,
            "reference": None, "amount_fen": order.resident_fen, "application_fee_fen": order.commission_fen,
            "gateway_fee_fen": 0, "state": PaymentState.PENDING.value, "failure": None, "settled_at": None,
            "updated_at": clock.now()}])
        if actor.is_proxy:
            await audit.record(tx, actor, "service_order.pay", "service_order", order.id,
                               community_id=order.community_id, after={"gateway": name.value})
    openid = await WechatAccount.filter(person_id=order.placed_by_id).values_list("openid", flat=True)
    session = await gateway(name).create_charge(ChargeRequest(
        order_id=order.id, key=key, amount_fen=order.resident_fen, application_fee_fen=order.commission_fen,
        description=f"{provider.name} 服务订单"[:60], payee=payee, payer_openid=openid[0] if openid else None))
    await Payment.filter(key=key, reference=None).update(reference=session.reference, updated_at=clock.now())
    return await orders.loaded(order.id), session


async def sandbox_pay(actor: Actor, *, order_id: UUID) -> Order:
    """模拟支付: the sandbox's signed notification that the pending charge succeeded, handled by the
    same path as a real provider's webhook."""
    order, viewer = await orders.get_order_for(actor, order_id)
    if not viewer.is_resident(order):
        raise orders.not_found()
    if order.gateway is not PaymentGatewayName.SANDBOX:
        raise DomainError(ErrorCode.NOT_AVAILABLE, "只有沙箱支付的订单可以模拟支付", field="orderId")
    _check_payable(order)
    charge = await Payment.filter(key=idempotency_key(order.id, "pay", order.payment_version)).first()
    if charge is None or charge.reference is None:
        raise _invalid("请先发起支付", "orderId")
    sandbox: SandboxGateway = gateway(PaymentGatewayName.SANDBOX)  # type: ignore[assignment]
    headers, body = sandbox.notification(kind=EventKind.CHARGE_SUCCEEDED, reference=charge.reference,
                                         order_id=order.id, amount_fen=charge.amount_fen)
    await payment_events.receive(PaymentGatewayName.SANDBOX.value.lower(), headers, body)
    return await orders.loaded(order.id)
