"""The console's 咨询台 in Chromium against the embedded server (SQLite): 张阿姨 asks in the
mini-program, the committee member answers and publishes it; when 王爷爷 asks much the same, the
answer dialog shows the published one beside his, and its wording is taken over for him."""

import httpx
from playwright.async_api import expect

from tests.e2e.test_console_pages import signed_in_page
from tests.e2e.test_console_registry import demo_resident_token, graphql, screenshot
from tests.e2e.test_console_voting import toast

FIRST = "电梯年检合格证在哪里查看"
AGAIN = "电梯年检合格证去哪里看"
ANSWER = "张贴在每部电梯轿厢内，也可到物业服务中心查阅"


async def ask(http: httpx.AsyncClient, handle: str, text: str) -> None:
    token = await demo_resident_token(http, handle)
    viewer = await graphql(http, token, "{ viewer { memberships { community { id name } } } }")
    community_id = next(m["community"]["id"] for m in viewer["viewer"]["memberships"]
                        if m["community"]["name"] == "阳光社区")
    asked = await graphql(http, token, """mutation($c: ID!, $t: String!) {
        questionAsk(communityId: $c, text: $t) { errors { message } } }""", {"c": community_id, "t": text})
    assert asked["questionAsk"]["errors"] == []


def row(page, text: str):
    return page.locator("[data-testid=question-row]", has_text=text)


async def test_staff_answer_and_publish_then_see_it_beside_a_similar_question(browser, embedded_server):
    async with httpx.AsyncClient(base_url=embedded_server) as http:
        await ask(http, "resident", FIRST)
        page = await signed_in_page(browser, embedded_server, http, "committee")
        await page.click("[data-testid=nav-questions]")
        await expect(row(page, FIRST)).to_be_visible()
        await row(page, FIRST).locator("[data-testid=question-answer-open]").click()
        await expect(page.locator("[data-testid=answer-question]")).to_have_text(FIRST)
        await page.fill("[data-testid=answer-text]", ANSWER)
        await page.click("[data-testid=answer-submit]")
        await toast(page, "已答复，并公开到常见问题")
        await expect(row(page, FIRST)).to_have_count(0)  # answered: no longer in 待答复

        await ask(http, "elder", AGAIN)
        await page.reload()
        await row(page, AGAIN).locator("[data-testid=question-answer-open]").click()
        similar = page.locator("[data-testid=similar-question]", has_text=FIRST)
        await expect(similar).to_be_visible()
        await expect(similar).to_contain_text(ANSWER)
        await screenshot(page, "questions-answer-dialog.png")
        await similar.locator("[data-testid=similar-use]").click()
        await expect(page.locator("[data-testid=answer-text]")).to_have_value(ANSWER)
        await page.click("[data-testid=answer-submit]")
        await toast(page, "已答复，并公开到常见问题")

        await page.locator("[data-testid=question-state-filter]").get_by_text("全部").click()
        await expect(row(page, AGAIN).locator("[data-testid=question-published]")).to_be_visible()
        await page.fill("[data-testid=question-search]", "合格证")
        await page.press("[data-testid=question-search]", "Enter")
        await expect(page.locator("[data-testid=question-row]")).to_have_count(2)
        await page.context.close()
