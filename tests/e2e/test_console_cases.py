"""The console's case pages in Chromium against the embedded server. The committee sets up a
category and its reply template in 诉求设置; 张阿姨 raises a case in the mini-program (its persisted
operations over HTTP); the committee member finds it on the board, opens it, accepts it, replies with
the template, adds an internal note and resolves it; 张阿姨 says it is only partly fixed (2 stars), the
console shows it reopened with her rating and reason in the timeline; it is resolved again, she
confirms, and the board lists it as resolved. A grid worker's board holds only their grid's cases,
and their menu no 诉求设置; staff register a case for a resident who phoned."""

import uuid

import httpx
from playwright.async_api import expect

from backend.api.contract import client_operations, document_id
from tests.e2e.test_console_notices import choose
from tests.e2e.test_console_pages import signed_in_page
from tests.e2e.test_console_registry import demo_resident_token, graphql, screenshot
from tests.e2e.test_console_voting import confirm, toast

CATEGORY_CREATE = """mutation($c: ID!, $name: String!) { caseCategoryCreate(communityId: $c, input: {
  name: $name, party: COMMITTEE, acceptHours: 4, resolveHours: 24}) { category { id } errors { message } } }"""


async def mini_program_query(http: httpx.AsyncClient, token: str, operation: str, **variables) -> dict:
    """An operation as the mini-program sends it: its persisted document."""
    body = (await http.post("/graphql", headers={"authorization": f"Bearer {token}"}, json={
        "documentId": document_id(client_operations("mini_program")[operation]), "variables": variables})).json()
    assert "errors" not in body, body
    return body["data"]


async def mini_program(http: httpx.AsyncClient, token: str, operation: str, **variables) -> dict:
    """A mutation as the mini-program sends it, which must go through: its payload."""
    payload = next(iter((await mini_program_query(http, token, operation, **variables)).values()))
    assert payload["errors"] == [], payload
    return payload


async def her_home(http: httpx.AsyncClient, token: str) -> tuple[str, str]:
    """张阿姨's community and room, as the mini-program learns them from the viewer."""
    viewer = (await graphql(http, token, "{ viewer { residences { room { id } } memberships { community { id } } } }"))
    return viewer["viewer"]["memberships"][0]["community"]["id"], viewer["viewer"]["residences"][0]["room"]["id"]


async def raise_case(http, token: str, community_id: str, category_id: str, text: str, **place) -> str:
    raised = await mini_program(http, token, "CaseRaise", communityId=community_id, input={
        "categoryId": category_id, "text": text, "place": place})
    return raised["case"]["id"]


async def search_board(page, text: str) -> None:
    """Search the board (Enter in the search box) and wait until it lists only what matches."""
    await page.fill("[data-testid=case-search]", text)
    await page.press("[data-testid=case-search]", "Enter")
    rows = page.locator("[data-testid=cases] .el-table__row")
    await expect(rows.filter(has_not_text=text)).to_have_count(0)
    await expect(rows.filter(has_text=text)).not_to_have_count(0)


async def open_from_board(page, text: str) -> None:
    await page.click("[data-testid=nav-cases]")
    await search_board(page, text)
    await expect(page.locator("[data-testid=cases] .el-table__row")).to_have_count(1)
    await page.locator("[data-testid=case-open]").click()
    await expect(page.locator("[data-testid=case-resident]")).to_be_visible()  # the case's page, not the board


async def resolve(page, note: str) -> None:
    await page.click("[data-testid=case-resolve]")
    await page.locator("[data-testid=case-resolve-note] textarea").fill(note)
    await page.click("[data-testid=case-resolve-note-submit]")
    await confirm(page, "办结")
    await toast(page, "已办结，已通知居民确认")
    await expect(page.locator("[data-testid=case-state]")).to_have_text("已解决")


