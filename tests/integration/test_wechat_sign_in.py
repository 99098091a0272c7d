"""Mini-program sign-in and phone binding against a local server speaking WeChat's documented
contract (tests/stubs/wechat.py)."""

import asyncio
import uuid

import pytest

from backend.accounts.models import WechatAccount
from backend.core.runtime import runtime
from backend.core.settings import get_settings, use_settings
from backend.people.models import Person
from tests.stubs.wechat import APPID, SECRET, WechatStub

LOGIN = "mutation($c: String!) { authWechatLogin(code: $c) { tokens { accessToken } errors { code message } } }"
BIND = """mutation($c: String!) { authWechatPhoneBind(code: $c) {
  phone tokens { accessToken } errors { code field message } } }"""
CONSENT = """mutation { privacyConsentRecord(version: "2026-11", channel: "mini_program") { ok errors { code } } }"""


@pytest.fixture
async def wechat(app):
    stub = WechatStub()
    base, server = stub.serve()
    dev = get_settings()
    use_settings(dev.model_copy(update={"wechat_api_base": base, "wechat_appid": APPID, "wechat_secret": SECRET}))
    await runtime().cache.delete("wechat:access_token")
    yield stub
    use_settings(dev)
    server.should_exit = True


async def _login(api, code: str) -> dict:
    payload = (await api.query(LOGIN, c=code))["data"]["authWechatLogin"]
    if payload["tokens"]:
        api.token = payload["tokens"]["accessToken"]
    return payload


async def test_the_same_wechat_user_is_the_same_person(api, wechat):
    user = uuid.uuid4().hex
    await _login(api, f"{user}#1")
    first = (await api.op("Viewer"))["data"]["viewer"]
    await _login(api, f"{user}#2")  # every wx.login gives a new code for the same openid
    assert (await api.op("Viewer"))["data"]["viewer"]["id"] == first["id"]
    account = await WechatAccount.get(person_id=first["id"])
    assert len(account.session_key_encrypted) > 24 and account.session_key_encrypted.startswith("v2:k1:")


@pytest.mark.parametrize(("code", "expected"), [("bad-code", "INVALID_TOKEN"), ("busy-x", "RATE_LIMITED"),
                                                ("risky-x", "FORBIDDEN")])
async def test_wechat_error_codes_become_clear_user_errors(api, wechat, code, expected):
    before = await Person.all().count()
    payload = await _login(api, code)
    assert payload["tokens"] is None and payload["errors"][0]["code"] == expected
    assert payload["errors"][0]["message"]
    assert await Person.all().count() == before


async def test_phone_binding_needs_consent_then_binds_a_masked_number(api, wechat):
    await _login(api, uuid.uuid4().hex)
    wechat.phones["phone-code-1"] = "13911112222"
    refused = (await api.query(BIND, c="phone-code-1"))["data"]["authWechatPhoneBind"]
    assert refused["errors"][0]["field"] == "consent"
    assert (await api.query(CONSENT))["data"]["privacyConsentRecord"]["ok"] is True
    bound = (await api.query(BIND, c="phone-code-1"))["data"]["authWechatPhoneBind"]
    assert bound == {"phone": "139****2222", "tokens": None, "errors": []}


async def test_binding_the_phone_the_committee_registered_makes_me_that_resident(api, wechat, make_person,
                                                                               demo_community):
    phone = f"137{uuid.uuid4().int % 10**8:08d}"
    registered = await make_person(demo_community.id, ["RESIDENT"], phone=phone)
    await _login(api, uuid.uuid4().hex)
    await api.query(CONSENT)
    wechat.phones["phone-code-2"] = phone
    bound = (await api.query(BIND, c="phone-code-2"))["data"]["authWechatPhoneBind"]
    assert bound["errors"] == [] and bound["tokens"]
    viewer = (await api.op("Viewer", token=bound["tokens"]["accessToken"]))["data"]["viewer"]
    assert viewer["id"] == str(registered.id)
    assert [m["community"]["name"] for m in viewer["memberships"]] == ["阳光社区"]


async def test_concurrent_phone_bindings_share_one_access_token_fetch(api, wechat, make_person, demo_community):
    people = []
    for i in range(8):
        await _login(api, uuid.uuid4().hex)
        await api.query(CONSENT)
        wechat.phones[f"race-{i}"] = f"136{uuid.uuid4().int % 10**8:08d}"
        people.append((api.token, f"race-{i}"))
    results = await asyncio.gather(*(api.query(BIND, token=t, c=c) for t, c in people))
    assert all(r["data"]["authWechatPhoneBind"]["errors"] == [] for r in results)
    assert wechat.token_calls == 1


async def test_an_access_token_revoked_early_is_renewed_once(api, wechat):
    await _login(api, uuid.uuid4().hex)
    await api.query(CONSENT)
    await runtime().cache.set("wechat:access_token", "stale-token", ttl_seconds=600)
    wechat.phones["phone-code-3"] = f"135{uuid.uuid4().int % 10**8:08d}"
    bound = (await api.query(BIND, c="phone-code-3"))["data"]["authWechatPhoneBind"]
    assert bound["errors"] == [] and wechat.token_calls == 1
