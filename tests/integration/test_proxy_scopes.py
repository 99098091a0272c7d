"""代办 within its scope only: a proxy granted ORDER cannot read, acknowledge or count their
principal's notices, open their inbox, change their notification settings or read their household;
with NOTICE, SETTINGS and REGISTRY the same requests act on the principal's data, and what the
proxy did shows in the principal's history."""

import asyncio
import random
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from httpx_ws import aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport

from backend.audit.models import AuditEntry
from backend.notices import service as notices
from backend.notices.models import NoticeRecipient
from backend.notify.models import InboxMessage, NotificationPreference
from backend.registry.models import PersonRoom, Room

CREATE = """mutation($c: ID!, $input: NoticeInput!) { noticeCreate(communityId: $c, input: $input) {
  notice { id } errors { code message } } }"""
PUBLISH = "mutation($id: ID!) { noticePublish(id: $id) { notice { state } errors { code } } }"
GRANT = """mutation($a: ID!, $s: [ProxyScope!]!, $u: DateTime!) { proxyGrant(agentId: $a, scopes: $s, validUntil: $u) {
  proxy { id } errors { code message } } }"""
INBOX_READ = "mutation($id: ID!) { inboxMessageRead(id: $id) { ok errors { code } } }"
HISTORY = """{ viewer { history(first: 50) { nodes { action after actor { displayName }
  actingFor { displayName } } } } }"""


async def _notice_for(console, community, person, title: str) -> str:
    """A published notice that must be acknowledged, delivered to `person`'s household."""
    household = str((await PersonRoom.get(person=person, until=None)).household_id)
    await console.sign_in("committee")
    created = await console.query(CREATE, c=str(community.id), input={
        "title": title, "bodyHtml": "<p>周六上午检修电梯</p>", "category": "物业", "mustAcknowledge": True,
        "audience": [{"kind": "HOUSEHOLD", "ids": [household]}]})
    notice_id = created["data"]["noticeCreate"]["notice"]["id"]
    assert (await console.query(PUBLISH, id=notice_id))["data"]["noticePublish"]["notice"]["state"] == "PUBLISHED"
    await notices.fan_out(notice_id)
    return notice_id


async def _household_with_proxy(api, console, make_person, community, scopes: list[str]):
    """A principal and a member of their household who acts for them within `scopes`, and a notice
    to their home; the api client is left signed in as the agent, acting for the principal."""
    room = random.choice(await Room.filter(community=community, code__startswith="CZ-3-"))  # noqa: S311
    principal = await make_person(community.id, ["RESIDENT"], room=room)
    agent = await make_person(community.id, ["RESIDENT"], room=room)
    title = f"电梯检修 {uuid.uuid4().hex[:6]}"
    notice_id = await _notice_for(console, community, principal, title)
    await api.sign_in(principal.handle)
    until = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    granted = await api.query(GRANT, a=str(agent.id), s=scopes, u=until)
    assert granted["data"]["proxyGrant"]["errors"] == []
    await api.sign_in(agent.handle)
    api.http.headers["x-acting-for"] = str(principal.id)
    return principal, agent, notice_id, title


def _refused(result: dict) -> str:
    return result["errors"][0]["extensions"]["code"]


async def test_a_proxy_for_orders_only_cannot_touch_the_principals_notices_settings_or_household(
        api, console, make_person, demo_community):
    principal, _, notice_id, _ = await _household_with_proxy(api, console, make_person, demo_community, ["ORDER"])
    message = await InboxMessage.filter(person_id=principal.id, delivery_key__startswith=f"notice:{notice_id}").get()

    for name, variables in (("Feed", {"first": 10}), ("FeedUnreadCount", {}), ("Notice", {"id": notice_id}),
                            ("Inbox", {"first": 10}), ("NotificationSettings", {}), ("Household", {})):
        assert _refused(await api.op(name, **variables)) == "FORBIDDEN", name
    for name, field, variables in (
            ("NoticeRead", "noticeRead", {"id": notice_id}),
            ("NoticeAcknowledge", "noticeAcknowledge", {"id": notice_id}),
            ("NotificationSettingsUpdate", "notificationSettingsUpdate",
             {"channels": [{"channel": "FCM", "enabled": False}]})):
        errors = (await api.op(name, **variables))["data"][field]["errors"]
        assert [e["code"] for e in errors] == ["FORBIDDEN"], name
    inbox_read = (await api.query(INBOX_READ, id=str(message.id)))["data"]["inboxMessageRead"]
    assert [e["code"] for e in inbox_read["errors"]] == ["FORBIDDEN"]

    # Nothing was written on the principal's side.
    receipt = await NoticeRecipient.get(notice_id=notice_id, person_id=principal.id)
    assert (receipt.read_at, receipt.acknowledged_at) == (None, None)
    assert (await InboxMessage.get(id=message.id)).read_at is None
    assert not await NotificationPreference.filter(person_id=principal.id).exists()
    assert not await AuditEntry.filter(acting_for_id=principal.id).exclude(action="proxy.grant").exists()


