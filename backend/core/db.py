"""Database: tortoise-orm configuration, start-up with migrations, and the one-transaction helper."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from tortoise import Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.migrations.api import migrate as run_migrations
from tortoise.transactions import in_transaction

APP = "linli"
# Every module that holds models; the migrations in backend/migrations cover all of them.
MODEL_MODULES = [
    "backend.people.models",
    "backend.accounts.models",
    "backend.registry.models",
    "backend.notify.models",
    "backend.core.outbox",
    "backend.media.models",
    "backend.privacy.models",
    "backend.audit.models",
    "backend.proxies.models",
    "backend.notices.models",
]


def tortoise_config(database_url: str) -> dict:
    return {
        "connections": {"default": database_url},
        "apps": {APP: {"models": MODEL_MODULES, "migrations": "backend.migrations", "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


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


@asynccontextmanager
async def transaction() -> AsyncIterator[BaseDBAsyncClient]:
    """One service call = one transaction; nested calls join the outer one."""
    async with in_transaction("default") as tx:
        yield tx


async def ping() -> None:
    await connections.get("default").execute_query("SELECT 1")


def cli_config() -> dict:
    """For tortoise's own CLI (`make migrations`): `tortoise -c backend.core.db.TORTOISE_ORM ...`."""
    from backend.core.settings import get_settings

    return tortoise_config(get_settings().database_url)


def __getattr__(name: str) -> dict:
    # Computed on access so importing this module never reads settings.
    if name == "TORTOISE_ORM":
        return cli_config()
    raise AttributeError(name)
