"""Saved searches (订阅) through the mini-program's operations: a listing published through
listingPublish that matches one tells its owner once in the inbox (the job run by a real worker; a
job relayed again adds nothing), not for a search it does not match nor the seller's own; ten a
person, raced on PostgreSQL; bad input refused in Chinese with nothing written; deleting only one's
own; a relative with the MARKET scope."""

import asyncio
import subprocess
import sys
from datetime import timedelta

import pytest

from backend.core.clock import clock
from backend.core.outbox import OutboxMessage
from backend.market.models import Listing, SavedSearch
from backend.notify.models import InboxMessage
from backend.proxies.models import Proxy
from backend.registry.models import Membership
from tests.integration.conftest import ROOT, eventually
from tests.integration.test_outbox import _jobs_done, _redis_now

TITLE = "有新的闲置符合您的订阅"


@pytest.fixture
async def place(make_community, make_person):
    """A community of the test's own: a seller at home and four neighbours of other homes."""
    made = await make_community(rooms=5)
    made.seller, *made.neighbours = [await make_person(made.community.id, ["RESIDENT"], room=room)
                                     for room in made.rooms]
    return made


async def save_search(api, person, community, **input) -> dict:
    await api.sign_in(person.handle)
    answer = await api.op("SavedSearchCreate", input={"communityId": str(community.id), **input})
    return answer["data"]["savedSearchCreate"]


async def publish(api, place, **listing) -> str:
    """The seller drafts a listing collected at home and publishes it, as the mini-program does."""
    await api.sign_in(place.seller.handle)
    draft = {"communityId": str(place.community.id), "kind": "SELL", "category": "KIDS", "condition": "GOOD",
             "priceFen": 12000, "roomId": str(place.rooms[0].id), **listing}
    saved = (await api.op("ListingSave", input=draft))["data"]["listingSave"]
    assert saved["errors"] == [], saved
    published = (await api.op("ListingPublish", id=saved["listing"]["id"]))["data"]["listingPublish"]
    assert published["errors"] == [], published
    return saved["listing"]["id"]


async def inbox(api, person) -> list[tuple[str, str]]:
    await api.sign_in(person.handle)
    nodes = (await api.op("Inbox", first=50))["data"]["viewer"]["inbox"]["nodes"]
    return [(n["title"], n["body"]) for n in nodes if n["kind"] == "market.saved_search"]


async def test_a_new_matching_listing_tells_each_matching_search_once(api, place, start_worker):
    fan, cars, furniture, cheap = place.neighbours
    for person, search in ((fan, {"query": "自行", "category": "KIDS"}), (fan, {"query": "自行车"}),
                           (cars, {"query": "汽车"}), (furniture, {"category": "FURNITURE"}),
                           (cheap, {"query": "自行车", "maxPriceFen": 5000}),
                           (place.seller, {"query": "自行车"})):  # the seller's own search
        assert (await save_search(api, person, place.community, **search))["errors"] == []

    since = await _redis_now()
    start_worker()
    bike = await publish(api, place, title="儿童自行车 16寸", description="孩子长大了，骑了一年")
    expected = [(TITLE, "「儿童自行车 16寸」 ¥120")]
    await eventually(lambda: InboxMessage.filter(person_id=fan.id, kind="market.saved_search").exists())
    # Two of the fan's searches match: one message. The job is done, so the others will get nothing.
    assert await inbox(api, fan) == expected
    for person in (cars, furniture, cheap, place.seller):
        assert await inbox(api, person) == [], person.display_name
    assert await OutboxMessage.filter(topic="notify.push", key__startswith=f"listing:{bike}:saved:").exists()

    # The relay sends the job again (a crash after sending, before marking it): nothing is added.
    message = await OutboxMessage.get(topic="market.listing_published", payload__contains={"listing_id": bike})
    await OutboxMessage.filter(id=message.id).update(relayed_at=None, available_at=clock.now() - timedelta(seconds=1))
    await eventually(lambda: _jobs_done(message.key, since, expected=2))
    assert await inbox(api, fan) == expected


