"""Paid services: two figures, each against a baseline measured in the same run.

Booking the last slot: CLIENTS residents book the same slot of capacity 3 at once through the booking
service (backend/services/booking.py: one conditional UPDATE takes a place), and exactly 3 must
succeed; the baseline is the same residents each booking a slot of their own (no contention), so the
difference is what the race for one row costs.

Settlement: ORDERS confirmed orders settled by `settle_due` (each order's holds posted and its legs to
the provider, the commission and the gateway's fee, through the ledger's batcher: concurrent orders
share ledger transactions and lock each hot account once per batch), against the same orders settled
with one ledger transaction per transfer (the same transfers, unlinked, each in its own transaction,
orders as concurrent). Both figures include marking the orders SETTLED and their events. The set-up
(residents, provider, slots, paid orders with their holds) is not timed."""

import asyncio
import os
import statistics
import time
import uuid
from dataclasses import replace
from datetime import timedelta

from backend.core import crypto
from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.ledger import service as ledger
from backend.ledger.models import TransferFlags
from backend.people.models import Person
from backend.registry.models import (
    Building,
    Community,
    Estate,
    Household,
    Membership,
    PersonRoom,
    Role,
    Room,
    Unit,
)
from backend.services import booking, money, orders, settlement
from backend.services.models import (
    Fulfilment,
    Order,
    OrderState,
    PayerKind,
    Provider,
    ProviderCommunity,
    ProviderState,
    Service,
    ServiceCategory,
    ServiceUnit,
    Slot,
)
from backend.services.states import ORDER_STATES

CLIENTS = 200
CAPACITY = 3
ORDERS = int(os.environ.get("BENCH_SERVICES_ORDERS", 1000))
CHUNK = settlement.CHUNK


async def _neighbourhood(count: int) -> tuple[Community, list[Person]]:
    """A community with `count` residents, each at home in a room of their own."""
    tag = uuid.uuid4().hex[:6]
    community = await Community.create(name="基准社区", code=f"bench-services-{tag}")
    estate = await Estate.create(community=community, name="基准小区")
    building = await Building.create(community=community, estate=estate, name="1栋")
    unit = await Unit.create(community=community, building=building, name="1单元")
    people = []
    for n in range(count):
        room = await Room.create(community=community, unit=unit, code=f"{tag}-{n}", number=str(n), floor=1,
                                 area_dm2=8000)
        household = await Household.create(community=community, room=room)
        person = await Person.create(display_name=f"居民{n}")
        await Membership.create(person=person, community=community, role=Role.RESIDENT, household=household)
        await PersonRoom.create(community=community, person=person, room=room, household=household, role="OWNER",
                                since=clock.now(), channel="SEED")
        people.append(person)
    return community, people


