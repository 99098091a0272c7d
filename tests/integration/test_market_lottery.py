"""The lottery of a giveaway through the mini-program's operations: neighbours enter and leave before
the draw; the due sweep on the moved clock draws a winner, reserves the item for them and tells
everyone; anyone re-runs the draw from the published seed and entries; entrants over the weekly
giveaway wins are skipped; nobody entering turns the giveaway first come; bad input is refused in
Chinese with nothing changed; fifty racing entries of one person leave one."""

import asyncio
from datetime import timedelta

import pytest

from backend.core.clock import clock
from backend.core.db import transaction
from backend.market import lottery
from backend.market.models import (
    GiveawayMode,
    Listing,
    ListingKind,
    LotteryEntry,
    MarketSettings,
    Reservation,
    ReservationState,
)
from backend.market.reservations import open_reservation
from backend.notify.models import InboxMessage
from tests.integration.market_helpers import published_listing
from tests.integration.test_market_listings import move_to, sweep_until

TITLE = "多肉植物一盆"
RESULT = """query($id: ID!) { listing(id: $id) { state giveawayMode entered entryCount drawSeed
  lotteryResult { seed entryIds winnerEntryId iWon drawnAt } } }"""


@pytest.fixture
async def place(make_community, make_person):
    """A community of the test's own: a seller at home and six neighbours of other homes."""
    made = await make_community(rooms=7)
    made.seller, *made.neighbours = [await make_person(made.community.id, ["RESIDENT"], room=room)
                                     for room in made.rooms]
    return made


async def lottery_of(place, *, hours: int = 2) -> Listing:
    return await published_listing(place.seller, place.rooms[0], title=TITLE, kind=ListingKind.FREE,
                                   mode=GiveawayMode.LOTTERY, draw_at=clock.now() + timedelta(hours=hours))


async def enter(api, person, listing, op: str = "LotteryEnter") -> dict:
    await api.sign_in(person.handle)
    field = op[0].lower() + op[1:]
    return (await api.op(op, listingId=str(listing.id)))["data"][field]


async def seen(api, person, listing) -> dict:
    await api.sign_in(person.handle)
    return (await api.query(RESULT, id=str(listing.id)))["data"]["listing"]


async def drawn(listing) -> None:
    """Past the draw time, sweep until this listing is drawn (others may be due first)."""
    move_to(listing.draw_at + timedelta(minutes=1))
    await sweep_until(lottery.draw_due, Listing.filter(id=listing.id, drawn_at__isnull=False).exists)


async def told(person) -> list[str]:
    return [m.body for m in await InboxMessage.filter(person_id=person.id, kind="market.lottery").order_by("id")]


def refused(answer: dict, message: str, *, entered: bool = False) -> None:
    """Refused with `message`, the answer saying where I still stand."""
    assert answer["errors"][0]["message"] == message, answer
    assert answer["entered"] is entered


