"""The console's 跳蚤市场 in Chromium against the embedded server (the demo community; every listing
here has a title of its own, so the shared server's other rows never match):
(a) 志愿者 小林 sells, 张阿姨 finds it by a search, reserves it, they talk, hand it over with her code
    and rate each other — all through the API as the mini-program does — and the committee member
    finds it in 跳蚤市场, sees it 已结束 (both rated) with its history 发布 → 预订 → 交接 → 结束 and
    张阿姨's reservation 已交接 in the drawer;
(b) three verified neighbours report a listing, it is hidden from them at once, and the committee
    member, in 内容审核, reads the 闲置 item with its original text, restores it after confirming,
    is told so, and the neighbours see it again;
(c) 市场统计 counts a listing the test published, and the 工作台 shows the market panel."""

import uuid

import httpx
from playwright.async_api import expect

from tests.e2e.reports import op, report, reported_item
from tests.e2e.test_console_pages import signed_in_page
from tests.e2e.test_console_registry import demo_resident_token, graphql, screenshot
from tests.e2e.test_console_voting import confirm, toast

REPORTERS = {"resident": "FRAUD", "elder": "SPAM", "relative": "OTHER"}


async def community_of(http: httpx.AsyncClient, token: str) -> str:
    viewer = await graphql(http, token, "{ viewer { memberships { community { id name } } } }")
    return next(m["community"]["id"] for m in viewer["viewer"]["memberships"] if m["community"]["name"] == "阳光社区")


async def publish(http: httpx.AsyncClient, handle: str, title: str, *, category: str = "SPORTS",
                  price_fen: int = 8800, description: str = "八成新，周末可自提") -> tuple[str, str, str]:
    """A SELL listing of `handle`'s, collected at their home, published: (community, listing, token)."""
    token = await demo_resident_token(http, handle)
    community_id = await community_of(http, token)
    home = (await op(http, token, "MarketHomes", communityId=community_id))["marketHomes"][0]
    saved = await op(http, token, "ListingSave", input={
        "communityId": community_id, "kind": "SELL", "category": category, "condition": "GOOD", "title": title,
        "description": description, "priceFen": price_fen, "roomId": home["roomId"]})
    assert saved["listingSave"]["errors"] == [], saved
    listing_id = saved["listingSave"]["listing"]["id"]
    published = await op(http, token, "ListingPublish", id=listing_id)
    assert published["listingPublish"]["errors"] == [], published
    return community_id, listing_id, token


# The search and the deals as raw documents, as any client may send them in development.
SEARCH = """query($c: ID!, $q: String) { marketSearch(communityId: $c, query: $q, first: 20) { nodes { id } } }"""
RESERVE = """mutation($l: ID!) { listingReserve(listingId: $l) { reservation { id handoverCode }
  errors { message } } }"""
SEND = """mutation($input: MarketMessageInput!) { marketMessageSend(input: $input) { message { conversationId }
  errors { message } } }"""
HANDOVER = """mutation($r: ID!, $code: String!) { handoverConfirm(reservationId: $r, code: $code) {
  errors { message } } }"""
RATE = """mutation($r: ID!, $s: Int!) { marketRate(reservationId: $r, stars: $s, comment: "爽快") {
  errors { message } } }"""


async def searched(http: httpx.AsyncClient, token: str, community_id: str, title: str) -> list[str]:
    found = await graphql(http, token, SEARCH, {"c": community_id, "q": title})
    return [n["id"] for n in found["marketSearch"]["nodes"]]


def unique(title: str) -> str:
    return f"{title} {uuid.uuid4().hex[:4]}"


async def test_committee_follows_a_deal_from_publishing_to_both_ratings(browser, embedded_server):
    title = unique("折叠自行车")
    async with httpx.AsyncClient(base_url=embedded_server) as http:
        community_id, listing_id, seller = await publish(http, "volunteer", title)
        buyer = await demo_resident_token(http, "resident")
        assert await searched(http, buyer, community_id, title) == [listing_id]
        reserved = (await graphql(http, buyer, RESERVE, {"l": listing_id}))["listingReserve"]
        assert reserved["errors"] == [], reserved
        reservation = reserved["reservation"]
        ask = {"listingId": listing_id, "body": "今晚七点楼下取，可以吗？"}
        sent = (await graphql(http, buyer, SEND, {"input": ask}))["marketMessageSend"]
        assert sent["errors"] == [], sent
        replied = await graphql(http, seller, SEND, {"input": {"conversationId": sent["message"]["conversationId"],
                                                               "body": "可以"}})
        assert replied["marketMessageSend"]["errors"] == [], replied
        handed = await graphql(http, seller, HANDOVER, {"r": reservation["id"], "code": reservation["handoverCode"]})
        assert handed["handoverConfirm"]["errors"] == [], handed
        for token, stars in ((buyer, 5), (seller, 4)):
            rated = await graphql(http, token, RATE, {"r": reservation["id"], "s": stars})
            assert rated["marketRate"]["errors"] == [], rated

        page = await signed_in_page(browser, embedded_server, http, "committee")
        await page.click("[data-testid=nav-market]")
        await page.fill("input[data-testid=market-search]", title)
        await page.click("[data-testid=market-search-submit]")
        row = page.locator("[data-testid=market-listings] tbody tr", has_text=title)
        await expect(row).to_have_count(1)
        await expect(page.locator("[data-testid=list-total]")).to_have_text("共 1 条")
        await expect(row).to_contain_text("出售")
        await expect(row).to_contain_text("¥88")
        await expect(row).to_contain_text("志愿者 小林")
        await expect(row.locator("[data-testid=market-state]")).to_have_text("已结束")
        await row.locator("[data-testid=market-open]").click()
        drawer = page.locator("[data-testid=listing-drawer]")
        await expect(drawer.locator("[data-testid=listing-drawer-state]")).to_have_text("已结束")
        await expect(drawer.locator("[data-testid=listing-description]")).to_have_text("八成新，周末可自提")
        events = drawer.locator("[data-testid=listing-event]")
        await expect(events).to_have_count(4)
        await expect(events.nth(0)).to_contain_text("草稿 → 在售")
        await expect(events.nth(1)).to_contain_text("在售 → 已预订")
        await expect(events.nth(2)).to_contain_text("已预订 → 已交接")
        await expect(events.nth(3)).to_contain_text("已交接 → 已结束")
        await expect(events.nth(3)).to_contain_text("双方已评价")
        deal = drawer.locator("[data-testid=listing-reservations] tbody tr")
        await expect(deal).to_have_count(1)
        await expect(deal).to_contain_text("张阿姨")
        await expect(deal.locator("[data-testid=reservation-state]")).to_have_text("已交接")
        await expect(drawer).not_to_contain_text("单元")  # the pickup room is never shown to staff
        await screenshot(page, "console-market.png")
        await page.context.close()