async def _provider(community: Community, slots: int) -> tuple[Service, list[Slot]]:
    admin = await Person.create(display_name="基准服务商")
    provider = await Provider.create(name="基准家政", state=ProviderState.VERIFIED, categories=["HOUSEKEEPING"],
                                     contact_name="王", contact_phone_encrypted=crypto.encrypt("13800001234"),
                                     applied_by=admin, stripe_account_id="acct_1BenchProvider00001")
    await ProviderCommunity.create(provider=provider, community=community)
    service = await Service.create(provider=provider, category=ServiceCategory.HOUSEKEEPING, name="日常保洁",
                                   unit=ServiceUnit.HOUR, unit_price_fen=5000, min_quantity=2)
    start = (clock.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    made = [await Slot.create(provider=provider, starts_at=start + timedelta(hours=n), ends_at=start +
                              timedelta(hours=n + 2), capacity=CAPACITY) for n in range(slots)]
    return service, made


async def _book(person: Person, service: Service, slot: Slot) -> tuple[bool, float]:
    started = time.perf_counter()
    try:
        await booking.book(Actor(person_id=person.id), service_id=service.id, slot_id=slot.id, quantity=2)
        ok = True
    except DomainError as error:
        if error.code is not ErrorCode.CONFLICT:
            raise
        ok = False
    return ok, time.perf_counter() - started


async def _burst(pairs) -> dict:
    started = time.perf_counter()
    answers = await asyncio.gather(*(_book(person, service, slot) for person, service, slot in pairs))
    seconds = time.perf_counter() - started
    latencies = sorted(latency for _, latency in answers)
    return {"seconds": seconds, "booked": sum(ok for ok, _ in answers), "refused": sum(not ok for ok, _ in answers),
            "p50_ms": statistics.median(latencies) * 1000,
            "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000}


async def booking_benchmark() -> dict:
    community, people = await _neighbourhood(CLIENTS * 2)
    service, slots = await _provider(community, CLIENTS + 1)
    last = slots[0]
    contended = await _burst([(person, service, last) for person in people[:CLIENTS]])
    contended["slot_booked"] = (await Slot.get(id=last.id)).booked
    spread = await _burst([(person, service, slot) for person, slot in zip(people[CLIENTS:], slots[1:], strict=True)])
    return {"one slot": contended, "own slots": spread}


async def _confirmed_orders(count: int) -> list[uuid.UUID]:
    """`count` paid orders (their holds in the ledger) moved to CONFIRMED, as 48 h after completion."""
    community, people = await _neighbourhood(min(count, 200))
    service, _ = await _provider(community, 1)
    provider = await Provider.get(id=service.provider_id)
    line = booking.LineSpec(description="日常保洁", unit_price_fen=5000, quantity=2,
                            payers=[booking.PayerSpec(kind=PayerKind.RESIDENT, amount_fen=10000)])

    async def one(n: int) -> uuid.UUID:
        person = people[n % len(people)]
        async with transaction() as tx:
            order = await booking.create_order(
                tx, resident_id=person.id, placed_by_id=person.id, provider=provider, category=service.category,
                community_id=community.id, lines=[line], fulfilment=Fulfilment.ON_SITE, scheduled_at=clock.now(),
                service=service, actor=Actor(person_id=person.id))
            await orders.mark_paid(tx, order, gateway_fee_fen=60)
            await Order.filter(id=order.id).using_db(tx).update(state=OrderState.CONFIRMED)
            return order.id

    made = []
    for start in range(0, count, CHUNK):
        made += await asyncio.gather(*(one(n) for n in range(start, min(start + CHUNK, count))))
    return made


async def _settle_one_transfer_at_a_time(order_id: uuid.UUID) -> None:
    """The baseline: the same transfers as settle_order's, each in its own ledger transaction."""
    order = await Order.get(id=order_id)
    async with transaction() as tx:
        specs = await money.settle_specs(tx, order, fee_borne_by_platform=orders.fee_borne_by_platform(order))
    for spec in specs:
        async with transaction() as tx:
            unlinked = replace(spec, flags=spec.flags & ~TransferFlags.LINKED)
            ledger.require_ok(await ledger.create_transfers([unlinked], tx=tx))
    async with transaction() as tx:
        order = await Order.filter(id=order_id).select_for_update().using_db(tx).first()
        order.settled_at = clock.now()
        await ORDER_STATES.move(tx, order, OrderState.SETTLED, actor=None)


async def settlement_benchmark() -> dict:
    results = {}
    for name in ("one transfer per transaction", "batched (settle_due)"):
        ids = await _confirmed_orders(ORDERS)
        started = time.perf_counter()
        if name.startswith("batched"):
            settled = await settlement.settle_due(limit=ORDERS)
        else:
            for start in range(0, len(ids), CHUNK):
                await asyncio.gather(*(_settle_one_transfer_at_a_time(i) for i in ids[start:start + CHUNK]))
            settled = len(ids)
        seconds = time.perf_counter() - started
        left = await Order.filter(id__in=ids).exclude(state=OrderState.SETTLED).count()
        results[name] = {"seconds": seconds, "settled": settled, "left": left, "per_s": len(ids) / seconds}
        print(f"settlement {name}: {results[name]}", flush=True)
    return results


def report(bookings: dict, settled: dict) -> str:
    one, own = bookings["one slot"], bookings["own slots"]
    exact = one["booked"] == CAPACITY == one["slot_booked"] and one["refused"] == CLIENTS - CAPACITY
    rows = "\n".join(f"| {name} | {r['booked']} | {r['refused']} | {r['seconds'] * 1000:.0f} | {r['p50_ms']:.0f} "
                     f"| {r['p95_ms']:.0f} |" for name, r in bookings.items())
    base, batched = settled["one transfer per transaction"], settled["batched (settle_due)"]
    lines = "\n".join(f"| {name} | {r['settled']} | {r['left']} | {r['seconds']:.1f} | {r['per_s']:.0f} |"
                      for name, r in settled.items())
    return f"""## Paid services: {CLIENTS} bookings of the last slot, and settling {ORDERS:,} orders

What it measures: {CLIENTS} residents booking 2 hours of one service at once, in the benchmark's process
through the booking service (the whole booking: checks, the slot's place, the order with its line, payer,
commission and event, the audit entry), first all the same slot of capacity {CAPACITY}, then each a slot of
their own. Then {ORDERS:,} confirmed orders settled ({CHUNK} at a time), through the ledger's batcher and
with one ledger transaction per transfer; both include marking each order SETTLED.

| slot | booked | refused (已约满) | burst ms | p50 ms | p95 ms |
|---|---|---|---|---|---|
{rows}

Exactly {CAPACITY} of {CLIENTS} booked the one slot (the slot's count {one['slot_booked']}): {'met' if exact else 'MISSED'};
the burst on one slot took {one['seconds'] / own['seconds']:.2f}× the burst on slots of their own.

| settlement | settled | left | seconds | orders/s |
|---|---|---|---|---|
{lines}

Batched settlement: {batched['per_s'] / base['per_s']:.1f}× the one-transfer-per-transaction flow.

"""