async def test_five_enter_the_draw_picks_one_anyone_can_rerun_and_the_item_is_reserved_for_them(api, place):
    listing = await lottery_of(place)
    entrants = place.neighbours[:5]
    for n, person in enumerate(entrants, start=1):
        answer = await enter(api, person, listing)
        assert answer == {"entered": True, "entryCount": n, "errors": []}
    bystander = place.neighbours[5]
    before = await seen(api, bystander, listing)
    assert (before["entered"], before["entryCount"], before["lotteryResult"], before["drawSeed"]) == (False, 5, None,
                                                                                                      None)
    assert (await seen(api, entrants[0], listing))["entered"] is True

    await drawn(listing)
    result = (await seen(api, bystander, listing))["lotteryResult"]
    assert result["seed"] and result["iWon"] is False
    assert lottery.winner_of(result["seed"], result["entryIds"]) == result["winnerEntryId"]
    entries = dict(await LotteryEntry.filter(listing_id=listing.id).values_list("id", "person_id"))
    assert sorted(result["entryIds"]) == sorted(str(i) for i in entries)  # nobody was over the cap
    winner_id = next(p for i, p in entries.items() if str(i) == result["winnerEntryId"])
    [reservation] = await Reservation.filter(listing_id=listing.id)
    assert (reservation.buyer_id, reservation.state, reservation.giveaway) == (winner_id, ReservationState.ACTIVE,
                                                                               True)
    winner = next(p for p in entrants if p.id == winner_id)
    mine = await seen(api, winner, listing)
    assert mine["state"] == "RESERVED" and mine["lotteryResult"]["iWon"] is True and mine["drawSeed"] == result["seed"]
    assert await told(winner) == [f"您抽中了「{TITLE}」，请按约定与发布者交接"]
    for person in entrants:
        if person is not winner:
            assert await told(person) == [f"很遗憾，「{TITLE}」未中签"]
    assert await told(bystander) == []
    assert await told(place.seller) == [f"您的闲置「{TITLE}」已开奖，已为中签者预订"]

    # After the draw: entering and leaving are refused, and nothing changes.
    refused(await enter(api, bystander, listing), "已开奖")
    refused(await enter(api, entrants[0], listing, "LotteryLeave"), "已开奖", entered=True)
    assert await LotteryEntry.filter(listing_id=listing.id).count() == 5
    await lottery.draw_due()
    assert (await Listing.get(id=listing.id)).draw_seed == result["seed"]  # drawn once

    # The winner gives it up: drawn lotteries take no entries, so it goes to the first who reserves.
    await api.sign_in(winner.handle)
    given_up = (await api.op("ReservationCancel", reservationId=str(reservation.id), reason=None))["data"]
    assert given_up["reservationCancel"]["errors"] == []
    loser = next(p for p in entrants if p is not winner)
    await api.sign_in(loser.handle)
    taken = (await api.op("ListingReserve", listingId=str(listing.id)))["data"]["listingReserve"]
    assert taken["errors"] == [] and taken["reservation"]["iAmBuyer"] is True
    assert (await Listing.get(id=listing.id)).state == "RESERVED"


async def test_entering_twice_ones_own_or_after_the_deadline_is_refused_and_leaving_works_before(api, place):
    listing = await lottery_of(place)
    fan, other = place.neighbours[:2]
    assert (await enter(api, fan, listing))["entered"] is True
    refused(await enter(api, fan, listing), "您已参加过抽签", entered=True)
    refused(await enter(api, place.seller, listing), "不能参加自己发布的抽签")
    refused(await enter(api, other, listing, "LotteryLeave"), "您还没有参加该抽签")
    assert await LotteryEntry.filter(listing_id=listing.id).values_list("person_id", flat=True) == [fan.id]

    assert await enter(api, fan, listing, "LotteryLeave") == {"entered": False, "entryCount": 0, "errors": []}
    assert (await enter(api, fan, listing))["entryCount"] == 1  # and back in

    sale = await published_listing(place.seller, place.rooms[0], title="书桌")
    refused(await enter(api, other, sale), "该闲置不是抽签赠送")
    move_to(listing.draw_at + timedelta(seconds=1))  # due, not yet swept
    refused(await enter(api, other, listing), "已截止报名")
    refused(await enter(api, fan, listing, "LotteryLeave"), "已截止报名", entered=True)
    assert await LotteryEntry.filter(listing_id=listing.id).values_list("person_id", flat=True) == [fan.id]


async def test_someone_from_another_community_cannot_enter_nor_learn_how_many_did(api, place, other_community,
                                                                                 make_person):
    listing = await lottery_of(place)
    community, room = other_community
    stranger = await make_person(community.id, ["RESIDENT"], room=room)
    assert (await enter(api, place.neighbours[0], listing))["entryCount"] == 1
    answer = await enter(api, stranger, listing)
    assert answer["errors"][0]["code"] == "NOT_FOUND"
    assert (answer["entered"], answer["entryCount"]) == (False, 0)  # not even how many entered
    assert await LotteryEntry.filter(listing_id=listing.id).count() == 1