async def test_committee_restores_a_listing_hidden_by_three_reports(browser, embedded_server):
    title = unique("九成新电动牙刷")
    async with httpx.AsyncClient(base_url=embedded_server) as http:
        community_id, listing_id, _ = await publish(http, "coordinator", title, category="OTHER", price_fen=5000,
                                                    description="全新未拆封，送两个刷头")
        for handle, reason in REPORTERS.items():
            await report(http, handle, "LISTING", listing_id, reason)
        neighbour = await demo_resident_token(http, "resident")
        assert (await op(http, neighbour, "Listing", id=listing_id))["listing"] is None  # hidden from her at once
        assert await searched(http, neighbour, community_id, title) == []

        page = await signed_in_page(browser, embedded_server, http, "committee")
        staff = await page.evaluate("localStorage.getItem('accessToken')")
        item_id = await reported_item(http, staff, community_id, listing_id)
        await page.click("[data-testid=nav-moderation]")
        row = page.locator("[data-testid=moderation-row]", has_text=title)
        await expect(row).to_contain_text("闲置")
        await expect(row).to_contain_text("已隐藏待审核")
        await row.locator("[data-testid=moderation-open]").click()
        await expect(page).to_have_url(f"{embedded_server}/admin/#/moderation/{item_id}")
        await expect(page.locator("main h2, .el-main h2").first).to_have_text("闲置审核")
        await expect(page.locator("[data-testid=moderation-item-original]")).to_have_text(
            f"{title}\n全新未拆封，送两个刷头")
        await expect(page.locator("[data-testid=moderation-listing-title]")).to_have_text(title)

        await page.click("[data-testid=moderation-decide-RESTORE]")
        await page.fill("[data-testid=moderation-reason] textarea", "经核实为正常转让")
        await page.click("[data-testid=moderation-reason-submit]")
        await expect(page.locator(".el-message-box")).to_contain_text("恢复后所有居民将重新看到该内容")
        await confirm(page, "确定")
        await toast(page, "已恢复显示")
        await expect(page.locator("[data-testid=moderation-item-state]")).to_have_text("已恢复")
        await screenshot(page, "console-market-moderation.png")
        await page.context.close()
        back = (await op(http, neighbour, "Listing", id=listing_id))["listing"]
        assert (back["title"], back["hidden"]) == (title, False)


async def test_market_stats_count_a_new_listing_and_the_workbench_shows_the_market(browser, embedded_server):
    async with httpx.AsyncClient(base_url=embedded_server) as http:
        page = await signed_in_page(browser, embedded_server, http, "committee")
        staff = await page.evaluate("localStorage.getItem('accessToken')")
        community_id = await community_of(http, staff)
        figures = "query($c: ID!) { marketStats(communityId: $c) { published activeSellers } }"
        before = (await graphql(http, staff, figures, {"c": community_id}))["marketStats"]
        await publish(http, "volunteer", unique("羽毛球拍一对"))
        after = (await graphql(http, staff, figures, {"c": community_id}))["marketStats"]
        assert after["published"] == before["published"] + 1

        await page.click("[data-testid=nav-market-stats]")
        await expect(page.locator("[data-testid=market-stats-published]")).to_contain_text(str(after["published"]))
        await expect(page.locator("[data-testid=market-stats-activeSellers]")).to_contain_text(
            str(after["activeSellers"]))
        await expect(page.locator("[data-testid=market-stats-category-chart] canvas")).to_have_count(1)
        await expect(page.locator("[data-testid=market-stats-day-chart] canvas")).to_have_count(1)
        await screenshot(page, "console-market-stats.png")

        panel = (await graphql(http, staff, "query($c: ID!) { workbench(communityId: $c) { market { published } } }",
                               {"c": community_id}))["workbench"]["market"]
        await page.click("[data-testid=nav-home]")
        await expect(page.locator("[data-testid=market-on-offer]")).to_contain_text(str(panel["published"]))
        await page.click("[data-testid=market-panel-open]")
        await expect(page.locator("main h2, .el-main h2").first).to_have_text("跳蚤市场")
        await page.context.close()
