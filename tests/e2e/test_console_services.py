"""The console's paid services in Chromium against the embedded server (the demo community): a demo
resident applies to be a provider through the API (an uploaded licence, as the mini-program does);
the demo operator finds the application in 服务商审核, approves it after confirming, and gives it a
commission rule in 佣金规则 (a rule over 100 % is refused beside the field first); the committee
member makes 洗衣 free in 服务政策 after confirming, and sees the 工作台's revenue panel."""

import io
import re
import uuid

import httpx
from playwright.async_api import expect
from pypdf import PdfWriter

from tests.e2e.reports import op
from tests.e2e.test_console_market import community_of
from tests.e2e.test_console_pages import signed_in_page
from tests.e2e.test_console_registry import demo_resident_token, graphql, screenshot
from tests.e2e.test_console_voting import confirm, toast

POLICIES = "query($c: ID!) { serviceCategoryPolicies(communityId: $c) { category paid } }"


def licence_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


async def apply_as_provider(http: httpx.AsyncClient, handle: str, name: str) -> tuple[str, str]:
    """`handle` applies with a licence to serve the demo community: (community, provider)."""
    token = await demo_resident_token(http, handle)
    community_id = await community_of(http, token)
    uploaded = await http.post("/uploads", params={"kind": "provider_licence"},
                               headers={"authorization": f"Bearer {token}"},
                               files={"file": ("营业执照.pdf", licence_pdf(), "application/pdf")})
    assert uploaded.status_code == 200, uploaded.text
    applied = (await op(http, token, "ProviderApply", input={
        "name": name, "categories": ["LAUNDRY"], "contactName": "林师傅", "contactPhone": "13900001234",
        "licenceUploadId": uploaded.json()["id"], "communityIds": [community_id]}))["providerApply"]
    assert applied["errors"] == [], applied
    return community_id, applied["provider"]["id"]


async def test_operator_approves_a_provider_and_sets_its_commission_and_the_committee_makes_laundry_free(
        browser, embedded_server):
    name = f"洁净洗衣坊 {uuid.uuid4().hex[:4]}"
    async with httpx.AsyncClient(base_url=embedded_server) as http:
        community_id, provider_id = await apply_as_provider(http, "volunteer", name)

        page = await signed_in_page(browser, embedded_server, http, "operator", name="运营方 郑经理")
        await page.click("[data-testid=nav-service-providers]")
        await page.fill("input[data-testid=providers-search]", name)
        await page.click("[data-testid=providers-search-submit]")
        row = page.locator("[data-testid=providers] tbody tr", has_text=name)
        await expect(row).to_have_count(1)
        await expect(row.locator("[data-testid=provider-state]")).to_have_text("待审核")
        await expect(row).to_contain_text("139****1234")  # the contact masked
        await row.locator("[data-testid=provider-open]").click()
        drawer = page.locator("[data-testid=provider-drawer]")
        await expect(drawer.locator("[data-testid=provider-categories]")).to_have_text("洗衣")
        await expect(drawer.locator("[data-testid=provider-communities]")).to_have_text("阳光社区")
        await expect(drawer.locator("[data-testid=provider-licence]")).to_be_visible()
        await drawer.locator("[data-testid=provider-approve]").click()
        await page.fill("[data-testid=provider-note] textarea", "资质齐全")
        await page.click("[data-testid=provider-note-submit]")
        await expect(page.locator(".el-message-box")).to_contain_text("通过后该服务商即可在所选社区上架服务")
        await confirm(page, "通过")
        await toast(page, "已通过审核")
        await expect(drawer.locator("[data-testid=provider-drawer-state]")).to_have_text("已认证")
        await screenshot(page, "console-services-provider.png")
        await drawer.locator(".el-drawer__close-btn").click()
        await expect(drawer).to_be_hidden()

        await page.click("[data-testid=nav-commission-rules]")
        await page.click("[data-testid=commission-add]")
        dialog = page.locator("[data-testid=commission-dialog]")
        await dialog.locator("[data-testid=commission-provider] .el-select__wrapper").click()
        await page.locator(".el-select-dropdown__item", has_text=name).click()
        await page.fill("input[data-testid=commission-percent-input]", "150")
        await page.click("[data-testid=commission-save]")
        await expect(dialog.locator("[data-testid=commission-percent-field] .el-form-item__error")).to_have_text(
            "佣金比例须在 0% 到 100% 之间")
        await page.fill("input[data-testid=commission-percent-input]", "8")
        await page.fill("input[data-testid=commission-minimum-input]", "1.5")
        await page.click("[data-testid=commission-save]")
        await toast(page, "佣金规则已保存")
        rule = page.locator("[data-testid=commission-rules] tbody tr", has_text=name)
        await expect(rule).to_contain_text("8%")
        await expect(rule).to_contain_text("¥1.50")
        await screenshot(page, "console-services-commission.png")
        await page.context.close()

        page = await signed_in_page(browser, embedded_server, http, "committee")
        staff = await page.evaluate("localStorage.getItem('accessToken')")
        await page.click("[data-testid=nav-service-policies]")
        laundry = page.locator("[data-testid=category-paid-LAUNDRY]")
        await expect(laundry).to_have_class(re.compile("is-checked"))
        await laundry.click()
        await expect(page.locator(".el-message-box")).to_contain_text("不再付费")
        await confirm(page, "设为免费")
        await toast(page, "洗衣已设为免费")
        await expect(laundry).not_to_have_class(re.compile("is-checked"))
        policies = await graphql(http, staff, POLICIES, {"c": community_id})
        assert {p["category"]: p["paid"] for p in policies["serviceCategoryPolicies"]}["LAUNDRY"] is False

        panel = (await graphql(http, staff, "query($c: ID!) { serviceRevenuePanel(communityId: $c) { gmv } }",
                               {"c": community_id}))["serviceRevenuePanel"]
        await page.click("[data-testid=nav-home]")
        await expect(page.locator("[data-testid=services-gmv]")).to_contain_text(f"¥{panel['gmv'] / 100:.2f}")
        await screenshot(page, "console-services-workbench.png")
        await page.context.close()
    assert provider_id
