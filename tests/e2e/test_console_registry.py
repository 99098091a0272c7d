"""The console's registry pages in Chromium against the embedded server: a committee member approves
a resident's application, imports a workbook of residents (and exports it), and finds them in 住户档案."""

import random
import re
import uuid

import httpx
from openpyxl import Workbook, load_workbook
from playwright.async_api import expect

from backend.api.contract import client_operations, document_id
from tests.e2e.conftest import ARTIFACTS

COLUMNS = ["小区", "楼栋", "单元", "房号", "楼层", "专有面积", "姓名", "手机号", "身份证号", "身份"]
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


async def graphql(http: httpx.AsyncClient, token: str, query: str, variables: dict | None = None) -> dict:
    """A raw query, as the dev server accepts them."""
    body = (await http.post("/graphql", json={"query": query, "variables": variables or {}},
                            headers={"authorization": f"Bearer {token}"})).json()
    assert "errors" not in body, body
    return body["data"]


async def demo_resident_token(http: httpx.AsyncClient, handle: str) -> str:
    login = document_id(client_operations("mini_program")["DemoLogin"])
    body = (await http.post("/graphql", json={"documentId": login, "variables": {"handle": handle}})).json()
    return body["data"]["authDemoLogin"]["tokens"]["accessToken"]


async def sign_in_to_console(browser, base: str, username: str = "committee", name: str = "居委会 周主任"):
    page = await browser.new_page(locale="zh-CN", accept_downloads=True)
    await page.goto(f"{base}/admin/")
    await page.fill("[data-testid=login-username] input", username)
    await page.fill("[data-testid=login-password] input", "Linli@2026")
    await page.click("[data-testid=login-submit]")
    await expect(page.locator("[data-testid=viewer-name]")).to_have_text(name)
    return page


async def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=ARTIFACTS / name, full_page=True)


async def test_committee_member_approves_a_residence_application(browser, embedded_server):
    async with httpx.AsyncClient(base_url=embedded_server) as http:
        volunteer = await demo_resident_token(http, "volunteer")
        viewer = await graphql(http, volunteer, "{ viewer { memberships { community { id name } } } }")
        community_id = next(m["community"]["id"] for m in viewer["viewer"]["memberships"]
                            if m["community"]["name"] == "阳光社区")
        applied = await graphql(http, volunteer, """
            mutation($communityId: ID!) {
              residenceApply(communityId: $communityId, roomCode: "CZ-2-1-305", role: TENANT) { errors { message } }
            }""", {"communityId": community_id})
        assert applied["residenceApply"]["errors"] == []

        page = await sign_in_to_console(browser, embedded_server)
        await page.click("[data-testid=nav-verification]")
        application = page.locator("[data-testid=queue-row]", has_text="志愿者 小林")
        await expect(application).to_contain_text("305（CZ-2-1-305）")
        await expect(application).to_contain_text("租户")

        await application.locator("[data-testid=approve]").click()
        await page.locator(".el-message-box__btns .el-button--primary", has_text="通过").click()

        await expect(application).to_have_count(0)
        await expect(page.locator(".el-message--success", has_text="已通过 志愿者 小林 的认证")).to_be_visible()
        await screenshot(page, "console-verification.png")
        await page.close()
        residences = await graphql(http, volunteer, "{ viewer { residences { room { code } } } }")
        assert "CZ-2-1-305" in [r["room"]["code"] for r in residences["viewer"]["residences"]]


def id_number(serial: int) -> str:
    """A valid mainland ID number (GB 11643 check character)."""
    body = f"11010119900307{serial:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


