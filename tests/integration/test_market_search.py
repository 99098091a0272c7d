"""Market search (marketSearch) on PostgreSQL through the API: Chinese matching by character bigrams
(自行车 and 自行 find 儿童自行车, 汽车 does not), the same answer as `search.matches` over random
Chinese text, filters, each sort, cursors that stay stable, what is never found, bad input; and the
same matching on SQLite, the embedded default."""

import random
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from tortoise import connections

from backend.consult.grams import normalise
from backend.core.clock import clock
from backend.market.models import Listing, ListingCategory, ListingKind, ListingState
from backend.market.search import matches
from tests.integration.market_helpers import published_listing

ROOT = Path(__file__).resolve().parents[2]

SEARCH = """query($communityId: ID!, $query: String, $category: ListingCategory, $kind: ListingKind, $free: Boolean,
  $minPriceFen: Int, $maxPriceFen: Int, $sort: MarketSort! = NEWEST, $first: Int! = 20, $after: String) {
  marketSearch(communityId: $communityId, query: $query, category: $category, kind: $kind, free: $free,
    minPriceFen: $minPriceFen, maxPriceFen: $maxPriceFen, sort: $sort, first: $first, after: $after) {
    nodes { id title priceFen pickupPlace sellerName photos { thumbnailUrl } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}"""


@pytest.fixture
async def market(make_community, make_person):
    """Two estates; a seller in the first, a neighbour (the searcher) in the second."""
    place = await make_community(estates=2, rooms=2)
    place.seller = await make_person(place.community.id, ["RESIDENT"], room=place.rooms[0])
    place.searcher = await make_person(place.community.id, ["RESIDENT"], room=place.rooms[2])
    place.near_seller = await make_person(place.community.id, ["RESIDENT"], room=place.rooms[3])
    return place


async def ask(api, place, variables: dict) -> dict:
    response = await api.post({"query": SEARCH, "variables": {"communityId": str(place.community.id), **variables}})
    assert response.status_code == 200, response.text
    return response.json()


async def search(api, place, **variables) -> dict:
    answer = await ask(api, place, variables)
    assert "errors" not in answer, answer
    return answer["data"]["marketSearch"]


async def titles(api, place, **variables) -> list[str]:
    return [n["title"] for n in (await search(api, place, **variables))["nodes"]]


async def errors(api, place, **variables) -> list[tuple[str, str]]:
    answer = await ask(api, place, variables)
    return [(e["extensions"]["code"], e["message"]) for e in answer["errors"]]


async def test_chinese_words_find_the_listing_by_their_bigrams_and_a_different_word_does_not(api, market):
    await published_listing(market.seller, market.rooms[0], title="儿童自行车 16寸", description="九成新，送打气筒")
    await published_listing(market.seller, market.rooms[0], title="宜家书架", description="白色 ＩＫＥＡ 五层")
    await api.sign_in(market.searcher.handle)
    for query in ("自行车", "自行", "车", "自行 车！", "16寸", "１６寸", "童自", "打气筒", "自行车16寸"):
        assert await titles(api, market, query=query) == ["儿童自行车 16寸"], query
    for query in ("汽车", "自行车架", "行自", "儿童书架"):
        assert await titles(api, market, query=query) == [], query
    assert await titles(api, market, query="ikea") == ["宜家书架"]  # full-width and upper case fold
    assert await titles(api, market, query="！？") == ["宜家书架", "儿童自行车 16寸"]  # no letters: no text filter
    assert (await search(api, market, query="自行"))["totalCount"] == 1


async def test_an_edited_title_is_found_by_its_new_words_only(api, market):
    listing = await published_listing(market.seller, market.rooms[0], title="小米空气净化器")
    await api.sign_in(market.searcher.handle)
    assert await titles(api, market, query="净化器") == ["小米空气净化器"]
    listing.title, listing.description = "九成新沙发", "三人位"
    await listing.save()
    assert await titles(api, market, query="净化器") == []
    assert await titles(api, market, query="沙发") == ["九成新沙发"]
    assert await titles(api, market, query="三人") == ["九成新沙发"]


