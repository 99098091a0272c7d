"""Reconciliation (对账): one day of one payment provider's own records against our Payment rows of
that day, every difference listed for the operator.

Our rows of a day are the charges and refunds (succeeded or not) the provider settled that day
(`settled_at`, its own time), or, still unsettled, asked for that day. They meet the provider's
records by reference:
- ours succeeded, no record at the provider: MISSING_AT_GATEWAY (a pending or failed request of ours
  the provider never took is no difference);
- a record with no row of ours (of any day): MISSING_IN_LEDGER, with its order when we know it;
- both, different amounts: AMOUNT_MISMATCH; succeeded on one side only: STATE_MISMATCH (both may hold).

Each call is a run of its own (the daily task runs each configured gateway once a day; the operator
may run one again at any time), so a second run of a day lists the same differences again. An
operator resolves a difference with a note (audited).

Payments do not import the services domain (it imports payments): the operator check is the
platform's permission itself, and orders are known by the foreign key's model."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

import structlog
from tortoise.expressions import Q

from backend.audit import service as audit
from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.days import day_bounds, today
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate
from backend.core.permissions import Permission
from backend.core.platform import has_platform
from backend.core.settings import get_settings
from backend.payments.models import (
    DifferenceKind,
    Payment,
    PaymentKind,
    PaymentState,
    ReconciliationDifference,
    ReconciliationRun,
)
from backend.payments.port import GatewayRecord, PaymentGatewayName, gateway

log = structlog.get_logger(__name__)
MAX_NOTE = 200
KIND_LABELS = {DifferenceKind.MISSING_AT_GATEWAY: "支付机构无此记录", DifferenceKind.MISSING_IN_LEDGER: "平台无此记录",
               DifferenceKind.AMOUNT_MISMATCH: "金额不一致", DifferenceKind.STATE_MISMATCH: "状态不一致"}


def configured_gateways() -> list[PaymentGatewayName]:
    """The gateways this deployment takes payments through: the sandbox always, Stripe and WeChat Pay
    once their merchant settings are there."""
    settings = get_settings()
    found = [PaymentGatewayName.SANDBOX]
    if settings.stripe_api_key:
        found.append(PaymentGatewayName.STRIPE)
    if settings.wechatpay_sp_mchid:
        found.append(PaymentGatewayName.WECHAT)
    return found


def _order_model():
    return ReconciliationDifference._meta.fields_map["order"].related_model


@dataclass(frozen=True)
class _Found:
    kind: DifferenceKind
    reference: str
    order_id: UUID | None
    ours_fen: int | None
    theirs_fen: int | None


def _compare(ours: Payment | None, theirs: GatewayRecord | None) -> list[_Found]:
    if theirs is None:
        if ours.state is not PaymentState.SUCCEEDED:
            return []
        return [_Found(DifferenceKind.MISSING_AT_GATEWAY, ours.reference or ours.key, ours.order_id, ours.amount_fen,
                       None)]
    if ours is None:
        return [_Found(DifferenceKind.MISSING_IN_LEDGER, theirs.reference, theirs.order_id, None, theirs.amount_fen)]
    found = []
    if ours.amount_fen != theirs.amount_fen:
        found.append(_Found(DifferenceKind.AMOUNT_MISMATCH, theirs.reference, ours.order_id, ours.amount_fen,
                            theirs.amount_fen))
    if (ours.state is PaymentState.SUCCEEDED) != theirs.succeeded:
        found.append(_Found(DifferenceKind.STATE_MISMATCH, theirs.reference, ours.order_id, ours.amount_fen,
                            theirs.amount_fen))
    return found


async def _ours(name: PaymentGatewayName, day: date) -> list[Payment]:
    start, end = day_bounds(day)
    return await Payment.filter(
        Q(settled_at__gte=start, settled_at__lt=end) | Q(settled_at=None, created_at__gte=start, created_at__lt=end),
        gateway=name.value, kind__in=[PaymentKind.CHARGE, PaymentKind.REFUND])


async def reconcile(gateway_name: PaymentGatewayName | str, day: date) -> ReconciliationRun:
    """Compare `day` (Asia/Shanghai) of one gateway; the run with its differences, written at once."""
    name = PaymentGatewayName(gateway_name)
    records = await gateway(name).records(day)  # the provider's answer first: no transaction held open on it
    theirs: dict[str, GatewayRecord] = {}
    for record in records:
        theirs.setdefault(record.reference, record)
    ours = {p.reference or p.key: p for p in await _ours(name, day)}
    elsewhere = [ref for ref in theirs if ref not in ours]  # settled by us on another day, perhaps
    if elsewhere:
        ours |= {p.reference: p for p in await Payment.filter(gateway=name.value, reference__in=elsewhere)}
    found = [f for ref in {*ours, *theirs} for f in _compare(ours.get(ref), theirs.get(ref))]
    claimed = {f.order_id for f in found if f.order_id is not None and f.kind is DifferenceKind.MISSING_IN_LEDGER}
    known = set(await _order_model().filter(id__in=claimed).values_list("id", flat=True)) if claimed else set()
    async with transaction() as tx:
        run = await ReconciliationRun.create(gateway=name.value, day=day, compared=len({*ours, *theirs}),
                                             differences=len(found), finished_at=clock.now(), using_db=tx)
        await ReconciliationDifference.bulk_create([
            ReconciliationDifference(
                run=run, kind=f.kind, reference=f.reference[:100], ours_fen=f.ours_fen, theirs_fen=f.theirs_fen,
                order_id=f.order_id if f.kind is not DifferenceKind.MISSING_IN_LEDGER or f.order_id in known else None,
                note="")
            for f in sorted(found, key=lambda f: (f.kind.value, f.reference))], using_db=tx)
    log.info("reconciled", gateway=name.value, day=day.isoformat(), compared=run.compared,
             differences=run.differences)
    return run


async def _require_operator(actor: Actor) -> None:
    actor.require_person()
    if actor.is_proxy or not await has_platform(actor, Permission.PLATFORM_OPERATE):
        raise DomainError(ErrorCode.FORBIDDEN, "只有平台运营方可以进行此项操作")


async def run_now(actor: Actor, *, gateway_name: str, day: date) -> ReconciliationRun:
    """The operator's 立即对账 of a past day (or today, so far) of a configured gateway."""
    await _require_operator(actor)
    try:
        name = PaymentGatewayName(gateway_name)
    except ValueError:
        name = None
    if name not in configured_gateways():
        raise DomainError(ErrorCode.INVALID_INPUT, "该支付渠道未开通", field="gateway")
    if day > today():
        raise DomainError(ErrorCode.INVALID_INPUT, "不能对账未来的日期", field="day")
    return await reconcile(name, day)


