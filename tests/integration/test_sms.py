"""SMS through Tencent Cloud's official SDK, against a local stand-in of its SendSms API
(tests/stubs/tencent_sms.py): staff sign-in codes, urgent notices, the provider's errors, and no
sign-in code in the logs outside dev."""

import logging
import random
import re
import uuid

import pytest
import structlog

from backend.accounts import signin
from backend.accounts.models import StaffCredential
from backend.accounts.passwords import hash_password
from backend.core import sms as sms_port
from backend.core.errors import DomainError
from backend.core.settings import get_settings, use_settings
from backend.notify import push
from backend.notify.models import Delivery
from tests.stubs.tencent_sms import APP_ID, SECRET_ID, SECRET_KEY, SIGN_NAME, TencentSmsStub

REQUEST = "mutation($p: String!) { authSmsCodeRequest(phone: $p) { ok errors { code field message } } }"
LOGIN = "mutation($p: String!, $c: String!) { authSmsLogin(phone: $p, code: $c) { tokens { accessToken } } }"


@pytest.fixture
async def tencent(app):
    """The app's SMS sent through Tencent Cloud SMS, pointed at the stand-in; `use(**more)` changes settings."""
    stub = TencentSmsStub()
    base, server = stub.serve()
    before = get_settings()
    tencent = {"sms_provider": "tencent", "sms_secret_id": SECRET_ID, "sms_secret_key": SECRET_KEY,
               "sms_app_id": APP_ID, "sms_sign_name": SIGN_NAME, "sms_template_sign_in_code": "2100001",
               "sms_template_urgent_notice": "2100002", "sms_endpoint": base}

    def use(**more) -> None:
        use_settings(before.model_copy(update=tencent | more))

    use()
    stub.use = use
    yield stub
    use_settings(before)
    server.should_exit = True


@pytest.fixture
async def staff_phone(make_person, demo_community) -> str:
    phone = f"137{random.randrange(10**8):08d}"
    person = await make_person(demo_community.id, ["RESIDENT"], phone=phone)
    await StaffCredential.create(person=person, username=f"sms-{phone}", password_hash=hash_password("Sms-Code-9x"))
    return phone


async def test_a_staff_sign_in_code_is_sent_through_tencent_and_signs_in(console, tencent, staff_phone):
    assert (await console.query(REQUEST, p=staff_phone))["data"]["authSmsCodeRequest"] == {"ok": True, "errors": []}
    sent = tencent.sent[-1]  # the stand-in checked the TC3 signature, the app id, sign name and template
    assert sent["PhoneNumberSet"] == [f"+86{staff_phone}"] and sent["TemplateId"] == "2100001"
    assert sent["SignName"] == SIGN_NAME and sent["SmsSdkAppId"] == APP_ID
    code, minutes = sent["TemplateParamSet"]
    assert re.fullmatch(r"\d{6}", code) and minutes == "5"
    assert (await console.query(LOGIN, p=staff_phone, c=code))["data"]["authSmsLogin"]["tokens"] is not None


async def test_tencent_refusing_a_code_is_a_clear_error_but_never_tells_a_staff_number(console, tencent,
                                                                                     staff_phone):
    # Tencent's per-number limit only ever hits staff numbers (no one else is sent a code), so it is
    # answered exactly as an unknown number is: nothing sent, nothing told.
    assert (await console.query(REQUEST, p=staff_phone))["data"]["authSmsCodeRequest"]["ok"]
    code = tencent.sent[-1]["TemplateParamSet"][0]
    tencent.rate_limited.add(f"+86{staff_phone}")
    unknown = f"134{random.randrange(10**8):08d}"
    answers = [(await console.query(REQUEST, p=p))["data"]["authSmsCodeRequest"] for p in (staff_phone, unknown)]
    assert answers == [{"ok": True, "errors": []}] * 2 and len(tencent.sent) == 1
    # The code that did arrive still signs in.
    assert (await console.query(LOGIN, p=staff_phone, c=code))["data"]["authSmsLogin"]["tokens"] is not None
    # Tencent refusing our signature (a wrong key) is ours to fix: the staff member is told to sign in otherwise.
    tencent.use(sms_secret_key="not-the-secret")  # Tencent refuses the signature: SMS cannot be sent now
    errors = (await console.query(REQUEST, p=staff_phone))["data"]["authSmsCodeRequest"]["errors"]
    assert errors == [{"code": "NOT_AVAILABLE", "field": "phone",
                       "message": "短信暂时无法发送，请改用密码登录或稍后再试"}]


