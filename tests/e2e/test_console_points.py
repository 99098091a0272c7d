"""The console's 积分商城 and 兑换核销 in Chromium against the embedded server (SQLite): 张阿姨 earns
points by reading an urgent notice, the committee member puts a reward in the mall, she redeems it
in the mini-program and shows her pickup code, and the desk collects it."""

import asyncio
import time
import uuid

import httpx
from playwright.async_api import expect

from tests.e2e.test_console_notices import wait_for_notice_in_feed
from tests.e2e.test_console_pages import signed_in_page
from tests.e2e.test_console_registry import demo_resident_token, graphql, screenshot
from tests.e2e.test_console_voting import confirm, toast

BALANCE = "query($c: ID!) { pointsBalance(communityId: $c) { points held } }"


async def community_of(http: httpx.AsyncClient, token: str) -> str:
    viewer = await graphql(http, token, "{ viewer { memberships { community { id name } } } }")
    return next(m["community"]["id"] for m in viewer["viewer"]["memberships"] if m["community"]["name"] == "阳光社区")


async def earn_by_urgent_notice(http: httpx.AsyncClient, staff: str, resident: str, community_id: str) -> int:
    """The committee publishes an urgent notice, 张阿姨 reads it: her points once the job ran."""
    before = (await graphql(http, resident, BALANCE, {"c": community_id}))["pointsBalance"]["points"]
    title = f"紧急停水 {uuid.uuid4().hex[:6]}"
    created = await graphql(http, staff, """mutation($c: ID!, $t: String!) { noticeCreate(communityId: $c, input: {
        title: $t, category: "物业", importance: URGENT, bodyHtml: "<p>今晚停水</p>", audience: [{kind: COMMUNITY}]})
        { notice { id } } }""", {"c": community_id, "t": title})
    notice_id = created["noticeCreate"]["notice"]["id"]
    await graphql(http, staff, "mutation($id: ID!) { noticePublish(id: $id) { notice { id } } }", {"id": notice_id})
    await wait_for_notice_in_feed(http, resident, title)
    await graphql(http, resident, "mutation($id: ID!) { noticeRead(id: $id) { ok } }", {"id": notice_id})
    deadline = time.monotonic() + 20
    while (points := (await graphql(http, resident, BALANCE, {"c": community_id}))["pointsBalance"]["points"]) \
            == before:
        assert time.monotonic() < deadline, "the urgent notice earned no points"
        await asyncio.sleep(0.2)
    return points


async def test_a_reward_is_put_in_the_mall_redeemed_and_collected_at_the_desk(browser, embedded_server):
    name = f"环保购物袋{uuid.uuid4().hex[:4]}"
    async with httpx.AsyncClient(base_url=embedded_server) as http:
        page = await signed_in_page(browser, embedded_server, http, "committee")
        staff = await page.evaluate("localStorage.getItem('accessToken')")
        resident = await demo_resident_token(http, "resident")
        community_id = await community_of(http, resident)
        points = await earn_by_urgent_notice(http, staff, resident, community_id)
        assert points >= 2

        await page.click("[data-testid=nav-points-rewards]")
        await page.click("[data-testid=reward-new]")
        await page.fill("[data-testid=reward-name]", name)
        await page.fill("[data-testid=reward-description]", "可重复使用的布袋")
        await page.fill("[data-testid=reward-cost] input", "2")
        await page.fill("[data-testid=reward-stock] input", "3")
        await page.click("[data-testid=reward-submit]")
        await toast(page, "奖品已上架")
        row = page.locator("[data-testid=reward-row]", has_text=name)
        await expect(row.locator("[data-testid=reward-row-figures]")).to_contain_text("2 积分 · 库存 3")
        await screenshot(page, "points-rewards.png")

        shelf = await graphql(http, resident, """query($c: ID!) { rewards(communityId: $c, search: "环保购物袋",
            first: 50) { nodes { id name } } }""", {"c": community_id})
        reward_id = next(r["id"] for r in shelf["rewards"]["nodes"] if r["name"] == name)
        redeemed = await graphql(http, resident, """mutation($r: ID!) { rewardRedeem(rewardId: $r) {
            redemption { pickupCode } errors { message } } }""", {"r": reward_id})
        code = redeemed["rewardRedeem"]["redemption"]["pickupCode"]
        assert (await graphql(http, resident, BALANCE, {"c": community_id}))["pointsBalance"] == \
            {"points": points - 2, "held": 2}
        await page.reload()
        await expect(row.locator("[data-testid=reward-row-figures]")).to_contain_text("库存 2")

        await page.click("[data-testid=nav-points-redemptions]")
        pending = page.locator("[data-testid=redemption-row]", has_text=name)
        await expect(pending).to_contain_text("张阿姨")
        await expect(pending).not_to_contain_text(code)  # never in the desk's list
        await page.fill("[data-testid=pickup-code]", "000000" if code != "000000" else "111111")
        await page.click("[data-testid=pickup-find]")
        await expect(page.locator("[data-testid=pickup-error]")).to_contain_text("取货码不正确或已失效")
        await page.fill("[data-testid=pickup-code]", code)
        await page.click("[data-testid=pickup-find]")
        await expect(page.locator("[data-testid=pickup-reward]")).to_have_text(name)
        await expect(page.locator("[data-testid=pickup-person]")).to_contain_text("张阿姨")
        await screenshot(page, "points-pickup.png")
        await page.click("[data-testid=pickup-collect]")
        await confirm(page, "确认核销")
        await toast(page, "核销成功")
        await expect(pending).to_have_count(0)  # no longer waiting
        assert (await graphql(http, resident, BALANCE, {"c": community_id}))["pointsBalance"] == \
            {"points": points - 2, "held": 0}

        await page.click("[data-testid=nav-points-rewards]")
        await row.locator("[data-testid=reward-archive]").click()
        await confirm(page, "下架归档")
        await toast(page, "奖品已下架归档")
        await expect(row).to_have_count(0)
        await page.context.close()
