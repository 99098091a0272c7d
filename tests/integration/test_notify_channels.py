"""Push channels behind the inbox, against local servers speaking FCM's and WeChat's contracts
(tests/stubs/fcm.py, tests/stubs/wechat.py), with real worker processes where jobs run."""

import uuid
from datetime import timedelta

import pytest

from backend.accounts.models import WechatAccount
from backend.core.clock import clock
from backend.core.outbox import OutboxMessage
from backend.core.runtime import runtime
from backend.core.settings import get_settings, use_settings
from backend.core.sms import sms
from backend.notify import push
from backend.notify.models import Delivery, DeviceToken, SubscribeCredit
from backend.notify.tasks import notify_push
from backend.registry.models import PersonRoom, Room
from tests.integration.conftest import eventually
from tests.stubs.fcm import BEARER, FcmStub
from tests.stubs.wechat import APPID, SECRET, WechatStub

TEMPLATE = "tmpl-notice-1"
REGISTER = """mutation($t: String!, $p: String!) {
  deviceRegister(token: $t, platform: $p) { ok errors { code field } } }"""
GRANT = """mutation($ids: [String!]!) { wechatSubscribeGrant(templateIds: $ids) { ok errors { code } } }"""
SETTINGS = """mutation($c: [ChannelSettingInput!], $q: QuietHoursInput) {
  notificationSettingsUpdate(channels: $c, quietHours: $q) {
    settings { channels { channel enabled } quietHours { startMinute endMinute } } errors { code field } } }"""
VIEWER = "{ viewer { notificationSettings { channels { channel enabled } quietHours { startMinute endMinute } } } }"


@pytest.fixture
async def providers(app):
    fcm, wechat = FcmStub(), WechatStub()
    (fcm_base, fcm_server), (wx_base, wx_server) = fcm.serve(), wechat.serve()
    overrides = {"fcm_api_base": fcm_base, "fcm_access_token": BEARER, "wechat_api_base": wx_base,
                 "wechat_appid": APPID, "wechat_secret": SECRET, "wechat_notice_template": TEMPLATE}
    dev = get_settings()
    use_settings(dev.model_copy(update=overrides))
    await runtime().cache.delete("wechat:access_token")
    yield fcm, wechat, overrides
    use_settings(dev)
    fcm_server.should_exit = wx_server.should_exit = True


@pytest.fixture
async def resident(api, demo_community, make_person):
    async def make(phone: str | None = None):
        room = await Room.get(code="CZ-1-1-501")
        person = await make_person(demo_community.id, ["RESIDENT"], room=room, phone=phone)
        await api.sign_in(person.handle)
        return person
    return make


def content(title="停水通知", urgent=False) -> push.Content:
    return push.Content(kind="notice", title=title, body="物业", page="pages/notices/detail", urgent=urgent)


async def delivery(prefix: str, person, channel: str) -> Delivery:
    return await Delivery.get(key=f"{prefix}:{person.id}:{channel}")


async def test_a_published_notice_reaches_a_registered_device_exactly_once(api, console, demo_community, resident,
                                                                           providers, start_worker):
    fcm, _, overrides = providers
    person = await resident()
    token = f"tok-{uuid.uuid4().hex}"
    assert (await api.query(REGISTER, t=token, p="android"))["data"]["deviceRegister"] == {"ok": True, "errors": []}
    bad = (await api.query(REGISTER, t=token, p="symbian"))["data"]["deviceRegister"]
    assert bad["errors"] == [{"code": "INVALID_INPUT", "field": "platform"}]

    await console.sign_in("committee")
    household = (await PersonRoom.get(person=person)).household_id
    created = await console.query("""mutation($c: ID!, $input: NoticeInput!) { noticeCreate(communityId: $c,
      input: $input) { notice { id } } }""", c=str(demo_community.id), input={
        "title": "电梯检修", "bodyHtml": "<p>周六检修</p>", "category": "物业",
        "audience": [{"kind": "HOUSEHOLD", "ids": [str(household)]}]})
    notice_id = created["data"]["noticeCreate"]["notice"]["id"]
    await console.query("mutation($id: ID!) { noticePublish(id: $id) { errors { code } } }", id=notice_id)

    start_worker(**overrides)  # outbox -> fan-out (inbox rows + push outbox rows) -> push job -> FCM
    prefix = f"notice:{notice_id}"
    sent = await eventually(lambda: Delivery.filter(key=f"{prefix}:{person.id}:FCM", status="SENT").first())
    assert sent.provider_id.startswith("projects/") and sent.attempts == 1
    assert [m["notification"]["title"] for m in fcm.to(token)] == ["电梯检修"]
    assert fcm.to(token)[0]["data"]["delivery_key"] == sent.key

    # The same push job again (a redelivered or duplicated job): nothing goes out twice.
    job = await OutboxMessage.get(key__startswith=f"{prefix}:push:")
    assert await notify_push(key=job.key, **job.payload) == 0
    assert len(fcm.to(token)) == 1
    assert (await delivery(prefix, person, "WECHAT")).reason == "no_wechat"


async def test_unregistered_tokens_are_dropped_and_unavailable_is_retried(api, resident, providers, start_worker):
    fcm, _, overrides = providers
    person = await resident()
    gone, flaky = f"gone-{uuid.uuid4().hex}", f"flaky-{uuid.uuid4().hex}"
    for token in (gone, flaky):
        await api.query(REGISTER, t=token, p="ios")
    fcm.unregistered.add(gone)
    fcm.unavailable[flaky] = 1  # the first call answers 503

    start_worker(**overrides)
    prefix = f"test:{uuid.uuid4().hex}"
    await notify_push.kiq(key=prefix, prefix=prefix, person_ids=[str(person.id)], kind="notice", title="演练",
                          body="消防")
    sent = await eventually(lambda: Delivery.filter(key=f"{prefix}:{person.id}:FCM", status="SENT").first())
    assert sent.attempts == 2  # the 503, then taskiq's retry
    assert len(fcm.to(flaky)) == 1 and fcm.to(gone) == []
    assert await DeviceToken.filter(person=person).values_list("token", flat=True) == [flaky]


