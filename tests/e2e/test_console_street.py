"""街道督办 in Chromium against the embedded server: 张阿姨 raises a case, its deadline to accept is long
past and it was escalated to 幸福街道; the demo street supervisor (no community role) finds it under
街道督办, opens it and presses its handlers, who are notified and find the 督办 as an internal line.

The embedded server runs no scheduler and keeps its own clock, so the escalation is arranged in its
database (the sweep that does it on the injectable clock is tests/integration/test_case_street.py)."""

import sqlite3
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from playwright.async_api import expect

from tests.e2e.test_console_grid_worker import staff_community
from tests.e2e.test_console_pages import signed_in_page
from tests.e2e.test_console_registry import demo_resident_token, graphql, screenshot


async def raise_a_case(http: httpx.AsyncClient, text: str) -> str:
    committee = await demo_resident_token(http, "committee")
    community_id = await staff_community(http, committee)
    token = uuid.uuid4().hex[:6]
    category = await graphql(http, committee, """mutation($c: ID!, $n: String!) {
      caseCategoryCreate(communityId: $c, input: {name: $n, party: COMMITTEE, acceptHours: 1, resolveHours: 24}) {
        category { id } errors { message } } }""", {"c": community_id, "n": f"环境{token}"})
    area = await graphql(http, committee, """mutation($c: ID!, $n: String!) { caseCommonAreaCreate(communityId: $c,
      name: $n) { area { id } errors { message } } }""", {"c": community_id, "n": f"东门{token}"})
    resident = await demo_resident_token(http, "resident")
    raised = await graphql(http, resident, """mutation($c: ID!, $k: ID!, $a: ID!, $t: String!) {
      caseRaise(communityId: $c, input: {categoryId: $k, text: $t, place: {areaId: $a}}) {
        case { id } errors { message } } }""", {
        "c": community_id, "k": category["caseCategoryCreate"]["category"]["id"],
        "a": area["caseCommonAreaCreate"]["area"]["id"], "t": text})
    assert raised["caseRaise"]["errors"] == []
    return raised["caseRaise"]["case"]["id"]


def escalate_long_ago(database, case_id: str) -> None:
    """Its hour to accept ended two hours ago, and the sweeper escalated it then (as the server stores times)."""
    with sqlite3.connect(database) as db:
        stored = db.execute('SELECT accept_due_at FROM "case" WHERE id = ?', (case_id,)).fetchone()[0]
        separator = stored[10]
        due = datetime.now(UTC) - timedelta(hours=2)
        db.execute('UPDATE "case" SET accept_due_at = ?, escalated_for = ?, escalated_at = ?, reminded_for = ?, '
                   'next_check_at = NULL WHERE id = ?',
                   (due.isoformat(separator), due.isoformat(separator),
                    (due + timedelta(minutes=1)).isoformat(separator), due.isoformat(separator), case_id))


async def test_a_street_supervisor_finds_the_escalated_case_and_urges_its_handlers(browser, embedded_server,
                                                                                    embedded_database):
    text = f"东门垃圾三天没人清运 {uuid.uuid4().hex[:4]}"
    note = "已超时两小时，请今天内清运并回复居民"
    async with httpx.AsyncClient(base_url=embedded_server) as http:
        case_id = await raise_a_case(http, text)
        escalate_long_ago(embedded_database, case_id)

        page = await signed_in_page(browser, embedded_server, http, "street", "幸福街道 陈科长")
        await expect(page.locator("[data-testid=menu] .el-menu-item")).to_have_text(["工作台", "街道督办"])
        await page.click("[data-testid=nav-street-cases]")
        await page.fill("[data-testid=street-search]", text)
        await page.press("[data-testid=street-search]", "Enter")
        row = page.locator("[data-testid=street-cases] .el-table__body tr", has_text=text)
        await expect(row).to_have_count(1)
        await expect(row).to_contain_text("阳光社区")
        await expect(row.locator("[data-testid=overdue]")).to_have_text("超时")
        await screenshot(page, "console-street-cases.png")

        await row.click()
        await expect(page.locator("[data-testid=street-case]")).to_contain_text(text)
        await page.fill("[data-testid=urge-note]", note)
        await page.click("[data-testid=urge]")
        await expect(page.locator(".el-message--success")).to_contain_text("已督办，处理人员会收到通知")
        await expect(page.locator("[data-testid=street-timeline]")).to_contain_text(note)
        await screenshot(page, "console-street-case.png")
        await page.context.close()

        # The committee handles 环境 cases: they hear of it, and find the 督办 as an internal line.
        committee = await demo_resident_token(http, "committee")
        inbox = await graphql(http, committee, "{ viewer { inbox(first: 50) { nodes { title body } } } }")
        assert {"title": "街道督办：请尽快处理该诉求", "body": f"case:{case_id}"} in inbox["viewer"]["inbox"]["nodes"]
        entries = (await graphql(http, committee, """query($id: ID!) { case(id: $id) {
          entries { kind internal body } } }""", {"id": case_id}))["case"]["entries"]
        assert {"kind": "SUPERVISE", "internal": True, "body": note} in entries
        resident = await demo_resident_token(http, "resident")
        theirs = (await graphql(http, resident, "query($id: ID!) { case(id: $id) { entries { body } } }",
                                {"id": case_id}))["case"]["entries"]
        assert note not in [e["body"] for e in theirs]
