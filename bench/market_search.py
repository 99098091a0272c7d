"""Market search: marketSearch's service call (backend/market/search.py: the page's SQL over the
bigram index of migration 0027, then the listing rows and the photo and badge loaders the GraphQL
field runs) at LISTINGS listings, against a plain ILIKE '%…%' scan of the same table for the same
page in the same run. Queries of one to four characters, common and rare, in the largest community."""

import os
import random
import statistics
import time
import uuid
from datetime import timedelta

from tortoise import connections

from backend.core.actor import Actor
from backend.core.bulk import insert_rows
from backend.core.clock import clock
from backend.core.db import transaction
from backend.market import search, views
from backend.market.models import Listing, ListingCategory, ListingCondition, ListingKind, ListingState
from backend.people.models import Person
from backend.registry.models import Building, Community, Estate, Membership, Role

LISTINGS = int(os.environ.get("BENCH_MARKET_LISTINGS", 100_000))
ROUNDS = int(os.environ.get("BENCH_MARKET_ROUNDS", 20))  # each query this many times, in a shuffled order
SHARES = (0.6, 0.2, 0.1, 0.1)  # of the listings, per community: one large, three small
BATCH = 5_000

ITEMS = {
    ListingCategory.KIDS: ["儿童自行车", "婴儿床", "婴儿推车", "儿童安全座椅", "乐高积木", "绘本一套", "学步车"],
    ListingCategory.FURNITURE: ["沙发", "书架", "餐桌", "衣柜", "办公椅", "床头柜", "鞋柜", "茶几"],
    ListingCategory.APPLIANCES: ["空气净化器", "电饭煲", "微波炉", "洗衣机", "电风扇", "加湿器", "扫地机器人"],
    ListingCategory.ELECTRONICS: ["手机", "平板电脑", "蓝牙耳机", "显示器", "机械键盘", "路由器", "相机"],
    ListingCategory.BOOKS: ["考研资料", "小说合集", "英语词典", "菜谱", "漫画全套", "教材"],
    ListingCategory.CLOTHING: ["羽绒服", "运动鞋", "连衣裙", "冲锋衣", "童装一袋"],
    ListingCategory.SPORTS: ["羽毛球拍", "瑜伽垫", "哑铃", "跑步机", "山地车", "滑板"],
    ListingCategory.KITCHEN: ["炒锅", "刀具套装", "咖啡机", "榨汁机", "烤箱"],
    ListingCategory.PLANTS: ["绿萝", "多肉植物", "发财树", "吊兰", "君子兰"],
    ListingCategory.OTHER: ["行李箱", "台灯", "宠物笼", "收纳箱", "电动车头盔"],
}
BRANDS = ["宜家", "小米", "美的", "格力", "华为", "苹果", "飞利浦", "无印良品", "苏泊尔", "迪卡侬", ""]
STATES = ["九成新", "全新", "八成新", "闲置", "搬家急出", "自用", ""]
SIZES = ["16寸", "1.8米", "三人位", "大号", "小号", "白色", "黑色", ""]
PHRASES = ["使用两年，功能正常", "几乎没怎么用", "有轻微划痕", "原价购入，包装还在", "小区内自提", "可以小刀",
           "送配件", "周末在家", "搬家带不走", "孩子长大了用不上", "配件齐全", "可上门看货", "支持当面验货"]
RARE = ("黑胶唱片机", "古筝")  # a handful in the large community

# One to four characters: common, middling, rare, absent.
QUERIES = ["车", "新", "床", "绿萝", "自行", "沙发", "宜家", "羽毛", "自行车", "净化器", "电饭煲", "黑胶",
           "宜家书架", "空气净化", "古筝", "汽车", "无印良品", "扫地机器", "九成新床", "钢琴"]

BASELINE = ("SELECT l.id FROM listing l WHERE l.community_id = $1 AND l.state = 'PUBLISHED' AND l.hidden_at IS NULL"
            " AND (l.expires_at IS NULL OR l.expires_at > $2) AND (l.title || ' ' || l.description) ILIKE $3"
            " ORDER BY l.published_at DESC, l.id DESC LIMIT 21")


def _listing(rng: random.Random, community, place, seller, now) -> dict:
    category = rng.choice(list(ITEMS))
    title = f"{rng.choice(STATES)}{rng.choice(BRANDS)}{rng.choice(ITEMS[category])} {rng.choice(SIZES)}".strip()
    description = "，".join(rng.sample(PHRASES, rng.randint(2, 5)))
    kind = rng.choices([ListingKind.SELL, ListingKind.FREE, ListingKind.SWAP, ListingKind.WANTED], [80, 10, 5, 5])[0]
    state = rng.choices([ListingState.PUBLISHED, ListingState.RESERVED, ListingState.HANDED_OVER,
                         ListingState.CLOSED, ListingState.EXPIRED], [75, 5, 10, 5, 5])[0]
    published = now - timedelta(minutes=rng.randrange(60 * 24 * 60))
    return {"community_id": community.id, "seller_id": seller.id, "kind": kind.value, "category": category.value,
            "condition": ListingCondition.GOOD.value, "title": title[:40], "description": description,
            "price_fen": rng.randrange(0, 200_000, 100) if kind in (ListingKind.SELL, ListingKind.WANTED) else None,
            "estate_id": place[0].id, "building_id": place[1].id, "state": state.value, "published_at": published,
            "expires_at": published + timedelta(days=30 if state is ListingState.EXPIRED else 3650),
            "hidden_at": now if rng.random() < 0.01 else None, "updated_at": now}