async def test_a_giveaway_reaches_free_searches_and_a_left_neighbour_hears_nothing(api, place, start_worker):
    free, kind, left, priced = place.neighbours
    for person, search in ((free, {"free": True}), (kind, {"kind": "FREE", "query": "婴儿"}),
                           (left, {"query": "婴儿床"}), (priced, {"query": "婴儿床", "minPriceFen": 0})):
        assert (await save_search(api, person, place.community, **search))["errors"] == []
    await Membership.filter(person_id=left.id, community_id=place.community.id).delete()  # moved away

    start_worker()
    cot = await publish(api, place, title="九成新婴儿床，免费送", kind="FREE", giveawayMode="FIRST_COME", priceFen=None)
    await eventually(lambda: InboxMessage.filter(person_id=kind.id, kind="market.saved_search").exists())
    assert await inbox(api, free) == await inbox(api, kind) == [(TITLE, "「九成新婴儿床，免费送」 免费送")]
    told = InboxMessage.filter(person_id__in=[left.id, priced.id], delivery_key__contains=cot)
    assert await told.count() == 0


async def test_a_listing_hidden_before_the_job_runs_tells_no_one(api, place, start_worker):
    fan = place.neighbours[0]
    assert (await save_search(api, fan, place.community, query="自行车"))["errors"] == []
    since = await _redis_now()
    bike = await publish(api, place, title="儿童自行车 16寸")
    # Reported and hidden before any worker ran the job (arranged directly: moderation is hA's test).
    await Listing.filter(id=bike).update(hidden_at=clock.now())
    start_worker()
    message = await OutboxMessage.get(topic="market.listing_published", payload__contains={"listing_id": bike})
    await eventually(lambda: _jobs_done(message.key, since, expected=1))
    assert await inbox(api, fan) == []


async def test_ten_saved_searches_a_person_even_when_sent_at_once(api, place):
    person = place.neighbours[0]
    await api.sign_in(person.handle)
    answers = await asyncio.gather(*(api.op("SavedSearchCreate", input={
        "communityId": str(place.community.id), "query": f"自行车{i}"}) for i in range(14)))
    outcomes = [a["data"]["savedSearchCreate"] for a in answers]
    assert sum(1 for o in outcomes if o["savedSearch"]) == 10
    assert {e["message"] for o in outcomes for e in o["errors"]} == {"最多保存 10 个订阅，请先删除不需要的订阅"}
    assert await SavedSearch.filter(person_id=person.id).count() == 10
    mine = (await api.op("SavedSearches"))["data"]["savedSearches"]
    assert len(mine) == 10 and mine == sorted(mine, key=lambda s: s["createdAt"], reverse=True)

    deleted = await api.op("SavedSearchDelete", id=mine[0]["id"])
    assert deleted["data"]["savedSearchDelete"] == {"ok": True, "errors": []}
    again = await save_search(api, person, place.community, query="书桌")
    assert again["errors"] == [] and again["savedSearch"]["query"] == "书桌"


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"query": "自" * 41}, "query", "搜索词不能超过 40 个字"),
    ({"query": "书桌", "minPriceFen": -1}, "minPriceFen", "最低价不能为负数"),
    ({"query": "书桌", "maxPriceFen": -100}, "maxPriceFen", "最高价不能为负数"),
    ({"query": "书桌", "minPriceFen": 5000, "maxPriceFen": 1000}, "minPriceFen", "最低价不能高于最高价"),
    ({"query": "  ！"}, "query", "请输入搜索词或选择筛选条件后再订阅"),
])
async def test_bad_input_is_refused_in_chinese_and_nothing_is_written(api, place, change, field, message):
    person = place.neighbours[0]
    refused = await save_search(api, person, place.community, **change)
    assert refused["savedSearch"] is None
    assert [(e["code"], e["field"], e["message"]) for e in refused["errors"]] == [("INVALID_INPUT", field, message)]
    assert not await SavedSearch.filter(person_id=person.id).exists()


async def test_a_search_of_a_community_i_do_not_belong_to_is_not_found(api, place, other_community):
    community, _ = other_community
    refused = await save_search(api, place.neighbours[0], community, query="自行车")
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("NOT_FOUND", "communityId")]
    assert not await SavedSearch.filter(person_id=place.neighbours[0].id).exists()


