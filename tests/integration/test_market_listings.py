"""Listings through the clients' operations: a seller drafts, publishes, renews and withdraws; a
neighbour sees what is published (the building, never the room); staff look listings up with their
history; the community's rules; bad input refused in Chinese with nothing changed; expiry and the
renewal reminder on the moved clock; photos that carry no EXIF to anyone."""

import asyncio
import io
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from PIL import Image

from backend.audit.models import AuditEntry
from backend.core.clock import clock
from backend.market import expiry
from backend.market.models import Listing, ListingPhoto
from backend.notify.models import InboxMessage
from backend.proxies.models import Proxy
from tests.integration.test_media import photo_with_gps


def move_to(moment) -> None:
    clock.advance(moment - clock.now())


@pytest.fixture
async def market(app, make_community, make_person):
    """A community of two estates: a seller at home in 1号小区 1栋, a neighbour, a member without a
    home, a committee member and a moderator of another community."""
    made = await make_community(estates=2, buildings=2, rooms=2)
    cid = made.community.id
    other = await make_community()
    return SimpleNamespace(
        made=made, community=made.community, room=made.rooms[0], building=made.buildings[0],
        seller=await make_person(cid, ["RESIDENT"], room=made.rooms[0]),
        neighbour=await make_person(cid, ["RESIDENT"], room=made.rooms[1]),
        homeless=await make_person(cid, ["RESIDENT"]),
        committee=await make_person(cid, ["COMMITTEE_STAFF"]),
        foreign_staff=await make_person(other.community.id, ["COMMITTEE_STAFF"]),
    )


def bike(market, **changes) -> dict:
    values = {"communityId": str(market.community.id), "kind": "SELL", "category": "KIDS", "condition": "GOOD",
              "title": "儿童自行车 16寸", "description": "孩子长大了，骑了一年", "priceFen": 12000,
              "roomId": str(market.room.id)}
    return values | changes


async def save(api, person, **input) -> dict:
    await api.sign_in(person.handle)
    return (await api.op("ListingSave", input=input))["data"]["listingSave"]


async def publish(api, listing_id: str) -> dict:
    return (await api.op("ListingPublish", id=listing_id))["data"]["listingPublish"]


async def published(api, market, **changes) -> str:
    saved = await save(api, market.seller, **bike(market, **changes))
    assert saved["errors"] == [], saved
    result = await publish(api, saved["listing"]["id"])
    assert result["errors"] == [], result
    return saved["listing"]["id"]


async def seen_by(api, person, listing_id: str) -> dict | None:
    await api.sign_in(person.handle)
    return (await api.op("Listing", id=listing_id))["data"]["listing"]


async def test_a_draft_is_the_sellers_until_published_then_neighbours_see_it_to_the_building(api, market):
    saved = await save(api, market.seller, **bike(market))
    assert saved["errors"] == []
    draft = saved["listing"]
    assert (draft["state"], draft["stateLabel"], draft["mine"], draft["priceFen"]) == ("DRAFT", "草稿", True, 12000)
    assert draft["pickupPlace"] == "1号小区 1栋" and draft["pickupRoom"] == "1单元 0101"
    assert await seen_by(api, market.neighbour, draft["id"]) is None  # a draft is nobody else's business

    await api.sign_in(market.seller.handle)
    result = await publish(api, draft["id"])
    assert result["errors"] == [] and result["listing"]["state"] == "PUBLISHED"
    expires = result["listing"]["expiresAt"]
    assert expires.startswith((clock.now() + timedelta(days=30)).date().isoformat())

    shown = await seen_by(api, market.neighbour, draft["id"])
    assert (shown["title"], shown["state"], shown["mine"], shown["sellerVerified"]) == (
        "儿童自行车 16寸", "PUBLISHED", False, True)
    assert shown["pickupPlace"] == "1号小区 1栋" and shown["pickupRoom"] is None  # the room: the buyer's only

    await api.sign_in(market.seller.handle)
    mine = (await api.op("MyListings", first=20))["data"]["myListings"]["nodes"]
    assert [n["id"] for n in mine] == [draft["id"]]
    assert (await api.op("MyListings", state="DRAFT", first=20))["data"]["myListings"]["nodes"] == []


