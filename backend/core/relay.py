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


async def relay_forever(stop: asyncio.Event, idle_seconds: float = 1.0) -> None:
    while not stop.is_set():
        try:
            sent = await relay_pending()
        except Exception:  # keep relaying after a database hiccup; the rows wait safely
            log.exception("outbox.relay_failed")
            sent = 0
        if not sent:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), idle_seconds)
