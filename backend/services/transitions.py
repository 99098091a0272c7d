"""The moves of an order after booking (backend/services/states.py), each one transaction with its
access check: the provider accepts or declines and its crew (the assigned worker or the admin) goes,
checks in with a photo, starts and completes; the resident confirms, cancels, reports a no-show,
disputes and rates; the operator decides disputes. Money follows the refund matrix (refunds.py); the
resident hears of every move they did not make themselves, and live followers of all of them."""

from datetime import timedelta
from uuid import UUID

from tortoise.expressions import F

from backend.audit import service as audit
from backend.core import outbox
from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.media.service import own_upload
from backend.payments.port import PaymentGatewayName
from backend.services import access, orders, refunds, rules
from backend.services.models import (
    AUTO_CONFIRM_HOURS,
    DisputeOutcome,
    MealDish,
    Order,
    OrderDispute,
    OrderLine,
    OrderRating,
    OrderState,
    ProviderMember,
    Slot,
)
from backend.services.orders import Viewer
from backend.services.states import ORDER_STATES

MAX_REASON = 200
MAX_COMMENT = 300
SETTLE_TOPIC = "services.settle_due"


def _forbidden(message: str = "您没有此项操作的权限") -> DomainError:
    return DomainError(ErrorCode.FORBIDDEN, message, field="orderId")


def _reason(reason: str | None, *, required: bool, field: str = "reason", limit: int = MAX_REASON) -> str | None:
    reason = (reason or "").strip() or None
    if required and reason is None:
        raise DomainError(ErrorCode.INVALID_INPUT, "请填写原因", field=field)
    if reason is not None and len(reason) > limit:
        raise DomainError(ErrorCode.INVALID_INPUT, f"最多 {limit} 个字", field=field)
    return reason


def _require_resident(viewer: Viewer, order: Order) -> None:
    if not viewer.is_resident(order):
        raise _forbidden("只有下单的居民可以进行此项操作")


def _require_crew(viewer: Viewer, order: Order) -> None:
    if not (viewer.is_admin(order) or viewer.is_worker(order)):
        raise _forbidden("只有服务商管理员或指派的服务人员可以进行此项操作")


async def free_places(tx, order: Order) -> None:
    """Give back what the order took (cancelled, declined, unpaid in time): its place in its slot, or
    its meals' portions."""
    if order.slot_id is not None:
        await Slot.filter(id=order.slot_id, booked__gt=0).using_db(tx).update(booked=F("booked") - 1)
    if order.menu_id is not None:
        for line in await OrderLine.filter(order_id=order.id, dish_id__isnull=False).using_db(tx):
            await MealDish.filter(id=line.dish_id, ordered__gte=line.quantity).using_db(tx) \
                .update(ordered=F("ordered") - line.quantity)


async def queue_settlement(tx, order: Order) -> None:
    await outbox.add(tx, SETTLE_TOPIC, key=f"order:{order.id}:settle")


async def _locked(actor: Actor, order_id: UUID, tx) -> tuple[Order, Viewer]:
    return await orders.get_order_for(actor, order_id, tx=tx, lock=True)


async def _done(order_id: UUID) -> Order:
    return await orders.loaded(order_id)


async def accept(actor: Actor, *, order_id: UUID, worker_id: UUID | None = None) -> Order:
    """The provider's admin accepts a paid order (assigning a worker, or none yet), or a worker of
    the provider accepts it for themselves."""
    async with transaction() as tx:
        order, viewer = await _locked(actor, order_id, tx)
        role = viewer.provider_roles.get(order.provider_id)
        me = actor.require_person()
        if viewer.is_admin(order):
            if worker_id is not None and not await ProviderMember.filter(
                    provider_id=order.provider_id, person_id=worker_id, active=True).using_db(tx).exists():
                raise DomainError(ErrorCode.INVALID_INPUT, "该人员不是本服务商的服务人员", field="workerId")
        elif role is not None:
            if worker_id not in (None, me):
                raise _forbidden("服务人员只能为自己接单")
            worker_id = me
        else:
            raise _forbidden("只有服务商可以接单")
        order.worker_id = worker_id
        order.accept_by = None
        await ORDER_STATES.move(tx, order, OrderState.ACCEPTED, actor=actor)
        await audit.record(tx, actor, "service_order.accept", "service_order", order.id,
                           community_id=order.community_id, after={"worker": str(worker_id) if worker_id else None})
        await orders.tell(tx, order, title="服务商已接单", body="服务商已接单，将按预约时间上门")
    return await _done(order.id)


