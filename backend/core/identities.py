"""Who someone is, cached per process: a person's roles per community and the proxies they hold.

Every authenticated request needs both; they change rarely. A service that changes either calls
`changed(tx, person_id)`, which publishes the person's id on one channel after the commit; every
process's cache listens and forgets that person. Nothing is served while the cache is not known to
be listening (before its subscription is in place, or while the pub/sub connection is down: it is
emptied on loss and again on reconnect, as messages may have been lost in between). A TTL and a
bound on the entries are the safety net, not the mechanism: the TTL is long enough that a resident
who opens the app a few times an hour is served from the cache, not asked for again each minute.

A load that started before an invalidation arrived is not stored (the generation counter): its
answer may predate the change.
"""

import asyncio
import contextlib
import functools
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import TypeVar
from uuid import UUID

import structlog

from backend.core.db import after_commit
from backend.core.runtime import runtime

log = structlog.get_logger(__name__)
CHANNEL = "identity-changed"
T = TypeVar("T")


class IdentityCache:
    MAX_ENTRIES = 20_000  # a few MB: a tuple of frozensets per person
    TTL_S = 600.0

    def __init__(self) -> None:
        # (person id, what) -> (expires at, value); `what` is "roles" or the principal of a proxy
        self._entries: OrderedDict[tuple[UUID, object], tuple[float, object]] = OrderedDict()
        self._generation = 0  # bumped by every invalidation
        self._live = False
        self._listener: asyncio.Task | None = None

    async def get(self, person_id: UUID, what: object, load: Callable[[], Awaitable[T]]) -> T:
        """The cached value of (person, what), or `load()`'s answer (stored when still current)."""
        self.listen()
        key = (person_id, what)
        item = self._entries.get(key) if self._live else None
        if item is not None and item[0] > time.monotonic():
            self._entries.move_to_end(key)
            return item[1]
        generation = self._generation
        value = await load()
        if self._live and generation == self._generation:
            self._entries[key] = (time.monotonic() + self.TTL_S, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.MAX_ENTRIES:
                self._entries.popitem(last=False)
        return value

    def forget(self, person_id: UUID) -> None:
        self._generation += 1
        for key in [k for k in self._entries if k[0] == person_id]:
            del self._entries[key]

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            await asyncio.gather(self._listener, return_exceptions=True)

    def _clear(self, live: bool) -> None:
        self._generation += 1
        self._entries.clear()
        self._live = live

    def listen(self) -> None:
        """Started at the app's start-up, or on first use (in the serving event loop)."""
        if self._listener is None or self._listener.done():
            self._live = False
            self._listener = asyncio.create_task(self._read())

    async def _read(self) -> None:
        pubsub = runtime().pubsub
        pubsub.on_connection(self._clear)
        try:
            async for message in pubsub.subscribe(CHANNEL, on_ready=lambda: self._clear(True)):
                with contextlib.suppress(ValueError):
                    self.forget(UUID(message))
        except Exception as exc:  # Redis down at subscribe: serve uncached; the next request retries
            log.warning("identities.not_listening", error=type(exc).__name__)
        finally:
            self._clear(False)


def changed(tx, *person_ids: UUID) -> None:
    """After `tx` commits, every process forgets what it cached about these people."""
    for person_id in set(person_ids):
        after_commit(tx, functools.partial(runtime().pubsub.publish, CHANNEL, str(person_id)))