async def populate() -> tuple[Community, Actor]:
    """LISTINGS listings over four communities, the first holding SHARES[0] of them; a searcher there."""
    rng, now = random.Random(13), clock.now()
    communities = []
    for n, share in enumerate(SHARES):
        community = await Community.create(name=f"市场{n}社区", code=f"bench-market-{uuid.uuid4().hex[:8]}")
        places = []
        for e in range(4):
            estate = await Estate.create(community=community, name=f"{e + 1}号小区")
            places.append((estate, await Building.create(community=community, estate=estate, name="1栋")))
        sellers = [await Person.create(display_name=f"卖家{n}-{i}", handle=f"bench-seller-{uuid.uuid4().hex[:10]}")
                   for i in range(20)]
        communities.append((community, places, sellers, int(LISTINGS * share)))
    for community, places, sellers, count in communities:
        rows = [_listing(rng, community, rng.choice(places), rng.choice(sellers), now) for _ in range(count)]
        if community is communities[0][0]:
            for i, rare in enumerate(RARE * 3):
                rows[i * (count // 7)] |= {"title": f"闲置{rare}", "state": ListingState.PUBLISHED.value,
                                           "hidden_at": None}
        for start in range(0, len(rows), BATCH):
            async with transaction() as tx:  # the trigger indexes each row as it goes in
                await insert_rows(tx, Listing, rows[start:start + BATCH])
    large = communities[0][0]
    searcher = await Person.create(display_name="搜索者", handle=f"bench-searcher-{uuid.uuid4().hex[:10]}")
    await Membership.create(person=searcher, community=large, role=Role.RESIDENT)
    db = connections.get("default")
    await db.execute_script("VACUUM ANALYZE listing")
    await db.execute_script("VACUUM ANALYZE market_search")
    return large, Actor(person_id=searcher.id, roles={large.id: frozenset({Role.RESIDENT})})


def _ms(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {"p50": statistics.median(ordered), "p95": ordered[int(len(ordered) * 0.95) - 1], "n": len(ordered)}


async def market_search_benchmark() -> dict:
    started = time.perf_counter()
    large, actor = await populate()
    print(f"populated {LISTINGS:,} listings in {time.perf_counter() - started:.0f} s", flush=True)
    db = connections.get("default")
    plan = [q for q in QUERIES for _ in range(ROUNDS)]
    random.Random(7).shuffle(plan)

    async def service(query: str) -> int:
        page = await search.search_listings(actor, community_id=large.id, query=query, first=20)
        ids = [row.id for row in page.items]
        await views.photos_of(ids)  # what the field's loaders add for the card (photos, badge)
        await views.sellers_verified(page.items)
        return len(ids)

    async def baseline(query: str) -> int:
        _, rows = await db.execute_query(BASELINE, [large.id, clock.now(), f"%{query}%"])
        return len(rows)

    for run in (service, baseline):  # warm the caches and the pool once
        for query in QUERIES:
            await run(query)
    results, found, times = {}, {}, {}
    for name, run in (("baseline", baseline), ("service", service)):
        samples, per_query, timed = [], {}, {}
        for query in plan:
            t = time.perf_counter()
            per_query[query] = await run(query)
            samples.append((time.perf_counter() - t) * 1000)
            timed.setdefault(query, []).append(samples[-1])
        results[name], found[name], times[name] = _ms(samples), per_query, timed
    _, published = await db.execute_query(
        "SELECT count(*) AS n FROM listing WHERE community_id = $1 AND state = 'PUBLISHED'", [large.id])
    results["large"] = {"listings": int(LISTINGS * SHARES[0]), "published": published[0]["n"]}
    results["found"] = {q: (found["service"][q], statistics.median(times["service"][q]),
                            statistics.median(times["baseline"][q])) for q in QUERIES}
    print(results, flush=True)
    return results


def report(results: dict) -> str:
    base, ours = results["baseline"], results["service"]
    ratio = base["p95"] / ours["p95"]
    met = ours["p95"] <= 30 and ratio >= 10
    found = "; ".join(f"{q} {n} rows, {ours_ms:.1f} / {scan_ms:.1f} ms"
                      for q, (n, ours_ms, scan_ms) in results["found"].items())
    return f"""## Market search: {LISTINGS:,} listings

What it measures: marketSearch's service call (backend/market/search.py) in the largest of four
communities ({results['large']['listings']:,} of the {LISTINGS:,} listings, {results['large']['published']:,} of them published), first page of 20, newest first, for {len(QUERIES)} queries of one to four characters (common,
rare and absent) {ROUNDS} times each in a shuffled order, one after another from the benchmark's process. The
figure includes the page's SQL over the bigram index (migration 0027), loading the page's rows with seller,
estate, building and room, and the photo and verified-badge loaders the card asks for; not the GraphQL layer
or HTTP. The baseline is the plain scan of the same table in the same run: the same filters and order with
`(title || ' ' || description) ILIKE '%query%'`, ids only (less work than the service's page). Titles and
descriptions are generated from word lists (九成新宜家书架 1.8米, 小米空气净化器…); about 75% published.

| path | p50 ms | p95 ms | samples |
|---|---|---|---|
| ILIKE scan (baseline) | {base['p50']:.2f} | {base['p95']:.2f} | {base['n']} |
| Linli: bigram index + hydration | {ours['p50']:.2f} | {ours['p95']:.2f} | {ours['n']} |

p95 {ours['p95']:.1f} ms (target ≤ 30 ms) and {ratio:.1f}× faster than the scan at p95 (target ≥ 10×):
{'met' if met else 'missed'}; at p50 {base['p50'] / ours['p50']:.1f}×. Per query, the first page's rows and
the medians of Linli / the scan: {found}.

"""
