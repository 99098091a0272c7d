"""The console's ledger pages in Chromium against the embedded server, on the seed's demo wallets
(王丽 earned 5 hours and then 2 hours and 30 points, gave her father 1 hour, holds 10 points; 王爷爷
earned 5 hours): the committee member
finds her hours account by name, reads its statement as of today and exports it as CSV and Excel,
filters the transfers by code, sees the held redemption, and dismisses the same-household alert with a
note after confirming; the 工作台 shows this month's volunteer hours."""

from playwright.async_api import expect

from tests.e2e.test_console_pages import signed_in_page
from tests.e2e.test_console_registry import screenshot
from tests.e2e.test_console_voting import confirm, toast


async def test_committee_reads_accounts_statements_transfers_holds_and_alerts(browser, embedded_server):
    import httpx

    async with httpx.AsyncClient(base_url=embedded_server) as http:
        page = await signed_in_page(browser, embedded_server, http, "committee")
        panel = page.locator("[data-testid=volunteer-hours]")
        await expect(panel).to_contain_text("12")  # 5 + 5 + 2 hours
        await expect(page.locator("[data-testid=active-volunteers]")).to_contain_text("2")

        await page.click("[data-testid=nav-ledger-accounts]")
        await page.fill("[data-testid=account-search]", "王丽")
        await page.click("[data-testid=account-search-button]")
        rows = page.locator("[data-testid=ledger-accounts] tbody tr")
        await expect(rows).to_have_count(2)  # her hours and her points
        hours_row = rows.filter(has_text="时长")
        await expect(hours_row.locator("[data-testid=account-balance]")).to_have_text("6 小时")
        await hours_row.locator("[data-testid=account-open]").click()

        await expect(page.locator("[data-testid=statement-owner]")).to_contain_text("王丽")
        await expect(page.locator("[data-testid=statement-opening]")).to_have_text("0 小时")
        await expect(page.locator("[data-testid=statement-closing]")).to_have_text("6 小时")
        lines = page.locator("[data-testid=statement-lines] tbody tr")
        await expect(lines).to_have_count(3)
        await expect(lines.nth(0)).to_contain_text("志愿服务时长")
        await expect(lines.nth(1)).to_contain_text("志愿服务时长")
        await expect(lines.nth(2)).to_contain_text("时间银行互助")
        await expect(lines.nth(2)).to_contain_text("王爷爷")
        for button, extension in (("statement-csv", "csv"), ("statement-xlsx", "xlsx")):
            async with page.expect_download() as download:
                await page.click(f"[data-testid={button}]")
            assert (await download.value).suggested_filename.endswith(f".{extension}")
            await expect(page.locator(".el-message--success", has_text="已导出对账单").last).to_be_visible()
        await screenshot(page, "console-ledger-statement.png")

        await page.click("[data-testid=nav-ledger-transfers]")
        await page.click("[data-testid=transfer-code]")
        await page.locator(".el-select-dropdown__item", has_text="时间银行互助").click()
        # Other tests of the run may add exchanges of their own people: hers is the one naming both.
        transfers = page.locator("[data-testid=ledger-transfers] tbody tr")
        await expect(transfers.filter(has_text="王丽").filter(has_text="王爷爷")).to_have_count(1)
        await expect(transfers.filter(has_text="志愿服务时长")).to_have_count(0)

        await page.click("[data-testid=nav-ledger-holds]")
        holds = page.locator("[data-testid=ledger-holds] tbody tr", has_text="积分兑换").filter(has_text="王丽")
        await expect(holds).to_have_count(1)
        await expect(holds.locator("[data-testid=hold-state]")).to_have_text("冻结中")

        await page.click("[data-testid=nav-ledger-alerts]")
        alert = page.locator("[data-testid=fraud-alerts] tbody tr", has_text="同户")
        await expect(alert).to_have_count(1)
        await alert.locator("[data-testid=alert-dismiss]").click()
        await page.fill("[data-testid=alert-note]", "父女间照护，已电话核实")
        await page.click("[data-testid=alert-dismiss-submit]")
        await expect(page.locator(".el-message-box")).to_contain_text("关闭后不能重新打开")
        await confirm(page, "确定")
        await toast(page, "已处理预警")
        await expect(page.locator("[data-testid=fraud-alerts] tbody tr", has_text="同户")).to_have_count(0)
        await page.locator("[data-testid=alert-state-filter]").get_by_text("已处理").click()
        await expect(page.locator("[data-testid=fraud-alerts] tbody tr", has_text="父女间照护")).to_have_count(1)
        await page.context.close()
