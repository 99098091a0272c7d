"""诉求统计 in Chromium against the embedded server: 张阿姨 raises three cases of a category of this test's
own; the committee accepts and resolves two, she rates one 4 stars (resolved) and the other 2 (partly:
it reopens), the third waits, within its 4 hours. The 工作台's 诉求办理 panel shows the community's
figures as the server counts them (two more open cases than before), and /cases/stats shows the
category's row — 3 cases, accepted on time 2 of 2, resolved on time 1 of 1, 3.00 stars of 2 ratings,
reopened 1 of 2 — draws its charts, and exports the same row to Excel."""

import uuid

import httpx
from openpyxl import load_workbook
from playwright.async_api import expect

from tests.e2e.test_console_pages import signed_in_page
from tests.e2e.test_console_registry import demo_resident_token, graphql, screenshot
from tests.e2e.test_console_voting import toast

PANEL = """query($c: ID!) { workbench(communityId: $c) { cases { open overdueNow month { acceptRate resolveRate
  meanRating rated } } } }"""


async def committee_community(http: httpx.AsyncClient, token: str) -> str:
    viewer = await graphql(http, token, "{ viewer { memberships { role community { id } } } }")
    return next(m["community"]["id"] for m in viewer["viewer"]["memberships"] if m["role"] == "COMMITTEE_STAFF")


async def raise_three(http: httpx.AsyncClient, committee: str, resident: str, community_id: str, category: str):
    created = await graphql(http, committee, """
        mutation($c: ID!, $n: String!) { caseCategoryCreate(communityId: $c, input: {name: $n, party: COMMITTEE,
          acceptHours: 4, resolveHours: 24}) { category { id } errors { message } } }""",
                            {"c": community_id, "n": category})
    category_id = created["caseCategoryCreate"]["category"]["id"]
    home = (await graphql(http, resident, "{ viewer { residences { room { id } } } }"))["viewer"]["residences"][0]
    cases = []
    for text in ("楼道灯不亮", "门口积水", "电梯按键失灵"):
        raised = await graphql(http, resident, """
            mutation($c: ID!, $k: ID!, $t: String!, $r: ID!) { caseRaise(communityId: $c, input: {categoryId: $k,
              text: $t, place: {roomId: $r}}) { case { id } errors { message } } }""",
                               {"c": community_id, "k": category_id, "t": text, "r": home["room"]["id"]})
        cases.append(raised["caseRaise"]["case"]["id"])
    for case_id, (outcome, rating) in zip(cases[:2], (("RESOLVED", 4), ("PARTLY", 2)), strict=True):
        await graphql(http, committee, "mutation($id: ID!) { caseAccept(id: $id) { errors { message } } }",
                      {"id": case_id})
        await graphql(http, committee, """mutation($id: ID!) { caseResolve(id: $id, note: "已处理") {
          errors { message } } }""", {"id": case_id})
        confirmed = await graphql(http, resident, """
            mutation($id: ID!, $o: CaseOutcome!, $r: Int!) { caseConfirm(id: $id, input: {outcome: $o, rating: $r,
              reason: "积水还在"}) { errors { message } } }""", {"id": case_id, "o": outcome, "r": rating})
        assert confirmed["caseConfirm"]["errors"] == []


def percent(rate) -> str:
    return "—" if rate is None else f"{round(rate * 1000) / 10:g}%"


async def test_the_workbench_panel_and_the_stats_page_show_the_cases_and_export_them(browser, embedded_server,
                                                                                     tmp_path):
    category = f"统计测试{uuid.uuid4().hex[:4]}"
    async with httpx.AsyncClient(base_url=embedded_server) as http:
        committee = await demo_resident_token(http, "committee")
        resident = await demo_resident_token(http, "resident")
        community_id = await committee_community(http, committee)
        before = (await graphql(http, committee, PANEL, {"c": community_id}))["workbench"]["cases"]
        await raise_three(http, committee, resident, community_id, category)
        figures = (await graphql(http, committee, PANEL, {"c": community_id}))["workbench"]["cases"]
        assert figures["open"] == before["open"] + 2  # the reopened one and the waiting one
        assert figures["month"]["rated"] == before["month"]["rated"] + 2

        page = await signed_in_page(browser, embedded_server, http, "committee")
        panel = page.locator("[data-testid=panel-cases]")
        await expect(panel.locator("[data-testid=cases-open]")).to_contain_text(str(figures["open"]))
        await expect(panel.locator("[data-testid=cases-overdue]")).to_contain_text(str(figures["overdueNow"]))
        await expect(panel.locator("[data-testid=cases-accept-rate]")).to_contain_text(
            percent(figures["month"]["acceptRate"]))
        await expect(panel.locator("[data-testid=cases-resolve-rate]")).to_contain_text(
            percent(figures["month"]["resolveRate"]))
        await expect(panel.locator("[data-testid=cases-satisfaction]")).to_contain_text(
            f"{figures['month']['meanRating']:.2f} 分")
        await screenshot(page, "case-panel.png")

        await page.click("[data-testid=nav-case-stats]")
        row = page.locator("[data-testid=stats-by-category] tbody tr", has_text=category)
        await expect(row).to_contain_text("100%（2/2）")  # accepted on time
        await expect(row).to_contain_text("100%（1/1）")  # resolved on time: the reopened one is open again
        await expect(row).to_contain_text("3.00 分（2 条）")
        await expect(row).to_contain_text("50%")  # reopened 1 of the 2 confirmed
        for chart in ("stats-sla-chart", "stats-rating-chart", "stats-day-chart"):
            await expect(page.locator(f"[data-testid={chart}] canvas")).to_have_count(1)
        await screenshot(page, "case-stats.png")

        async with page.expect_download() as download_info:
            await page.click("[data-testid=stats-export]")
        download = await download_info.value
        assert download.suggested_filename.startswith("诉求统计-") and download.suggested_filename.endswith(".xlsx")
        await toast(page, "已导出诉求统计")
        await download.save_as(tmp_path / "stats.xlsx")
        rows = {r[0]: r for r in load_workbook(tmp_path / "stats.xlsx")["按分类"].iter_rows(values_only=True)}
        # 名称, 诉求数, 当前超时, 受理计入, 按时受理, 按时受理率, 受理中位数, 办结计入, 按时办结, 按时办结率, …
        assert rows[category][:6] == (category, 3, 0, 2, 2, 1.0)
        assert rows[category][7:10] == (1, 1, 1.0)
        assert rows[category][11:13] == (2, 3.0)  # ratings, mean
        assert rows[category][-3:] == (2, 1, 0.5)  # confirmed, reopened, rate
        await page.context.close()
