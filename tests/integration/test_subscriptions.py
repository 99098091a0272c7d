"""graphql-transport-ws at /graphql: a worker process delivers a notification, Redis pub/sub
carries it to the API instance where the person's subscription lives."""

import asyncio
import contextlib
import contextvars
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


CREATE_FOR_HOUSEHOLD = """mutation($c: ID!, $h: ID!) { noticeCreate(communityId: $c, input: {
  title: "楼道清理", bodyHtml: "<p>周六清理楼道杂物</p>", category: "物业",
  audience: [{kind: HOUSEHOLD, ids: [$h]}] }) { notice { id } } }"""
PUBLISH = "mutation($id: ID!) { noticePublish(id: $id) { notice { state } } }"
READ = "mutation($id: ID!) { noticeRead(id: $id) { ok } }"


async def _publish_to(console, community_id, household: str) -> str:
    """A committee member publishes a notice to one household; its fan-out job's work done here."""
    from backend.notices import service as notices

    created = await console.query(CREATE_FOR_HOUSEHOLD, c=str(community_id), h=household)
    notice_id = created["data"]["noticeCreate"]["notice"]["id"]
    await console.query(PUBLISH, id=notice_id)
    await notices.fan_out(notice_id)
    return notice_id


@contextlib.asynccontextmanager
async def _unread_counts(app, api, reader, community_id):
    """A live `unreadNoticeCount` subscription of `reader`; yields the function awaiting the next count."""
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
        await eventually(lambda: _subscribers(f"notices:{community_id}"))
        yield next_count


@pytest.fixture
async def reader(make_person, demo_community):
    from backend.registry.models import PersonRoom, Room

    person = await make_person(demo_community.id, ["RESIDENT"], room=await Room.get(code="CZ-2-2-102"))
    person.household = str((await PersonRoom.get(person=person)).household_id)
    return person


async def test_unread_notice_count_is_pushed_when_a_notice_arrives_and_when_it_is_read(app, api, console, reader,
                                                                                       demo_community):
    async with _unread_counts(app, api, reader, demo_community.id) as next_count:
        await console.sign_in("committee")
        notice_id = await _publish_to(console, demo_community.id, reader.household)
        assert await next_count() == 1
        await api.query(READ, id=notice_id)
        assert await next_count() == 0


async def test_the_unread_count_is_right_50_times_in_a_row(app, api, console, reader, demo_community):
    """The race of item 9 (a recount on the event before the commit found the old count, and the
    badge stayed stale) 50 times over: every arrival and every read is pushed."""
    async with _unread_counts(app, api, reader, demo_community.id) as next_count:
        await console.sign_in("committee")
        for _ in range(50):
            notice_id = await _publish_to(console, demo_community.id, reader.household)
            assert await next_count() == 1
            await api.query(READ, id=notice_id)
            assert await next_count() == 0


class Rollback(Exception):
    pass


async def test_live_counts_are_published_after_the_commit_and_never_for_a_rollback(app, api, console, reader,
                                                                                  demo_community, monkeypatch):
    """Each message is caught as it is published, and a subscriber's recount is made right then on
    a connection of its own: it must already see the change. A request held inside a transaction
    the test keeps open publishes nothing until that commits, and nothing at all if it rolls back."""
    from backend.core.db import transaction
    from backend.core.runtime import runtime
    from backend.notices.service import unread_count

    pubsub = runtime().pubsub
    publish = pubsub.publish
    heard: list[tuple[str, int]] = []

    async def recounting_publish(channel: str, message: str) -> None:
        kind = channel.split(":")[0]
        if kind in ("notices", "unread"):  # the live counts (not, say, the relay's wake-up)
            # An empty context: not the publisher's transaction, as for a subscriber on another instance.
            count = await asyncio.create_task(unread_count(reader.id), context=contextvars.Context())
            heard.append((kind, count))
        await publish(channel, message)

    monkeypatch.setattr(pubsub, "publish", recounting_publish)
    await console.sign_in("committee")
    notice_id = await _publish_to(console, demo_community.id, reader.household)
    assert ("notices", 1) in heard and all(count == 1 for _, count in heard)

    await api.sign_in(reader.handle)
    heard.clear()
    with pytest.raises(Rollback):
        async with transaction():  # the request's own transaction joins this one
            assert (await api.query(READ, id=notice_id))["data"]["noticeRead"]["ok"] is True
            assert heard == []  # read, not yet committed: nobody is told
            raise Rollback
    assert heard == [] and await unread_count(reader.id) == 1  # rolled back: never told, still unread

    async with transaction():
        await api.query(READ, id=notice_id)
        assert heard == []
    assert heard == [("unread", 0)]  # told once committed, and the recount sees it read
