"""Redis pub/sub: one connection per process, whatever the number of subscribers (10,000 live home
pages must not open 10,000 Redis connections), and it survives losing that connection."""

import asyncio
import uuid

import pytest
from redis.asyncio import Redis

from backend.core.pubsub import PUBLISH_CHUNK, RedisPubSub
from backend.core.settings import get_settings
from tests.integration.conftest import eventually

SUBSCRIBERS = 1_000


@pytest.fixture
async def named_redis():
    """A client whose connections carry this test's own name, so CLIENT LIST counts only them."""
    name = f"linli-test-{uuid.uuid4().hex[:10]}"
    client = Redis.from_url(get_settings().redis_url, client_name=name)
    admin = Redis.from_url(get_settings().redis_url)
    yield client, admin, name
    await client.aclose()
    await admin.aclose()


async def connections(admin: Redis, name: str) -> list[dict]:
    return [c for c in await admin.client_list() if c["name"] == name]


class Listener:
    """A subscriber as a live page is: a task reading its stream, keeping what it got."""

    def __init__(self, pubsub: RedisPubSub, channel: str) -> None:
        self.got: list[str] = []
        self.stream = pubsub.subscribe(channel)
        self.task = asyncio.create_task(self._listen())

    async def _listen(self) -> None:
        async for message in self.stream:
            self.got.append(message)

    async def stop(self) -> None:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)
        await self.stream.aclose()


async def test_a_thousand_subscribers_share_one_connection_and_all_hear_their_messages(named_redis):
    client, admin, name = named_redis
    pubsub = RedisPubSub(client, get_settings().redis_prefix + "fanout:")
    await pubsub.publish("warm-up", "x")  # the publishing connection exists before the count
    before = len(await connections(admin, name))

    # Half listen to their own channel (a person's inbox), half share one (a community's notices).
    own = [Listener(pubsub, f"person:{i}") for i in range(SUBSCRIBERS // 2)]
    shared = [Listener(pubsub, "community:1") for _ in range(SUBSCRIBERS // 2)]
    listeners = own + shared

    async def all_heard():
        await pubsub.publish("community:1", "notice")
        for i, listener in enumerate(own):
            if not listener.got:
                await pubsub.publish(f"person:{i}", f"for {i}")
        return all(listener.got for listener in listeners)

    await eventually(all_heard)
    assert all(set(listener.got) == {f"for {i}"} for i, listener in enumerate(own))
    assert all(set(listener.got) == {"notice"} for listener in shared)
    during = await connections(admin, name)
    assert len(during) == before + 1  # the one subscriber connection
    assert sum("P" in c["flags"] for c in during) == 1
    assert (await admin.pubsub_numsub(pubsub._prefix + "community:1")) == [
        ((pubsub._prefix + "community:1").encode(), 1)]

    for listener in listeners:
        await listener.stop()
    assert await admin.pubsub_numsub(pubsub._prefix + "community:1", pubsub._prefix + "person:0") == [
        ((pubsub._prefix + "community:1").encode(), 0), ((pubsub._prefix + "person:0").encode(), 0)]
    await pubsub.close()


async def test_subscribers_hear_again_after_the_connection_is_killed(named_redis):
    client, admin, name = named_redis
    pubsub = RedisPubSub(client, get_settings().redis_prefix + "reconnect:")
    listener = Listener(pubsub, "room")

    async def heard(text: str):
        await pubsub.publish("room", text)
        return text in listener.got

    await eventually(lambda: heard("before"))
    [subscriber] = [c for c in await connections(admin, name) if "P" in c["flags"]]
    await admin.client_kill_filter(_id=subscriber["id"])
    await eventually(lambda: heard("after"))
    [again] = [c for c in await connections(admin, name) if "P" in c["flags"]]
    assert again["id"] != subscriber["id"]
    await listener.stop()
    await pubsub.close()


async def test_publish_many_reaches_every_channel_it_names(named_redis):
    """A fan-out batch announces thousands of inbox messages at once: each subscriber hears its own."""
    client, _, _ = named_redis
    pubsub = RedisPubSub(client, get_settings().redis_prefix + "many:")
    listeners = [Listener(pubsub, f"inbox:{i}") for i in range(50)]
    await eventually(lambda: _subscribed(client, pubsub, 50))
    # Among more pairs than one script call carries: the listened-to ones spread over three calls.
    pairs = [(f"unheard:{j}", "-") for j in range(2 * PUBLISH_CHUNK)]
    for i in range(50):
        pairs.insert(i * 41, (f"inbox:{i}", f"message {i}"))
    await pubsub.publish_many(pairs)

    async def all_heard():
        return all(listener.got for listener in listeners)

    await eventually(all_heard)
    assert [listener.got for listener in listeners] == [[f"message {i}"] for i in range(50)]
    for listener in listeners:
        await listener.stop()
    await pubsub.close()


async def _subscribed(client: Redis, pubsub: RedisPubSub, count: int) -> bool:
    channels = await client.pubsub_channels(pubsub._prefix + "*")
    return len(channels) == count
