"""Every page of the console in Chromium against the embedded server, as the committee member sees it:
each route of admin/src/router.js renders its heading (not a blank or an error page) and is saved as a
screenshot in test-results/screenshots/. The 工作台 shows the demo community's figures: the verified
residents the registry lists, and this week's notice with its reach."""

import re
import uuid
from pathlib import Path

import httpx
from playwright.async_api import expect

from backend.api.contract import client_operations, document_id
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.reports import report, reported_item
from tests.e2e.test_console_notices import wait_for_notice_in_feed
from tests.e2e.test_console_registry import demo_resident_token, graphql

ADMIN_SRC = Path(__file__).resolve().parents[2] / "admin" / "src"
NOT_FOUND = ":pathMatch(.*)*"  # the console's 404, shown inside the layout for an unknown address
SCREENSHOTS = ARTIFACTS / "screenshots"
POLL_TITLE = "是否更换小区门禁"  # the poll page's heading is its poll's title
TOPIC_TITLE = "小区门禁如何管理"  # and a topic's, its topic's
ACTIVITY_TITLE = "楼道清洁日"  # and a volunteer activity's, its title
# route -> (the heading it shows, the screenshot's name). `:id` is a notice (or poll, or case) of the test's own.
PAGES = {
    "/login": ("邻里 · 社区工作台", "login"),
    "": ("一屏观社区", "workbench"),
    "registry": ("住户档案", "registry"),
    "verification": ("认证审核", "verification"),
    "import": ("导入导出", "import"),
    "audit": ("操作日志", "audit-log"),
    "dead-letters": ("失败任务", "dead-letters"),
    "notices": ("通知公告", "notices"),
    "notices/new": ("新建通知", "notice-new"),
    "notices/:id": ("编辑通知", "notice-edit"),
    "notices/:id/reach": ("触达报告", "notice-reach"),
    "access-log": ("查阅记录", "access-log"),
    "polls": ("投票表决", "polls"),
    "polls/new": ("新建投票", "poll-new"),
    "polls/:id": (POLL_TITLE, "poll"),
    "polls/:id/edit": ("编辑投票", "poll-edit"),
    "cases": ("诉求工单", "cases"),
    "cases/setup": ("诉求设置", "case-setup"),
    "cases/:id": ("诉求详情", "case"),
    "cases/stats": ("诉求统计", "case-stats"),
    "street/cases": ("街道督办", "street-cases"),
    "street/cases/:id": ("诉求督办", "street-case"),  # no case of that id: the page says so
    "street/supervisors": ("街道督办人员", "street-supervisors"),
    "questions": ("咨询台", "questions"),
    "topics": ("议事厅", "topics"),
    "topics/:id": (TOPIC_TITLE, "topic"),
    "moderation": ("内容审核", "moderation"),
    "moderation/:id": ("议题审核", "moderation-item"),
    "market": ("跳蚤市场", "market"),
    "market/stats": ("市场统计", "market-stats"),
    "market/settings": ("市场规则", "market-settings"),
    "timebank": ("时间银行", "timebank"),
    "timebank/policy": ("时间银行规则", "timebank-policy"),
    "ledger/accounts": ("账户", "ledger-accounts"),
    "ledger/accounts/:id": ("对账单：王爷爷的女儿 王丽（时长）", "ledger-statement"),  # the seed's demo hours
    "ledger/transfers": ("流水", "ledger-transfers"),
    "ledger/holds": ("冻结", "ledger-holds"),
    "ledger/alerts": ("风险预警", "ledger-alerts"),
    "volunteering/teams": ("志愿队伍", "volunteer-teams"),
    "volunteering/activities": ("志愿活动", "volunteer-activities"),
    "volunteering/activities/:id": (ACTIVITY_TITLE, "volunteer-activity"),
    "volunteering/approvals": ("时长审核", "volunteer-approvals"),
    "points/rewards": ("积分商城", "points-rewards"),
    "points/redemptions": ("兑换核销", "points-redemptions"),
    "services/providers": ("服务商审核", "service-providers"),
    "services/commission": ("佣金规则", "commission-rules"),
    "services/revenue": ("营收报表", "service-revenue"),
    "services/reconciliation": ("支付对账", "reconciliation"),
    "services/disputes": ("售后裁定", "service-disputes"),
    "services/policies": ("服务政策", "service-policies"),
    "services/subsidy-claims": ("助餐补贴申报", "subsidy-claims"),
    "services/orders": ("社区服务订单", "community-service-orders"),
    "provider/orders": ("服务订单", "provider-orders"),
    "provider/slots": ("服务排班", "provider-slots"),
    "provider/services": ("服务项目", "provider-services"),
    "provider/menus": ("助餐菜单", "provider-menus"),
    # The statement of this month loads as it opens; its heading then names the provider.
    "provider/statement": (re.compile(r"^服务商对账单"), "provider-statement"),
    "provider/account": ("收款与成员", "provider-account"),
    NOT_FOUND: ("404", "not-found"),
}
# The pages of people other than the committee member: (demo handle, the name the header shows).
SEEN_BY = {
    "street/cases": ("street", "幸福街道 陈科长"),
    "street/cases/:id": ("street", "幸福街道 陈科长"),
    "street/supervisors": ("operator", "运营方 郑经理"),
    **dict.fromkeys(("services/providers", "services/commission", "services/revenue", "services/reconciliation",
                     "services/disputes"), ("operator", "运营方 郑经理")),
    **dict.fromkeys(("provider/orders", "provider/slots", "provider/services", "provider/menus", "provider/statement",
                     "provider/account"), ("provider", "幸福家政 吴老板")),
}


