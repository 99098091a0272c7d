"""The console's voting pages in Chromium against the embedded server: a committee member builds a
household poll for 阳光花园 1栋 (the electorate preview counts its households) and opens it; 张阿姨
votes herself in the mini-program, 王爷爷's daughter votes for him as his proxy, and the poll's page
shows both as they happen (the live turnout); the committee member enters an elderly neighbour's
paper ballot with its photo, sees the turnout on the 工作台 and closes the poll; its page shows the
result (2 同意, 1 反对, the steps of the count), exports it to Excel and PDF, checks the sealed log and
publishes it, then drafts the result notice in the notice editor."""

import asyncio
import re
import time

import httpx
from openpyxl import load_workbook
from playwright.async_api import expect

from backend.api.contract import client_operations, document_id
from tests.e2e.test_console_notices import choose, png
from tests.e2e.test_console_pages import signed_in_page
from tests.e2e.test_console_registry import demo_resident_token, graphql, screenshot

HER_HOUSEHOLD = "阳光花园 1栋 1单元 101"  # 张阿姨's
HIS_HOUSEHOLD = "阳光花园 1栋 1单元 102"  # 王爷爷's, where his daughter lives too


async def cast(http: httpx.AsyncClient, token: str, poll_id: str, choice: str, acting_for: str | None = None) -> dict:
    """BallotCast as the mini-program sends it (its persisted document), as a proxy with X-Acting-For."""
    headers = {"authorization": f"Bearer {token}", **({"x-acting-for": acting_for} if acting_for else {})}
    body = (await http.post("/graphql", headers=headers, json={
        "documentId": document_id(client_operations("mini_program")["BallotCast"]),
        "variables": {"pollId": poll_id, "ballot": {"choices": [choice]}},
    })).json()
    return body["data"]["ballotCast"]


async def households_in_building(http: httpx.AsyncClient, token: str, estate: str, building: str) -> int:
    """Homes of the building where an owner or a tenant lives now: one ballot each in a household poll (a
    home with only a co-resident, the demo volunteer's, has none)."""
    viewer = await graphql(http, token, "{ viewer { memberships { role community { id } } } }")
    community_id = next(m["community"]["id"] for m in viewer["viewer"]["memberships"]
                        if m["role"] == "COMMITTEE_STAFF")
    buildings = await graphql(http, token, """
        query($c: ID!) { registryBuildings(communityId: $c) { id name estateName } }""", {"c": community_id})
    building_id = next(b["id"] for b in buildings["registryBuildings"]
                       if b["estateName"] == estate and b["name"] == building)
    rooms = await graphql(http, token, """
        query($b: ID!) { registryRooms(buildingId: $b) { residents { role } } }""", {"b": building_id})
    return sum(1 for room in rooms["registryRooms"] if {"OWNER", "TENANT"} & {r["role"] for r in room["residents"]})


async def wait_for_sealed_log(http: httpx.AsyncClient, token: str, poll_id: str, ballots: int) -> None:
    """Closing queues the sealing of the log: waits until the server's check passes with every ballot."""
    deadline = time.monotonic() + 30
    while True:
        check = (await graphql(http, token, "query($id: ID!) { pollLogCheck(id: $id) { ok treeSize } }",
                               {"id": poll_id}))["pollLogCheck"]
        if check == {"ok": True, "treeSize": ballots}:
            return
        assert time.monotonic() < deadline, f"the log was never sealed: {check}"
        await asyncio.sleep(0.3)


async def toast(page, text: str) -> None:
    """A success toast saying `text` (earlier ones may still be fading out)."""
    await expect(page.locator(".el-message--success", has_text=text)).to_be_visible()


async def confirm(page, button: str) -> None:
    await page.locator(".el-message-box").get_by_role("button", name=button).click()