async def test_only_my_own_saved_search_can_be_deleted(api, place):
    mine, other = place.neighbours[:2]
    made = await save_search(api, mine, place.community, query="自行车", category="KIDS", minPriceFen=1000,
                             maxPriceFen=20000)
    assert made["savedSearch"] | {"id": None, "createdAt": None} == {
        "id": None, "communityId": str(place.community.id), "query": "自行车", "category": "KIDS", "kind": None,
        "free": None, "minPriceFen": 1000, "maxPriceFen": 20000, "createdAt": None}
    await api.sign_in(other.handle)
    assert (await api.op("SavedSearches"))["data"]["savedSearches"] == []
    refused = (await api.op("SavedSearchDelete", id=made["savedSearch"]["id"]))["data"]["savedSearchDelete"]
    assert refused["ok"] is False and [e["code"] for e in refused["errors"]] == ["NOT_FOUND"]
    assert await SavedSearch.filter(id=made["savedSearch"]["id"]).exists()

    await api.sign_in(mine.handle)
    assert [s["query"] for s in (await api.op("SavedSearches"))["data"]["savedSearches"]] == ["自行车"]
    done = (await api.op("SavedSearchDelete", id=made["savedSearch"]["id"]))["data"]["savedSearchDelete"]
    assert done == {"ok": True, "errors": []}
    assert (await api.op("SavedSearches"))["data"]["savedSearches"] == []


async def test_a_relative_with_the_market_scope_subscribes_for_the_elder(api, place, make_person):
    elder = place.neighbours[0]
    relative = await make_person(place.community.id, ["RESIDENT"])
    await Proxy.create(community=place.community, principal=elder, agent=relative, scopes=["MARKET"],
                       evidence="同户子女", valid_until=clock.now() + timedelta(days=30), granted_by=elder)
    api.http.headers["x-acting-for"] = str(elder.id)
    made = await save_search(api, relative, place.community, query="轮椅")
    assert made["errors"] == []
    assert await SavedSearch.filter(person_id=elder.id, query="轮椅").exists()
    assert not await SavedSearch.filter(person_id=relative.id).exists()


SQLITE = """
import asyncio, sys
from backend.core import db
from backend.core.actor import Actor
from backend.core.runtime import start_runtime
from backend.core.settings import get_settings
from backend.market import favourites, saved
from backend.market.search import Filters
from backend.notify.models import InboxMessage
from tests.integration.conftest import build_community, build_person
from tests.integration.market_helpers import published_listing

async def main(url):
    start_runtime(get_settings())
    await db.migrate(url)
    await db.init_db(url)
    try:
        place = await build_community(rooms=2)
        seller, fan = [await build_person(place.community.id, ["RESIDENT"], room=r) for r in place.rooms]
        bike = await published_listing(seller, place.rooms[0])
        for _ in range(2):
            await favourites.set_favourite(Actor(person_id=fan.id), listing_id=bike.id, favourite=True)
        page = await favourites.my_favourites(Actor(person_id=fan.id), first=20, after=None)
        assert [f.listing.title for f in page.items] == ["儿童自行车 16寸"], page.items
        await saved.create_saved_search(Actor(person_id=fan.id), draft=saved.SavedSearchDraft(
            community_id=place.community.id, query="自行", filters=Filters(category="KIDS")))
        for _ in range(2):  # a retried job adds nothing
            assert await saved.notify_matches(bike.id) == 1
        assert await InboxMessage.filter(person_id=fan.id, kind="market.saved_search").count() == 1
    finally:
        await db.close_db()
    print("saved searches on sqlite: ok")

asyncio.run(main(sys.argv[1]))
"""


def test_favourites_and_saved_searches_run_on_sqlite(tmp_path):
    """The embedded default (no SELECT … FOR UPDATE, the ORM's bulk insert) keeps one favourite and
    tells a saved search once."""
    url = f"sqlite://{tmp_path / 'saved.sqlite3'}"
    done = subprocess.run([sys.executable, "-c", SQLITE, url], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "LINLI_ENV": "dev", "LINLI_DATABASE_URL": url,
                               "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0 and "saved searches on sqlite: ok" in done.stdout, done.stderr[-3000:]