def routes() -> set[str]:
    """The pages the router declares: its own (sign-in, the 404) and the console's page table
    (admin/src/pages.js), not the layout around them."""
    paths = set()
    for source in ("router.js", "pages.js"):
        text = (ADMIN_SRC / source).read_text(encoding="utf-8")
        # Entries as objects ({ path: 'x', … }) and as rows of a table ([ 'x', 'name', …] mapped to objects).
        paths |= set(re.findall(r"path: '([^']*)'", text)) | set(re.findall(r"^\s*\['([a-z][a-z/-]*)', '", text, re.M))
    return paths - {"/"}


def test_every_route_of_the_console_has_a_page_here():
    assert routes() == PAGES.keys(), "add the new routes to PAGES (and drop the gone ones)"


async def signed_in_page(browser, base: str, http: httpx.AsyncClient, handle: str, name: str = "居委会 周主任"):
    """The console signed in through the dev demo sign-in: password sign-ins are throttled per username
    and address (5, then one a minute), and the other console tests spend those of the committee."""
    login = document_id(client_operations("mini_program")["DemoLogin"])
    body = (await http.post("/graphql", json={"documentId": login, "variables": {"handle": handle}})).json()
    tokens = body["data"]["authDemoLogin"]["tokens"]
    stored = [{"name": k, "value": tokens[k]} for k in ("accessToken", "refreshToken", "accessExpiresAt")]
    context = await browser.new_context(locale="zh-CN", storage_state={
        "cookies": [], "origins": [{"origin": base, "localStorage": stored}]})
    page = await context.new_page()
    await page.goto(f"{base}/admin/#/")
    await expect(page.locator("[data-testid=viewer-name]")).to_have_text(name)
    return page


async def verified_residents(http: httpx.AsyncClient, token: str, community_id: str) -> int:
    """The people the registry lists as living in the community now, building by building."""
    buildings = await graphql(http, token, "query($c: ID!) { registryBuildings(communityId: $c) { id } }",
                              {"c": community_id})
    people = set()
    for building in buildings["registryBuildings"]:
        rooms = await graphql(http, token, """
            query($b: ID!) { registryRooms(buildingId: $b) { residents { resident { id } } } }""",
                              {"b": building["id"]})
        people |= {r["resident"]["id"] for room in rooms["registryRooms"] for r in room["residents"]}
    return len(people)