async def test_a_member_without_a_home_offers_a_building_and_sees_the_places_to_choose(api, market):
    await api.sign_in(market.seller.handle)
    homes = (await api.op("MarketHomes", communityId=str(market.community.id)))["data"]["marketHomes"]
    assert homes == [{"roomId": str(market.room.id), "buildingId": str(market.building.id),
                      "label": "1号小区 1栋 1单元 0101"}]
    await api.sign_in(market.homeless.handle)
    assert (await api.op("MarketHomes", communityId=str(market.community.id)))["data"]["marketHomes"] == []
    buildings = (await api.op("MarketBuildings", communityId=str(market.community.id)))["data"]["marketBuildings"]
    assert [b["label"] for b in buildings] == ["1号小区 1栋", "1号小区 2栋", "2号小区 1栋", "2号小区 2栋"]

    other_building = market.made.buildings[3]
    saved = await save(api, market.homeless, **bike(market, roomId=None, buildingId=str(other_building.id)))
    assert saved["errors"] == [] and saved["listing"]["pickupPlace"] == "2号小区 2栋"
    assert saved["listing"]["pickupRoom"] is None
    refused = await save(api, market.homeless, **bike(market))  # the seller's room is not this member's home
    assert refused["errors"][0]["field"] == "roomId" and refused["listing"] is None


async def test_renewing_and_withdrawing_and_the_staff_lookup_with_history(api, console, market):
    listing_id = await published(api, market)
    move_to(clock.now() + timedelta(days=10))
    await api.sign_in(market.seller.handle)  # a new token on the moved clock
    renewed = (await api.op("ListingRenew", id=listing_id))["data"]["listingRenew"]
    assert renewed["errors"] == []
    assert renewed["listing"]["expiresAt"].startswith((clock.now() + timedelta(days=30)).date().isoformat())
    withdrawn = (await api.op("ListingWithdraw", id=listing_id, reason="已经送人了"))["data"]["listingWithdraw"]
    assert withdrawn["errors"] == [] and withdrawn["listing"]["stateLabel"] == "已结束"
    again = (await api.op("ListingWithdraw", id=listing_id))["data"]["listingWithdraw"]
    assert again["errors"][0]["message"] == "已结束的闲置不能下架"
    assert (await seen_by(api, market.neighbour, listing_id))["stateLabel"] == "已结束"  # off the market

    second = await published(api, market, title="九成新婴儿床", kind="FREE", priceFen=None, category="KIDS",
                             giveawayMode="FIRST_COME")
    await console.sign_in(market.committee.handle)
    found = (await console.op("MarketListings", communityId=str(market.community.id), first=20))["data"]
    assert [n["id"] for n in found["marketListings"]["nodes"]] == [second, listing_id]
    assert found["marketListings"]["totalCount"] == 2
    by_title = (await console.op("MarketListings", communityId=str(market.community.id), query="婴儿",
                                 first=20))["data"]["marketListings"]["nodes"]
    assert [n["title"] for n in by_title] == ["九成新婴儿床"]
    closed = (await console.op("MarketListings", communityId=str(market.community.id), state="CLOSED",
                               first=20))["data"]["marketListings"]["nodes"]
    assert [n["id"] for n in closed] == [listing_id]

    events = (await console.op("ListingEvents", listingId=listing_id))["data"]["listingEvents"]
    assert [(e["fromState"], e["toState"], e["actorName"], e["reason"]) for e in events] == [
        ("DRAFT", "PUBLISHED", market.seller.display_name, None),
        ("PUBLISHED", "CLOSED", market.seller.display_name, "已经送人了")]

    await console.sign_in(market.foreign_staff.handle)
    foreign = await console.op("MarketListings", communityId=str(market.community.id), first=20)
    assert foreign["data"] is None and foreign["errors"]
    await console.sign_in(market.neighbour.handle)
    assert (await console.op("ListingEvents", listingId=listing_id))["data"] is None


