"""Arranging report and reconciliation tests: orders as the orders code leaves them (settled, paid,
refunded, meals with their payers) and the payment provider's requests, built directly as rows at
chosen times, like market_helpers builds listings (what a test then asserts goes through the public
surface). Also the rows the authorization matrix and the query-count pins read."""

from datetime import date, datetime, time, timedelta

from backend.core.clock import clock
from backend.core.days import SHANGHAI
from backend.core.platform import PlatformMember, PlatformRole
from backend.payments.models import (
    DifferenceKind,
    Payment,
    PaymentKind,
    PaymentState,
    ReconciliationDifference,
    ReconciliationRun,
)
from backend.payments.port import GatewayRecord, PaymentGatewayName
from backend.services.models import (
    Fulfilment,
    Order,
    OrderLine,
    OrderLinePayer,
    OrderState,
    PayerKind,
    ServiceCategory,
    SubsidyTier,
)
from backend.services.rules import CANCELLATION_TIERS, snapshot
from tests.integration.services_helpers import verified_provider


def at(day: date, hour: int = 10) -> datetime:
    """An instant of a Shanghai day."""
    return datetime.combine(day, time(hour), SHANGHAI)


async def operator(make_person, community_id):
    person = await make_person(community_id, [])
    await PlatformMember.create(person=person, role=PlatformRole.OPERATOR)
    return person


async def settled_order(setup, resident, *, amount_fen: int, commission_fen: int, settled_at: datetime,
                        gateway_fee_fen: int = 0, refunded_fen: int = 0, subsidy_fen: int = 0,
                        state: OrderState = OrderState.SETTLED,
                        gateway: PaymentGatewayName = PaymentGatewayName.SANDBOX,
                        category: ServiceCategory | None = None, description: str = "日常保洁", quantity: int = 2,
                        paid_at: datetime | None = None, community=None) -> Order:
    """An order of `setup`'s provider for `resident`, paid a day before it settled (settled_at None:
    not settled yet), with one line paid by the resident (and the subsidy, if any)."""
    paid_at = paid_at or (settled_at - timedelta(days=1) if settled_at else clock.now())
    community_id = community.id if community else (await setup.provider.served.all().first()).community_id
    order = await Order.create(
        community_id=community_id, resident=resident, placed_by=resident, provider=setup.provider,
        category=category or ServiceCategory(setup.service.category), service=setup.service,
        fulfilment=Fulfilment.ON_SITE, scheduled_at=paid_at + timedelta(hours=2), state=state,
        amount_fen=amount_fen, resident_fen=amount_fen - subsidy_fen, subsidy_fen=subsidy_fen,
        commission_fen=commission_fen, gateway_fee_fen=gateway_fee_fen, refunded_fen=refunded_fen,
        commission_rule=snapshot(None), cancellation_tiers=CANCELLATION_TIERS, gateway=gateway, paid_at=paid_at,
        settled_at=settled_at)
    await Order.filter(id=order.id).update(created_at=paid_at - timedelta(minutes=5))
    line = await OrderLine.create(order=order, description=description, unit_price_fen=amount_fen // quantity,
                                  quantity=quantity, amount_fen=amount_fen)
    await OrderLinePayer.create(line=line, order=order, kind=PayerKind.RESIDENT, amount_fen=amount_fen - subsidy_fen)
    if subsidy_fen:
        await OrderLinePayer.create(line=line, order=order, kind=PayerKind.SUBSIDY, tier=SubsidyTier.AGE_60,
                                    amount_fen=subsidy_fen)
    return order


async def meal_order(setup, resident, *, day: date, dishes: list[tuple[str, int, int, SubsidyTier]],
                     state: OrderState = OrderState.COMPLETED, refunded_fen: int = 0) -> Order:
    """A day's meal order: each dish (name, price, subsidy, tier) one portion, the subsidy paid by the
    street and the rest by the resident, picked up at noon."""
    amount = sum(price for _, price, _, _ in dishes)
    subsidy = sum(s for _, _, s, _ in dishes)
    community_id = (await setup.provider.served.all().first()).community_id
    order = await Order.create(
        community_id=community_id, resident=resident, placed_by=resident, provider=setup.provider,
        category=ServiceCategory.MEALS, fulfilment=Fulfilment.PICKUP, scheduled_at=at(day, 12), state=state,
        amount_fen=amount, resident_fen=amount - subsidy, subsidy_fen=subsidy, refunded_fen=refunded_fen,
        commission_fen=0, commission_rule=snapshot(None), cancellation_tiers=CANCELLATION_TIERS,
        gateway=PaymentGatewayName.SANDBOX, paid_at=at(day, 8))
    for name, price, subsidised, tier in dishes:
        line = await OrderLine.create(order=order, description=name, unit_price_fen=price, quantity=1,
                                      amount_fen=price)
        await OrderLinePayer.create(line=line, order=order, kind=PayerKind.RESIDENT, amount_fen=price - subsidised)
        if subsidised:
            await OrderLinePayer.create(line=line, order=order, kind=PayerKind.SUBSIDY, tier=tier,
                                        amount_fen=subsidised)
    return order


