"""Volunteering through the clients' operations on PostgreSQL: a whole volunteer day from sign-up
to a certificate anyone can verify, and the bad inputs of the issue, each refused in Chinese with
nothing changed."""

import io
from datetime import timedelta

import pypdf

from backend.core.clock import clock
from backend.ledger.models import Ledger
from backend.volunteering.models import VolunteerSignup
from backend.wallets.accounts import balance, person_account
from tests.integration.volunteering_helpers import build_team, ok, qr


async def balances(person, community) -> tuple[int, int]:
    hours = await person_account(Ledger.TIME, person_id=person.id, community_id=community.id)
    points = await person_account(Ledger.POINTS, person_id=person.id, community_id=community.id)
    return balance(hours), balance(points)


async def test_a_full_volunteer_day_sign_up_check_in_by_qr_check_out_approve_posts_hours_and_points_and_the_certificate_verifies(  # noqa: E501
        api, console, make_person):
    team = await build_team(api, console, make_person, points_per_hour=10, minutes=120)
    volunteer = team.volunteers[0]
    await api.sign_in(volunteer.handle)
    listed = await api.op("VolunteerActivities", communityId=str(team.community.id), first=20)
    assert [a["title"] for a in listed["data"]["volunteerActivities"]["nodes"]] == ["敬老院陪伴"]
    signup = (await ok(await api.op("VolunteerSignup", activityId=team.activity_id), "volunteerSignup"))["signup"]
    assert signup["state"] == "SIGNED_UP"

    clock.advance(timedelta(minutes=55))  # 5 minutes before the start
    code = await qr(console, team, "CHECK_IN")
    await api.sign_in(volunteer.handle)
    checked_in = await ok(await api.op("VolunteerCheckIn", qrText=code, activityId=team.activity_id),
                          "volunteerCheckIn")
    assert checked_in["signup"]["checkedInAt"] is not None
    clock.advance(timedelta(minutes=95, seconds=30))  # 1 h 30 min 30 s into the activity
    code = await qr(console, team, "CHECK_OUT")
    await api.sign_in(volunteer.handle)
    out = (await ok(await api.op("VolunteerCheckOut", qrText=code), "volunteerCheckOut"))["signup"]
    assert out["computedMinutes"] == 90  # from the start (not the early check-in), whole minutes

    await console.sign_in(team.coordinator.handle)
    waiting = await console.op("VolunteerApprovals", communityId=str(team.community.id), first=20)
    assert [n["personName"] for n in waiting["data"]["volunteerApprovals"]["nodes"]] == [volunteer.display_name]
    approved = await ok(await console.op("VolunteerHoursApprove", signupId=signup["id"], minutes=90),
                        "volunteerHoursApprove")
    assert approved["signup"]["state"] == "APPROVED"
    assert approved["signup"]["points"] == 15
    assert await balances(volunteer, team.community) == (90, 15)

    await api.sign_in(volunteer.handle)
    issued = (await ok(await api.op("VolunteerCertificateIssue", communityId=str(team.community.id)),
                       "volunteerCertificateIssue"))["certificate"]
    assert issued["totalMinutes"] == 90 and len(issued["code"]) == 10
    pdf = await api.http.get(issued["pdfUrl"], headers={"authorization": f"Bearer {api.token}"})
    assert pdf.status_code == 200
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    for expected in ("志愿服务记录证明", volunteer.display_name, "敬老院陪伴", "1 小时 30 分钟", issued["code"]):
        assert expected in text.replace("\n", ""), expected
    # Nobody else gets the PDF, not even signed in.
    await console.sign_in(team.coordinator.handle)
    other = await api.http.get(issued["pdfUrl"], headers={"authorization": f"Bearer {console.token}"})
    assert other.status_code == 404

    page = await api.http.get(f"/verify/{issued['code']}")
    assert page.status_code == 200 and "证明有效" in page.text and "1 小时 30 分钟" in page.text
    assert volunteer.display_name not in page.text and volunteer.display_name[0] + "*" in page.text
    unknown = await api.http.get("/verify/ABCDEFGH23")
    assert unknown.status_code == 404 and "证明无效" in unknown.text
    check = await api.query("query($c: String!) { volunteerCertificateCheck(code: $c) { valid totalMinutes } }",
                            token="", c=issued["code"])
    assert check["data"]["volunteerCertificateCheck"] == {"valid": True, "totalMinutes": 90}


async def _errors(response: dict, field: str) -> list[str]:
    return [e["message"] for e in response["data"][field]["errors"]]


