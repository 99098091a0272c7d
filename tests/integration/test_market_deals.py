"""Deals through the clients' operations: a neighbour reserves, the code is the buyer's alone, the
seller enters it (wrong codes counted, five lock the handover), both rate and see each other's
rating only when both have; cancelling and the no-show put the listing back on the market; the
weekly giveaway cap; every bad input refused in Chinese with nothing changed; a relative with the
MARKET scope deals for the elder."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest

from backend.audit.models import AuditEntry
from backend.core.clock import clock
from backend.market import ratings
from backend.market.models import (
    GiveawayMode,
    Listing,
    ListingEvent,
    ListingKind,
    MarketSettings,
    Rating,
    Reservation,
)
from backend.notify.models import InboxMessage
from backend.proxies.models import Proxy
from tests.integration.market_helpers import published_listing

# Listing fields the mini-program's Listing document gains with the deals (hE extends it).
LISTING_DEAL = """query($id: ID!) { listing(id: $id) { state pickupRoom reservation { id state handoverCode iAmBuyer }
  sellerRating { average count handovers noShows } } }"""


@pytest.fixture
async def deal(app, make_community, make_person):
    """A seller at home in 1号小区 1栋 1单元 0101, a buyer and a third neighbour, the committee."""
    made = await make_community(buildings=2, rooms=2)
    cid = made.community.id
    return SimpleNamespace(
        community=made.community, room=made.rooms[0],
        seller=await make_person(cid, ["RESIDENT"], room=made.rooms[0]),
        buyer=await make_person(cid, ["RESIDENT"], room=made.rooms[1]),
        neighbour=await make_person(cid, ["RESIDENT"], room=made.rooms[2]),
        committee=await make_person(cid, ["COMMITTEE_STAFF"]),
    )


async def run(api, person, name: str, **variables) -> dict:
    await api.sign_in(person.handle)
    response = await api.op(name, **variables)
    assert "errors" not in response, response
    return next(iter(response["data"].values()))


async def reserve(api, person, listing_id) -> dict:
    return await run(api, person, "ListingReserve", listingId=str(listing_id))


async def confirm(api, seller, reservation_id: str, code: str) -> dict:
    return await run(api, seller, "HandoverConfirm", reservationId=reservation_id, code=code)


async def rate(api, person, reservation_id: str, stars: int, comment: str | None = None) -> dict:
    return await run(api, person, "MarketRate", reservationId=reservation_id, stars=stars, comment=comment)


async def mine(api, person, deal, role: str) -> list[dict]:
    found = await run(api, person, "MyReservations", communityId=str(deal.community.id), role=role, first=20)
    return found["nodes"]


async def listing_seen(api, person, listing_id) -> dict:
    await api.sign_in(person.handle)
    return (await api.query(LISTING_DEAL, id=str(listing_id)))["data"]["listing"]


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


async def told(person, kind: str) -> list[str]:
    return [m.body for m in await InboxMessage.filter(person_id=person.id, kind=kind).order_by("id")]


async def rows(*listings) -> tuple:
    """What a refused deal must leave as it was."""
    ids = [listing.id for listing in listings]
    return (await Listing.filter(id__in=ids).order_by("id").values_list("id", "state"),
            await Reservation.filter(listing_id__in=ids).order_by("id").values_list(
                "id", "state", "wrong_codes", "locked_at", "ended_at"),
            await Rating.filter(reservation__listing_id__in=ids).order_by("id").values_list("id", "stars"),
            await ListingEvent.filter(listing_id__in=ids).count())


async def test_the_whole_deal_from_reservation_to_both_ratings(api, deal):
    listing = await published_listing(deal.seller, deal.room)
    reserved = await reserve(api, deal.buyer, listing.id)
    assert reserved["errors"] == []
    reservation = reserved["reservation"]
    code = reservation["handoverCode"]
    assert re.fullmatch(r"\d{6}", code)
    assert (reservation["state"], reservation["stateLabel"], reservation["iAmBuyer"], reservation["locked"]) == (
        "ACTIVE", "待交接", True, False)
    assert (reservation["listing"]["state"], reservation["listing"]["pickupRoom"]) == ("RESERVED", "1单元 0101")
    assert code not in (await Reservation.get(id=reservation["id"])).handover_code_encrypted  # encrypted at rest
    assert await told(deal.seller, "market.reserved") == [
        f"「儿童自行车 16寸」已被 {deal.buyer.display_name} 预订，交接时请核对对方的交接码"]

    # The code is the buyer's alone; the room the buyer's and the seller's.
    [as_seller] = await mine(api, deal.seller, deal, "SELLER")
    assert (as_seller["id"], as_seller["handoverCode"], as_seller["iAmBuyer"], as_seller["buyerName"]) == (
        reservation["id"], None, False, deal.buyer.display_name)
    assert await mine(api, deal.seller, deal, "BUYER") == []
    seen = {who: await listing_seen(api, getattr(deal, who), listing.id) for who in ("buyer", "seller", "neighbour")}
    assert seen["buyer"]["pickupRoom"] == seen["seller"]["pickupRoom"] == "1单元 0101"
    assert seen["buyer"]["reservation"]["handoverCode"] == code
    assert seen["seller"]["reservation"] == {"id": reservation["id"], "state": "ACTIVE", "handoverCode": None,
                                             "iAmBuyer": False}
    assert (seen["neighbour"]["pickupRoom"], seen["neighbour"]["reservation"]) == (None, None)

    # Two wrong codes, each counted and told how many tries are left; then the right one.
    for left in (4, 3):
        refused = await confirm(api, deal.seller, reservation["id"], wrong(code))
        assert refused == {"reservation": None, "errors": [
            {"code": "INVALID_INPUT", "field": "code", "message": f"交接码不正确，还可尝试 {left} 次"}]}
    assert (await Reservation.get(id=reservation["id"])).wrong_codes == 2
    assert (await Listing.get(id=listing.id)).state == "RESERVED"
    handed = await confirm(api, deal.seller, reservation["id"], code)
    assert handed["errors"] == []
    assert (handed["reservation"]["state"], handed["reservation"]["listing"]["state"]) == ("HANDED_OVER",
                                                                                        "HANDED_OVER")
    assert handed["reservation"]["endedAt"] and handed["reservation"]["canRate"] is True
    after = await listing_seen(api, deal.buyer, listing.id)
    assert (after["pickupRoom"], after["reservation"]["handoverCode"]) == ("1单元 0101", None)  # used up

    # The buyer rates first: the seller cannot see it until rating too.
    first = await rate(api, deal.buyer, reservation["id"], 5, "爽快，车况很好")
    assert first["errors"] == []
    assert first["reservation"]["myRating"]["stars"] == 5 and first["reservation"]["theirRating"] is None
    assert first["reservation"]["canRate"] is False and first["reservation"]["listing"]["state"] == "HANDED_OVER"
    [waiting] = await mine(api, deal.seller, deal, "SELLER")
    assert (waiting["theirRating"], waiting["canRate"]) == (None, True)
    assert (await listing_seen(api, deal.neighbour, listing.id))["sellerRating"]["count"] == 0  # not shown yet
    second = await rate(api, deal.seller, reservation["id"], 4)
    assert second["errors"] == []
    assert second["reservation"]["theirRating"]["stars"] == 5 and second["reservation"]["theirRating"]["comment"] == \
        "爽快，车况很好"
    assert second["reservation"]["listing"]["state"] == "CLOSED"  # both rated: the deal is done
    [bought] = await mine(api, deal.buyer, deal, "BUYER")
    assert (bought["myRating"]["stars"], bought["theirRating"]["stars"], bought["theirRating"]["comment"]) == (5, 4, "")
    assert (await listing_seen(api, deal.neighbour, listing.id))["sellerRating"] == {
        "average": 5.0, "count": 1, "handovers": 1, "noShows": 0}

    events = await ListingEvent.filter(listing_id=listing.id).order_by("created_at", "id")
    assert [(e.from_state, e.to_state, e.actor_id) for e in events] == [
        ("PUBLISHED", "RESERVED", deal.buyer.id), ("RESERVED", "HANDED_OVER", deal.seller.id),
        ("HANDED_OVER", "CLOSED", deal.seller.id)]
    actions = await AuditEntry.filter(target_id=reservation["id"]).order_by("id").values_list("action", flat=True)
    assert actions == ["market.reserve", "market.handover_wrong_code", "market.handover_wrong_code",
                       "market.handover_confirm", "market.rate", "market.rate"]


async def test_five_wrong_codes_lock_the_handover_tell_both_and_refuse_even_the_right_code(api, deal):
    listing = await published_listing(deal.seller, deal.room)
    reservation = (await reserve(api, deal.buyer, listing.id))["reservation"]
    code = reservation["handoverCode"]
    messages = [(await confirm(api, deal.seller, reservation["id"], wrong(code)))["errors"][0]["message"]
                for _ in range(5)]
    assert messages == ["交接码不正确，还可尝试 4 次", "交接码不正确，还可尝试 3 次", "交接码不正确，还可尝试 2 次",
                        "交接码不正确，还可尝试 1 次", "交接码错误次数过多，交接已锁定"]
    body = "「儿童自行车 16寸」的交接码错误次数过多，交接已锁定，取消预订后可重新预订"
    assert await told(deal.buyer, "market.locked") == await told(deal.seller, "market.locked") == [body]
    before = await rows(listing)
    refused = await confirm(api, deal.seller, reservation["id"], code)
    assert refused["errors"] == [{"code": "FORBIDDEN", "field": "code", "message": "交接码错误次数过多，交接已锁定"}]
    assert await rows(listing) == before
    [locked] = await mine(api, deal.buyer, deal, "BUYER")
    assert (locked["locked"], locked["handoverCode"], locked["state"]) == (True, None, "ACTIVE")

    # Cancelling releases it: the listing is on the market again.
    cancelled = await run(api, deal.buyer, "ReservationCancel", reservationId=reservation["id"])
    assert cancelled["errors"] == [] and cancelled["reservation"]["state"] == "CANCELLED"
    assert (await Listing.get(id=listing.id)).state == "PUBLISHED"


async def test_a_cancelled_reservation_frees_the_listing_for_another_neighbour(api, deal):
    listing = await published_listing(deal.seller, deal.room)
    first = (await reserve(api, deal.buyer, listing.id))["reservation"]
    gone = await run(api, deal.buyer, "ReservationCancel", reservationId=first["id"])
    assert (gone["reservation"]["state"], gone["reservation"]["stateLabel"], gone["reservation"]["handoverCode"]) == (
        "CANCELLED", "已取消", None)
    assert await told(deal.seller, "market.cancelled") == [
        f"{deal.buyer.display_name} 取消了对「儿童自行车 16寸」的预订，闲置已重新上架"]
    again = await reserve(api, deal.neighbour, listing.id)
    assert again["errors"] == [] and again["reservation"]["iAmBuyer"] is True
    assert (await listing_seen(api, deal.buyer, listing.id))["pickupRoom"] is None  # the cancelled buyer's no more
    assert (await listing_seen(api, deal.neighbour, listing.id))["pickupRoom"] == "1单元 0101"

    # The seller must say why; then the buyer is told.
    second = again["reservation"]["id"]
    before = await rows(listing)
    refused = await run(api, deal.seller, "ReservationCancel", reservationId=second, reason="  ")
    assert refused["errors"] == [{"code": "INVALID_INPUT", "field": "reason", "message": "请填写取消原因"}]
    assert await rows(listing) == before
    done = await run(api, deal.seller, "ReservationCancel", reservationId=second, reason="东西已经坏了")
    assert done["errors"] == [] and done["reservation"]["endReason"] == "东西已经坏了"
    assert await told(deal.neighbour, "market.cancelled") == ["卖家取消了您对「儿童自行车 16寸」的预订：东西已经坏了"]
    again = await run(api, deal.seller, "ReservationCancel", reservationId=second, reason="再取消一次")
    assert again["errors"][0]["message"] == "该预订已结束，不能取消"

    await api.sign_in(deal.seller.handle)
    history = (await api.op("ListingReservations", client="admin", listingId=str(listing.id)))["data"]
    assert [(r["buyerName"], r["state"], r["endReason"]) for r in history["listingReservations"]] == [
        (deal.neighbour.display_name, "CANCELLED", "东西已经坏了"), (deal.buyer.display_name, "CANCELLED", None)]
    await api.sign_in(deal.neighbour.handle)
    refused = await api.op("ListingReservations", client="admin", listingId=str(listing.id))
    assert refused["data"] is None and refused["errors"][0]["message"] == "只有发布者和市场管理人员可以查看预订记录"


async def test_a_no_show_is_counted_and_the_listing_published_again(api, deal):
    listing = await published_listing(deal.seller, deal.room)
    reservation = (await reserve(api, deal.buyer, listing.id))["reservation"]
    refused = await run(api, deal.buyer, "ReservationNoShow", reservationId=reservation["id"])
    assert refused["errors"] == [{"code": "FORBIDDEN", "field": "reservationId",
                                  "message": "只有卖家可以登记买家未到场"}]
    marked = await run(api, deal.seller, "ReservationNoShow", reservationId=reservation["id"])
    assert marked["errors"] == []
    assert (marked["reservation"]["state"], marked["reservation"]["stateLabel"]) == ("NO_SHOW", "未到场")
    assert marked["reservation"]["listing"]["state"] == "PUBLISHED"
    assert await told(deal.buyer, "market.no_show") == ["卖家登记您未按约定取走「儿童自行车 16寸」，预订已结束"]
    twice = await run(api, deal.seller, "ReservationNoShow", reservationId=reservation["id"])
    assert twice["errors"][0]["message"] == "该预订已结束，不能登记未到场"

    # Counted on the buyer's record, shown beside the buyer's own listings.
    own = await published_listing(deal.buyer, deal.room, title="旧书一套")
    assert (await listing_seen(api, deal.neighbour, own.id))["sellerRating"] == {
        "average": None, "count": 0, "handovers": 0, "noShows": 1}
    again = await reserve(api, deal.buyer, listing.id)
    assert again["errors"][0]["message"] == "卖家已登记您上次未到场，不能再预订该闲置"
    assert (await reserve(api, deal.neighbour, listing.id))["errors"] == []


async def test_the_weekly_giveaway_cap_counts_this_weeks_giveaways_not_the_cancelled(api, deal):
    await MarketSettings.create(community=deal.community, weekly_giveaway_wins=1)
    cot, bath = [await published_listing(deal.seller, deal.room, title=title, kind=ListingKind.FREE)
                 for title in ("九成新婴儿床", "宝宝浴盆")]
    first = await reserve(api, deal.buyer, cot.id)
    assert first["errors"] == [] and first["reservation"]["giveaway"] is True
    before = await rows(cot, bath)
    refused = await reserve(api, deal.buyer, bath.id)
    assert refused["errors"] == [{"code": "INVALID_INPUT", "field": "listingId",
                                  "message": "每人每周最多领取 1 件赠送，本周已达上限，请下周再来"}]
    assert await rows(cot, bath) == before
    sold = await published_listing(deal.seller, deal.room, title="实木书桌")
    assert (await reserve(api, deal.buyer, sold.id))["errors"] == []  # not a giveaway: no cap

    await run(api, deal.buyer, "ReservationCancel", reservationId=first["reservation"]["id"])
    assert (await reserve(api, deal.buyer, bath.id))["errors"] == []  # a cancelled one is not counted
    assert (await reserve(api, deal.buyer, cot.id))["errors"][0]["field"] == "listingId"
    clock.advance(timedelta(days=7))  # next week counts anew
    assert (await reserve(api, deal.buyer, cot.id))["errors"] == []


async def test_bad_input_is_refused_in_chinese_and_changes_nothing(api, deal, make_person, other_community):
    bike = await published_listing(deal.seller, deal.room)
    wanted = await published_listing(deal.seller, deal.room, title="求购：钢琴凳", kind=ListingKind.WANTED,
                                     price_fen=10000)
    lottery = await published_listing(deal.seller, deal.room, title="多肉植物一盆", kind=ListingKind.FREE,
                                      mode=GiveawayMode.LOTTERY, draw_at=clock.now() + timedelta(days=2))
    withdrawn = await published_listing(deal.seller, deal.room, title="旧台灯")
    await Listing.filter(id=withdrawn.id).update(state="CLOSED")
    reservation = (await reserve(api, deal.buyer, bike.id))["reservation"]
    everything = (bike, wanted, lottery, withdrawn)
    before = await rows(*everything)

    async def refused(person, name: str, **variables) -> dict:
        answer = await run(api, person, name, **variables)
        assert answer["reservation"] is None
        [error] = answer["errors"]
        return error

    assert await refused(deal.seller, "ListingReserve", listingId=str(bike.id)) == {
        "code": "INVALID_INPUT", "field": "listingId", "message": "您不能预订自己发布的闲置"}
    for target, message in ((wanted, "求购信息请留言联系发布者"), (lottery, "这是抽签赠送，请参与抽签"),
                            (bike, "您已预订该闲置，请按约定时间取货")):
        assert (await refused(deal.buyer, "ListingReserve", listingId=str(target.id)))["message"] == message
    assert await refused(deal.neighbour, "ListingReserve", listingId=str(bike.id)) == {
        "code": "CONFLICT", "field": "listingId", "message": "手慢了，该闲置已被预订"}
    assert await refused(deal.buyer, "ListingReserve", listingId=str(withdrawn.id)) == {
        "code": "NOT_AVAILABLE", "field": "listingId", "message": "已结束的闲置不能预订"}
    elsewhere = await make_person(other_community[0].id, ["RESIDENT"])
    assert (await refused(elsewhere, "ListingReserve", listingId=str(wanted.id)))["code"] == "NOT_FOUND"
    # A stranger's reservation is not found, whatever they try on it.
    stranger = {"reservationId": reservation["id"]}
    for name, extra in (("ReservationCancel", {"reason": "不要了"}), ("ReservationNoShow", {}),
                        ("HandoverConfirm", {"code": reservation["handoverCode"]}), ("MarketRate", {"stars": 1})):
        assert await refused(deal.neighbour, name, **stranger, **extra) == {
            "code": "NOT_FOUND", "field": "reservationId", "message": "找不到该预订"}
    assert (await refused(deal.seller, "HandoverConfirm", reservationId=reservation["id"], code="12345"))[
        "message"] == "请输入 6 位数字交接码"
    assert (await refused(deal.buyer, "HandoverConfirm", reservationId=reservation["id"],
                          code=reservation["handoverCode"]))["message"] == "请由卖家输入买家出示的交接码"
    assert (await refused(deal.buyer, "MarketRate", reservationId=reservation["id"], stars=5))["message"] == \
        "交接完成后才能评价"
    assert (await refused(deal.seller, "ReservationCancel", reservationId=reservation["id"]))[
        "message"] == "请填写取消原因"
    await api.sign_in(deal.seller.handle)
    withdraw = (await api.op("ListingWithdraw", id=str(bike.id), reason="不卖了"))["data"]["listingWithdraw"]
    assert withdraw["errors"][0]["message"] == "已被预订，请先取消预订再下架"
    assert await rows(*everything) == before
    assert (await Reservation.get(id=reservation["id"])).wrong_codes == 0

    # Rating: stars out of range, a long comment, twice.
    assert (await confirm(api, deal.seller, reservation["id"], reservation["handoverCode"]))["errors"] == []
    before = await rows(*everything)
    out_of_range = "评分须为 1 到 5 星"
    for stars, comment, field, message in ((0, None, "stars", out_of_range), (6, None, "stars", out_of_range),
                                           (5, "好" * 201, "comment", "评价最多 200 个字")):
        assert await refused(deal.buyer, "MarketRate", reservationId=reservation["id"], stars=stars,
                             comment=comment) == {"code": "INVALID_INPUT", "field": field, "message": message}
    assert await rows(*everything) == before
    assert (await rate(api, deal.buyer, reservation["id"], 5))["errors"] == []
    before = await rows(*everything)
    twice = await refused(deal.buyer, "MarketRate", reservationId=reservation["id"], stars=4)
    assert twice["message"] == "您已评价过"
    assert await rows(*everything) == before


async def test_ratings_close_after_7_days_and_a_lone_rating_is_shown_then(api, deal):
    listing = await published_listing(deal.seller, deal.room)
    reservation = (await reserve(api, deal.buyer, listing.id))["reservation"]
    await confirm(api, deal.seller, reservation["id"], reservation["handoverCode"])
    assert (await rate(api, deal.seller, reservation["id"], 2, "迟到了半小时"))["errors"] == []
    [before] = await mine(api, deal.buyer, deal, "BUYER")
    assert (before["theirRating"], before["canRate"]) == (None, True)

    clock.advance(timedelta(days=7, minutes=1))
    late = await rate(api, deal.buyer, reservation["id"], 5)
    assert late["errors"] == [{"code": "INVALID_INPUT", "field": "reservationId", "message": "评价已截止"}]
    [after] = await mine(api, deal.buyer, deal, "BUYER")
    assert (after["theirRating"]["stars"], after["theirRating"]["comment"], after["canRate"]) == (2, "迟到了半小时",
                                                                                                  False)
    while (await Listing.get(id=listing.id)).state != "CLOSED":  # other tests' listings may be due first
        assert await ratings.close_due()
    [closing] = await ListingEvent.filter(listing_id=listing.id, to_state="CLOSED")
    assert (closing.actor_id, closing.reason) == (None, "交接已满 7 天")


async def test_a_relative_with_the_market_scope_reserves_for_the_elder_and_one_without_cannot(api, deal, make_person):
    listing = await published_listing(deal.seller, deal.room)
    relatives = {}
    for scopes in (["MARKET"], ["ORDER"]):
        relative = await make_person(deal.community.id, ["RESIDENT"])
        await Proxy.create(community=deal.community, principal=deal.buyer, agent=relative, scopes=scopes,
                           evidence="同户家庭成员", valid_until=clock.now() + timedelta(days=30), granted_by=deal.buyer)
        relatives[scopes[0]] = relative
    api.http.headers["x-acting-for"] = str(deal.buyer.id)
    try:
        refused = await reserve(api, relatives["ORDER"], listing.id)
        assert refused["errors"][0]["message"] == "代办授权不包含此事项"
        assert (await Listing.get(id=listing.id)).state == "PUBLISHED"
        done = await reserve(api, relatives["MARKET"], listing.id)
        assert done["errors"] == [] and done["reservation"]["iAmBuyer"] is True
        assert re.fullmatch(r"\d{6}", done["reservation"]["handoverCode"])  # the elder's code, to show at the door
    finally:
        del api.http.headers["x-acting-for"]
    row = await Reservation.get(listing_id=listing.id)
    assert row.buyer_id == deal.buyer.id
    entry = await AuditEntry.get(action="market.reserve", target_id=str(row.id))
    assert (entry.actor_id, entry.acting_for_id) == (relatives["MARKET"].id, deal.buyer.id)
    [event] = await ListingEvent.filter(listing_id=listing.id)
    assert (event.actor_id, event.acting_for_id) == (relatives["MARKET"].id, deal.buyer.id)
    [shown] = await mine(api, deal.buyer, deal, "BUYER")  # the elder sees it as theirs
    assert shown["id"] == str(row.id)