async def test_the_committee_sets_the_rules_and_the_daily_limit_holds(api, console, market):
    await console.sign_in(market.committee.handle)
    cid = str(market.community.id)
    assert (await console.op("MarketSettings", communityId=cid))["data"]["marketSettings"] == {
        "weeklyGiveawayWins": 2, "dailyListings": 10}
    bad = (await console.op("MarketSettingsUpdate", communityId=cid, weeklyGiveawayWins=21,
                            dailyListings=2))["data"]["marketSettingsUpdate"]
    assert bad["settings"] is None and bad["errors"][0]["field"] == "weeklyGiveawayWins"
    bad = (await console.op("MarketSettingsUpdate", communityId=cid, weeklyGiveawayWins=1,
                            dailyListings=0))["data"]["marketSettingsUpdate"]
    assert bad["errors"][0]["field"] == "dailyListings"
    done = (await console.op("MarketSettingsUpdate", communityId=cid, weeklyGiveawayWins=1,
                             dailyListings=2))["data"]["marketSettingsUpdate"]
    assert done == {"settings": {"weeklyGiveawayWins": 1, "dailyListings": 2}, "errors": []}
    await console.sign_in(market.neighbour.handle)
    assert (await console.op("MarketSettingsUpdate", communityId=cid, weeklyGiveawayWins=5,
                             dailyListings=50))["data"]["marketSettingsUpdate"]["errors"][0]["code"] == "NOT_FOUND"

    # Two a day: three drafts published at once give two publications, and the third is told why.
    drafts = [(await save(api, market.seller, **bike(market, title=f"旧书一套 {i}", category="BOOKS")))["listing"]["id"]
              for i in range(3)]
    results = await asyncio.gather(*(publish(api, d) for d in drafts))
    refused = [r for r in results if r["errors"]]
    assert len(refused) == 1 and refused[0]["errors"][0]["message"] == "每人每天最多发布 2 条闲置，请明天再发布"
    assert await Listing.filter(id__in=drafts, state="PUBLISHED").count() == 2
    # The next day (Asia/Shanghai) counts anew.
    move_to(clock.now() + timedelta(days=1))
    await api.sign_in(market.seller.handle)
    [left] = [d for d in drafts if d not in [r["listing"]["id"] for r in results if r["listing"]]]
    assert (await publish(api, left))["errors"] == []