async def payment(order, *, reference: str | None, amount_fen: int, settled_at: datetime | None,
                  kind: PaymentKind = PaymentKind.CHARGE, state: PaymentState = PaymentState.SUCCEEDED,
                  gateway: PaymentGatewayName = PaymentGatewayName.SANDBOX) -> Payment:
    version = await Payment.filter(order=order).count() + 1
    made = await Payment.create(order=order, gateway=gateway.value, kind=kind,
                                key=f"order:{order.id}:{kind.value.lower()}:v{version}",
                                reference=reference, amount_fen=amount_fen, state=state, settled_at=settled_at)
    if settled_at is not None:
        await Payment.filter(id=made.id).update(created_at=settled_at - timedelta(minutes=1))
    return made


class PlantedGateway:
    """A payment provider whose records of every day are the ones a test plants (the sandbox's
    notifications otherwise: it answers nothing else the reconciliation asks)."""

    name = PaymentGatewayName.SANDBOX
    fee_borne_by_platform = True

    def __init__(self, records: list[GatewayRecord]) -> None:
        self.planted = records

    async def records(self, day: date) -> list[GatewayRecord]:
        return self.planted


async def matrix_rows(place, make_person, secret: str) -> dict:
    """For the authorization matrix: a provider serving the target's community with a settled order
    of the target, and a run with a difference about that order (the secret its reference)."""
    setup = await verified_provider(make_person, place.community, name=f"乙区家政 {secret}")
    order = await settled_order(setup, place.b.resident, amount_fen=9900, commission_fen=990,
                                settled_at=clock.now() - timedelta(hours=1), description=f"乙区保洁 {secret}",
                                community=place.community)
    run = await ReconciliationRun.create(gateway="SANDBOX", day=clock.now().date(), compared=1, differences=1,
                                         finished_at=clock.now())
    difference = await ReconciliationDifference.create(run=run, kind=DifferenceKind.AMOUNT_MISMATCH,
                                                       reference=f"sandbox_charge_{secret}", order=order,
                                                       ours_fen=9900, theirs_fen=9000, note="")
    return {"provider": str(setup.provider.id), "reconciliation_run": str(run.id),
            "reconciliation_difference": str(difference.id),
            # Not the provider's name: its services are listed to every member of the community.
            "report_secrets": [f"乙区保洁 {secret}", f"sandbox_charge_{secret}"]}


async def pin_world(world, build_person) -> None:
    """For the query-count pins: two providers of one admin (one settled order, then three), their
    orders in one month so the revenue report has one row, then three; a reconciliation run with one
    difference, then one with three; one subsidised meal in the small community, three in the large."""
    small, large = world.small, world.large
    admin = await build_person(large.community.id, [])
    setups = []
    for place, orders in ((small, 1), (large, 3)):
        setup = await verified_provider(build_person, place.community, name=f"查账家政{orders}")
        await setup.provider.members.filter(role="ADMIN").update(person_id=admin.id)
        for n in range(orders):
            await settled_order(setup, place.residents[0], amount_fen=10000 + n, commission_fen=1000,
                                settled_at=at(PIN_DAY + timedelta(days=n)), community=place.community,
                                category=ServiceCategory.HOUSEKEEPING if n == 0 else ServiceCategory.LAUNDRY)
        setups.append(setup)
        for n in range(orders):
            await meal_order(setup, place.residents[n], day=PIN_DAY + timedelta(days=n),
                             dishes=[("红烧肉套餐", 800, 500, SubsidyTier.AGE_60)])
    world.report_runs = []
    for found in (1, 3):
        run = await ReconciliationRun.create(gateway="SANDBOX", day=PIN_DAY, compared=found, differences=found,
                                             finished_at=clock.now())
        for n in range(found):
            await ReconciliationDifference.create(run=run, kind=DifferenceKind.MISSING_AT_GATEWAY,
                                                  reference=f"sandbox_charge_pin{n}", ours_fen=100, note="")
        world.report_runs.append(str(run.id))
    world.report_providers = [str(s.provider.id) for s in setups]
    world.report_handles = {"provider_admin": admin.handle}


PIN_DAY = date(2024, 2, 5)  # a month of the pins' own: no other test settles orders then
PIN_MONTH = {"from": "2024-02-01", "to": "2024-02-29"}
