"""Pub/sub for subscriptions: Redis channels so any API instance can serve any subscriber, or an
in-process fan-out in the embedded default."""

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Protocol

import structlog
from redis.asyncio import Redis

from backend.core.unavailable import REDIS_DOWN, redis_needed

log = structlog.get_logger("linli.pubsub")
QUEUE_SIZE = 100  # per subscriber: a slow one drops messages instead of growing without bound
PUBLISH_CHUNK = 1000  # pairs per script call: a few tens of kilobytes of arguments
# PUBLISH of each (channel, message) pair in ARGV, in order: a script runs atomically on Redis, but
# each message still reaches only its channel's subscribers, as separate PUBLISHes would.
_PUBLISH_ALL = "for i = 1, #ARGV, 2 do redis.call('PUBLISH', ARGV[i], ARGV[i + 1]) end"


class PubSub(Protocol):
    async def publish(self, channel: str, message: str) -> None: ...
    async def publish_many(self, pairs: Iterable[tuple[str, str]]) -> None: ...
    def subscribe(self, channel: str, on_ready: Callable[[], None] | None = None) -> AsyncIterator[str]:
        """Messages of `channel`; `on_ready` is called once the subscription is in place."""
        ...
    def on_connection(self, watcher: Callable[[bool], None]) -> None:
        """`watcher(False)` when the connection drops (messages may be lost from then on),
        `watcher(True)` when it is back and subscribed again."""
        ...
    async def close(self) -> None: ...


class RedisPubSub:
    """One Redis pub/sub connection per process, however many subscribers: a channel is subscribed
    on Redis while at least one local subscriber listens to it, and one reader task hands every
    message to the bounded queues of that channel's subscribers. When the connection drops, the
    reader keeps trying; redis-py reconnects and subscribes the same channels again (messages
    published meanwhile are lost: pub/sub carries live hints, the data is in the database)."""

    RETRY_CAP_S = 5.0

    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis, self._prefix = redis, f"{prefix}ps:"
        self._pubsub = redis.pubsub(ignore_subscribe_messages=True)
        self._publish_all = redis.register_script(_PUBLISH_ALL)
        self._queues: dict[str, set[asyncio.Queue[str]]] = {}  # Redis channel -> its local subscribers
        self._lock = asyncio.Lock()  # SUBSCRIBE / UNSUBSCRIBE in the order the reference counts changed
        self._reader: asyncio.Task | None = None
        self._watchers: list[Callable[[bool], None]] = []
        self._connected = True

    async def publish(self, channel: str, message: str) -> None:
        try:
            await self._redis.publish(self._prefix + channel, message)
        except REDIS_DOWN as exc:  # the write it announces has committed; a live update is lost, no more
            log.warning("pubsub.publish_lost", channel=channel, error=type(exc).__name__)

    async def publish_many(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Many (channel, message) pairs (a fan-out batch announcing thousands of inbox messages) in
        one script call per chunk: a pipeline of one PUBLISH each cost the worker about 25 µs of CPU per
        message in redis-py, a single command with all the pairs as arguments a fraction of it."""
        args = [arg for channel, message in pairs for arg in (self._prefix + channel, message)]
        try:
            for start in range(0, len(args), 2 * PUBLISH_CHUNK):
                await self._publish_all(args=args[start:start + 2 * PUBLISH_CHUNK])
        except REDIS_DOWN as exc:  # as in publish: the writes have committed, only live updates are lost
            log.warning("pubsub.publish_many_lost", error=type(exc).__name__)

    async def subscribe(self, channel: str, on_ready: Callable[[], None] | None = None) -> AsyncIterator[str]:
        name = self._prefix + channel
        queue: asyncio.Queue[str] = asyncio.Queue(QUEUE_SIZE)
        await self._join(name, queue)
        if on_ready is not None:
            on_ready()
        try:
            while True:
                yield await queue.get()
        finally:
            await self._leave(name, queue)

    def on_connection(self, watcher: Callable[[bool], None]) -> None:
        if watcher not in self._watchers:
            self._watchers.append(watcher)

    def _connection(self, up: bool) -> None:
        if up != self._connected:
            self._connected = up
            for watcher in self._watchers:
                watcher(up)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        await self._pubsub.aclose()

    async def _join(self, name: str, queue: asyncio.Queue[str]) -> None:
        async with self._lock:
            subscribers = self._queues.setdefault(name, set())
            subscribers.add(queue)
            if len(subscribers) == 1:
                try:
                    with redis_needed():  # a subscription cannot start without Redis
                        await self._pubsub.subscribe(name)
                except BaseException:
                    del self._queues[name]
                    raise
            if self._reader is None or self._reader.done():
                self._reader = asyncio.create_task(self._read())

    async def _leave(self, name: str, queue: asyncio.Queue[str]) -> None:
        async with self._lock:
            subscribers = self._queues.get(name, set())
            subscribers.discard(queue)
            if not subscribers and self._queues.pop(name, None) is not None:
                with contextlib.suppress(*REDIS_DOWN):  # a dead connection has no subscription to end
                    await self._pubsub.unsubscribe(name)

    async def _read(self) -> None:
        delay = 0.1
        while True:
            try:
                message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            except REDIS_DOWN as exc:
                log.warning("pubsub.connection_lost", error=type(exc).__name__, retry_in_s=delay)
                self._connection(False)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.RETRY_CAP_S)
                continue
            delay = 0.1
            self._connection(True)  # get_message reconnected and subscribed the channels again
            if message is not None and message["type"] == "message":
                data = message["data"].decode()
                for queue in self._queues.get(message["channel"].decode(), ()):
                    if not queue.full():
                        queue.put_nowait(data)


class MemoryPubSub:
    def __init__(self) -> None:
        self._queues: dict[str, set[asyncio.Queue[str]]] = defaultdict(set)

    async def publish(self, channel: str, message: str) -> None:
        for queue in list(self._queues.get(channel, ())):
            if not queue.full():
                queue.put_nowait(message)

    async def publish_many(self, pairs: Iterable[tuple[str, str]]) -> None:
        for channel, message in pairs:
            await self.publish(channel, message)

    async def subscribe(self, channel: str, on_ready: Callable[[], None] | None = None) -> AsyncIterator[str]:
        queue: asyncio.Queue[str] = asyncio.Queue(QUEUE_SIZE)
        self._queues[channel].add(queue)
        if on_ready is not None:
            on_ready()
        try:
            while True:
                yield await queue.get()
        finally:
            self._queues[channel].discard(queue)
            if not self._queues[channel]:
                del self._queues[channel]

    def on_connection(self, watcher: Callable[[bool], None]) -> None:
        pass  # in process: never disconnected

    async def close(self) -> None:
        pass


class merged:  # noqa: N801 - used like the function it stands for
    """One stream of the messages of several (a subscriber listening on more than one channel).
    The channels are subscribed at once, so an event right after this call is not missed. A stream
    that fails (Redis down) fails the merged one, rather than leaving it silently deaf."""

    def __init__(self, *streams: AsyncIterator[str]) -> None:
        self._queue: asyncio.Queue[str | Exception] = asyncio.Queue(QUEUE_SIZE)
        self._tasks = [asyncio.create_task(self._pump(s)) for s in streams]

    async def _pump(self, stream: AsyncIterator[str]) -> None:
        try:
            async for message in stream:
                await self._queue.put(message)
        except Exception as exc:  # handed to the reader, which raises it
            await self._queue.put(exc)

    def __aiter__(self) -> "merged":
        return self

    async def __anext__(self) -> str:
        item = await self._queue.get()
        if isinstance(item, Exception):
            raise item
        return item

    async def aclose(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
