"""Signing in, the viewer, and what a bad token gets."""

from datetime import timedelta

import httpx

from backend.api.contract import client_operations, document_id
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


def _from(app, address: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app, client=(address, 40000)), base_url="http://test")


async def _password_login(http: httpx.AsyncClient, username: str, password: str) -> dict:
    document = client_operations("admin")["StaffLogin"]
    response = await http.post("/graphql", json={"documentId": document_id(document),
                                                 "variables": {"username": username, "password": password}})
    return response.json()["data"]["authPasswordLogin"]


async def test_an_attacker_failing_from_one_address_does_not_lock_the_user_out(app, staff_account):
    username, password = staff_account
    async with _from(app, "198.51.100.66") as attacker, _from(app, "192.0.2.10") as office:
        failures = [await _password_login(attacker, username, "wrong-password") for _ in range(7)]
        codes = [f["errors"][0]["code"] for f in failures]
        assert codes[:5] == ["INVALID_CREDENTIALS"] * 5 and set(codes[5:]) == {"RATE_LIMITED"}
        assert "秒后再试" in failures[-1]["errors"][0]["message"]
        # Even the right password waits from the attacker's address; the user's own address is open.
        assert (await _password_login(attacker, username, password))["errors"][0]["code"] == "RATE_LIMITED"
        signed_in = await _password_login(office, username, password)
        assert signed_in["errors"] == [] and signed_in["tokens"]["accessToken"]


async def test_throttling_does_not_tell_whether_a_username_exists(app, staff_account):
    username, _ = staff_account
    async with _from(app, "198.51.100.77") as attacker:
        known = [await _password_login(attacker, username, "wrong-password") for _ in range(6)]
        unknown = [await _password_login(attacker, f"{username}-nobody", "wrong-password") for _ in range(6)]
    assert [k["errors"][0]["code"] for k in known] == [u["errors"][0]["code"] for u in unknown]
    assert known[0]["errors"] == unknown[0]["errors"]


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