async def test_bad_scans_are_refused_in_chinese_and_change_nothing(api, console, make_person):
    team = await build_team(api, console, make_person)
    other = await build_team(api, console, make_person)
    volunteer = team.volunteers[0]
    await api.sign_in(volunteer.handle)
    await ok(await api.op("VolunteerSignup", activityId=team.activity_id), "volunteerSignup")
    assert await _errors(await api.op("VolunteerSignup", activityId=team.activity_id),
                         "volunteerSignup") == ["您已报名该活动"]
    clock.advance(timedelta(hours=1))

    expired = await qr(console, team, "CHECK_IN")
    wrong_purpose = await qr(console, team, "CHECK_OUT")
    elsewhere = await qr(console, other, "CHECK_IN")
    await api.sign_in(volunteer.handle)
    assert await _errors(await api.op("VolunteerCheckIn", qrText=wrong_purpose), "volunteerCheckIn") == [
        "这不是签到二维码"]
    assert await _errors(await api.op("VolunteerCheckIn", qrText=elsewhere, activityId=team.activity_id),
                         "volunteerCheckIn") == ["该二维码不属于本活动"]
    assert await _errors(await api.op("VolunteerCheckIn", qrText=elsewhere), "volunteerCheckIn") == [
        "您未报名该活动，不能签到"]
    assert await _errors(await api.op("VolunteerCheckIn", qrText="linli:checkin:forged"), "volunteerCheckIn") == [
        "签到码无效"]
    clock.advance(timedelta(seconds=61))
    assert await _errors(await api.op("VolunteerCheckIn", qrText=expired), "volunteerCheckIn") == [
        "签到码已过期，请扫描最新的二维码"]
    signup = await VolunteerSignup.get(person_id=volunteer.id)
    assert signup.checked_in_at is None
    # Too late to cancel once it started.
    assert await _errors(await api.op("VolunteerSignupCancel", signupId=str(signup.id)),
                         "volunteerSignupCancel") == ["活动已开始，不能取消报名"]


async def test_self_and_double_approval_are_refused(api, console, make_person):
    team = await build_team(api, console, make_person)
    # The coordinator volunteers on their own team's activity.
    await api.sign_in(team.coordinator.handle)
    mine = (await ok(await api.op("VolunteerSignup", activityId=team.activity_id), "volunteerSignup"))["signup"]
    await api.sign_in(team.volunteers[0].handle)
    theirs = (await ok(await api.op("VolunteerSignup", activityId=team.activity_id), "volunteerSignup"))["signup"]
    clock.advance(timedelta(hours=1))
    for person in (team.coordinator, team.volunteers[0]):
        code = await qr(console, team, "CHECK_IN")
        await api.sign_in(person.handle)
        await ok(await api.op("VolunteerCheckIn", qrText=code), "volunteerCheckIn")
    clock.advance(timedelta(hours=1))
    for person in (team.coordinator, team.volunteers[0]):
        code = await qr(console, team, "CHECK_OUT")
        await api.sign_in(person.handle)
        await ok(await api.op("VolunteerCheckOut", qrText=code), "volunteerCheckOut")
    await console.sign_in(team.coordinator.handle)
    assert await _errors(await console.op("VolunteerHoursApprove", signupId=mine["id"], minutes=60),
                         "volunteerHoursApprove") == ["不能审批自己的志愿时长"]
    assert await _errors(await console.op("VolunteerHoursApprove", signupId=theirs["id"], minutes=61),
                         "volunteerHoursApprove") == ["审核时长须在 1 到 60 分钟之间"]
    await ok(await console.op("VolunteerHoursApprove", signupId=theirs["id"], minutes=60), "volunteerHoursApprove")
    assert await _errors(await console.op("VolunteerHoursApprove", signupId=theirs["id"], minutes=60),
                         "volunteerHoursApprove") == ["该志愿时长已审核通过，不能重复审批"]
    assert await balances(team.volunteers[0], team.community) == (60, 10)
    assert await balances(team.coordinator, team.community) == (0, 0)


async def test_a_full_activity_waitlists_and_a_cancellation_promotes_the_first_waitlisted(api, console, make_person):
    team = await build_team(api, console, make_person, volunteers=3, capacity=1)
    states = []
    for person in team.volunteers:
        await api.sign_in(person.handle)
        states.append((await ok(await api.op("VolunteerSignup", activityId=team.activity_id),
                                "volunteerSignup"))["signup"])
    assert [s["state"] for s in states] == ["SIGNED_UP", "WAITLISTED", "WAITLISTED"]
    await api.sign_in(team.volunteers[0].handle)
    await ok(await api.op("VolunteerSignupCancel", signupId=states[0]["id"]), "volunteerSignupCancel")
    await console.sign_in(team.coordinator.handle)
    roster = (await console.op("VolunteerRoster", activityId=team.activity_id, first=50))["data"]["volunteerRoster"]
    assert [(n["personName"], n["state"]) for n in roster["nodes"]] == [
        (team.volunteers[0].display_name, "CANCELLED"), (team.volunteers[1].display_name, "SIGNED_UP"),
        (team.volunteers[2].display_name, "WAITLISTED")]
    from backend.notify.models import InboxMessage
    assert await InboxMessage.filter(person_id=team.volunteers[1].id, kind="volunteer").count() == 1

