"""One winner per item, as a race on PostgreSQL: 200 verified neighbours reserve one listing at the
same moment through the mini-program's operation. The listing row is locked and its state checked
again inside each transaction, so exactly one reservation is made and the other 199 are told, in
Chinese, that someone was quicker."""

import asyncio

from backend.market.models import Listing, ListingEvent, Reservation
from backend.notify.models import InboxMessage
from tests.integration.market_helpers import published_listing

NEIGHBOURS = 200
TOO_LATE = {"code": "CONFLICT", "field": "listingId", "message": "手慢了，该闲置已被预订"}


async def test_200_neighbours_reserving_one_listing_at_once_give_one_reservation(api, make_community, make_person):
    made = await make_community(buildings=2, rooms=10)
    cid = made.community.id
    seller = await make_person(cid, ["RESIDENT"], room=made.rooms[0])
    neighbours = [await make_person(cid, ["RESIDENT"], room=made.rooms[1 + i % 19]) for i in range(NEIGHBOURS)]
    tokens = [(await api.sign_in(person.handle))["accessToken"] for person in neighbours]
    listing = await published_listing(seller, made.rooms[0])

    answers = await asyncio.gather(*(api.op("ListingReserve", token=token, listingId=str(listing.id))
                                     for token in tokens))
    payloads = [answer["data"]["listingReserve"] for answer in answers]
    won = [p for p in payloads if not p["errors"]]
    assert len(won) == 1
    assert [p["errors"] for p in payloads if p["errors"]] == [[TOO_LATE]] * (NEIGHBOURS - 1)

    [reservation] = await Reservation.filter(listing_id=listing.id)
    assert str(reservation.id) == won[0]["reservation"]["id"]
    assert (await Listing.get(id=listing.id)).state == "RESERVED"
    events = await ListingEvent.filter(listing_id=listing.id).values_list("from_state", "to_state")
    assert events == [("PUBLISHED", "RESERVED")]
    assert await InboxMessage.filter(person_id=seller.id, kind="market.reserved").count() == 1
