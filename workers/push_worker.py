"""The push worker: `make push-worker` (taskiq worker workers.push_worker:broker).

Plans and sends the pushes of notifications (notify.push) from their own queue, so a fan-out's
inbox writes in the main worker never wait behind them. Relays nothing: the main worker does.
On a machine it shares with the job worker it also yields the CPU to it (NICENESS): while a fan-out
writes its inbox rows, its pushes take only the CPU left over.
"""

import os

from taskiq import TaskiqEvents, TaskiqState

from backend.core.jobs import load_tasks, push_broker
from backend.core.settings import get_settings
from workers import process

broker = push_broker
load_tasks()
NICENESS = 10  # a lower CPU priority than the job worker's (0): the inbox first, then the pushes


@broker.on_event(TaskiqEvents.WORKER_STARTUP)
async def _startup(state: TaskiqState) -> None:
    os.nice(NICENESS)
    state.runtime = await process.start(get_settings())


@broker.on_event(TaskiqEvents.WORKER_SHUTDOWN)
async def _shutdown(state: TaskiqState) -> None:
    await process.stop(state.runtime)


__all__ = ["broker"]