async def test_committee_runs_a_household_poll_from_building_to_publication(browser, embedded_server, tmp_path):
    title = "1栋是否加装电梯"
    async with httpx.AsyncClient(base_url=embedded_server) as http:
        page = await signed_in_page(browser, embedded_server, http, "committee")
        await page.click("[data-testid=nav-polls]")
        await page.click("[data-testid=poll-new]")
        await page.fill("[data-testid=poll-title] input", title)
        await page.fill("[data-testid=poll-description] textarea", "费用按面积分摊，详见公告。")
        await choose(page, "audience-kind", "按楼栋")
        await choose(page, "audience-building", "阳光花园 1栋")
        await page.keyboard.press("Escape")
        staff = await page.evaluate("localStorage.getItem('accessToken')")
        households = await households_in_building(http, staff, "阳光花园", "1栋")
        await expect(page.locator("[data-testid=poll-preview-entries]")).to_have_text(str(households))

        # A threshold that is not a fraction is refused beside the field, and nothing is saved.
        await page.fill("[data-testid=threshold-passArea] .fraction input", "一半")
        await page.click("[data-testid=poll-save]")
        await expect(page.locator("[data-testid=poll-thresholds]")).to_contain_text("通过面积门槛须写成分数")
        await page.fill("[data-testid=threshold-passArea] .fraction input", "1/2")
        await page.click("[data-testid=poll-save]")
        await toast(page, f"已保存「{title}」")
        await expect(page.locator("[data-testid=poll-state]")).to_have_text("草稿")

        await page.click("[data-testid=poll-open]")
        await confirm(page, "开始")
        await expect(page.locator("[data-testid=poll-state]")).to_have_text("进行中")
        await expect(page.locator("[data-testid=poll-settings]")).to_contain_text(re.compile(rf"选民\s*{households}"))
        await expect(page.locator("[data-testid=turnout-participated]")).to_have_text("0")
        poll_id = page.url.rsplit("/", 1)[-1]

        # Residents vote in the mini-program; the console hears each ballot without reloading.
        her = await demo_resident_token(http, "resident")
        assert (await cast(http, her, poll_id, "i1"))["errors"] == []
        daughter = await demo_resident_token(http, "relative")
        proxies = await graphql(http, daughter, "{ viewer { proxies { principal { id displayName } } } }")
        father = next(p["principal"]["id"] for p in proxies["viewer"]["proxies"]
                      if p["principal"]["displayName"] == "王爷爷")
        assert (await cast(http, daughter, poll_id, "i1", acting_for=father))["errors"] == []
        await expect(page.locator("[data-testid=turnout-participated]")).to_have_text("2")
        await expect(page.locator("[data-testid=turnout-ONLINE]")).to_have_text("线上 1")
        await expect(page.locator("[data-testid=turnout-PROXY]")).to_have_text("代投 1")

        # A neighbour who does not use a phone: her paper ballot, entered with its photo.
        rows = page.locator("[data-testid=electorate] .el-table__row")
        neighbour = rows.filter(has_not_text=HER_HOUSEHOLD).filter(has_not_text=HIS_HOUSEHOLD).first
        address = (await neighbour.locator("td").first.inner_text()).strip()
        await neighbour.locator("[data-testid=entry-paper]").click()
        dialog = page.locator(".el-dialog", has_text="登记纸质选票")
        await dialog.locator("[data-testid=paper-ballot]").get_by_text("反对").click()
        await dialog.locator("[data-testid=paper-photo]").set_input_files(
            {"name": "选票.png", "mimeType": "image/png", "buffer": png(400, 300)})
        await expect(dialog.locator("[data-testid=paper-photo-done]")).to_contain_text("选票.png")
        await dialog.locator("[data-testid=paper-reason] textarea").fill("老人不会用手机，上门收回纸质选票")
        await dialog.locator("[data-testid=paper-submit]").click()
        await confirm(page, "登记")
        await toast(page, f"已为「{address}」登记纸质选票")
        await expect(dialog.locator("[data-testid=paper-receipt]")).to_have_text(re.compile(r"\w{4}-\w{4}"))
        await dialog.get_by_role("button", name="关闭", exact=True).click()
        await expect(page.locator("[data-testid=turnout-participated]")).to_have_text("3")
        await expect(page.locator("[data-testid=turnout-PAPER]")).to_have_text("纸质 1")
        await expect(rows.filter(has_text=address).locator("[data-testid=entry-channel]")).to_have_text("纸质")
        await expect(page.locator("[data-testid=turnout-chart] canvas")).to_have_count(1)
        await screenshot(page, "console-poll-open.png")

        # The 工作台 shows the open poll and its turnout.
        await page.click("[data-testid=nav-home]")
        panel = page.locator("[data-testid=open-polls] .el-table__row", has_text=title)
        await expect(panel).to_contain_text(f"3 / {households}")
        await panel.get_by_text(title).click()

        await page.click("[data-testid=poll-close]")
        await page.locator("[data-testid=poll-close-reason] textarea").fill("已达到参与门槛，提前截止")
        await page.click("[data-testid=poll-close-reason-submit]")
        await toast(page, f"「{title}」已截止")
        await expect(page.locator("[data-testid=poll-state]")).to_have_text("已截止")
        # Closed: nobody votes any more, online or on paper.
        assert (await cast(http, her, poll_id, "i2"))["errors"] != []
        await expect(page.locator("[data-testid=entry-paper]")).to_have_count(0)

        # The result, as the tally counts it: each option's votes and every step with met or not.
        options = page.locator("[data-testid=result-options] .el-table__row")
        await expect(options.filter(has_text="同意")).to_contain_text("2")
        await expect(options.filter(has_text="反对")).to_contain_text("1")
        steps = page.locator("[data-testid=result-steps]")
        await expect(steps).to_contain_text(f"已投 3 / 名册 {households}")
        # 3 of the building's households took part: short of the 2/3 quorum, so not passed.
        await expect(steps.locator("li.unmet").first).to_contain_text("未达到")
        await expect(page.locator("[data-testid=result-outcome]")).to_contain_text("未通过")

        async with page.expect_download() as download_info:
            await page.click("[data-testid=result-xlsx]")
        download = await download_info.value
        assert download.suggested_filename == f"{title}-投票结果.xlsx"
        await download.save_as(tmp_path / "result.xlsx")
        cells = [c for row in load_workbook(tmp_path / "result.xlsx").active.values for c in row if c is not None]
        assert title in " ".join(map(str, cells))
        async with page.expect_download() as download_info:
            await page.click("[data-testid=result-pdf]")
        await (await download_info.value).save_as(tmp_path / "result.pdf")
        assert (tmp_path / "result.pdf").read_bytes().startswith(b"%PDF")

        await wait_for_sealed_log(http, staff, poll_id, ballots=3)
        await page.click("[data-testid=result-log-check]")
        await expect(page.locator("[data-testid=log-check-verdict]")).to_contain_text("日志校验通过：共 3 张选票")
        await expect(page.locator("[data-testid=log-check-lines]")).not_to_be_empty()
        await page.locator(".el-dialog", has_text="校验日志").get_by_role("button", name="关闭", exact=True).click()

        await page.click("[data-testid=poll-publish]")
        await confirm(page, "公示")
        await toast(page, "结果已公示")
        await expect(page.locator("[data-testid=poll-state]")).to_have_text("已公示")
        await expect(page.locator("[data-testid=result-options]")).to_contain_text("同意")
        await screenshot(page, "console-poll-published.png")

        # The result notice, drafted to the poll's scope, opens in the notice editor for review.
        await page.click("[data-testid=result-notice]")
        await toast(page, "已生成结果公告草稿")
        await expect(page.locator("[data-testid=notice-title] input")).to_have_value(f"投票结果公告：{title}")
        await expect(page.locator("[data-testid=notice-state]")).to_have_text("草稿")

        await page.click("[data-testid=nav-polls]")
        await page.locator("[data-testid=poll-state-filter]").get_by_text("已公示").click()
        await expect(page.locator("[data-testid=poll-row]", has_text=title)).to_contain_text("已公示")
        await page.context.close()