async def test_wechat_subscribe_messages_spend_one_time_credits(api, resident, providers):
    _, wechat, _ = providers
    person = await resident()
    openid = f"o{uuid.uuid4().hex[:27]}"
    await WechatAccount.create(person=person, openid=openid, session_key_encrypted="x")
    assert (await api.query(GRANT, ids=[TEMPLATE]))["data"]["wechatSubscribeGrant"]["ok"] is True

    first = f"test:{uuid.uuid4().hex}"
    await push.push(first, [person.id], content())
    assert (await delivery(first, person, "WECHAT")).status == "SENT"
    assert [m["touser"] for m in wechat.subscribe_sent] == [openid]
    assert wechat.subscribe_sent[0]["template_id"] == TEMPLATE
    assert (await SubscribeCredit.get(person=person, template_id=TEMPLATE)).credits == 0

    second = f"test:{uuid.uuid4().hex}"
    await push.push(second, [person.id], content())
    skipped = await delivery(second, person, "WECHAT")
    assert (skipped.status, skipped.reason) == ("SKIPPED", "no_credit") and len(wechat.subscribe_sent) == 1

    # We count two credits, but WeChat says the user has none (43101): forget them, skip.
    await api.query(GRANT, ids=[TEMPLATE, TEMPLATE])
    wechat.refused.add(openid)
    third = f"test:{uuid.uuid4().hex}"
    await push.push(third, [person.id], content())
    refused = await delivery(third, person, "WECHAT")
    assert (refused.status, refused.reason) == ("SKIPPED", "no_credit")
    assert (await SubscribeCredit.get(person=person, template_id=TEMPLATE)).credits == 0


def _advance_to_shanghai(hour: int) -> None:
    local = clock.now().astimezone(push.SHANGHAI)
    target = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if target <= local:
        target += timedelta(days=1)
    clock.advance(target - local)


async def test_quiet_hours_defer_pushes_but_not_urgent_ones(api, resident, providers):
    fcm, _, _ = providers
    person = await resident(phone=f"139{uuid.uuid4().int % 10**8:08d}")
    token = f"tok-{uuid.uuid4().hex}"
    await api.query(REGISTER, t=token, p="android")

    bad = (await api.query(SETTINGS, q={"startMinute": 1320, "endMinute": 1440}))["data"]
    assert bad["notificationSettingsUpdate"]["errors"] == [{"code": "INVALID_INPUT", "field": "quietHours.endMinute"}]
    assert (await api.query(VIEWER))["data"]["viewer"]["notificationSettings"]["quietHours"] is None
    ok = (await api.query(SETTINGS, q={"startMinute": 22 * 60, "endMinute": 7 * 60}))["data"]
    assert ok["notificationSettingsUpdate"]["settings"]["quietHours"] == {"startMinute": 1320, "endMinute": 420}

    _advance_to_shanghai(23)
    normal, urgent = f"test:{uuid.uuid4().hex}", f"test:{uuid.uuid4().hex}"
    await push.push(normal, [person.id], content("明日停电"))
    waiting = await delivery(normal, person, "FCM")
    assert (waiting.status, waiting.reason) == ("PENDING", "quiet_hours")
    assert waiting.available_at.astimezone(push.SHANGHAI).hour == 7 and fcm.to(token) == []
    assert not await Delivery.filter(key=f"{normal}:{person.id}:SMS").exists()  # SMS is for URGENT only

    await push.push(urgent, [person.id], content("燃气泄漏，请立即撤离", urgent=True))
    assert (await delivery(urgent, person, "FCM")).status == "SENT"
    assert (await delivery(urgent, person, "SMS")).status == "SENT"
    phone = (await person.__class__.get(id=person.id)).phone_encrypted
    assert phone and any(text.endswith("燃气泄漏，请立即撤离") for _, text in sms.recent)
    assert [m["notification"]["title"] for m in fcm.to(token)] == ["燃气泄漏，请立即撤离"]

    await push.send_due()  # still quiet: nothing
    assert len(fcm.to(token)) == 1
    clock.advance(timedelta(hours=8, minutes=1))
    assert await push.send_due() >= 1
    assert (await delivery(normal, person, "FCM")).status == "SENT"
    assert [m["notification"]["title"] for m in fcm.to(token)] == ["燃气泄漏，请立即撤离", "明日停电"]


async def test_a_disabled_channel_is_skipped_as_opted_out(api, resident, providers):
    fcm, _, _ = providers
    person = await resident()
    token = f"tok-{uuid.uuid4().hex}"
    await api.query(REGISTER, t=token, p="android")
    refused = (await api.query(SETTINGS, c=[{"channel": "INBOX", "enabled": False},
                                            {"channel": "FCM", "enabled": False}]))["data"]
    assert refused["notificationSettingsUpdate"]["errors"][0]["code"] == "INVALID_INPUT"
    channels = (await api.query(VIEWER))["data"]["viewer"]["notificationSettings"]["channels"]
    assert {"channel": "FCM", "enabled": True} in channels  # nothing changed

    await api.query(SETTINGS, c=[{"channel": "FCM", "enabled": False}])
    prefix = f"test:{uuid.uuid4().hex}"
    await push.push(prefix, [person.id], content())
    skipped = await delivery(prefix, person, "FCM")
    assert (skipped.status, skipped.reason) == ("SKIPPED", "opted_out") and fcm.to(token) == []