async def test_an_urgent_notice_sms_is_retried_while_tencent_rate_limits_it(tencent, make_person, demo_community):
    phone = f"136{random.randrange(10**8):08d}"
    person = await make_person(demo_community.id, ["RESIDENT"], phone=phone)
    key = f"test:{uuid.uuid4().hex}"
    content = push.Content(kind="notice", title="燃气泄漏，请立即撤离", body="物业", page="pages/notices/detail",
                           urgent=True)
    tencent.rate_limited.add(f"+86{phone}")
    with pytest.raises(push.DeliveryFailed):  # the job fails and is retried with backoff
        await push.push(key, [person.id], content)
    delivery = await Delivery.get(key=f"{key}:{person.id}:SMS")
    assert delivery.status == "PENDING" and "LimitExceeded.PhoneNumberThirtySecondLimit" in delivery.last_error

    tencent.rate_limited.clear()
    await push.push(key, [person.id], content)  # the retry
    delivery = await Delivery.get(key=f"{key}:{person.id}:SMS")
    assert delivery.status == "SENT" and delivery.provider_id.startswith("2645:")
    sent = tencent.sent[-1]
    # The title is cut to what Tencent allows per template variable (6 characters by default).
    assert sent["TemplateId"] == "2100002" and sent["TemplateParamSet"] == ["燃气泄漏，请"]
    assert sent["SessionContext"] == delivery.key


async def test_a_wrong_number_is_not_retried(tencent, make_person, demo_community):
    phone = f"135{random.randrange(10**8):08d}"
    person = await make_person(demo_community.id, ["RESIDENT"], phone=phone)
    tencent.incorrect.add(f"+86{phone}")
    key = f"test:{uuid.uuid4().hex}"
    await push.push(key, [person.id], push.Content(kind="notice", title="停水", body="", page="", urgent=True))
    delivery = await Delivery.get(key=f"{key}:{person.id}:SMS")
    assert delivery.status == "FAILED" and "IncorrectPhoneNumber" in delivery.last_error


@pytest.mark.parametrize("provider", ["tencent", "log"])
async def test_no_sign_in_code_reaches_the_logs_in_prod(tencent, staff_phone, caplog, monkeypatch, provider):
    """With LINLI_ENV=prod, what the sign-in code's path logs, through structlog and the standard
    library at DEBUG (the SDK's and httpx's loggers included), never holds the code. The service is
    called directly: prod serves only the clients' persisted operations, and this one is staff-only."""
    tencent.use(env="prod", sms_provider=provider)
    caplog.set_level(logging.DEBUG)
    with structlog.testing.capture_logs() as entries:
        monkeypatch.setattr(sms_port, "log", structlog.get_logger("linli.sms"))  # a logger not yet cached
        if provider == "tencent":
            await signin.request_sms_code(phone=staff_phone)
            code = tencent.sent[-1]["TemplateParamSet"][0]
            assert "HTTP Request: POST" in caplog.text  # the capture sees the SDK's traffic
        else:  # no provider configured in prod: the development log does not stand in
            with pytest.raises(DomainError, match="短信暂时无法发送"):
                await signin.request_sms_code(phone=staff_phone)
            code = "验证码"
    logged = caplog.text + repr(entries)
    assert code not in logged and staff_phone not in logged
    assert not any(e.get("event") == "sms.sent" for e in entries)
