"""The last places of a slot, as a race on PostgreSQL: 200 residents book one slot of capacity 3 at
the same moment through the mini-program's operation. Each booking takes its place by one
conditional update (booked < capacity), so exactly 3 orders are made and the other 197 are told, in
Chinese, that the slot is full; nothing else is written for them."""

import asyncio

from backend.payments.models import Payment
from backend.services.models import Order, Slot
from tests.integration.services_helpers import verified_provider

RESIDENTS = 200
FULL = {"code": "CONFLICT", "field": "slotId", "message": "该时段已约满，请选择其他时段"}


async def test_200_residents_booking_a_slot_of_3_at_once_give_exactly_3_orders(api, make_community, make_person):
    made = await make_community(buildings=2, rooms=10)
    community = made.community
    setup = await verified_provider(make_person, community, capacity=3)
    residents = [await make_person(community.id, ["RESIDENT"], room=made.rooms[i % 20]) for i in range(RESIDENTS)]
    tokens = [(await api.sign_in(person.handle))["accessToken"] for person in residents]

    answers = await asyncio.gather(*(api.op("ServiceOrderBook", token=token, serviceId=str(setup.service.id),
                                            slotId=str(setup.slot.id), quantity=2) for token in tokens))
    payloads = [answer["data"]["serviceOrderBook"] for answer in answers]
    booked = [p["order"]["id"] for p in payloads if not p["errors"]]
    assert len(booked) == 3
    assert [p["errors"] for p in payloads if p["errors"]] == [[FULL]] * (RESIDENTS - 3)
    assert (await Slot.get(id=setup.slot.id)).booked == 3
    assert sorted(str(i) for i in await Order.filter(slot_id=setup.slot.id).values_list("id", flat=True)) == \
        sorted(booked)
    assert await Payment.filter(order__slot_id=setup.slot.id).count() == 0
