"""The push worker: `make push-worker` (taskiq worker workers.push_worker:broker).

Plans and sends the pushes of notifications (notify.push) from their own queue, so a fan-out's
inbox writes in the main worker never wait behind them. Relays nothing: the main worker does.
"""

from taskiq import TaskiqEvents, TaskiqState

from backend.core import db, metrics
from backend.core.jobs import load_tasks, push_broker
from backend.core.logging import configure_logging
from backend.core.runtime import start_runtime
from backend.core.settings import get_settings

broker = push_broker
load_tasks()


@broker.on_event(TaskiqEvents.WORKER_STARTUP)
async def _startup(state: TaskiqState) -> None:
    settings = get_settings()
    configure_logging(settings.log_level)
    if settings.worker_metrics_port:
        metrics.serve(settings.worker_metrics_port)
    await db.init_db(settings.database_url)
    state.runtime = start_runtime(settings)


@broker.on_event(TaskiqEvents.WORKER_SHUTDOWN)
async def _shutdown(state: TaskiqState) -> None:
    await state.runtime.close()
    await db.close_db()


__all__ = ["broker"]
