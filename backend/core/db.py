"""Database: tortoise-orm configuration, start-up with migrations, and the one-transaction helper.

`transaction()` is one service call's transaction. Opened inside another one it joins it: tortoise
makes the inner block a savepoint, and only the outermost block commits.

`after_commit(tx, fn)` registers an async zero-argument callable (`functools.partial(publish,
channel, message)` for a coroutine function with arguments) to run once the outermost transaction
has committed: pub/sub messages and any other side effect that others observe, so nobody reacts to
a write that may still roll back or that their own connection cannot see yet. A rollback (of the
whole transaction, or of the savepoint the callback was registered in) drops it. Callbacks run in
the order registered (one registered twice, once), awaited before `transaction()` returns; one that
fails is logged and never raised into the request that committed. Work that must not be lost
belongs in the outbox (core.outbox), not here: a crash right after the commit skips these callbacks.
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path

import structlog
from tortoise import Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.migrations.api import migrate as run_migrations
from tortoise.transactions import in_transaction

from backend.core.settings import get_settings

log = structlog.get_logger(__name__)
APP = "linli"
# Every module that holds models; the migrations in backend/migrations cover all of them.
MODEL_MODULES = [
    "backend.people.models",
    "backend.accounts.models",
    "backend.registry.models",
    "backend.notify.models",
    "backend.core.outbox",
    "backend.core.progress",
    "backend.core.platform",
    "backend.media.models",
    "backend.privacy.models",
    "backend.audit.models",
    "backend.proxies.models",
    "backend.notices.models",
    "backend.voting.models",
    "backend.cases.models",
    "backend.consult.models",
    "backend.moderation.models",
    "backend.deliberation.models",
    "backend.ledger.models",
    "backend.wallets.models",
    "backend.timebank.models",
    "backend.wallets.fraud_models",
    "backend.points.models",
    "backend.volunteering.models",
    "backend.market.models",
    "backend.services.models",
    "backend.payments.models",
]


def tortoise_config(database_url: str) -> dict:
    return {
        "connections": {"default": _connection(database_url)},
        "apps": {APP: {"models": MODEL_MODULES, "migrations": "backend.migrations", "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


def _connection(database_url: str) -> str | dict:
    """PostgreSQL: a pool of `db_pool_size` connections per process, handed back without the
    reset query asyncpg runs by default (see _reset); other databases: the URL as it is."""
    if not database_url.startswith(("postgres://", "postgresql://", "asyncpg://")):
        return database_url
    config = expand_db_url(database_url)
    config["credentials"] |= {"minsize": 1, "maxsize": get_settings().db_pool_size, "reset": _reset}
    return config


async def _reset(connection) -> None:
    """What a connection needs before the next caller takes it from the pool. Linli keeps no state
    on a session outside a transaction (no LISTEN, session advisory locks, SET, prepared cursors or
    temporary tables: tests/integration/test_db_pool.py checks), so asyncpg's reset query (advisory
    unlock, CLOSE ALL, UNLISTEN, RESET ALL) would be one more round trip after every statement for
    nothing. Only a transaction left open by a failure is rolled back."""
    if connection.is_in_transaction():
        await connection.execute("ROLLBACK")


def _ensure_sqlite_dir(database_url: str) -> None:
    if database_url.startswith("sqlite://") and ":memory:" not in database_url:
        Path(database_url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)


async def migrate(database_url: str) -> None:
    """Apply the committed migrations (never generate_schemas outside tests of the migrations)."""
    _ensure_sqlite_dir(database_url)
    await run_migrations(config=tortoise_config(database_url))
    await connections.close_all()  # an open aiosqlite thread would keep the process alive


async def init_db(database_url: str) -> None:
    _ensure_sqlite_dir(database_url)
    # The global fallback makes the ORM visible to every task (requests, jobs), not only to the
    # task that ran the ASGI lifespan.
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


async def close_db() -> None:
    await Tortoise.close_connections()


AfterCommit = Callable[[], Awaitable[object]]
# The callbacks of the outermost transaction open in this context (None: no transaction).
_after_commit: ContextVar[list[AfterCommit] | None] = ContextVar("after_commit", default=None)


@asynccontextmanager
async def transaction() -> AsyncIterator[BaseDBAsyncClient]:
    """One service call = one transaction; nested calls join the outer one."""
    pending = _after_commit.get()
    if pending is not None:  # nested: a savepoint; its callbacks wait for the outermost commit
        registered_before = len(pending)
        try:
            async with in_transaction("default") as tx:
                yield tx
        except BaseException:
            del pending[registered_before:]  # rolled back to the savepoint: they never happened
            raise
        return
    pending = []
    token = _after_commit.set(pending)
    try:
        async with in_transaction("default") as tx:
            yield tx
    finally:
        _after_commit.reset(token)
    for callback in pending:  # only reached when the commit succeeded
        try:
            await callback()
        except Exception:
            log.exception("after_commit_failed", callback=repr(callback))


def inside_transaction() -> bool:
    """Whether this context is inside a transaction(): a statement sent outside it commits at once."""
    return _after_commit.get() is not None


def after_commit(tx: BaseDBAsyncClient, callback: AfterCommit) -> None:
    """Run `callback` after the transaction `tx` belongs to commits (see the module docstring)."""
    pending = _after_commit.get()
    if pending is None or not isinstance(tx, TransactionalDBClient):
        raise RuntimeError("after_commit needs the tx of an open transaction()")
    if callback not in pending:  # the same callable registered twice in one transaction runs once
        pending.append(callback)


async def ping() -> None:
    await connections.get("default").execute_query("SELECT 1")


def cli_config() -> dict:
    """For tortoise's own CLI (`make migrations`): `tortoise -c backend.core.db.TORTOISE_ORM ...`."""
    return tortoise_config(get_settings().database_url)


def __getattr__(name: str) -> dict:
    # Computed on access so importing this module never reads settings.
    if name == "TORTOISE_ORM":
        return cli_config()
    raise AttributeError(name)
