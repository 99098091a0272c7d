"""The console in Debian's Chromium: a committee member signs in and sees the dashboard."""

from playwright.async_api import expect

from tests.e2e.conftest import ARTIFACTS


async def test_committee_member_signs_in_and_sees_the_dashboard(browser, embedded_server):
    page = await browser.new_page(locale="zh-CN")
    await page.goto(f"{embedded_server}/admin/")
    await expect(page).to_have_url(f"{embedded_server}/admin/#/login")

    await page.fill("[data-testid=login-username] input", "committee")
    await page.fill("[data-testid=login-password] input", "wrong-password")
    await page.click("[data-testid=login-submit]")
    await expect(page.locator("[data-testid=login-error]")).to_contain_text("用户名或密码错误")

    await page.fill("[data-testid=login-password] input", "Linli@2026")
    await page.click("[data-testid=login-submit]")
    await expect(page.locator("[data-testid=dashboard]")).to_be_visible()
    await expect(page.locator("[data-testid=viewer-name]")).to_have_text("居委会 周主任")
    await expect(page.locator("[data-testid=dashboard]")).to_contain_text("阳光社区")
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=ARTIFACTS / "console-dashboard.png", full_page=True)

    await page.click("[data-testid=logout]")
    await expect(page).to_have_url(f"{embedded_server}/admin/#/login")
    await page.close()
