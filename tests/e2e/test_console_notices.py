"""The console's notices in Chromium against the embedded server: a committee member writes a notice in
the rich-text editor (an uploaded image and a phone number to call in its body, a PDF attached),
confirms publishing it to 阳光花园 1栋 (its phone preview keeps the image within the card), the
resident 张阿姨 (who lives there) reads it in the mini-program, and the reach report shows her read and
leaves her household off the 未触达名单 (on screen and in its Excel export)."""

import asyncio
import io
import re
import time
import uuid

import httpx
from openpyxl import load_workbook
from PIL import Image
from playwright.async_api import expect
from pypdf import PdfWriter

from tests.e2e.test_console_registry import demo_resident_token, graphql, screenshot, sign_in_to_console

HER_HOUSEHOLD = "阳光花园 1栋 1单元 101"


async def choose(page, testid: str, label: str) -> None:
    """Picks an option of an Element Plus select (its dropdown is teleported to the body)."""
    await page.click(f"[data-testid={testid}] .el-select__wrapper")
    await page.locator(".el-select-dropdown__item:visible", has_text=label).click()


def pdf() -> bytes:
    """A one-page PDF: attachments are checked by their structure, so it must be a real one."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "steelblue").save(buffer, "PNG")
    return buffer.getvalue()


async def wait_for_notice_in_feed(http: httpx.AsyncClient, token: str, title: str) -> str:
    """Polls the resident's feed until the fan-out delivered the notice; returns its id."""
    deadline = time.monotonic() + 20
    while True:
        feed = await graphql(http, token, "{ feed(first: 10) { latest { nodes { id title } } } }")
        found = [n["id"] for n in feed["feed"]["latest"]["nodes"] if n["title"] == title]
        if found:
            return found[0]
        assert time.monotonic() < deadline, f"{title} never reached the resident's feed"
        await asyncio.sleep(0.2)


async def residents_of_building(http: httpx.AsyncClient, token: str, estate: str, building: str) -> int:
    """How many people live in a building now, as the registry says: the audience a notice to it has."""
    viewer = await graphql(http, token, "{ viewer { memberships { role community { id } } } }")
    community_id = next(m["community"]["id"] for m in viewer["viewer"]["memberships"]
                        if m["role"] == "COMMITTEE_STAFF")
    buildings = await graphql(http, token, """
        query($c: ID!) { registryBuildings(communityId: $c) { id name estateName } }""", {"c": community_id})
    building_id = next(b["id"] for b in buildings["registryBuildings"]
                       if b["estateName"] == estate and b["name"] == building)
    rooms = await graphql(http, token, """
        query($b: ID!) { registryRooms(buildingId: $b) { residents { resident { id } } } }""", {"b": building_id})
    return len({r["resident"]["id"] for room in rooms["registryRooms"] for r in room["residents"]})


async def tool(page, key: str) -> None:
    """Clicks a button of the editor's toolbar once it is enabled (it follows the editor's selection)."""
    button = page.locator(f"[data-testid=notice-body] [data-menu-key={key}]")
    await expect(button).not_to_have_class(re.compile("disabled"))
    await button.click()


async def write_body_with_image_and_phone_link(page) -> None:
    """Types the body in the rich-text editor as staff do: bold text, a phone number linked to call, an
    uploaded photo wider than any phone."""
    editor = page.locator("[data-testid=notice-body] [data-slate-editor]")
    await editor.click()
    await page.keyboard.type("周三 9:00–12:00 ")
    await page.keyboard.press("Control+B")
    await page.keyboard.type("停水")
    await page.keyboard.press("Control+B")
    await page.keyboard.type("，报修电话 ")
    await tool(page, "insertLink")
    modal = page.locator(".w-e-modal")
    await modal.locator("input").nth(0).fill("12345")
    await modal.locator("input").nth(1).fill("tel:12345")
    await modal.locator("button").click()
    await expect(editor.locator("a")).to_have_text("12345")
    async with page.expect_file_chooser() as chooser:
        await tool(page, "uploadImage")
    photo = {"name": "水管.png", "mimeType": "image/png", "buffer": png(1600, 900)}
    await (await chooser.value).set_files(files=[photo])
    await expect(editor.locator("img")).to_have_count(1)