async def test_the_index_answers_exactly_as_the_matching_rule_over_random_chinese_text(api, market):
    """The property the saved searches rely on: the SQL finds what `search.matches` says, no more, no less."""
    rng = random.Random(13)
    pool = "自行车儿童沙发书架九成新宜家小米空气净化器婴儿床免费送〇一二ＡＢｃdE16寸，。！ -"
    texts = ["".join(rng.choice(pool) for _ in range(rng.randint(2, 14))) for _ in range(40)]
    for n, text in enumerate(texts):
        await published_listing(market.seller, market.rooms[0], title=f"{n:02d}", description=text)
    await api.sign_in(market.searcher.handle)
    queries = ["".join(rng.choice(pool) for _ in range(rng.randint(1, 4))) for _ in range(60)]
    for query in queries:
        found = await titles(api, market, query=query, first=50)
        expected = [f"{n:02d}" for n, text in reversed(list(enumerate(texts)))
                    if matches(query, f"{n:02d} {text}")]
        assert found == expected, (query, normalise(query))


async def test_postgres_normalises_tricky_text_exactly_as_python_does(app):
    tricky = ["ＡＢＣ全角", "英文 Case MiXeD", "标点，。！？、《》【】", "16寸 ２８寸", "二〇二六年", "①②③ ⅫⅣ",
              "İstanbul ǅ ß", "ｶﾀｶﾅ ㍿ ﬁ", "e\u0301 café", "🚲 自行车🚗", "\t空白\n换行 "]
    db = connections.get("default")
    _, rows = await db.execute_query("SELECT t, market_normalise(t) AS n FROM unnest($1::text[]) AS t", [tricky])
    assert {r["t"]: r["n"] for r in rows} == {t: normalise(t) for t in tricky}


async def test_filters_narrow_by_category_kind_giveaway_and_price(api, market):
    seller, room = market.seller, market.rooms[0]
    await published_listing(seller, room, title="儿童自行车", price_fen=12000, category=ListingCategory.KIDS)
    await published_listing(seller, room, title="婴儿床", kind=ListingKind.FREE, category=ListingCategory.KIDS)
    await published_listing(seller, room, title="旧沙发", price_fen=30000, category=ListingCategory.FURNITURE)
    await published_listing(seller, room, title="求购书架", kind=ListingKind.WANTED, price_fen=5000,
                            category=ListingCategory.FURNITURE)
    await api.sign_in(market.searcher.handle)
    assert await titles(api, market, category="KIDS") == ["婴儿床", "儿童自行车"]
    assert await titles(api, market, kind="WANTED") == ["求购书架"]
    assert await titles(api, market, free=True) == ["婴儿床"]
    assert await titles(api, market, free=False, category="KIDS") == ["儿童自行车"]
    assert await titles(api, market, minPriceFen=10000) == ["旧沙发", "儿童自行车"]
    assert await titles(api, market, minPriceFen=5000, maxPriceFen=12000) == ["求购书架", "儿童自行车"]
    assert await titles(api, market, maxPriceFen=0) == []
    assert await titles(api, market, query="沙发", category="KIDS") == []


async def test_each_sort_orders_the_listings_as_named(api, market):
    made = {}
    for title, price, seller, room in (("A沙发", 30000, market.seller, 0), ("B免费", None, market.near_seller, 3),
                                       ("C书架", 5000, market.seller, 1), ("D台灯", 8000, market.near_seller, 3)):
        kind = ListingKind.FREE if price is None else ListingKind.SELL
        made[title] = await published_listing(seller, market.rooms[room], title=title, price_fen=price, kind=kind)
        clock.advance(timedelta(minutes=1))
    await api.sign_in(market.searcher.handle)  # lives in the second estate, with D台灯 and B免费
    assert await titles(api, market) == ["D台灯", "C书架", "B免费", "A沙发"]
    assert await titles(api, market, sort="NEWEST") == ["D台灯", "C书架", "B免费", "A沙发"]
    assert await titles(api, market, sort="PRICE_ASC") == ["C书架", "D台灯", "A沙发", "B免费"]
    assert await titles(api, market, sort="PRICE_DESC") == ["A沙发", "D台灯", "C书架", "B免费"]
    assert await titles(api, market, sort="NEAREST") == ["D台灯", "B免费", "C书架", "A沙发"]


