"""The outbox relay: moves committed OutboxMessages onto the job queue.

A message is first leased (its available_at pushed past LEASE), then sent, then marked relayed.
A crash after the lease and before the mark only delays it until the lease runs out; the job is
then sent again, and the job's delivery key makes the second run a no-op.
"""

import asyncio
import contextlib
from datetime import timedelta

import structlog
from tortoise.expressions import F

from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.jobs import broker
from backend.core.outbox import OutboxMessage

LEASE = timedelta(seconds=30)


@broker.task(task_name="jobs.heartbeat")
async def heartbeat() -> None:
    """Does nothing: its arrival makes idle workers look for jobs left behind by dead ones."""
BATCH = 100
log = structlog.get_logger(__name__)


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
        task = broker.find_task(row.topic)
        if task is None:
            log.error("outbox.unknown_topic", topic=row.topic, key=row.key)
            continue
        await task.kiq(key=row.key, **row.payload)
        await OutboxMessage.filter(id=row.id).update(relayed_at=clock.now())
    return len(rows)


async def relay_forever(stop: asyncio.Event, idle_seconds: float = 1.0, heartbeat_every: float | None = None) -> None:
    """Relay until stopped. With `heartbeat_every`, also enqueue a no-op job that often: taskiq-redis
    reclaims the jobs of a dead worker only after it has read a new message, so an idle queue would
    otherwise hold a killed worker's unfinished job forever."""
    last_beat = 0.0
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        if heartbeat_every is not None and loop.time() - last_beat >= heartbeat_every:
            last_beat = loop.time()
            with contextlib.suppress(Exception):  # a missed beat only delays a reclaim
                await heartbeat.kiq()
        try:
            sent = await relay_pending()
        except Exception:  # keep relaying after a database hiccup; the rows wait safely
            log.exception("outbox.relay_failed")
            sent = 0
        if not sent:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), idle_seconds)
