"""A volunteer's day end to end against the embedded server (SQLite), with the real clock: the
committee sets up a team and an activity starting in a few seconds, 志愿者 小林 signs up, checks in
and out with the coordinator's QR codes, the coordinator approves his hours in the console's 时长审核
(Chromium), his points show in the mall, he redeems, and the desk collects his pickup code in the
console's 兑换核销 (Chromium). The activity is set up through the operations the console sends (its
pages are walked in tests/e2e/test_console_volunteering.py), and the volunteer's steps through the
mini-program's operations."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from playwright.async_api import expect

from backend.api.contract import client_operations, document_id
from tests.e2e.test_console_pages import signed_in_page
from tests.e2e.test_console_points import BALANCE, community_of
from tests.e2e.test_console_registry import demo_resident_token, graphql
from tests.e2e.test_console_voting import confirm, toast

POINTS_PER_HOUR = 600  # a minute of service earns 10 points


async def op(http: httpx.AsyncClient, token: str, client: str, operation: str, /, **variables) -> dict:
    """A client's persisted operation; its payload, with no errors."""
    body = (await http.post("/graphql", json={"documentId": document_id(client_operations(client)[operation]),
                                              "variables": variables},
                            headers={"authorization": f"Bearer {token}"})).json()
    assert "errors" not in body, body
    payload = next(iter(body["data"].values()))
    assert not payload.get("errors"), payload
    return payload


async def test_activity_check_in_approval_then_mall_redemption(browser, embedded_server):
    async with httpx.AsyncClient(base_url=embedded_server) as http:
        page = await signed_in_page(browser, embedded_server, http, "committee")
        committee = await page.evaluate("localStorage.getItem('accessToken')")
        coordinator = await demo_resident_token(http, "coordinator")
        volunteer = await demo_resident_token(http, "volunteer")
        community_id = await community_of(http, volunteer)
        coordinator_id = (await graphql(http, coordinator, "{ viewer { id } }"))["viewer"]["id"]
        before = (await graphql(http, volunteer, BALANCE, {"c": community_id}))["pointsBalance"]["points"]

        team = await op(http, committee, "admin", "VolunteerTeamCreate", communityId=community_id,
                        name=f"助老服务队{uuid.uuid4().hex[:4]}", description="陪伴老人")
        team_id = team["team"]["id"]
        await op(http, committee, "admin", "VolunteerTeamCoordinatorAdd", teamId=team_id, personId=coordinator_id)
        starts = datetime.now(UTC) + timedelta(seconds=20)
        activity = await op(http, committee, "admin", "VolunteerActivityCreate", teamId=team_id, input={
            "title": "敬老院陪伴", "description": "陪老人聊天", "startsAt": starts.isoformat(),
            "endsAt": (starts + timedelta(minutes=30)).isoformat(), "placeText": "社区服务中心", "capacity": 5,
            "skills": ["陪伴"], "pointsPerHour": POINTS_PER_HOUR})
        activity_id = activity["activity"]["id"]
        await op(http, committee, "admin", "VolunteerActivityPublish", id=activity_id)

        await op(http, volunteer, "mini_program", "VolunteerSignup", activityId=activity_id)
        code = await op(http, coordinator, "admin", "VolunteerCheckinCode", activityId=activity_id, purpose="CHECK_IN")
        await op(http, volunteer, "mini_program", "VolunteerCheckIn", qrText=code["qrText"], activityId=activity_id)
        # Hours count from the start: check out a little over a minute into the activity.
        await asyncio.sleep(max(0.0, (starts + timedelta(seconds=65) - datetime.now(UTC)).total_seconds()))
        code = await op(http, coordinator, "admin", "VolunteerCheckinCode", activityId=activity_id,
                        purpose="CHECK_OUT")
        out = await op(http, volunteer, "mini_program", "VolunteerCheckOut", qrText=code["qrText"])
        assert out["signup"]["computedMinutes"] == 1
        desk = await signed_in_page(browser, embedded_server, http, "coordinator", "志愿者协调员 小赵")
        await desk.click("[data-testid=nav-volunteer-approvals]")
        waiting = desk.locator("[data-testid=approvals] .el-table__row", has_text=activity["activity"]["title"]) \
            .filter(has_text="志愿者 小林")
        await waiting.locator("[data-testid=approval-approve]").click()
        await desk.click("[data-testid=approve-submit]")
        await confirm(desk, "通过")
        await toast(desk, "已通过 志愿者 小林")
        await expect(waiting).to_have_count(0)
        await desk.context.close()

        shelf = await op(http, volunteer, "mini_program", "Rewards", communityId=community_id, first=50)
        assert shelf["points"] == before + 10  # the mall's balance (the query's first field)
        reward = await op(http, committee, "admin", "RewardCreate", communityId=community_id, input={
            "name": f"志愿者纪念徽章{uuid.uuid4().hex[:4]}", "description": "", "cost": 10, "stock": 1})
        redeemed = await op(http, volunteer, "mini_program", "RewardRedeem", rewardId=reward["reward"]["id"])
        pickup = redeemed["redemption"]["pickupCode"]
        assert (await graphql(http, volunteer, BALANCE, {"c": community_id}))["pointsBalance"] == \
            {"points": before, "held": 10}

        await page.click("[data-testid=nav-points-redemptions]")
        await page.fill("[data-testid=pickup-code]", pickup)
        await page.click("[data-testid=pickup-find]")
        await expect(page.locator("[data-testid=pickup-reward]")).to_have_text(reward["reward"]["name"])
        await expect(page.locator("[data-testid=pickup-person]")).to_contain_text("志愿者 小林")
        await page.click("[data-testid=pickup-collect]")
        await confirm(page, "确认核销")
        await toast(page, "核销成功")
        assert (await graphql(http, volunteer, BALANCE, {"c": community_id}))["pointsBalance"] == \
            {"points": before, "held": 0}
        await page.context.close()
