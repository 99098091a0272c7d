"""The console's 议事厅 in Chromium against the embedded server: a committee member opens a topic, a
resident (张阿姨, in the mini-program) comments on it, the committee member links a poll of the
community found by its title, gives the official response (which 张阿姨 then reads) and closes the
topic after confirming."""

import uuid

import httpx
from playwright.async_api import expect

from backend.api.contract import client_operations, document_id
from tests.e2e.test_console_pages import signed_in_page
from tests.e2e.test_console_registry import demo_resident_token, graphql, screenshot
from tests.e2e.test_console_voting import confirm, toast


async def mini_program(http: httpx.AsyncClient, token: str, name: str, **variables) -> dict:
    """An operation as the mini-program sends it (its persisted document)."""
    body = (await http.post("/graphql", headers={"authorization": f"Bearer {token}"}, json={
        "documentId": document_id(client_operations("mini_program")[name]), "variables": variables})).json()
    assert "errors" not in body, body
    return body["data"]


async def test_committee_opens_a_topic_links_a_poll_responds_and_closes_it(browser, embedded_server):
    mark = uuid.uuid4().hex[:4]
    title, poll_title = f"北门停车管理 {mark}", f"北门停车收费方案 {mark}"
    async with httpx.AsyncClient(base_url=embedded_server) as http:
        page = await signed_in_page(browser, embedded_server, http, "committee")
        token = await page.evaluate("localStorage.getItem('accessToken')")
        viewer = await graphql(http, token, "{ viewer { memberships { role community { id } } } }")
        community_id = next(m["community"]["id"] for m in viewer["viewer"]["memberships"]
                            if m["role"] == "COMMITTEE_STAFF")
        await graphql(http, token, """
            mutation($c: ID!, $t: String!) { pollCreate(communityId: $c, input: {title: $t, kind: SINGLE,
              items: [{label: "同意"}, {label: "反对"}], electorate: HOUSEHOLD, scope: {kind: COMMUNITY},
              closesAt: "2099-01-01T00:00:00+08:00"}) { poll { id } } }""", {"c": community_id, "t": poll_title})

        await page.click("[data-testid=nav-topics]")
        await page.click("[data-testid=topic-new]")
        await page.fill("[data-testid=topic-new-title]", title)
        await page.fill("[data-testid=topic-new-body]", "北门早晚高峰拥堵，请大家讨论停车管理办法。")
        await page.click("[data-testid=topic-open-submit]")
        await toast(page, f"已发起议题「{title}」")
        await expect(page.locator("[data-testid=topic-heading]")).to_have_text(title)
        await expect(page.locator("[data-testid=topic-state]")).to_have_text("已列入议程")
        topic_id = page.url.rsplit("/", 1)[-1]

        resident = await demo_resident_token(http, "resident")
        commented = await mini_program(http, resident, "TopicComment", id=topic_id, body="建议错峰停车")
        assert commented["topicComment"]["errors"] == []
        await page.reload()
        await expect(page.locator("[data-testid=topic-comment]")).to_contain_text("建议错峰停车")

        await page.click("[data-testid=topic-poll-select] .el-select__wrapper")
        await page.keyboard.type(mark)
        await page.locator(".el-select-dropdown__item:visible", has_text=poll_title).click()
        await page.click("[data-testid=topic-link-poll]")
        await toast(page, "已关联投票")
        await expect(page.locator("[data-testid=topic-poll-title]")).to_have_text(poll_title)

        await page.fill("[data-testid=topic-response-input]", "居委会将与物业商定错峰停车方案，并发起投票。")
        await page.click("[data-testid=topic-respond]")
        await toast(page, "已发布官方回应")
        await expect(page.locator("[data-testid=topic-response]")).to_contain_text("居委会将与物业商定错峰停车方案")
        seen = (await mini_program(http, resident, "Topic", id=topic_id))["topic"]
        assert seen["topic"]["response"] == "居委会将与物业商定错峰停车方案，并发起投票。"
        assert seen["poll"]["title"] == poll_title

        await page.click("[data-testid=topic-close]")
        await confirm(page, "结束")
        await toast(page, "议题已结束")
        await expect(page.locator("[data-testid=topic-state]")).to_have_text("已结束")
        await expect(page.locator("[data-testid=topic-close]")).to_have_count(0)
        await screenshot(page, "console-deliberation.png")
        late = await mini_program(http, resident, "TopicComment", id=topic_id, body="谢谢")
        assert late["topicComment"]["errors"][0]["message"] == "该议题已结束，不能再评论"

        await page.click("[data-testid=nav-topics]")
        await page.fill("[data-testid=topic-search]", mark)
        await page.press("[data-testid=topic-search]", "Enter")
        await expect(page.locator("[data-testid=topic-row]")).to_have_count(1)
        await expect(page.locator("[data-testid=topic-row]")).to_contain_text("已结束")
        await page.context.close()
