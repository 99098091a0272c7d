"""Sessions a person can see and end, staff ending a resident's, and the staff SMS sign-in."""

import re
import uuid

from backend.accounts.models import SmsChallenge
from backend.core import crypto
from backend.core.sms import sms

SESSIONS = "{ viewer { sessions { id method current } } }"
REVOKE = "mutation($id: ID!) { sessionRevoke(id: $id) { ok errors { code } } }"


async def test_i_list_my_devices_and_sign_one_out(api, make_person, demo_community):
    person = await make_person(demo_community.id, ["RESIDENT"])
    await api.sign_in(person.handle)
    old_phone = api.token
    await api.sign_in(person.handle)
    sessions = (await api.query(SESSIONS))["data"]["viewer"]["sessions"]
    assert len(sessions) == 2 and sum(s["current"] for s in sessions) == 1
    other = next(s for s in sessions if not s["current"])
    assert (await api.query(REVOKE, id=other["id"]))["data"]["sessionRevoke"] == {"ok": True, "errors": []}
    assert (await api.op("Viewer", token=old_phone))["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await api.op("Viewer"))["data"]["viewer"]["id"] == str(person.id)


async def test_staff_sign_out_a_residents_device_and_it_is_audited(api, console, make_person, demo_community):
    resident = await make_person(demo_community.id, ["RESIDENT"])
    await api.sign_in(resident.handle)
    session_id = (await api.query(SESSIONS))["data"]["viewer"]["sessions"][0]["id"]
    await console.sign_in("committee")
    assert (await console.query(REVOKE, id=session_id))["data"]["sessionRevoke"]["ok"] is True
    assert (await api.op("Viewer"))["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    audit = await console.query("""query($c: ID!) { auditLog(communityId: $c, action: "session.revoke", first: 1) {
      nodes { action actor { displayName } } } }""", c=str(demo_community.id))
    assert audit["data"]["auditLog"]["nodes"][0]["actor"]["displayName"] == "居委会 周主任"


async def test_staff_sms_code_sign_in(console):
    phone = "13800000001"  # 居委会 周主任
    sent = await console.query('mutation($p: String!) { authSmsCodeRequest(phone: $p) { ok errors { code } } }',
                               p=phone)
    assert sent["data"]["authSmsCodeRequest"]["ok"] is True
    # The development SMS sender stands in for the SMS provider: read what "arrived" on the phone.
    to, text = sms.recent[-1]
    assert to == phone
    code = re.search(r"验证码是 (\d{6})", text).group(1)
    login = """mutation($p: String!, $c: String!) { authSmsLogin(phone: $p, code: $c) {
      tokens { accessToken } errors { code } } }"""
    wrong = "000000" if code != "000000" else "111111"
    assert (await console.query(login, p=phone, c=wrong))["data"]["authSmsLogin"]["errors"][0]["code"] == \
        "INVALID_CREDENTIALS"
    tokens = (await console.query(login, p=phone, c=code))["data"]["authSmsLogin"]["tokens"]
    viewer = (await console.op("Viewer", token=tokens["accessToken"]))["data"]["viewer"]
    assert viewer["displayName"] == "居委会 周主任"
    assert (await console.query(login, p=phone, c=code))["data"]["authSmsLogin"]["tokens"] is None  # used once


async def test_sms_to_an_unknown_number_sends_nothing_but_says_the_same(console):
    unknown = f"139{uuid.uuid4().int % 10**8:08d}"
    sent = await console.query('mutation($p: String!) { authSmsCodeRequest(phone: $p) { ok errors { code } } }',
                               p=unknown)
    assert sent["data"]["authSmsCodeRequest"] == {"ok": True, "errors": []}
    assert not await SmsChallenge.filter(phone_lookup=crypto.lookup_hash(unknown)).exists()
    bad = await console.query('mutation { authSmsCodeRequest(phone: "12") { ok errors { code field } } }')
    assert bad["data"]["authSmsCodeRequest"]["errors"] == [{"code": "INVALID_INPUT", "field": "phone"}]