async def test_committee_member_imports_residents_and_finds_them_in_the_registry(browser, embedded_server, tmp_path):
    estate = f"测试小区{uuid.uuid4().hex[:6]}"
    phones = [f"1390000{n:04d}" for n in random.sample(range(10_000), 3)]
    names = [f"住户{estate[-6:]}{suffix}" for suffix in "甲乙丙"]
    book = Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    for i, (name, phone, role) in enumerate(zip(names, phones, ["业主", "租户", "同住人"], strict=True)):
        sheet.append([estate, "8栋", "1单元", f"10{i + 1}", 1, 89.5, name, phone, id_number(i + 1), role])
    sheet.append([estate, "8栋", "1单元", "104", 1, 70, "坏行", "123", "", "业主"])  # row 5
    workbook = tmp_path / "residents.xlsx"
    book.save(workbook)

    page = await sign_in_to_console(browser, embedded_server)
    await page.click("[data-testid=nav-import]")
    async with page.expect_download() as template_info:
        await page.click("[data-testid=import-template]")
    template = await template_info.value
    await template.save_as(tmp_path / "template.xlsx")
    assert list(load_workbook(tmp_path / "template.xlsx").active.values) == [tuple(COLUMNS)]
    await page.set_input_files("[data-testid=import-file] input[type=file]", workbook)

    await expect(page.locator("[data-testid=import-report]")).to_contain_text("共 4 行，有效 3 行，错误 1 处")
    bad_row = page.locator("[data-testid=import-errors] tbody tr")
    await expect(bad_row).to_have_count(1)
    await expect(bad_row.locator("td").nth(0)).to_have_text("5")
    await expect(bad_row.locator("td").nth(1)).to_have_text("手机号")

    await page.click("[data-testid=import-valid]")

    # Imported by a job on the server: its progress shows until the report comes back, with a toast.
    await expect(page.locator("[data-testid=imported-rows]")).to_contain_text("已导入 3 行")
    await expect(page.locator(".el-message--success", has_text="已导入 3 行")).to_have_count(1)
    await expect(page.locator("[data-testid=import-progress]")).to_have_count(0)
    await screenshot(page, "console-import.png")
    async with page.expect_download() as download_info:
        await page.click("[data-testid=export]")
    download = await download_info.value
    assert download.suggested_filename == "registry.xlsx"
    await download.save_as(tmp_path / "registry.xlsx")
    exported = load_workbook(tmp_path / "registry.xlsx").active
    assert [names[0], f"{phones[0][:3]}****{phones[0][-4:]}"] in [[row[6], row[7]] for row in exported.values]

    await page.click("[data-testid=nav-registry]")
    await expect(page.locator("[data-testid=list-total]")).to_have_text(re.compile(r"^共 \d+ 条$"))
    total = int(re.search(r"\d+", await page.locator("[data-testid=list-total]").inner_text())[0])
    assert total >= 3  # the 3 imported among the community's residents
    found = page.locator("[data-testid=found-name]")
    await page.fill("[data-testid=registry-search]", names[0][-4:])  # a part of the name
    await page.click("[data-testid=registry-search-submit]")
    await expect(found).to_have_text([names[0]])
    await expect(page.locator("[data-testid=list-total]")).to_have_text("共 1 条")
    await page.fill("[data-testid=registry-search]", phones[2][-4:])  # the phone's last four digits
    await page.click("[data-testid=registry-search-submit]")
    await expect(found.filter(has_text=names[2])).to_have_count(1)
    await expect(page.locator("[data-testid=registry-residents]")).to_contain_text(
        f"{phones[2][:3]}****{phones[2][-4:]}")
    await screenshot(page, "console-registry-search.png")

    await page.click("#tab-browse")
    await page.click("[data-testid=estate-select]")
    await page.get_by_role("option", name=estate, exact=True).click()
    await page.click("[data-testid=building-select]")
    building = page.get_by_role("option", name=f"{estate} 8栋", exact=True)
    await building.click()
    await expect(building).to_be_hidden()
    resident = page.locator("[data-testid=resident]", has_text=names[1])
    await expect(resident).to_contain_text("租户")
    await expect(resident).to_contain_text(f"{phones[1][:3]}****{phones[1][-4:]}")
    await screenshot(page, "console-registry.png")

    await resident.locator("[data-testid=unmask]").click()
    await page.fill("[data-testid=unmask-reason] textarea", "核实导入的住户")
    await page.click("[data-testid=unmask-reason-submit]")
    await expect(page.locator("[data-testid=unmask-value]")).to_have_text(phones[1])
    await page.close()
