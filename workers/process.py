"""What every worker process does at start and stop: logs, its metrics port, the database and the
runtime (cache, pub/sub, rate limits). workers/worker.py and workers/push_worker.py add their own."""

from backend.core import db, metrics
from backend.core.logging import configure_logging
from backend.core.runtime import Runtime, start_runtime
from backend.core.settings import Settings


async def start(settings: Settings) -> Runtime:
    configure_logging(settings.log_level)
    if settings.worker_metrics_port:
        metrics.serve(settings.worker_metrics_port)
    await db.init_db(settings.database_url)
    return start_runtime(settings)


async def stop(runtime: Runtime) -> None:
    await runtime.close()
    await db.close_db()