async def publish_notice(http: httpx.AsyncClient, token: str, community_id: str) -> tuple[str, str]:
    title = f"消防检查 {uuid.uuid4().hex[:6]}"
    created = await graphql(http, token, """
        mutation($c: ID!, $t: String!) { noticeCreate(communityId: $c, input: {title: $t, category: "安全",
          bodyHtml: "<p>周五上午消防检查，请配合。</p>", audience: [{kind: COMMUNITY}]}) { notice { id } } }""",
                            {"c": community_id, "t": title})
    notice_id = created["noticeCreate"]["notice"]["id"]
    await graphql(http, token, "mutation($id: ID!) { noticePublish(id: $id) { notice { id } } }", {"id": notice_id})
    return notice_id, title


async def draft_poll(http: httpx.AsyncClient, token: str, community_id: str) -> str:
    created = await graphql(http, token, """
        mutation($c: ID!, $t: String!, $closes: DateTime!) { pollCreate(communityId: $c, input: {title: $t,
          kind: SINGLE, items: [{label: "同意"}, {label: "反对"}], electorate: HOUSEHOLD, scope: {kind: COMMUNITY},
          closesAt: $closes}) { poll { id } errors { message } } }""",
                            {"c": community_id, "t": POLL_TITLE, "closes": "2099-01-01T00:00:00+08:00"})
    return created["pollCreate"]["poll"]["id"]


async def open_topic(http: httpx.AsyncClient, token: str, community_id: str) -> str:
    opened = await graphql(http, token, """
        mutation($c: ID!, $t: String!) { topicOpen(communityId: $c, input: {title: $t,
          body: "门禁卡丢失补办太慢，请大家讨论。"}) { topic { id } errors { message } } }""",
                           {"c": community_id, "t": TOPIC_TITLE})
    return opened["topicOpen"]["topic"]["id"]


async def raise_case(http: httpx.AsyncClient, token: str, community_id: str) -> str:
    """A category of the committee's, and 张阿姨's case in it about her home."""
    created = await graphql(http, token, """
        mutation($c: ID!, $n: String!) { caseCategoryCreate(communityId: $c, input: {name: $n, party: COMMITTEE,
          acceptHours: 4, resolveHours: 24}) { category { id } } }""",
                            {"c": community_id, "n": f"报修{uuid.uuid4().hex[:6]}"})
    resident = await demo_resident_token(http, "resident")
    home = (await graphql(http, resident, "{ viewer { residences { room { id } } } }"))["viewer"]["residences"][0]
    raised = await graphql(http, resident, """
        mutation($c: ID!, $k: ID!, $r: ID!) { caseRaise(communityId: $c, input: {categoryId: $k, text: "楼道灯坏了",
          place: {roomId: $r}}) { case { id } } }""",
                           {"c": community_id, "k": created["caseCategoryCreate"]["category"]["id"],
                            "r": home["room"]["id"]})
    return raised["caseRaise"]["case"]["id"]


async def draft_activity(http: httpx.AsyncClient, token: str, community_id: str) -> str:
    """A team of the committee's and a draft activity of it, next week."""
    team = await graphql(http, token, """
        mutation($c: ID!, $n: String!) { volunteerTeamCreate(communityId: $c, name: $n) { team { id } } }""",
                         {"c": community_id, "n": f"志愿队{uuid.uuid4().hex[:6]}"})
    created = await graphql(http, token, """
        mutation($t: ID!, $title: String!) { volunteerActivityCreate(teamId: $t, input: {title: $title,
          startsAt: "2099-01-01T09:00:00+08:00", endsAt: "2099-01-01T11:00:00+08:00", placeText: "社区活动中心",
          capacity: 10}) { activity { id } errors { message } } }""",
                            {"t": team["volunteerTeamCreate"]["team"]["id"], "title": ACTIVITY_TITLE})
    return created["volunteerActivityCreate"]["activity"]["id"]