@pytest.mark.parametrize("sort", ["NEWEST", "PRICE_ASC", "PRICE_DESC", "NEAREST"])
async def test_pages_follow_each_other_without_a_gap_or_a_repeat_even_as_new_listings_arrive(api, market, sort):
    rooms = [0, 3, 1, 3, 0, 2, 3]
    for n, (price, room) in enumerate(zip([500, 500, None, 900, 100, 500, None], rooms, strict=True)):
        seller = market.near_seller if market.rooms[room].unit_id != market.rooms[0].unit_id else market.seller
        kind = ListingKind.FREE if price is None else ListingKind.SELL
        await published_listing(seller, market.rooms[room], title=f"自行车{n}", price_fen=price, kind=kind)
        if n % 2:
            clock.advance(timedelta(seconds=1))  # some share a published_at: the id breaks the tie
    await api.sign_in(market.searcher.handle)
    whole = await titles(api, market, query="自行车", sort=sort, first=50)
    assert len(whole) == 7
    paged, after = [], None
    while True:
        page = await search(api, market, query="自行车", sort=sort, first=2, after=after)
        paged += [n["title"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        if len(paged) == 2:  # a newer listing arriving between pages shifts nothing already paged
            await published_listing(market.seller, market.rooms[0], title="自行车新", price_fen=100000)
    assert [t for t in paged if t != "自行车新"] == whole


async def test_hidden_drafts_reserved_expired_and_other_communities_listings_are_never_found(
        api, market, make_community, make_person):
    seller, room = market.seller, market.rooms[0]
    shown = await published_listing(seller, room, title="自行车 在售")
    for state in (ListingState.DRAFT, ListingState.RESERVED, ListingState.CLOSED, ListingState.HANDED_OVER):
        await published_listing(seller, room, title=f"自行车 {state.value}")
        await Listing.filter(title=f"自行车 {state.value}").update(state=state)
    hidden = await published_listing(seller, room, title="自行车 被隐藏")
    await Listing.filter(id=hidden.id).update(hidden_at=clock.now())
    await published_listing(seller, room, title="自行车 过期")
    await Listing.filter(title="自行车 过期").update(expires_at=clock.now() - timedelta(seconds=1))
    elsewhere = await make_community()
    stranger = await make_person(elsewhere.community.id, ["RESIDENT"], room=elsewhere.rooms[0])
    await published_listing(stranger, elsewhere.rooms[0], title="自行车 别的社区")
    await api.sign_in(market.searcher.handle)
    assert await titles(api, market, query="自行车") == [shown.title]
    assert await titles(api, market) == [shown.title]
    await api.sign_in(stranger.handle)  # not a member: the community is not found
    assert (await errors(api, market, query="自行车"))[0][0] == "NOT_FOUND"


async def test_market_staff_search_their_community(api, market, make_person):
    await published_listing(market.seller, market.rooms[0], title="儿童自行车")
    staff = await make_person(market.community.id, ["COMMITTEE_STAFF"])
    await api.sign_in(staff.handle)
    assert await titles(api, market, query="自行") == ["儿童自行车"]


async def test_bad_input_gets_a_clear_chinese_error(api, market):
    await api.sign_in(market.searcher.handle)
    assert await errors(api, market, first=0) == [("INVALID_INPUT", "每页条数须在 1 到 50 之间")]
    assert await errors(api, market, first=51) == [("INVALID_INPUT", "每页条数须在 1 到 50 之间")]
    assert await errors(api, market, query="自" * 41) == [("INVALID_INPUT", "搜索词不能超过 40 个字")]
    assert await errors(api, market, minPriceFen=-1) == [("INVALID_INPUT", "最低价不能为负数")]
    assert await errors(api, market, maxPriceFen=-5) == [("INVALID_INPUT", "最高价不能为负数")]
    assert await errors(api, market, minPriceFen=200, maxPriceFen=100) == [("INVALID_INPUT", "最低价不能高于最高价")]
    for cursor in ("not-a-cursor", "WzEsMl0", "W10"):
        assert await errors(api, market, after=cursor) == [("INVALID_INPUT", "无效的分页游标")], cursor
    assert await titles(api, market, query="自" * 40) == []


SQLITE = """
import asyncio, random, sys
from backend.core import db
from backend.core.actor import Actor
from backend.market.models import ListingKind
from backend.market.search import Filters, MarketSort, matches, search_listings
from tests.integration.conftest import build_community, build_person
from tests.integration.market_helpers import published_listing

async def main(url):
    await db.migrate(url)
    await db.init_db(url)
    try:
        await check()
    finally:
        await db.close_db()
    print("market search on sqlite: ok")

async def check():
    place = await build_community(rooms=2)
    seller = await build_person(place.community.id, ["RESIDENT"], room=place.rooms[0])
    me = Actor(person_id=seller.id, roles={place.community.id: frozenset({"RESIDENT"})})

    async def titles(query, first=50, sort=MarketSort.NEWEST, after=None, **filters):
        page = await search_listings(me, community_id=place.community.id, query=query, filters=Filters(**filters),
                                     sort=sort, first=first, after=after)
        return [row.title for row in page.items], page

    await published_listing(seller, place.rooms[0], title="儿童自行车 16寸", description="九成新")
    await published_listing(seller, place.rooms[0], title="九成新婴儿床，免费送", kind=ListingKind.FREE)
    for query in ("自行车", "自行", "车", "１６寸", "自行 车！"):
        assert (await titles(query))[0] == ["儿童自行车 16寸"], query
    assert (await titles("汽车"))[0] == [], "汽车"
    assert (await titles("九成新"))[0] == ["九成新婴儿床，免费送", "儿童自行车 16寸"]
    assert (await titles("九成新", free=True))[0] == ["九成新婴儿床，免费送"]
    rng = random.Random(13)
    pool = "自行车儿童沙发书架九成新宜家〇ＡＢｃd16寸，。 "
    texts = {"儿童自行车 16寸": "九成新", "九成新婴儿床，免费送": ""}
    for n in range(30):
        texts[f"{n:02d}"] = "".join(rng.choice(pool) for _ in range(rng.randint(2, 12)))
        await published_listing(seller, place.rooms[1], title=f"{n:02d}", description=texts[f"{n:02d}"],
                                price_fen=n % 4 * 100)
    for _ in range(40):
        query = "".join(rng.choice(pool) for _ in range(rng.randint(1, 3)))
        found, _ = await titles(query)
        assert sorted(found) == sorted(t for t, d in texts.items() if matches(query, f"{t} {d}")), query
    for sort in MarketSort:
        whole, _ = await titles("", sort=sort)
        paged, after = [], None
        while True:
            found, page = await titles("", first=3, sort=sort, after=after)
            paged += found
            if not page.has_next_page:
                break
            after = page.end_cursor
        assert paged == whole and len(whole) == 32, sort

asyncio.run(main(sys.argv[1]))
"""


def test_the_same_chinese_matching_runs_on_sqlite(tmp_path):
    url = f"sqlite://{tmp_path / 'market.sqlite3'}"
    done = subprocess.run([sys.executable, "-c", SQLITE, url], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "LINLI_ENV": "dev", "LINLI_DATABASE_URL": url,
                               "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0 and "market search on sqlite: ok" in done.stdout, done.stderr[-3000:]