async def decline(actor: Actor, *, order_id: UUID, reason: str | None) -> Order:
    """The provider's admin declines a paid order: refunded in full, the slot freed."""
    reason = _reason(reason, required=True)
    async with transaction() as tx:
        order, viewer = await _locked(actor, order_id, tx)
        if not viewer.is_admin(order):
            raise _forbidden("只有服务商管理员可以拒单")
        await _provider_fault(tx, order, OrderState.DECLINED, actor=actor, reason=reason)
        await audit.record(tx, actor, "service_order.decline", "service_order", order.id,
                           community_id=order.community_id, after={"reason": reason})
        await orders.tell(tx, order, title="服务商未能接单", body=f"服务商未能接单（{reason}），款项将全额退回")
    return await _done(order.id)


async def _provider_fault(tx, order: Order, target: OrderState, *, actor: Actor | None, reason: str) -> None:
    """Declined, not accepted in time, cancelled by the provider, no-show: the resident gets
    everything back, the provider keeps nothing, commission included."""
    order.accept_by = None
    await ORDER_STATES.move(tx, order, target, actor=actor, reason=reason)
    await refunds.keep(tx, order, 0, reason=reason, provider_fault=True,
                       fee_borne_by_platform=orders.fee_borne_by_platform(order))
    if target is not OrderState.NO_SHOW:
        await free_places(tx, order)


async def decline_unaccepted(tx, order: Order) -> None:
    """The sweep: a paid order nobody accepted within 30 minutes."""
    await _provider_fault(tx, order, OrderState.DECLINED, actor=None, reason="服务商超时未接单")
    await orders.tell(tx, order, title="服务商超时未接单", body="服务商未在 30 分钟内接单，款项将全额退回")


async def _crew_move(actor: Actor, order_id: UUID, target: OrderState, *, title: str, body: str,
                     photo_upload_id: UUID | None = None) -> Order:
    async with transaction() as tx:
        order, viewer = await _locked(actor, order_id, tx)
        _require_crew(viewer, order)
        now = clock.now()
        if target is OrderState.CHECKED_IN:
            if photo_upload_id is None:
                raise DomainError(ErrorCode.INVALID_INPUT, "请拍摄到达现场的照片", field="photoUploadId")
            photo = await own_upload(actor, photo_upload_id, "proof_photo")
            order.check_in_photo_id, order.checked_in_at = photo.id, now
        if target is OrderState.COMPLETED:
            order.completed_at, order.confirm_by = now, now + timedelta(hours=AUTO_CONFIRM_HOURS)
        await ORDER_STATES.move(tx, order, target, actor=actor)
        await orders.tell(tx, order, title=title, body=body)
    return await _done(order.id)


async def depart(actor: Actor, *, order_id: UUID) -> Order:
    return await _crew_move(actor, order_id, OrderState.EN_ROUTE, title="服务人员已出发", body="服务人员正在上门途中")


async def check_in(actor: Actor, *, order_id: UUID, photo_upload_id: UUID | None) -> Order:
    return await _crew_move(actor, order_id, OrderState.CHECKED_IN, title="服务人员已到达",
                            body="服务人员已到达并拍照签到", photo_upload_id=photo_upload_id)


async def start(actor: Actor, *, order_id: UUID) -> Order:
    return await _crew_move(actor, order_id, OrderState.IN_SERVICE, title="服务已开始", body="服务人员已开始服务")


async def complete(actor: Actor, *, order_id: UUID) -> Order:
    return await _crew_move(actor, order_id, OrderState.COMPLETED, title="服务已完成，请确认",
                            body=f"服务已完成，请在 {AUTO_CONFIRM_HOURS} 小时内确认或申请售后，逾期自动确认")


async def confirm(actor: Actor, *, order_id: UUID) -> Order:
    """The resident confirms a completed order: due for settlement."""
    async with transaction() as tx:
        order, viewer = await _locked(actor, order_id, tx)
        _require_resident(viewer, order)
        await ORDER_STATES.move(tx, order, OrderState.CONFIRMED, actor=actor)
        await audit.record(tx, actor, "service_order.confirm", "service_order", order.id,
                           community_id=order.community_id)
        await queue_settlement(tx, order)
        orders.publish_update(tx, order.id)
    return await _done(order.id)


