"""The console's 时间银行 in Chromium against the embedded server (SQLite): 王爷爷 asks for a ride to
the clinic, 小林 books it (his minutes held); the committee member finds it by searching, sees the
hold and its history, cancels it with a reason after confirming, and the hold is released. The
rules page saves a new withdrawal age."""

import uuid
from datetime import UTC, datetime, timedelta

import httpx
from playwright.async_api import expect

from tests.e2e.test_console_pages import signed_in_page
from tests.e2e.test_console_registry import demo_resident_token, graphql, screenshot
from tests.e2e.test_console_voting import confirm, toast


async def _booked_request(http: httpx.AsyncClient, title: str) -> str:
    elder = await demo_resident_token(http, "elder")
    viewer = await graphql(http, elder, "{ viewer { memberships { community { id name } } } }")
    community_id = next(m["community"]["id"] for m in viewer["viewer"]["memberships"]
                        if m["community"]["name"] == "阳光社区")
    starts = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    created = await graphql(http, elder, """mutation($c: ID!, $t: String!, $s: DateTime!) {
        timebankRequestCreate(communityId: $c, input: {kind: CLINIC, title: $t, place: {text: "社区医院"},
          startsAt: $s, minutes: 60, skills: ["陪诊"]}) { request { id } errors { message } } }""",
                            {"c": community_id, "t": title, "s": starts})
    assert created["timebankRequestCreate"]["errors"] == [], created
    request_id = created["timebankRequestCreate"]["request"]["id"]
    volunteer = await demo_resident_token(http, "volunteer")
    booked = await graphql(http, volunteer, """mutation($id: ID!) {
        timebankRequestBook(id: $id) { errors { message } } }""", {"id": request_id})
    assert booked["timebankRequestBook"]["errors"] == [], booked
    return request_id


async def test_staff_find_a_booked_request_see_its_hold_and_cancel_it_with_a_reason(browser, embedded_server):
    title = f"陪王爷爷复诊 {uuid.uuid4().hex[:4]}"
    async with httpx.AsyncClient(base_url=embedded_server) as http:
        await _booked_request(http, title)
        page = await signed_in_page(browser, embedded_server, http, "committee")
        await page.click("[data-testid=nav-timebank]")
        await page.fill("[data-testid=timebank-search]", title)
        await page.press("[data-testid=timebank-search]", "Enter")
        row = page.locator("[data-testid=timebank-row]")
        await expect(row).to_have_count(1)
        await expect(row).to_contain_text("已预约")
        await expect(row).to_contain_text("志愿者 小林")
        await row.locator("[data-testid=timebank-open]").click()
        detail = page.locator("[data-testid=timebank-detail]")
        await expect(detail.locator("[data-testid=timebank-hold]")).to_have_text("时长已冻结，待确认")
        await expect(detail).to_contain_text("志愿者 小林")
        await screenshot(page, "timebank-detail.png")

        await page.fill("[data-testid=timebank-cancel-reason]", "居民反映时间冲突，居委会协调取消")
        await page.click("[data-testid=timebank-cancel]")
        await confirm(page, "确定取消")
        await toast(page, "已取消该需求")
        await expect(detail.locator("[data-testid=timebank-detail-state]")).to_have_text("已取消")
        await expect(detail.locator("[data-testid=timebank-hold]")).to_have_text("冻结已撤销，时长已退回")
        await expect(detail).to_contain_text("居民反映时间冲突")
        await page.context.close()


async def test_staff_change_the_withdrawal_age_on_the_rules_page(browser, embedded_server):
    async with httpx.AsyncClient(base_url=embedded_server) as http:
        page = await signed_in_page(browser, embedded_server, http, "committee")
        await page.click("[data-testid=nav-timebank-policy]")
        age = page.locator("[data-testid=policy-withdrawalAge] input")
        await expect(age).to_have_value("65")
        await age.fill("60")
        await page.click("[data-testid=policy-save]")
        await toast(page, "规则已保存")
        await page.reload()
        await expect(age).to_have_value("60")
        await age.fill("65")
        await page.click("[data-testid=policy-save]")
        await toast(page, "规则已保存")
        await page.context.close()
