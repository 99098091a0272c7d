"""The job queue: taskiq with a Redis Streams broker (acknowledged, so a killed worker's messages are
redelivered) when LINLI_REDIS_URL is set, and the in-process broker in the embedded default.

Tasks register on `broker` (or `push_broker`) in their domain's tasks.py; workers/ holds the process entry points.
"""

import time
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from taskiq import AsyncBroker, InMemoryBroker, TaskiqMessage, TaskiqMiddleware, TaskiqResult
from taskiq.middlewares import SmartRetryMiddleware
from taskiq_redis import RedisStreamBroker

from backend.core import metrics
from backend.core.settings import get_settings

MAX_RETRIES = 5


class JobObservability(TaskiqMiddleware):
    """Job durations for Prometheus, and a dead letter once a job has used up its retries."""

    def pre_execute(self, message: TaskiqMessage) -> TaskiqMessage:
        message.labels["_started"] = time.perf_counter()
        return message

    def post_execute(self, message: TaskiqMessage, result: TaskiqResult[Any]) -> None:
        started = message.labels.pop("_started", None)
        if started is not None:
            status = "error" if result.is_err else "ok"
            metrics.JOB_SECONDS.labels(message.task_name, status).observe(time.perf_counter() - started)

    async def on_error(self, message: TaskiqMessage, result: TaskiqResult[Any], exception: BaseException) -> None:
        attempts = int(message.labels.get("_retries", 0)) + 1
        if attempts < int(message.labels.get("max_retries", MAX_RETRIES)):
            return
        await record_dead_letter(message.task_name, message.kwargs, exception, attempts)


# Whose failure a dead letter is: the domain that owns a key namespace ("notice:<id>:…") registers
# how to find the community that <id> belongs to, so that community's staff see the row; any other
# job (a sweep, a staff security alert) is the platform's and only operators see it.
_COMMUNITY_OF_KEYS: dict[str, Callable[[UUID], Awaitable[UUID | None]]] = {}


def community_of_keys(namespace: str):
    """Decorator: `find(id)` gives the community of jobs keyed `<namespace>:<id>:…`."""
    def register(find: Callable[[UUID], Awaitable[UUID | None]]):
        _COMMUNITY_OF_KEYS[namespace] = find
        return find
    return register


async def community_of(key: str | None) -> UUID | None:
    namespace, _, rest = (key or "").partition(":")
    find = _COMMUNITY_OF_KEYS.get(namespace)
    try:
        return await find(UUID(rest.split(":", 1)[0])) if find else None
    except ValueError:  # not an id after all: the platform's
        return None


async def record_dead_letter(task_name: str, kwargs: dict, exception: BaseException, attempts: int) -> None:
    from backend.core.outbox import DeadLetter  # models load after the broker is built

    key = kwargs.get("key")
    await DeadLetter.create(task_name=task_name, key=key, kwargs=kwargs, error=repr(exception)[:2000],
                            attempts=attempts, community_id=await community_of(key))


def _make_broker(queue: str, group: str) -> AsyncBroker:
    settings = get_settings()
    if settings.redis_url:
        broker: AsyncBroker = RedisStreamBroker(
            url=settings.redis_url,
            queue_name=f"{settings.redis_prefix}{queue}",
            consumer_group_name=f"{settings.redis_prefix}{group}",
            idle_timeout=settings.job_redeliver_after_s * 1000,
        )
    else:
        broker = InMemoryBroker()
    return broker.with_middlewares(
        SmartRetryMiddleware(
            default_retry_count=MAX_RETRIES,
            default_retry_label=True,
            default_delay=1,
            use_jitter=True,
            use_delay_exponent=True,
            max_delay_exponent=60,
        ),
        JobObservability(),
    )


broker = _make_broker("jobs", "workers")
# Push planning and sending (notify.push) have their own stream and worker (`make push-worker`), so a
# fan-out's inbox writes never wait behind its pushes.
push_broker = _make_broker("push", "push-workers")
BROKERS = (broker, push_broker)


def find_task(name: str):
    """The task registered under `name` on whichever queue it belongs to (None if unknown)."""
    return next((task for b in BROKERS if (task := b.find_task(name)) is not None), None)

# Every module that registers tasks on `broker` (or the community of its job keys); imported by the
# app and the worker alike.
TASK_MODULES = ["backend.notify.tasks", "backend.accounts.tasks", "backend.notices.tasks", "backend.registry.tasks",
                "backend.voting.tasks", "backend.cases.tasks", "backend.ledger.tasks",
                "backend.wallets.tasks",
                "backend.wallets.fraud_tasks",
                "backend.points.tasks",
                "backend.market.tasks",
                "backend.market.search_tasks",
                "backend.market.deal_tasks",
                "backend.payments.tasks",
                "backend.services.tasks"]


def load_tasks() -> None:
    import importlib

    for module in TASK_MODULES:
        importlib.import_module(module)
