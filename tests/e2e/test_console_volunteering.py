"""The console's volunteering pages in Chromium against the embedded server. The committee member
creates a team in 志愿队伍 and makes 小赵 its coordinator, creates an activity of it in 志愿活动 and
publishes it (confirmed); 志愿者 小林 signs up through the mini-program's operations, and checks in
and out with the tokens of the QR the activity's page shows (its text read from the page); the
coordinator approves the hours in 时长审核, where their own service would show disabled; the roster
shows 已审核 and the hours."""

import sqlite3
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from playwright.async_api import expect

from tests.e2e.test_console_cases import mini_program
from tests.e2e.test_console_notices import choose
from tests.e2e.test_console_pages import signed_in_page
from tests.e2e.test_console_registry import demo_resident_token, screenshot
from tests.e2e.test_console_voting import confirm, toast

TOKEN_PREFIX = "linli:checkin:"


def typed(moment: datetime) -> str:
    """A time as the activity dialog's pickers take it typed: local, to the minute."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def moved_earlier(database, table: str, column: str, activity_title: str, minutes: int) -> None:
    """What the API cannot arrange: time passing. An activity under way (the API takes only future
    starts), a check-in an hour ago (so the check-out has hours to credit)."""
    key = "id" if table == "volunteer_activity" else "activity_id"
    with sqlite3.connect(database) as db:
        rows = db.execute(f"SELECT {key}, {column} FROM {table} WHERE {key} IN "  # noqa: S608 (names are ours)
                          "(SELECT id FROM volunteer_activity WHERE title = ?)", (activity_title,)).fetchall()
        assert rows, f"no {table} row of {activity_title}"
        for row_key, moment in rows:
            before = datetime.fromisoformat(moment) - timedelta(minutes=minutes)
            db.execute(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", (before.isoformat(" "), row_key))  # noqa: S608


async def qr_text(page, purpose_testid: str) -> str:
    """The text of the QR the activity's page shows for the purpose chosen (what a phone scans)."""
    await page.locator(f"[data-testid={purpose_testid}]").click()
    purpose = "CHECK_IN" if purpose_testid.endswith("in") else "CHECK_OUT"
    qr = page.locator(f"[data-testid=checkin-qr][data-purpose={purpose}]")
    await expect(qr.locator("svg")).to_be_visible()
    text = await qr.get_attribute("data-qr-text")
    assert text.startswith(TOKEN_PREFIX)
    return text


async def test_a_volunteer_day_from_team_to_approved_hours_in_the_console(browser, embedded_server, embedded_database):
    suffix = uuid.uuid4().hex[:6]
    team, title = f"银发护卫队{suffix}", f"敬老院陪伴{suffix}"
    async with httpx.AsyncClient(base_url=embedded_server) as http:
        page = await signed_in_page(browser, embedded_server, http, "committee")

        # 志愿队伍: the team, and 小赵 (a 志愿者协调员 of the community) as its coordinator.
        await page.click("[data-testid=nav-volunteer-teams]")
        await page.click("[data-testid=team-new]")
        await page.fill("[data-testid=team-name]", team)
        await page.click("[data-testid=team-save]")
        await toast(page, f"已保存队伍「{team}」")
        row = page.locator("[data-testid=teams] .el-table__row", has_text=team)
        await row.locator("[data-testid=team-coordinators-open]").click()
        await page.locator("[data-testid=coordinator-person] input").fill("小赵")
        await page.locator(".el-select-dropdown__item:visible", has_text="志愿者协调员 小赵").first.click()
        await page.click("[data-testid=coordinator-add]")
        await toast(page, f"已将 志愿者协调员 小赵 设为「{team}」协调员")
        await page.keyboard.press("Escape")
        await expect(row.locator("[data-testid=team-coordinators]")).to_have_text("志愿者协调员 小赵")

        # 志愿活动: an activity of that team, starting in ten minutes, published once confirmed.
        await page.click("[data-testid=nav-volunteer-activities]")
        await page.click("[data-testid=activity-new]")
        await choose(page, "activity-team", team)
        await page.fill("[data-testid=activity-title]", title)
        starts = datetime.now(UTC) + timedelta(minutes=10)
        for placeholder, moment in (("开始时间", starts), ("结束时间", starts + timedelta(hours=2))):
            picker = page.get_by_placeholder(placeholder)
            await picker.fill(typed(moment))
            await picker.press("Enter")
        await page.locator("[data-testid=activity-place-kind]").get_by_text("其他地点").click()
        await page.fill("[data-testid=activity-place-text]", "社区活动中心")
        await page.click("[data-testid=activity-save]")
        await toast(page, f"已保存活动「{title}」")
        await page.fill("[data-testid=activity-search]", title)
        await page.press("[data-testid=activity-search]", "Enter")
        listed = page.locator("[data-testid=activities] .el-table__row", has_text=title)
        await listed.locator("[data-testid=activity-publish]").click()
        await confirm(page, "发布")
        await toast(page, f"已发布「{title}」")
        await expect(listed.locator("[data-testid=activity-state]")).to_have_text("已发布")

        # 小林 signs up in the mini-program; the activity is then under way.
        volunteer = await demo_resident_token(http, "volunteer")
        await listed.locator("[data-testid=activity-open]").click()
        await expect(page.locator("h2[data-testid=activity-title]")).to_have_text(title)
        activity_id = page.url.rsplit("/", 1)[-1]
        await mini_program(http, volunteer, "VolunteerSignup", activityId=activity_id)
        moved_earlier(embedded_database, "volunteer_activity", "starts_at", title, 90)

        # Check in with what the QR panel shows, an hour ago as it were, and check out now.
        await page.reload()
        await mini_program(http, volunteer, "VolunteerCheckIn", qrText=await qr_text(page, "checkin-purpose-in"))
        moved_earlier(embedded_database, "volunteer_signup", "checked_in_at", title, 60)
        await mini_program(http, volunteer, "VolunteerCheckOut", qrText=await qr_text(page, "checkin-purpose-out"))
        await screenshot(page, "volunteer-activity.png")
        await page.context.close()

        # The coordinator approves the hours in 时长审核.
        page = await signed_in_page(browser, embedded_server, http, "coordinator", "志愿者协调员 小赵")
        await page.click("[data-testid=nav-volunteer-approvals]")
        waiting = page.locator("[data-testid=approvals] .el-table__row", has_text=title)
        await expect(waiting).to_contain_text("志愿者 小林")
        await waiting.locator("[data-testid=approval-approve]").click()
        await page.click("[data-testid=approve-submit]")
        await confirm(page, "通过")
        await toast(page, "已通过 志愿者 小林")
        await expect(waiting).to_have_count(0)

        await page.goto(f"{embedded_server}/admin/#/volunteering/activities/{activity_id}")
        served = page.locator("[data-testid=roster] .el-table__row", has_text="志愿者 小林")
        await expect(served.locator("[data-testid=roster-state]")).to_have_text("已审核")
        await expect(served.locator("[data-testid=roster-hours]")).to_contain_text("小时（已审核）")
        await screenshot(page, "volunteer-roster.png")
