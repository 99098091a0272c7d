"""Signing in, the viewer, and what a bad token gets."""

from datetime import timedelta

from backend.core.clock import clock


async def test_demo_resident_sees_herself_through_the_mini_program_operation(api):
    await api.sign_in("resident")
    viewer = (await api.op("Viewer"))["data"]["viewer"]
    assert viewer["displayName"] == "张阿姨"
    assert viewer["phone"] == "138****0006"  # masked, never the full number
    assert {(m["role"], m["community"]["name"]) for m in viewer["memberships"]} >= {
        ("RESIDENT", "阳光社区"), ("HOUSEHOLD_HEAD", "阳光社区"),
    }


async def test_signed_out_viewer_is_null(api):
    assert (await api.op("Viewer")) == {"data": {"viewer": None}}


async def test_unknown_demo_handle_is_a_user_error(api):
    payload = (await api.op("DemoLogin", handle="nobody"))["data"]["authDemoLogin"]
    assert payload["tokens"] is None
    assert payload["errors"][0]["code"] == "NOT_FOUND"


async def test_forged_token_is_unauthenticated(api):
    tokens = await api.sign_in("resident")
    header, body, _signature = tokens["accessToken"].split(".")
    response = await api.op("Viewer", token=f"{header}.{body}.forged")
    assert response["data"]["viewer"] is None
    assert response["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_expired_access_token_is_unauthenticated_and_refresh_recovers(api):
    tokens = await api.sign_in("resident")
    clock.advance(timedelta(minutes=16))
    expired = await api.op("Viewer")
    assert expired["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    renewed = (await api.op("TokenRefresh", refreshToken=tokens["refreshToken"]))["data"]["authTokenRefresh"]
    assert renewed["errors"] == []
    viewer = (await api.op("Viewer", token=renewed["tokens"]["accessToken"]))["data"]["viewer"]
    assert viewer["displayName"] == "张阿姨"


async def test_staff_password_login_in_the_console(console):
    payload = (await console.op("StaffLogin", username="committee", password="Linli@2026"))["data"]
    tokens = payload["authPasswordLogin"]["tokens"]
    viewer = (await console.op("Viewer", token=tokens["accessToken"]))["data"]["viewer"]
    assert viewer["displayName"] == "居委会 周主任"
    assert "COMMITTEE_STAFF" in [m["role"] for m in viewer["memberships"]]  # the demo account; others may add roles


async def test_wrong_password_and_unknown_user_get_the_same_answer(console):
    wrong = (await console.op("StaffLogin", username="committee", password="nope-nope"))["data"]["authPasswordLogin"]
    unknown = (await console.op("StaffLogin", username="nobody", password="nope-nope"))["data"]["authPasswordLogin"]
    assert wrong["tokens"] is None and unknown["tokens"] is None
    assert wrong["errors"] == unknown["errors"]
    assert wrong["errors"][0]["code"] == "INVALID_CREDENTIALS"


async def test_empty_username_names_the_field(console):
    payload = (await console.op("StaffLogin", username="", password="x"))["data"]["authPasswordLogin"]
    assert payload["errors"][0]["code"] == "INVALID_INPUT"
    assert payload["errors"][0]["field"] == "username"


async def test_repeated_failures_lock_the_account_then_it_unlocks(console, staff_account):
    username, password = staff_account
    for _ in range(5):
        await console.op("StaffLogin", username=username, password="wrong-password")
    locked = (await console.op("StaffLogin", username=username, password=password))["data"]["authPasswordLogin"]
    assert locked["tokens"] is None
    assert locked["errors"][0]["code"] == "ACCOUNT_LOCKED"

    clock.advance(timedelta(minutes=16))
    unlocked = (await console.op("StaffLogin", username=username, password=password))["data"]["authPasswordLogin"]
    assert unlocked["errors"] == [] and unlocked["tokens"]["accessToken"]


async def test_logout_ends_the_session_at_once(api):
    tokens = await api.sign_in("resident")
    out = (await api.op("Logout", refreshToken=tokens["refreshToken"]))["data"]["authLogout"]
    assert out == {"ok": True, "errors": []}
    assert (await api.op("Viewer"))["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    again = (await api.op("TokenRefresh", refreshToken=tokens["refreshToken"]))["data"]["authTokenRefresh"]
    assert again["errors"][0]["code"] == "INVALID_TOKEN"


async def test_logout_with_an_already_rotated_refresh_token_still_signs_out(api):
    """A client that refreshed mid-logout may send the old refresh token: signing out must work."""
    first = await api.sign_in("resident")
    second = (await api.op("TokenRefresh", refreshToken=first["refreshToken"]))["data"]["authTokenRefresh"]["tokens"]
    out = (await api.op("Logout", refreshToken=first["refreshToken"]))["data"]["authLogout"]
    assert out["ok"] is True
    viewer = await api.op("Viewer", token=second["accessToken"])
    assert viewer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
