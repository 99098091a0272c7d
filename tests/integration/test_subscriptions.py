"""graphql-transport-ws at /graphql: a worker process delivers a notification, Redis pub/sub
carries it to the API instance where the person's subscription lives."""

import asyncio
import json

import httpx
import pytest
from httpx_ws import WebSocketDisconnect, aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport
from redis.asyncio import Redis

from backend.core.settings import get_settings
from tests.integration.conftest import eventually

SUBSCRIPTION = "subscription { inboxMessageAdded { kind title } }"



async def _subscribers(channel: str) -> int:
    settings = get_settings()
    redis = Redis.from_url(settings.redis_url)
    try:
        [(_, count)] = await redis.pubsub_numsub(f"{settings.redis_prefix}ps:{channel}")
    finally:
        await redis.aclose()
    return count


async def test_inbox_subscription_hears_a_notification_sent_by_the_worker(app, api, start_worker):
    tokens = await api.sign_in("grid")
    person_id = (await api.op("Viewer"))["data"]["viewer"]["id"]
    start_worker()
    async with (
        httpx.AsyncClient(transport=ASGIWebSocketTransport(app), base_url="http://test") as client,
        aconnect_ws("/graphql", client, subprotocols=["graphql-transport-ws"]) as ws,
    ):
        await ws.send_json({"type": "connection_init", "payload": {"authorization": f"Bearer {tokens['accessToken']}"}})
        assert (await ws.receive_json())["type"] == "connection_ack"
        await ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}})
        await eventually(lambda: _subscribers(f"inbox:{person_id}"))  # live before the event is sent

        # Reusing a refresh token sends this person a security alert through outbox -> worker.
        other = await api.sign_in("grid")
        await api.op("TokenRefresh", refreshToken=other["refreshToken"])
        await api.op("TokenRefresh", refreshToken=other["refreshToken"])

        message = await asyncio.wait_for(ws.receive_json(), timeout=20)
        assert message["type"] == "next", json.dumps(message)
        assert message["payload"]["data"]["inboxMessageAdded"] == {"kind": "security", "title": "账号安全提醒"}


async def test_a_bad_token_in_connection_init_closes_the_socket(app):
    async with (
        httpx.AsyncClient(transport=ASGIWebSocketTransport(app), base_url="http://test") as client,
        aconnect_ws("/graphql", client, subprotocols=["graphql-transport-ws"]) as ws,
    ):
        await ws.send_json({"type": "connection_init", "payload": {"authorization": "Bearer forged"}})
        with pytest.raises(WebSocketDisconnect) as closed:
            await asyncio.wait_for(ws.receive_json(), timeout=5)
    assert closed.value.code == 4403


async def test_unread_notice_count_is_pushed_when_a_notice_arrives_and_when_it_is_read(app, api, console,
                                                                                       make_person, demo_community):
    from backend.notices import service as notices
    from backend.registry.models import PersonRoom, Room

    reader = await make_person(demo_community.id, ["RESIDENT"], room=await Room.get(code="CZ-2-2-102"))
    household = str((await PersonRoom.get(person=reader)).household_id)
    tokens = await api.sign_in(reader.handle)
    async with (
        httpx.AsyncClient(transport=ASGIWebSocketTransport(app), base_url="http://test") as client,
        aconnect_ws("/graphql", client, subprotocols=["graphql-transport-ws"]) as ws,
    ):
        await ws.send_json({"type": "connection_init", "payload": {"authorization": f"Bearer {tokens['accessToken']}"}})
        assert (await ws.receive_json())["type"] == "connection_ack"
        await ws.send_json({"id": "u", "type": "subscribe", "payload": {"query": "subscription { unreadNoticeCount }"}})

        async def next_count() -> int:
            message = await asyncio.wait_for(ws.receive_json(), timeout=20)
            return message["payload"]["data"]["unreadNoticeCount"]

        assert await next_count() == 0
        await eventually(lambda: _subscribers(f"notices:{demo_community.id}"))
        await console.sign_in("committee")
        created = await console.query("""mutation($c: ID!, $h: ID!) { noticeCreate(communityId: $c, input: {
          title: "楼道清理", bodyHtml: "<p>周六清理楼道杂物</p>", category: "物业",
          audience: [{kind: HOUSEHOLD, ids: [$h]}] }) { notice { id } } }""", c=str(demo_community.id), h=household)
        notice_id = created["data"]["noticeCreate"]["notice"]["id"]
        await console.query("mutation($id: ID!) { noticePublish(id: $id) { notice { state } } }", id=notice_id)
        await notices.fan_out(notice_id)  # the job's work, done here so the test needs no worker
        assert await next_count() == 1
        await api.query("mutation($id: ID!) { noticeRead(id: $id) { ok } }", id=notice_id)
        assert await next_count() == 0