async def test_entrants_over_the_weekly_cap_are_skipped_and_the_rerun_still_gives_the_winner(api, place):
    listing = await lottery_of(place)
    await MarketSettings.create(community=place.community, weekly_giveaway_wins=1)
    entrants = place.neighbours[:5]
    for person in entrants:
        assert (await enter(api, person, listing))["errors"] == []
    # Four of them already won a giveaway this week: only the fifth can win.
    capped, free = entrants[:4], entrants[4]
    for person in capped:
        gift = await published_listing(place.seller, place.rooms[0], title="旧玩具", kind=ListingKind.FREE)
        async with transaction() as tx:
            await open_reservation(tx, gift, person.id, giveaway=True)
    await drawn(listing)
    result = (await seen(api, free, listing))["lotteryResult"]
    assert result["iWon"] is True
    assert lottery.winner_of(result["seed"], result["entryIds"]) == result["winnerEntryId"]
    # The skipped are those ranked before the winner among all entries: none of them is drawn among.
    every = [str(i) for i in await LotteryEntry.filter(listing_id=listing.id).values_list("id", flat=True)]
    ranked = lottery.ranking(result["seed"], every)
    assert sorted(result["entryIds"]) == sorted(ranked[ranked.index(result["winnerEntryId"]):])
    assert (await Reservation.get(listing_id=listing.id)).buyer_id == free.id
    for person in capped:
        assert (await told(person))[0] in (f"「{TITLE}」开奖时您本周领取的赠送已达上限，未参与抽取",
                                           f"很遗憾，「{TITLE}」未中签")  # skipped, or ranked after the winner


async def test_a_lottery_nobody_entered_turns_first_come_and_the_seller_is_told(api, place):
    listing = await lottery_of(place)
    await drawn(listing)
    row = await Listing.get(id=listing.id)
    assert (row.state, row.giveaway_mode, row.draw_at, row.draw_seed is not None) == (
        "PUBLISHED", GiveawayMode.FIRST_COME, None, True)
    answer = await seen(api, place.neighbours[0], listing)
    assert answer["lotteryResult"]["winnerEntryId"] is None and answer["lotteryResult"]["entryIds"] == []
    assert answer["giveawayMode"] == "FIRST_COME"
    assert await told(place.seller) == [f"您的闲置「{TITLE}」开奖时无人参加抽签，已改为先到先得"]
    assert not await Reservation.filter(listing_id=listing.id).exists()
    await api.sign_in(place.seller.handle)  # the seller may edit it as the first-come giveaway it now is
    saved = (await api.op("ListingSave", input={
        "id": str(listing.id), "communityId": str(place.community.id), "kind": "FREE", "category": "KIDS",
        "condition": "GOOD", "title": TITLE, "description": "自取", "giveawayMode": "FIRST_COME",
        "roomId": str(place.rooms[0].id)}))["data"]["listingSave"]
    assert saved["errors"] == [], saved


async def test_fifty_racing_entries_of_one_person_leave_one(api, place):
    listing = await lottery_of(place)
    token = (await api.sign_in(place.neighbours[0].handle))["accessToken"]
    answers = await asyncio.gather(*(api.op("LotteryEnter", token=token, listingId=str(listing.id))
                                     for _ in range(50)))
    payloads = [a["data"]["lotteryEnter"] for a in answers]
    assert sum(p["errors"] == [] for p in payloads) == 1
    assert {p["errors"][0]["message"] for p in payloads if p["errors"]} == {"您已参加过抽签"}
    assert await LotteryEntry.filter(listing_id=listing.id).count() == 1


async def test_a_hidden_or_withdrawn_lottery_is_not_drawn(api, place):
    hidden, withdrawn = await lottery_of(place), await lottery_of(place)
    await Listing.filter(id=hidden.id).update(hidden_at=clock.now())
    await Listing.filter(id=withdrawn.id).update(state="CLOSED")
    move_to(hidden.draw_at + timedelta(minutes=1))
    while await lottery.draw_due():
        pass
    rows = await Listing.filter(id__in=[hidden.id, withdrawn.id]).values_list("drawn_at", flat=True)
    assert rows == [None, None]
