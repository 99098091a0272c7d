"""Pub/sub for subscriptions: Redis channels so any API instance can serve any subscriber, or an
in-process fan-out in the embedded default."""

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Protocol

from redis.asyncio import Redis


class PubSub(Protocol):
    async def publish(self, channel: str, message: str) -> None: ...
    def subscribe(self, channel: str) -> AsyncIterator[str]: ...


class RedisPubSub:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis, self._prefix = redis, f"{prefix}ps:"

    async def publish(self, channel: str, message: str) -> None:
        await self._redis.publish(self._prefix + channel, message)

    async def subscribe(self, channel: str) -> AsyncIterator[str]:
        pubsub = self._redis.pubsub()
        await pubsub.subscribe(self._prefix + channel)
        try:
            async for item in pubsub.listen():
                if item["type"] == "message":
                    yield item["data"].decode()
        finally:
            await pubsub.unsubscribe()
            await pubsub.aclose()


class MemoryPubSub:
    QUEUE_SIZE = 100  # a slow subscriber drops messages instead of growing without bound

    def __init__(self) -> None:
        self._queues: dict[str, set[asyncio.Queue[str]]] = defaultdict(set)

    async def publish(self, channel: str, message: str) -> None:
        for queue in list(self._queues.get(channel, ())):
            if not queue.full():
                queue.put_nowait(message)

    async def subscribe(self, channel: str) -> AsyncIterator[str]:
        queue: asyncio.Queue[str] = asyncio.Queue(self.QUEUE_SIZE)
        self._queues[channel].add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._queues[channel].discard(queue)
            if not self._queues[channel]:
                del self._queues[channel]


class merged:  # noqa: N801 - used like the function it stands for
    """One stream of the messages of several (a subscriber listening on more than one channel).
    The channels are subscribed at once, so an event right after this call is not missed."""

    def __init__(self, *streams: AsyncIterator[str]) -> None:
        self._queue: asyncio.Queue[str] = asyncio.Queue(MemoryPubSub.QUEUE_SIZE)
        self._tasks = [asyncio.create_task(self._pump(s)) for s in streams]

    async def _pump(self, stream: AsyncIterator[str]) -> None:
        async for message in stream:
            await self._queue.put(message)

    def __aiter__(self) -> "merged":
        return self

    async def __anext__(self) -> str:
        return await self._queue.get()

    async def aclose(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
