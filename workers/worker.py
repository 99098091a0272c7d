"""The worker process: `make worker` (taskiq worker workers.worker:broker).

Runs the jobs of every domain except pushes (workers/push_worker.py) and relays the outbox to both
queues.
"""

import asyncio

from taskiq import TaskiqEvents, TaskiqState

from backend.core.jobs import broker, load_tasks, push_broker
from backend.core.relay import relay_forever
from backend.core.settings import get_settings
from workers import process

load_tasks()
_stop = asyncio.Event()


@broker.on_event(TaskiqEvents.WORKER_STARTUP)
async def _startup(state: TaskiqState) -> None:
    settings = get_settings()
    state.runtime = await process.start(settings)
    await push_broker.startup()  # the relay sends push jobs to their own queue
    state.relay = asyncio.create_task(relay_forever(
        _stop, poll_seconds=settings.relay_poll_s, heartbeat_every=settings.job_redeliver_after_s / 2))


@broker.on_event(TaskiqEvents.WORKER_SHUTDOWN)
async def _shutdown(state: TaskiqState) -> None:
    _stop.set()
    await state.relay
    await push_broker.shutdown()
    await process.stop(state.runtime)


__all__ = ["broker"]
