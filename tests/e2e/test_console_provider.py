"""The console's 服务商后台 in Chromium against the embedded server (the demo seed): 张阿姨 books 幸福家政's
日常保洁 and pays it through the sandbox, as the mini-program does; the provider's admin 吴老板 (no
community role) signs in to the console, finds the paid order in 服务订单 by its note, reads it in the
drawer and accepts it for the demo worker 小何; adds two slots of a day in 服务排班; and opens this
month's statement and downloads it."""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
from playwright.async_api import expect

from tests.e2e.reports import op
from tests.e2e.test_console_market import community_of
from tests.e2e.test_console_pages import signed_in_page
from tests.e2e.test_console_registry import demo_resident_token, screenshot
from tests.e2e.test_console_voting import toast


async def paid_order(http: httpx.AsyncClient, note: str) -> None:
    """张阿姨's booking of 日常保洁 (2 hours) at the latest slot with a place this week, paid."""
    token = await demo_resident_token(http, "resident")
    community_id = await community_of(http, token)
    services = (await op(http, token, "CommunityServices", communityId=community_id, first=50))["communityServices"]
    service = next(s for s in services["nodes"] if s["name"] == "日常保洁" and s["provider"]["name"] == "幸福家政")
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    slots = (await op(http, token, "ServiceSlots", serviceId=service["id"], days=7, **{"from": today}))["serviceSlots"]
    slot = [s for s in slots if s["left"] > 0][-1]
    booked = (await op(http, token, "ServiceOrderBook", serviceId=service["id"], slotId=slot["id"], quantity=2,
                       note=note))["serviceOrderBook"]
    assert booked["errors"] == [], booked
    order_id = booked["order"]["id"]
    started = (await op(http, token, "ServiceOrderPay", orderId=order_id))["serviceOrderPay"]
    assert started["errors"] == [], started
    done = (await op(http, token, "ServiceOrderSandboxPay", orderId=order_id))["serviceOrderSandboxPay"]
    assert done["errors"] == [] and done["order"]["state"] == "PAID", done


async def test_provider_admin_accepts_a_paid_order_adds_slots_and_opens_the_statement(browser, embedded_server):
    note = f"家里有猫，请轻声 {uuid.uuid4().hex[:4]}"
    async with httpx.AsyncClient(base_url=embedded_server) as http:
        await paid_order(http, note)
        page = await signed_in_page(browser, embedded_server, http, "provider", name="幸福家政 吴老板")

    # 吴老板 also runs the canteen: work for 幸福家政.
    switch = page.locator("[data-testid=provider-switch]")
    await switch.click()
    await page.locator(".el-select-dropdown__item", has_text="幸福家政").click()
    await expect(switch).to_contain_text("幸福家政")
    await expect(page.locator("[data-testid=nav-registry]")).to_have_count(0)

    await page.click("[data-testid=nav-provider-orders]")
    row = page.locator("[data-testid=provider-orders] tbody tr", has_text=note)
    await expect(row).to_have_count(1)
    await expect(row).to_contain_text("日常保洁")
    await expect(row).to_contain_text("¥100.00")
    await expect(row.locator("[data-testid=provider-order-state]")).to_have_text("待接单")
    await row.locator("[data-testid=provider-order-open]").click()
    drawer = page.locator("[data-testid=order-drawer]")
    await expect(drawer.locator("[data-testid=order-state]")).to_have_text("待接单")
    await expect(drawer.locator("[data-testid=order-note]")).to_have_text(note)
    await expect(drawer.locator("[data-testid=order-address]")).to_contain_text("101")  # 张阿姨's home
    await expect(drawer.locator("[data-testid=order-lines]")).to_contain_text("¥50.00")
    await expect(drawer.locator("[data-testid=order-event]")).to_have_count(2)
    await drawer.locator("[data-testid=order-worker]").click()
    await page.locator(".el-select-dropdown__item", has_text="幸福家政 小何").click()
    await drawer.locator("[data-testid=order-accept]").click()
    await toast(page, "已接单，派给 幸福家政 小何")
    await expect(drawer.locator("[data-testid=order-state]")).to_have_text("已接单")
    await expect(drawer.locator("[data-testid=order-worker-name]")).to_have_text("幸福家政 小何")
    await expect(drawer.locator("[data-testid=order-accept]")).to_have_count(0)
    await screenshot(page, "console-provider-order.png")
    await drawer.locator(".el-drawer__close-btn").click()
    await expect(row.locator("[data-testid=provider-order-state]")).to_have_text("已接单")

    await page.click("[data-testid=nav-provider-slots]")
    await page.fill("input[data-testid=slots-times]", "07:15 19:45")
    await page.click("[data-testid=slots-create]")
    await toast(page, "已添加 2 个时段")
    slots = page.locator("[data-testid=slots] tbody tr")
    await expect(slots.filter(has_text="07:15–09:15")).to_have_count(1)
    await expect(slots.filter(has_text="19:45–21:45")).to_have_count(1)
    await expect(slots.filter(has_text="07:15–09:15").locator("[data-testid=slot-booked]")).to_have_text("0 / 1")

    await page.click("[data-testid=nav-provider-statement]")
    await expect(page.locator("[data-testid=provider-statement-name]")).to_contain_text("幸福家政")
    await expect(page.locator("[data-testid=provider-statement-totals]")).to_contain_text("应结金额")
    for button, extension in (("provider-statement-csv", "csv"), ("provider-statement-pdf", "pdf")):
        async with page.expect_download() as download:
            await page.click(f"[data-testid={button}]")
        assert (await download.value).suggested_filename.endswith(f".{extension}")
    await toast(page, "已导出对账单（PDF）")
    await screenshot(page, "console-provider-statement.png")
    await page.context.close()