BAD_INPUT = [
    ({"kind": "FREE", "giveawayMode": "FIRST_COME", "priceFen": 100}, "priceFen", "赠送的闲置不能标价"),
    ({"priceFen": -1}, "priceFen", "价格不能为负数"),
    ({"kind": "SWAP", "priceFen": 100}, "priceFen", "交换的闲置不能标价"),
    ({"priceFen": None}, "priceFen", "请填写价格（免费赠送请选择“赠送”）"),
    ({"title": "车"}, "title", "标题须为 2–40 个字"),
    ({"description": "很" * 1001}, "description", "描述最多 1000 个字"),
    ({"condition": None}, "condition", "请选择新旧程度"),
    ({"kind": "FREE", "priceFen": None}, "giveawayMode", "请选择赠送方式：先到先得或到点抽签"),
    ({"kind": "FREE", "priceFen": None, "giveawayMode": "LOTTERY",
      "drawAt": "2020-01-01T00:00:00+00:00"}, "drawAt", "开奖时间须在 1 小时之后、14 天之内"),
    ({"drawAt": "2099-01-01T00:00:00+00:00"}, "drawAt", "只有抽签赠送才有开奖时间"),
    ({"roomId": None}, "buildingId", "请选择取货地点（您的住址或所在楼栋）"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_INPUT)
async def test_bad_input_is_refused_in_chinese_and_nothing_is_written(api, market, change, field, message):
    result = await save(api, market.seller, **bike(market, **change))
    assert result["listing"] is None
    assert [(e["field"], e["message"]) for e in result["errors"]] == [(field, message)]
    assert not await Listing.filter(seller_id=market.seller.id).exists()


async def _upload(api, data: bytes) -> dict:
    response = await api.http.post("/uploads", params={"kind": "listing_photo"},
                                   headers={"authorization": f"Bearer {api.token}"},
                                   files={"file": ("photo.jpg", data, "image/jpeg")})
    assert response.status_code == 200, response.text
    return response.json()


def _small_photo(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "JPEG")
    return out.getvalue()


async def test_photos_ten_duplicates_and_someone_elses_are_refused(api, market):
    await api.sign_in(market.neighbour.handle)
    theirs = (await _upload(api, _small_photo("red")))["id"]
    await api.sign_in(market.seller.handle)
    mine = [(await _upload(api, _small_photo(c)))["id"] for c in ("blue", "green")]
    cases = [(mine * 5, "最多上传 9 张照片"), ([mine[0], mine[0]], "同一张照片只能添加一次"),
             ([mine[0], theirs], "找不到上传的照片，请重新上传")]
    for photo_ids, message in cases:
        result = await save(api, market.seller, **bike(market, photoIds=photo_ids))
        assert [(e["field"], e["message"]) for e in result["errors"]] == [("photoIds", message)]
    assert not await Listing.filter(seller_id=market.seller.id).exists()

    kept = await save(api, market.seller, **bike(market, photoIds=[mine[1], mine[0]]))
    assert len(kept["listing"]["photos"]) == 2
    assert [p.upload_id for p in await ListingPhoto.filter(listing_id=kept["listing"]["id"]).order_by("position")
            ] == [uuid.UUID(i) for i in (mine[1], mine[0])]


async def test_a_gps_tagged_photo_reaches_neighbours_without_exif_and_upright(api, market):
    await api.sign_in(market.seller.handle)
    photo = await _upload(api, photo_with_gps())
    listing_id = await published(api, market, photoIds=[photo["id"]])
    shown = await seen_by(api, market.neighbour, listing_id)
    [urls] = shown["photos"]
    for url, longest in ((urls["displayUrl"], 1080), (urls["thumbnailUrl"], 320)):
        served = await api.http.get(url)
        assert served.status_code == 200 and b"39,54" not in served.content and b"xmpmeta" not in served.content
        with Image.open(io.BytesIO(served.content)) as image:
            assert not image.getexif() and "exif" not in image.info and "xmp" not in image.info
            assert image.size == (longest // 2, longest)  # turned upright: the sideways photo is portrait


async def test_editing_someone_elses_listing_is_refused_and_a_published_edit_is_checked_again(api, market):
    listing_id = await published(api, market)
    await save(api, market.seller, **bike(market))  # sign in
    neighbour_edit = await save(api, market.neighbour, **bike(market, id=listing_id, title="我的了",
                                                              roomId=None, buildingId=str(market.building.id)))
    assert neighbour_edit["listing"] is None and neighbour_edit["errors"][0]["code"] == "FORBIDDEN"
    neighbour_withdraw = (await api.op("ListingWithdraw", id=listing_id))["data"]["listingWithdraw"]
    assert neighbour_withdraw["errors"][0]["code"] == "FORBIDDEN"

    edit = await save(api, market.seller, **bike(market, id=listing_id, title="儿童自行车 送头盔",
                                                 description="附送电子烟一支"))
    assert edit["errors"] == [{"code": "INVALID_INPUT", "field": "title",
                               "message": "平台禁止发布烟草制品（香烟、电子烟等）：请删去后再发布"}]
    row = await Listing.get(id=listing_id)
    assert (row.title, row.state) == ("儿童自行车 16寸", "PUBLISHED")
    edit = await save(api, market.seller, **bike(market, id=listing_id, title="儿童自行车 送头盔", priceFen=10000))
    assert edit["errors"] == [] and (edit["listing"]["title"], edit["listing"]["priceFen"]) == ("儿童自行车 送头盔",
                                                                                               10000)


async def test_a_prohibited_item_is_refused_at_publish_with_the_reason(api, market):
    saved = await save(api, market.seller, **bike(market, title="高仿名牌包", category="CLOTHING"))
    result = await publish(api, saved["listing"]["id"])
    assert result["listing"] is None
    assert result["errors"][0]["message"] == "平台禁止发布假冒商品（高仿、A货等）：请删去后再发布"
    assert (await Listing.get(id=saved["listing"]["id"])).state == "DRAFT"


async def sweep_until(sweep, done):
    """The sweeps take the soonest due first, a batch at a time: other tests' listings, due on the same
    moved clock, may come before this one, so sweep until this test's effect is there."""
    while not await done() and await sweep():
        pass


async def test_listings_expire_after_30_days_with_a_reminder_3_days_before(api, market):
    listing_id = await published(api, market)
    start = clock.now()
    move_to(start + timedelta(days=26))
    await expiry.remind_due()
    assert not await InboxMessage.filter(person_id=market.seller.id, kind="market.renewal").exists()
    move_to(start + timedelta(days=27, minutes=1))
    await sweep_until(expiry.remind_due, InboxMessage.filter(person_id=market.seller.id, kind="market.renewal").exists)
    await expiry.remind_due()  # once per period
    told = await InboxMessage.filter(person_id=market.seller.id, kind="market.renewal")
    assert [m.body for m in told] == ["您的闲置「儿童自行车 16寸」将在 3 天后过期，续期可继续展示"]
    await expiry.expire_due()
    assert (await Listing.get(id=listing_id)).state == "PUBLISHED"

    move_to(start + timedelta(days=30, minutes=1))
    await sweep_until(expiry.expire_due, Listing.filter(id=listing_id, state="EXPIRED").exists)
    assert (await seen_by(api, market.seller, listing_id))["state"] == "EXPIRED"
    assert (await seen_by(api, market.neighbour, listing_id))["stateLabel"] == "已过期"

    # Renewing shows it again, so an edit of an expired listing is checked for prohibited items too.
    sneaked = await save(api, market.seller, **bike(market, id=listing_id, description="送两条香烟"))
    assert sneaked["errors"][0]["message"] == "平台禁止发布烟草制品（香烟、电子烟等）：请删去后再发布"
    renewed = (await api.op("ListingRenew", id=listing_id))["data"]["listingRenew"]
    assert renewed["errors"] == [] and renewed["listing"]["state"] == "PUBLISHED"
    assert (await seen_by(api, market.neighbour, listing_id))["state"] == "PUBLISHED"
    move_to(clock.now() + timedelta(days=27, minutes=1))
    async def told_twice():
        return await InboxMessage.filter(person_id=market.seller.id, kind="market.renewal").count() == 2
    await sweep_until(expiry.remind_due, told_twice)  # a new period: reminded again
    assert await InboxMessage.filter(person_id=market.seller.id, kind="market.renewal").count() == 2


async def test_a_relative_with_the_market_scope_lists_for_the_elder_and_one_without_cannot(api, market, make_person):
    relatives = {}
    for scopes in (["MARKET"], ["ORDER"]):
        relative = await make_person(market.community.id, ["RESIDENT"], room=market.room, resident_role="TENANT")
        await Proxy.create(community=market.community, principal=market.seller, agent=relative, scopes=scopes,
                           evidence="同户家庭成员", valid_until=clock.now() + timedelta(days=30),
                           granted_by=market.seller)
        relatives[scopes[0]] = relative
    api.http.headers["x-acting-for"] = str(market.seller.id)
    try:
        saved = await save(api, relatives["MARKET"], **bike(market))  # the elder's home, as his pickup place
        assert saved["errors"] == [] and saved["listing"]["mine"] is True
        assert (await publish(api, saved["listing"]["id"]))["errors"] == []
        refused = await save(api, relatives["ORDER"], **bike(market))
        assert refused["errors"][0]["message"] == "代办授权不包含此事项"
        assert (await api.op("MyListings", first=20))["data"] is None  # nor the elder's list
    finally:
        del api.http.headers["x-acting-for"]
    row = await Listing.get(id=saved["listing"]["id"])
    assert (row.seller_id, row.state) == (market.seller.id, "PUBLISHED")
    published_by = await AuditEntry.get(action="market.listing_publish", target_id=str(row.id))
    assert (published_by.actor_id, published_by.acting_for_id) == (relatives["MARKET"].id, market.seller.id)
    await api.sign_in(market.seller.handle)
    assert [n["id"] for n in (await api.op("MyListings", first=20))["data"]["myListings"]["nodes"]] == [str(row.id)]


async def test_a_burst_of_new_listings_is_rate_limited_and_edits_are_not(api, market):
    made = [await save(api, market.seller, **bike(market, title=f"旧书 第{i}册", category="BOOKS")) for i in range(20)]
    assert all(m["errors"] == [] for m in made)
    refused = await save(api, market.seller, **bike(market, title="旧书 第21册", category="BOOKS"))
    assert refused["errors"] == [{"code": "RATE_LIMITED", "field": "title",
                                  "message": "发布太频繁：每小时最多新建 20 条闲置，请稍后再试"}]
    assert await Listing.filter(seller_id=market.seller.id).count() == 20
    edit = await save(api, market.seller, **bike(market, id=made[0]["listing"]["id"], title="旧书 全套"))
    assert edit["errors"] == []