async def test_every_console_page_renders_and_is_screenshotted(browser, embedded_server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    async with httpx.AsyncClient(base_url=embedded_server) as http:
        login = await browser.new_page(locale="zh-CN")
        await login.goto(f"{embedded_server}/admin/#/login")
        await expect(login.locator("h1")).to_have_text(PAGES["/login"][0])
        await login.screenshot(path=SCREENSHOTS / "login.png", full_page=True)
        await login.close()

        page = await signed_in_page(browser, embedded_server, http, "committee")
        token = await page.evaluate("localStorage.getItem('accessToken')")
        viewer = await graphql(http, token, "{ viewer { memberships { role community { id } } } }")
        community_id = next(m["community"]["id"] for m in viewer["viewer"]["memberships"]
                            if m["role"] == "COMMITTEE_STAFF")
        notice_id, title = await publish_notice(http, token, community_id)
        poll_id = await draft_poll(http, token, community_id)
        ids = {"polls": poll_id, "topics": await open_topic(http, token, community_id),
               "cases": await raise_case(http, token, community_id),
               "volunteering": await draft_activity(http, token, community_id)}
        await report(http, "resident", "TOPIC", ids["topics"], "SPAM")
        ids["moderation"] = await reported_item(http, token, community_id, ids["topics"])
        accounts = await graphql(http, token, """query($c: ID!) { ledgerAccounts(communityId: $c, ledger: TIME,
          search: "王丽") { nodes { id } } }""", {"c": community_id})
        ids["ledger"] = accounts["ledgerAccounts"]["nodes"][0]["id"]
        # Read by 张阿姨 once it reached her: her household counts as reached.
        resident = await demo_resident_token(http, "resident")
        await wait_for_notice_in_feed(http, resident, title)
        await graphql(http, resident, "mutation($id: ID!) { noticeRead(id: $id) { ok } }", {"id": notice_id})
        residents = await verified_residents(http, token, community_id)

        committee = viewer = ("committee", "居委会 周主任")
        for route, (heading, name) in PAGES.items():
            if route == "/login":
                continue
            if SEEN_BY.get(route, committee) != viewer:  # signed in afresh as the page's own viewer
                viewer = SEEN_BY.get(route, committee)
                await page.context.close()
                page = await signed_in_page(browser, embedded_server, http, *viewer)
            # Each page opened afresh, as from a bookmark (a hash change alone keeps the page there was).
            address = "no-such-page" if route == NOT_FOUND else route.replace(
                ":id", ids.get(route.split("/")[0], notice_id))
            await page.goto(f"{embedded_server}/admin/#/{address}")
            await page.reload()
            if route == NOT_FOUND:
                await expect(page.locator("[data-testid=not-found]")).to_contain_text("页面不存在")
            else:
                await expect(page.locator("main h2, .el-main h2").first).to_have_text(heading)
            if route == "":
                await expect(page.locator("[data-testid=residents-verified]")).to_contain_text(str(residents))
                week = page.locator("[data-testid=week-notices] tbody tr", has_text=title)
                await expect(week).to_have_count(1)
                await expect(week.locator("[data-testid=reach-rate]")).to_be_visible()
                await expect(page.locator("[data-testid=identity-chart] canvas")).to_have_count(1)
                await expect(page.locator("[data-testid=unreached-chart] canvas")).to_have_count(1)
            await page.wait_for_load_state("networkidle")
            await expect(page.locator(".el-alert--error")).to_have_count(0)
            await page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
        await page.context.close()

        # 403: a page the signed-in person's roles do not allow (a grid worker writing a notice).
        page = await signed_in_page(browser, embedded_server, http, "grid", "网格员 小陈")
        await page.goto(f"{embedded_server}/admin/#/notices/new")
        await page.reload()
        await expect(page.locator("[data-testid=forbidden]")).to_contain_text("没有此页面的权限")
        await page.screenshot(path=SCREENSHOTS / "forbidden.png", full_page=True)
        await page.context.close()
