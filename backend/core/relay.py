"""The outbox relay: moves committed OutboxMessages onto the job queue.

A message is first leased (its available_at pushed past LEASE), then sent, then marked relayed.
A crash after the lease and before the mark only delays it until the lease runs out; the job is
then sent again, and the job's delivery key makes the second run a no-op.

The relay runs when a commit that wrote outbox rows wakes it (outbox.WAKE_CHANNEL), and every
`relay_poll_s` regardless: the poll is the safety net for a lost wake-up and for expired leases.
"""

import asyncio
import contextlib
from datetime import timedelta

import structlog
from taskiq import AsyncBroker
from tortoise.expressions import F

from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.jobs import broker, find_task, push_broker
from backend.core.outbox import WAKE_CHANNEL, OutboxMessage
from backend.core.runtime import runtime

LEASE = timedelta(seconds=30)
BATCH = 100
log = structlog.get_logger(__name__)


def _heartbeat(on: AsyncBroker, name: str):
    async def heartbeat() -> None:
        """Does nothing: its arrival makes idle workers look for jobs left behind by dead ones."""
    return on.task(task_name=name)(heartbeat)


# One per queue: each stream's workers reclaim only after reading a new message of their own.
heartbeat = _heartbeat(broker, "jobs.heartbeat")
push_heartbeat = _heartbeat(push_broker, "push.heartbeat")
HEARTBEATS = (heartbeat, push_heartbeat)


async def relay_pending(limit: int = BATCH) -> int:
    now = clock.now()
    async with transaction() as tx:
        rows = (
            await OutboxMessage.filter(relayed_at=None, available_at__lte=now)
            .order_by("id")
            .limit(limit)
            .select_for_update(skip_locked=True)
            .using_db(tx)
        )
        await OutboxMessage.filter(id__in=[r.id for r in rows]).using_db(tx).update(
            available_at=now + LEASE, attempts=F("attempts") + 1
        )
    for row in rows:
        task = find_task(row.topic)  # sent to the queue it is registered on
        if task is None:
            log.error("outbox.unknown_topic", topic=row.topic, key=row.key)
            continue
        await task.kiq(key=row.key, **row.payload)
        await OutboxMessage.filter(id=row.id).update(relayed_at=clock.now())
    return len(rows)


async def relay_forever(stop: asyncio.Event, poll_seconds: float = 1.0, heartbeat_every: float | None = None) -> None:
    """Relay until stopped: at once when a commit wakes it (outbox.WAKE_CHANNEL), else every
    `poll_seconds`. With `heartbeat_every`, also enqueue a no-op job that often: taskiq-redis
    reclaims the jobs of a dead worker only after it has read a new message, so an idle queue would
    otherwise hold a killed worker's unfinished job forever."""
    woken = asyncio.Event()
    listener = asyncio.create_task(_listen_for_wake_ups(woken, retry_after=poll_seconds))
    last_beat = 0.0
    loop = asyncio.get_running_loop()
    try:
        while not stop.is_set():
            if heartbeat_every is not None and loop.time() - last_beat >= heartbeat_every:
                last_beat = loop.time()
                for heartbeat in HEARTBEATS:
                    with contextlib.suppress(Exception):  # a missed beat only delays a reclaim
                        await heartbeat.kiq()
            woken.clear()  # a wake-up from now on is for rows this pass may not see: look again
            try:
                sent = await relay_pending()
            except Exception:  # keep relaying after a database hiccup; the rows wait safely
                log.exception("outbox.relay_failed")
                sent = 0
            if not sent:
                await _first_of(stop, woken, within=poll_seconds)
    finally:
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)


async def _listen_for_wake_ups(woken: asyncio.Event, *, retry_after: float) -> None:
    while True:
        try:
            async for _ in runtime().pubsub.subscribe(WAKE_CHANNEL):
                woken.set()
        except Exception as exc:  # Redis down: the poll carries on alone until it answers again
            log.warning("outbox.wake_up_listener_failed", error=type(exc).__name__)
            await asyncio.sleep(retry_after)


async def _first_of(*events: asyncio.Event, within: float) -> None:
    """Until one of `events` is set, or `within` seconds have passed."""
    waits = [asyncio.create_task(e.wait()) for e in events]
    try:
        await asyncio.wait(waits, timeout=within, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