async def test_a_proxy_for_orders_only_cannot_watch_the_principals_unread_count_or_inbox(
        app, api, console, make_person, demo_community):
    principal, _, _, _ = await _household_with_proxy(api, console, make_person, demo_community, ["ORDER"])
    async with (
        httpx.AsyncClient(transport=ASGIWebSocketTransport(app), base_url="http://test") as client,
        aconnect_ws("/graphql", client, subprotocols=["graphql-transport-ws"]) as ws,
    ):
        await ws.send_json({"type": "connection_init", "payload": {
            "authorization": f"Bearer {api.token}", "actingFor": str(principal.id)}})
        assert (await ws.receive_json())["type"] == "connection_ack"
        for number, query in enumerate(("subscription { unreadNoticeCount }",
                                        "subscription { inboxMessageAdded { title } }")):
            await ws.send_json({"id": str(number), "type": "subscribe", "payload": {"query": query}})
            message = await asyncio.wait_for(ws.receive_json(), timeout=20)
            # Subscription errors carry no code yet (the ErrorCodes extension sees queries and mutations only).
            assert message["type"] == "next" and message["payload"]["data"] is None, message
            assert message["payload"]["errors"][0]["message"] == "代办授权不包含此事项"
            assert await asyncio.wait_for(ws.receive_json(), timeout=20) == {"id": str(number), "type": "complete"}


async def test_a_proxy_with_the_scopes_acts_on_the_principals_data_and_it_is_in_his_history(
        api, console, make_person, demo_community):
    principal, agent, notice_id, title = await _household_with_proxy(
        api, console, make_person, demo_community, ["NOTICE", "SETTINGS", "REGISTRY"])
    message = await InboxMessage.filter(person_id=principal.id, delivery_key__startswith=f"notice:{notice_id}").get()

    feed = (await api.op("Feed", first=10))["data"]["feed"]
    assert title in [n["title"] for n in feed["latest"]["nodes"]]
    unread = feed["unreadCount"]
    assert (await api.op("Notice", id=notice_id))["data"]["notice"]["title"] == title
    inbox = (await api.op("Inbox", first=10))["data"]["viewer"]["inbox"]["nodes"]
    assert str(message.id) in [m["id"] for m in inbox]
    household = (await api.op("Household"))["data"]["viewer"]["residences"]
    assert {str(principal.id), str(agent.id)} <= {m["person"]["id"] for m in household[0]["members"]}

    assert (await api.op("NoticeRead", id=notice_id))["data"]["noticeRead"]["errors"] == []
    assert (await api.op("NoticeAcknowledge", id=notice_id))["data"]["noticeAcknowledge"]["errors"] == []
    assert (await api.op("FeedUnreadCount"))["data"]["feed"]["unreadCount"] == unread - 1
    updated = await api.op("NotificationSettingsUpdate", channels=[{"channel": "FCM", "enabled": False}])
    assert updated["data"]["notificationSettingsUpdate"]["errors"] == []

    receipt = await NoticeRecipient.get(notice_id=notice_id, person_id=principal.id)
    assert receipt.read_at is not None and receipt.acknowledged_at is not None
    assert (await InboxMessage.get(id=message.id)).read_at is not None
    assert await NotificationPreference.filter(person_id=principal.id, channel="FCM", enabled=False).exists()
    assert not await NotificationPreference.filter(person_id=agent.id).exists()  # hers are untouched

    del api.http.headers["x-acting-for"]
    await api.sign_in(principal.handle)
    history = (await api.query(HISTORY))["data"]["viewer"]["history"]["nodes"]
    by_proxy = [(e["action"], e["actor"]["displayName"]) for e in history if e["actingFor"]]
    assert ("notice.read", agent.display_name) in by_proxy
    assert ("notice.acknowledge", agent.display_name) in by_proxy
    assert ("notify.settings_update", agent.display_name) in by_proxy


async def test_the_daughter_reads_and_acknowledges_for_wang_and_he_sees_both_in_his_history(
        api, console, demo_community):
    """The demo's 代办: 王丽 (relative) acts for 王爷爷 (elder) on a notice to their home."""
    from backend.people.models import Person

    elder = await Person.get(handle="elder")
    title = f"燃气安全检查 {uuid.uuid4().hex[:6]}"
    notice_id = await _notice_for(console, demo_community, elder, title)
    await api.sign_in("relative")
    api.http.headers["x-acting-for"] = str(elder.id)
    assert (await api.op("NoticeRead", id=notice_id))["data"]["noticeRead"]["errors"] == []
    assert (await api.op("NoticeAcknowledge", id=notice_id))["data"]["noticeAcknowledge"]["errors"] == []
    del api.http.headers["x-acting-for"]

    await api.sign_in("elder")
    history = (await api.op("History"))["data"]["viewer"]["history"]["nodes"]
    mine = [(e["action"], e["actor"]["displayName"], e["actingFor"]["displayName"]) for e in history
            if (e.get("after") or {}).get("title") == title]
    assert sorted(mine) == [("notice.acknowledge", "王爷爷的女儿 王丽", "王爷爷"),
                            ("notice.read", "王爷爷的女儿 王丽", "王爷爷")]
