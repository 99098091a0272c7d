"""The console's 内容审核 in Chromium against the embedded server: 志愿者 小林 proposes a topic in the
议事厅, three verified neighbours (张阿姨, 王爷爷, his daughter) report it and it is hidden from them;
the committee member finds it first in the queue, reads the original and the reports by reason,
restores it with a reason after confirming, is told so, and the neighbours see it again; the
moderator log shows who restored it and why."""

import httpx
from playwright.async_api import expect

from tests.e2e.reports import op, report
from tests.e2e.test_console_pages import signed_in_page
from tests.e2e.test_console_registry import demo_resident_token, graphql, screenshot
from tests.e2e.test_console_voting import confirm, toast

REPORTERS = {"resident": "ABUSE", "elder": "FRAUD", "relative": "OTHER"}


async def test_committee_restores_a_topic_hidden_by_three_reports(browser, embedded_server):
    title = "物业费去向不明"
    async with httpx.AsyncClient(base_url=embedded_server) as http:
        author = await demo_resident_token(http, "volunteer")
        viewer = await graphql(http, author, "{ viewer { memberships { community { id } } } }")
        community_id = viewer["viewer"]["memberships"][0]["community"]["id"]
        proposed = await op(http, author, "TopicPropose", communityId=community_id,
                            input={"title": title, "body": "物业经理私吞物业费，大家不要再交了！"})
        topic_id = proposed["topicPropose"]["topic"]["id"]
        for handle, reason in REPORTERS.items():
            await report(http, handle, "TOPIC", topic_id, reason)
        neighbour = await demo_resident_token(http, "resident")
        assert (await op(http, neighbour, "Topic", id=topic_id))["topic"] is None  # hidden from her

        page = await signed_in_page(browser, embedded_server, http, "committee")
        await page.click("[data-testid=nav-moderation]")
        row = page.locator("[data-testid=moderation-row]", has_text=title)
        await expect(row).to_contain_text("已隐藏待审核")
        await expect(row).to_contain_text("3 人举报")
        await row.locator("[data-testid=moderation-open]").click()
        await expect(page.locator("[data-testid=moderation-item-original]")).to_have_text(
            f"{title}\n物业经理私吞物业费，大家不要再交了！")
        await expect(page.locator("[data-testid=moderation-reasons]")).to_contain_text("辱骂 × 1")
        await expect(page.locator("[data-testid=moderation-reports]")).to_contain_text("内容不实，造谣物业")
        await expect(page.locator("[data-testid=moderation-item-log]")).to_contain_text("系统 · 自动隐藏（多人举报）")

        await page.click("[data-testid=moderation-decide-RESTORE]")
        await page.fill("[data-testid=moderation-reason] textarea", "经核实属于正常意见反映")
        await page.click("[data-testid=moderation-reason-submit]")
        await expect(page.locator(".el-message-box")).to_contain_text("恢复后所有居民将重新看到该内容")
        await confirm(page, "确定")
        await toast(page, "已恢复显示")
        await expect(page.locator("[data-testid=moderation-item-state]")).to_have_text("已恢复")
        await screenshot(page, "console-moderation.png")
        assert (await op(http, neighbour, "Topic", id=topic_id))["topic"]["topic"]["hidden"] is False

        await page.click("[data-testid=nav-moderation]")
        await page.get_by_role("tab", name="审核日志").click()
        line = page.locator("[data-testid=moderation-log] tbody tr").first
        await expect(line).to_contain_text("居委会 周主任")
        await expect(line).to_contain_text("恢复显示")
        await expect(line).to_contain_text("经核实属于正常意见反映")
        await page.context.close()