async def runs(actor: Actor, *, gateway_name: str | None, first: int, after: str | None) -> Page[ReconciliationRun]:
    """Newest first, of one gateway or all."""
    await _require_operator(actor)
    query = ReconciliationRun.all()
    if gateway_name:
        query = query.filter(gateway=gateway_name)
    return await paginate(query, first=first, after=after, newest_first=True)


async def unresolved_counts(run_ids: list[UUID]) -> dict[UUID, int]:
    """The differences of each run still open, in one statement for a page of runs."""
    from tortoise.functions import Count

    rows = await ReconciliationDifference.filter(run_id__in=run_ids, resolved_at=None).annotate(
        n=Count("id")).group_by("run_id").values_list("run_id", "n")
    return dict(rows)


def _not_found(what: str, field: str) -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, f"找不到该{what}", field=field)


async def get_run_for(actor: Actor, run_id: UUID) -> ReconciliationRun:
    """Operators only; not-found for anyone else."""
    actor.require_person()
    run = await ReconciliationRun.filter(id=run_id).first()
    if run is None or actor.is_proxy or not await has_platform(actor, Permission.PLATFORM_OPERATE):
        raise _not_found("对账记录", "runId")
    return run


async def differences(actor: Actor, *, run_id: UUID, unresolved_only: bool, first: int,
                      after: str | None) -> Page[ReconciliationDifference]:
    """A run's differences in the order found (by kind, then reference)."""
    run = await get_run_for(actor, run_id)
    query = ReconciliationDifference.filter(run_id=run.id).select_related("resolved_by")
    if unresolved_only:
        query = query.filter(resolved_at=None)
    return await paginate(query, first=first, after=after)


async def resolve_difference(actor: Actor, *, difference_id: UUID, note: str) -> ReconciliationDifference:
    """The operator looked into it (a refund booked late, a fee corrected by the provider…): resolved
    with their note, once. Not-found for anyone but an operator."""
    actor.require_person()
    note = (note or "").strip()
    async with transaction() as tx:
        difference = await ReconciliationDifference.filter(id=difference_id).select_for_update().using_db(tx).first()
        if difference is None or actor.is_proxy or not await has_platform(actor, Permission.PLATFORM_OPERATE):
            raise _not_found("对账差异", "differenceId")
        if not 1 <= len(note) <= MAX_NOTE:
            raise DomainError(ErrorCode.INVALID_INPUT, f"请填写处理说明（1–{MAX_NOTE} 个字）", field="note")
        if difference.resolved_at is not None:
            raise DomainError(ErrorCode.INVALID_INPUT, "该差异已处理")
        difference.note, difference.resolved_at, difference.resolved_by_id = note, clock.now(), actor.person_id
        await difference.save(using_db=tx, update_fields=["note", "resolved_at", "resolved_by_id"])
        community_id = None
        if difference.order_id is not None:
            community_id = await _order_model().filter(id=difference.order_id).using_db(tx).first().values_list(
                "community_id", flat=True)
        await audit.record(tx, actor, "payment.reconciliation_resolve", "reconciliation_difference", difference.id,
                           community_id=community_id, before={"resolved": False},
                           after={"kind": difference.kind.value, "reference": difference.reference, "note": note})
    await difference.fetch_related("resolved_by")
    return difference