async def test_committee_handles_a_case_through_a_partly_fixed_rating_to_resolved(browser, embedded_server):
    token = uuid.uuid4().hex[:6]
    category, text = f"楼道照明{token}", f"1栋1单元楼道灯坏了，晚上很黑 {token}"
    template = "您好，已安排电工今天下午上门维修楼道灯。"
    async with httpx.AsyncClient(base_url=embedded_server) as http:
        page = await signed_in_page(browser, embedded_server, http, "committee")

        # 诉求设置: the category with its SLAs, then its reply template.
        await page.click("[data-testid=nav-case-setup]")
        await page.click("[data-testid=category-new]")
        await page.fill("[data-testid=category-name]", category)
        await page.locator("[data-testid=category-party]").get_by_text("居委会").click()
        await page.fill("[data-testid=category-accept] input", "4")
        await page.fill("[data-testid=category-resolve] input", "24")
        await page.click("[data-testid=category-save]")
        await toast(page, f"已保存分类「{category}」")
        await expect(page.locator("[data-testid=categories] .el-table__row", has_text=category)) \
            .to_contain_text("24 小时")
        await page.get_by_role("tab", name="回复模板").click()
        await choose(page, "template-category", category)
        await page.fill("[data-testid=template-title]", "已安排维修")
        await page.fill("[data-testid=template-body]", template)
        await page.click("[data-testid=template-add]")
        await toast(page, "已添加模板「已安排维修」")
        await expect(page.locator("[data-testid=templates]")).to_contain_text(template)

        her = await demo_resident_token(http, "resident")
        community_id, room_id = await her_home(http, her)
        categories = (await mini_program_query(http, her, "CaseCategories", communityId=community_id))
        category_id = next(c["id"] for c in categories["caseCategories"] if c["name"] == category)
        case_id = await raise_case(http, her, community_id, category_id, text, roomId=room_id)

        await open_from_board(page, text)
        await expect(page.locator("[data-testid=case-state]")).to_have_text("待受理")
        await expect(page.locator("[data-testid=case-resident]")).to_contain_text("张阿姨 138****0006")
        await expect(page.locator("[data-testid=case-deadline]")).to_contain_text("距受理时限")
        await page.click("[data-testid=case-accept]")
        await toast(page, "已受理")
        await expect(page.locator("[data-testid=case-state]")).to_have_text("已受理")
        await expect(page.locator("[data-testid=case-handler]")).to_have_text("居委会 周主任")

        await page.click("[data-testid=case-reply]")
        await choose(page, "reply-template", "已安排维修")
        await expect(page.locator("[data-testid=reply-body]")).to_have_value(template)
        await page.click("[data-testid=reply-submit]")
        await toast(page, "已回复居民")
        await page.click("[data-testid=case-note]")
        await page.locator("[data-testid=case-note-body] textarea").fill("电工说需要换整条线路，先临时更换灯泡")
        await page.click("[data-testid=case-note-body-submit]")
        await toast(page, "已添加内部备注")
        timeline = page.locator("[data-testid=timeline-line]")
        await expect(timeline.filter(has_text="回复居民")).to_contain_text(template)
        note = timeline.filter(has_text="先临时更换灯泡")
        await expect(note.locator("[data-testid=timeline-internal]")).to_have_text("内部")
        await expect(timeline.filter(has_text=template).locator("[data-testid=timeline-internal]")).to_have_count(0)
        await resolve(page, "已更换灯泡，楼道灯恢复照明")

        # She finds it only partly fixed: the case reopens, her rating and reason on its page.
        her = await demo_resident_token(http, "resident")
        await mini_program(http, her, "CaseConfirm", id=case_id, input={
            "outcome": "PARTLY", "rating": 2, "comment": "只有一层的灯亮了", "reason": "二楼到五楼还是黑的"})
        await page.reload()
        await expect(page.locator("[data-testid=case-state]")).to_have_text("处理中")
        await expect(page.locator("[data-testid=case-confirmations]")).to_contain_text("部分解决")
        await expect(page.locator("[data-testid=case-rating]")).to_have_text("2 星")
        await expect(timeline.filter(has_text="已解决 → 处理中")).to_contain_text("二楼到五楼还是黑的")
        await expect(timeline.filter(has_text="已解决 → 处理中")).to_contain_text("张阿姨")
        await expect(timeline.filter(has_text="居民评价").first).to_contain_text("部分解决，2 星：只有一层的灯亮了")
        await screenshot(page, "console-case-reopened.png")

        await resolve(page, "已更换整条线路，各楼层灯均已恢复")
        await mini_program(http, her, "CaseConfirm", id=case_id, input={"outcome": "RESOLVED", "rating": 5})
        await page.click("[data-testid=nav-cases]")
        await page.click("[data-testid=case-tab-RESOLVED]")
        await search_board(page, text)
        row = page.locator("[data-testid=cases] .el-table__row", has_text=text)
        await expect(row.locator("[data-testid=case-state]")).to_have_text("已解决")
        await page.context.close()


