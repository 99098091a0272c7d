"""The console for a grid worker in Chromium against the embedded server: the committee publishes a
notice to a building of each grid (阳光花园 3栋 and 翠竹苑 3栋); the demo grid worker, who looks after
阳光花园's grid, finds it in 通知公告 (where they cannot create one), opens its reach report and sees
a 未触达名单 (on screen and in its Excel export) of their own grid's households only."""

import asyncio
import time
import uuid

import httpx
from openpyxl import load_workbook
from playwright.async_api import expect

from tests.e2e.test_console_registry import demo_resident_token, graphql, screenshot, sign_in_to_console

PUBLISH = """mutation($c: ID!, $input: NoticeInput!) { noticeCreate(communityId: $c, input: $input) {
  notice { id } errors { message } } }"""


async def staff_community(http: httpx.AsyncClient, token: str) -> str:
    viewer = await graphql(http, token, "{ viewer { memberships { role community { id } } } }")
    return next(m["community"]["id"] for m in viewer["viewer"]["memberships"] if m["role"] == "COMMITTEE_STAFF")


async def publish_to(http: httpx.AsyncClient, token: str, community_id: str, title: str, building_ids: list[str]):
    created = await graphql(http, token, PUBLISH, {"c": community_id, "input": {
        "title": title, "bodyHtml": "<p>周六上午楼道消防检查</p>", "category": "安全",
        "audience": [{"kind": "BUILDING", "ids": building_ids}]}})
    notice_id = created["noticeCreate"]["notice"]["id"]
    published = await graphql(http, token, "mutation($id: ID!) { noticePublish(id: $id) { errors { message } } }",
                              {"id": notice_id})
    assert published["noticePublish"]["errors"] == []
    deadline = time.monotonic() + 20  # the fan-out runs on the in-process queue
    while not (await graphql(http, token, "query($id: ID!) { notice(id: $id) { audienceSize } }",
                             {"id": notice_id}))["notice"]["audienceSize"]:
        assert time.monotonic() < deadline, "the notice never reached its audience"
        await asyncio.sleep(0.2)
    return notice_id


async def households_of(http: httpx.AsyncClient, token: str, building_id: str, label: str) -> tuple[set, int]:
    """The addresses of a building's households with someone living there, and how many people live there."""
    rooms = (await graphql(http, token, """query($b: ID!) { registryRooms(buildingId: $b) {
      unitName room { number } residents { resident { id } } } }""", {"b": building_id}))["registryRooms"]
    addresses = {f"{label} {r['unitName']} {r['room']['number']}" for r in rooms if r["residents"]}
    return addresses, len({p["resident"]["id"] for r in rooms for p in r["residents"]})


async def test_grid_worker_opens_the_not_reached_list_of_their_grid(browser, embedded_server, tmp_path):
    title = f"消防检查 {uuid.uuid4().hex[:6]}"
    async with httpx.AsyncClient(base_url=embedded_server) as http:
        committee = await demo_resident_token(http, "committee")
        community_id = await staff_community(http, committee)
        buildings = {(b["estateName"], b["name"]): b["id"] for b in (await graphql(
            http, committee, "query($c: ID!) { registryBuildings(communityId: $c) { id name estateName } }",
            {"c": community_id}))["registryBuildings"]}
        mine, theirs = buildings[("阳光花园", "3栋")], buildings[("翠竹苑", "3栋")]
        await publish_to(http, committee, community_id, title, [mine, theirs])
        my_households, my_residents = await households_of(http, committee, mine, "阳光花园 3栋")

        page = await sign_in_to_console(browser, embedded_server, "grid", "网格员 小陈")
        # A grid worker's menu: what a grid worker may open, nothing else.
        await expect(page.locator("[data-testid=menu] .el-menu-item")).to_have_text(
            ["工作台", "住户档案", "通知公告", "诉求工单", "诉求统计"])
        await page.click("[data-testid=nav-notices]")
        await expect(page.locator("[data-testid=notice-new]")).to_have_count(0)
        row = page.locator("[data-testid=notice-row]", has_text=title)
        await expect(row).to_contain_text("已发布")
        await expect(row.locator("[data-testid=notice-edit]")).to_have_count(0)
        await row.locator("[data-testid=notice-reach]").click()

        await expect(page.locator("[data-testid=reach-audience]")).to_have_text(str(my_residents))
        await expect(page.locator("[data-testid=reach-households]")).to_have_text(str(len(my_households)))
        rows = page.locator("[data-testid=not-reached-row]")
        await expect(rows).to_have_count(min(len(my_households), 20))
        await expect(rows.filter(has_text="阳光花园 3栋")).to_have_count(min(len(my_households), 20))
        await screenshot(page, "console-grid-worker-reach.png")

        async with page.expect_download() as download_info:
            await page.click("[data-testid=export-not-reached]")
        await (await download_info.value).save_as(tmp_path / "not-reached.xlsx")
        exported = {row[0] for row in load_workbook(tmp_path / "not-reached.xlsx").active.values} - {"地址"}
        assert exported == my_households  # all of 阳光花园 3栋, none of 翠竹苑 3栋
        await page.close()