async def confirm_due(tx, order: Order) -> None:
    """The sweep: 48 h after completion without a confirmation or a dispute."""
    await ORDER_STATES.move(tx, order, OrderState.CONFIRMED, actor=None,
                            reason=f"{AUTO_CONFIRM_HOURS} 小时未确认，自动确认")
    await queue_settlement(tx, order)
    await orders.tell(tx, order, title="订单已自动确认", body=f"服务完成已满 {AUTO_CONFIRM_HOURS} 小时，订单已自动确认")


def fee_now(order: Order) -> int:
    """What the resident's cancellation would cost now: the tier's fee once the provider accepted
    (before that it is free), on an order that was paid for."""
    if order.state is not OrderState.ACCEPTED or order.amount_fen == 0 or order.paid_at is None \
            or order.gateway is PaymentGatewayName.NONE:
        return 0
    hours = (order.scheduled_at - clock.now()).total_seconds() / 3600
    return round(order.amount_fen * rules.cancellation_fee_bp(order.cancellation_tiers, hours) / 10_000)


async def cancel(actor: Actor, *, order_id: UUID, reason: str | None = None) -> Order:
    """The resident cancels (unpaid or not yet accepted: free; accepted: the fee of the tier by hours
    before the slot), or the provider's admin cancels (its fault: everything back)."""
    async with transaction() as tx:
        order, viewer = await _locked(actor, order_id, tx)
        if viewer.is_resident(order):
            reason = _reason(reason, required=False)
            fee = fee_now(order)
            order.pay_by = order.accept_by = None
            await ORDER_STATES.move(tx, order, OrderState.CANCELLED, actor=actor, reason=reason)
            if order.paid_at is not None:
                await refunds.keep(tx, order, fee, reason=reason or "居民取消订单",
                                   fee_borne_by_platform=orders.fee_borne_by_platform(order))
            await free_places(tx, order)
            await audit.record(tx, actor, "service_order.cancel", "service_order", order.id,
                               community_id=order.community_id, after={"reason": reason, "feeFen": fee})
            orders.publish_update(tx, order.id)
        elif viewer.is_admin(order):
            reason = _reason(reason, required=True)
            if order.state is OrderState.PENDING_PAYMENT:
                raise DomainError(ErrorCode.INVALID_INPUT, "待支付的订单由居民取消或超时自动取消", field="orderId")
            await _provider_fault(tx, order, OrderState.CANCELLED, actor=actor, reason=reason)
            await audit.record(tx, actor, "service_order.cancel", "service_order", order.id,
                               community_id=order.community_id, after={"reason": reason, "byProvider": True})
            await orders.tell(tx, order, title="服务商取消了订单", body=f"服务商取消了订单（{reason}），款项将全额退回")
        else:
            raise _forbidden()
    return await _done(order.id)


async def cancel_unpaid(tx, order: Order) -> None:
    """The sweep: not paid within 15 minutes."""
    order.pay_by = None
    await ORDER_STATES.move(tx, order, OrderState.CANCELLED, actor=None, reason="超时未支付，订单已自动取消")
    await free_places(tx, order)
    await orders.tell(tx, order, title="订单已取消", body="订单超时未支付，已自动取消")


async def report_no_show(actor: Actor, *, order_id: UUID) -> Order:
    """The resident reports that nobody came (after the booked time): everything back."""
    async with transaction() as tx:
        order, viewer = await _locked(actor, order_id, tx)
        _require_resident(viewer, order)
        if order.state in (OrderState.ACCEPTED, OrderState.EN_ROUTE) and clock.now() < order.scheduled_at:
            raise DomainError(ErrorCode.INVALID_INPUT, "预约时间到了之后才能报告未上门", field="orderId")
        await _provider_fault(tx, order, OrderState.NO_SHOW, actor=actor, reason="居民报告服务人员未上门")
        await audit.record(tx, actor, "service_order.no_show", "service_order", order.id,
                           community_id=order.community_id)
        orders.publish_update(tx, order.id)
    return await _done(order.id)