async def test_published_notice_is_read_by_a_resident_and_the_reach_report_shows_it(browser, embedded_server,
                                                                                    tmp_path):
    title = f"停水通知 {uuid.uuid4().hex[:6]}"
    async with httpx.AsyncClient(base_url=embedded_server) as http:
        page = await sign_in_to_console(browser, embedded_server)
        await page.click("[data-testid=nav-notices]")
        await page.click("[data-testid=notice-new]")
        await page.fill("[data-testid=notice-title] input", title)
        await choose(page, "notice-category", "物业通知")
        await write_body_with_image_and_phone_link(page)
        await choose(page, "audience-kind", "按楼栋")
        await choose(page, "audience-building", "阳光花园 1栋")
        await page.keyboard.press("Escape")
        await page.set_input_files("[data-testid=notice-attachment-input]", files=[
            {"name": "停水须知.pdf", "mimeType": "application/pdf", "buffer": pdf()}])
        attachments = page.locator("[data-testid=notice-attachment-row]")
        await expect(attachments).to_contain_text("停水须知.pdf")
        await page.click("[data-testid=notice-publish]")
        await page.locator(".el-message-box").get_by_role("button", name="发布").click()
        await expect(page.locator(".el-message--success")).to_contain_text("已发布")
        await expect(page.locator("[data-testid=notice-state]")).to_have_text("已发布")
        # Saved with the notice, as the server lists it; published, it can no longer be removed.
        await expect(attachments).to_have_count(1)
        await expect(attachments).to_contain_text("停水须知.pdf")
        await expect(attachments.locator("a, .el-link")).to_have_count(1)
        await expect(page.locator("[data-testid=notice-attachment-remove]")).to_have_count(0)
        # Saved: the phone preview renders the server's sanitised HTML, the number as a link to call.
        await expect(page.locator("[data-testid=notice-preview] strong")).to_have_text("停水")
        await expect(page.locator("[data-testid=notice-preview] a")).to_have_attribute("href", "tel:12345")
        image = page.locator("[data-testid=notice-preview] img")
        await expect(image).to_have_attribute("src", re.compile("^" + re.escape(embedded_server) + "/media/public/"))
        # Served as the 1080 px wide WebP variant, shown within the phone's 375 px and the card.
        await page.wait_for_function(
            "document.querySelector('[data-testid=notice-preview] img')?.naturalWidth === 1080")
        phone = await page.locator("[data-testid=notice-phone]").bounding_box()
        card = await page.locator(".preview").bounding_box()
        shown = await image.bounding_box()
        assert phone["width"] == 375
        assert shown["x"] >= phone["x"] and shown["x"] + shown["width"] <= phone["x"] + phone["width"]
        assert shown["x"] + shown["width"] <= card["x"] + card["width"]
        await screenshot(page, "console-notice-editor.png")

        resident = await demo_resident_token(http, "resident")
        notice_id = await wait_for_notice_in_feed(http, resident, title)
        read = await graphql(http, resident, "mutation($id: ID!) { noticeRead(id: $id) { ok errors { message } } }",
                             {"id": notice_id})
        assert read["noticeRead"] == {"ok": True, "errors": []}

        staff = await page.evaluate("localStorage.getItem('accessToken')")
        audience = await residents_of_building(http, staff, "阳光花园", "1栋")
        not_reached = await graphql(http, staff, """
            query($id: ID!) { noticeNotReached(id: $id, first: 50) { nodes { address } } }""", {"id": notice_id})
        addresses = [h["address"] for h in not_reached["noticeNotReached"]["nodes"]]
        assert HER_HOUSEHOLD not in addresses

        await page.click("[data-testid=nav-notices]")
        row = page.locator("[data-testid=notice-row]", has_text=title)
        await expect(row).to_contain_text("已发布")
        await expect(row).to_contain_text(f"通知 {audience} 人")
        await row.locator("[data-testid=notice-reach]").click()

        await expect(page.locator("[data-testid=reach-read]")).to_have_text("1")
        await expect(page.locator("[data-testid=reach-audience]")).to_have_text(str(audience))
        await expect(page.locator("[data-testid=reach-chart] canvas")).to_have_count(1)
        rows = page.locator("[data-testid=not-reached-row]")
        await expect(rows).to_have_count(min(len(addresses), 20))
        await expect(rows.filter(has_text=HER_HOUSEHOLD)).to_have_count(0)
        await screenshot(page, "console-notice-reach.png")

        async with page.expect_download() as download_info:
            await page.click("[data-testid=export-not-reached]")
        download = await download_info.value
        assert download.suggested_filename == "未触达名单.xlsx"
        await download.save_as(tmp_path / "not-reached.xlsx")
        exported = [row[0] for row in load_workbook(tmp_path / "not-reached.xlsx").active.values]
        assert exported[0] == "地址"
        assert HER_HOUSEHOLD not in exported
        assert set(addresses) <= set(exported[1:])  # the first page asked above; the export has them all
        await page.close()