async def test_a_grid_worker_sees_their_grids_cases_only_and_no_setup(browser, embedded_server):
    token = uuid.uuid4().hex[:6]
    async with httpx.AsyncClient(base_url=embedded_server) as http:
        committee = await demo_resident_token(http, "committee")
        her = await demo_resident_token(http, "resident")
        community_id, room_id = await her_home(http, her)
        created = await graphql(http, committee, CATEGORY_CREATE, {"c": community_id, "name": f"环境卫生{token}"})
        category_id = created["caseCategoryCreate"]["category"]["id"]
        buildings = (await graphql(http, committee, "query($c: ID!) { registryBuildings(communityId: $c) { id name "
                                   "estateName } }", {"c": community_id}))["registryBuildings"]
        elsewhere = next(b["id"] for b in buildings if (b["estateName"], b["name"]) == ("翠竹苑", "3栋"))
        ours = f"家门口垃圾没人清理 {token}"
        theirs = f"翠竹苑3栋门口垃圾堆积 {token}"
        await raise_case(http, her, community_id, category_id, ours, roomId=room_id)  # 阳光花园: the demo grid's
        await raise_case(http, her, community_id, category_id, theirs, buildingId=elsewhere)

        page = await signed_in_page(browser, embedded_server, http, "grid", "网格员 小陈")
        await expect(page.locator("[data-testid=nav-cases]")).to_be_visible()
        await expect(page.locator("[data-testid=nav-case-setup]")).to_have_count(0)
        await page.click("[data-testid=nav-cases]")
        await search_board(page, token)
        # The counts follow the search: one of the two cases is theirs to see.
        await expect(page.locator("[data-testid=case-tab-SUBMITTED]")).to_have_text("待受理 1")
        rows = page.locator("[data-testid=cases] .el-table__row", has_text=token)
        await expect(rows).to_have_count(1)
        await expect(rows).to_contain_text(ours)
        await page.context.close()


async def test_staff_register_a_case_for_a_resident_who_phoned(browser, embedded_server):
    token = uuid.uuid4().hex[:6]
    async with httpx.AsyncClient(base_url=embedded_server) as http:
        committee = await demo_resident_token(http, "committee")
        community_id, _ = await her_home(http, await demo_resident_token(http, "resident"))
        await graphql(http, committee, CATEGORY_CREATE, {"c": community_id, "name": f"邻里纠纷{token}"})
        page = await signed_in_page(browser, embedded_server, http, "committee")
        await page.click("[data-testid=nav-cases]")
        await page.click("[data-testid=case-raise-for]")
        dialog = page.locator(".el-dialog", has_text="代居民登记诉求")
        await dialog.locator("[data-testid=raise-resident] input").fill("王爷爷")
        await page.get_by_role("option", name="王爷爷 · 阳光花园 1栋 1单元 102").click()
        await dialog.locator("[data-testid=raise-channel]").get_by_text("电话").click()
        await choose(page, "raise-category", f"邻里纠纷{token}")
        await expect(dialog.locator("[data-testid=raise-room]")).to_have_text("阳光花园 1栋 1单元 102")
        # Nothing described: refused in Chinese, and nothing registered.
        await dialog.locator("[data-testid=raise-submit]").click()
        await expect(dialog.locator("[data-testid=raise-error]")).to_contain_text("请填写问题描述")
        listed = await graphql(http, committee, "query($c: ID!, $s: String) { cases(communityId: $c, filter: "
                               "{search: $s}) { nodes { id } } }", {"c": community_id, "s": token})
        assert listed["cases"]["nodes"] == []
        await dialog.locator("[data-testid=raise-text]").fill(f"电话反映楼上深夜噪音 {token}")
        await dialog.locator("[data-testid=raise-submit]").click()
        await toast(page, "已为 王爷爷 登记诉求")
        await expect(page.locator("[data-testid=case-text]")).to_have_text(f"电话反映楼上深夜噪音 {token}")
        await expect(page.locator("[data-testid=case-facts]")).to_contain_text("电话")
        await expect(page.locator("[data-testid=case-resident]")).to_contain_text("王爷爷")
        await page.context.close()