async def dispute(actor: Actor, *, order_id: UUID, reason: str | None) -> Order:
    """The resident disputes a completed order before it is confirmed: the operator decides."""
    reason = _reason(reason, required=True, limit=500)
    async with transaction() as tx:
        order, viewer = await _locked(actor, order_id, tx)
        _require_resident(viewer, order)
        if order.state is OrderState.COMPLETED and order.confirm_by is not None and clock.now() >= order.confirm_by:
            raise DomainError(ErrorCode.INVALID_INPUT, "已超过售后申请期限", field="orderId")
        order.confirm_by = None
        await ORDER_STATES.move(tx, order, OrderState.DISPUTED, actor=actor, reason=reason)
        await OrderDispute.create(order=order, reason=reason, using_db=tx)
        await audit.record(tx, actor, "service_order.dispute", "service_order", order.id,
                           community_id=order.community_id, after={"reason": reason})
        orders.publish_update(tx, order.id)
    return await _done(order.id)


async def resolve_dispute(actor: Actor, *, order_id: UUID, outcome: DisputeOutcome, refund_fen: int | None = None,
                          note: str | None = None) -> Order:
    """The operator decides: RELEASE (the provider is paid in full), PARTIAL (refund_fen back, the
    rest settled), REFUND (everything back)."""
    await access.require_operator(actor)
    note = _reason(note, required=True, field="note", limit=500)
    async with transaction() as tx:
        order, _ = await _locked(actor, order_id, tx)
        if order.state is not OrderState.DISPUTED:
            raise DomainError(ErrorCode.INVALID_INPUT, "只有有争议的订单可以裁定", field="orderId")
        fee_side = orders.fee_borne_by_platform(order)
        if outcome is DisputeOutcome.PARTIAL:
            refunds.check_partial(order, await refunds.paid_charge(tx, order), refund_fen or 0)
            await refunds.keep(tx, order, order.amount_fen - refund_fen, reason=note, settle=False,
                               fee_borne_by_platform=fee_side)
        elif refund_fen is not None:
            raise DomainError(ErrorCode.INVALID_INPUT, "只有部分退款需要填写退款金额", field="refundFen")
        if outcome is DisputeOutcome.REFUND:
            await ORDER_STATES.move(tx, order, OrderState.REFUNDED, actor=actor, reason=note)
            await refunds.keep(tx, order, 0, reason=note, fee_borne_by_platform=fee_side)
        else:
            await ORDER_STATES.move(tx, order, OrderState.CONFIRMED, actor=actor, reason=note)
            await queue_settlement(tx, order)
        await OrderDispute.filter(order_id=order.id).using_db(tx).update(
            outcome=outcome, refund_fen=refund_fen, decided_by_id=actor.person_id, decided_at=clock.now(),
            decision_note=note)
        await audit.record(tx, actor, "service_order.dispute_resolve", "service_order", order.id,
                           community_id=order.community_id,
                           after={"outcome": outcome.value, "refundFen": refund_fen})
        words = {DisputeOutcome.RELEASE: "维持原订单，款项结算给服务商",
                 DisputeOutcome.PARTIAL: f"部分退款 ¥{(refund_fen or 0) / 100:.2f}",
                 DisputeOutcome.REFUND: "全额退款"}
        await orders.tell(tx, order, title="售后申请已处理", body=f"平台裁定：{words[outcome]}（{note}）",
                          key="dispute_resolved")
    return await _done(order.id)


async def rate(actor: Actor, *, order_id: UUID, stars: int, comment: str | None = None) -> Order:
    """The resident rates a settled order once, 1–5 stars."""
    if not 1 <= stars <= 5:
        raise DomainError(ErrorCode.INVALID_INPUT, "请选择 1 到 5 星", field="stars")
    comment = _reason(comment, required=False, field="comment", limit=MAX_COMMENT) or ""
    async with transaction() as tx:
        order, viewer = await _locked(actor, order_id, tx)
        _require_resident(viewer, order)
        await ORDER_STATES.move(tx, order, OrderState.REVIEWED, actor=actor)
        await OrderRating.create(order=order, stars=stars, comment=comment, using_db=tx)
        await audit.record(tx, actor, "service_order.rate", "service_order", order.id,
                           community_id=order.community_id, after={"stars": stars})
        orders.publish_update(tx, order.id)
    return await _done(order.id)
