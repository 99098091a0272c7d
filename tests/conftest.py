"""Test profile: the real services. Each run gets its own PostgreSQL database and Redis key prefix.

The environment is set before any backend module is imported, because the job broker is chosen
from it at import time.
"""

import asyncio
import os
import uuid

import asyncpg
import pytest

RUN_ID = uuid.uuid4().hex[:10]
PG_ADMIN_URL = os.environ.get("LINLI_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
TEST_DB = f"linli_test_{RUN_ID}"
os.environ.update(
    LINLI_ENV="dev",
    LINLI_DATABASE_URL=PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{TEST_DB}",
    LINLI_REDIS_URL=os.environ.get("LINLI_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
    LINLI_REDIS_PREFIX=f"linli-test-{RUN_ID}:",
    LINLI_LOG_LEVEL="WARNING",
    # Tests share a few demo people; the rate-limit test builds its own app with a small budget.
    LINLI_RATE_BURST="100000",
)

from backend.core.settings import get_settings  # noqa: E402


@pytest.fixture(scope="session")
async def database():
    """A fresh database with the committed migrations applied and the demo community seeded."""
    from backend.core import db
    from backend.seed import seed_demo

    admin = await asyncpg.connect(PG_ADMIN_URL)
    await admin.execute(f'CREATE DATABASE "{TEST_DB}"')
    settings = get_settings()
    try:
        await db.migrate(settings.database_url)
        await db.init_db(settings.database_url)
        await seed_demo()
        await db.close_db()
        yield settings.database_url
    finally:
        await asyncio.sleep(0)
        await admin.execute(f'DROP DATABASE IF EXISTS "{TEST_DB}" WITH (FORCE)')
        await admin.close()


@pytest.fixture(scope="session")
async def redis_cleanup():
    from redis.asyncio import Redis

    yield
    redis = Redis.from_url(get_settings().redis_url)
    keys = [k async for k in redis.scan_iter(match=f"{get_settings().redis_prefix}*")]
    if keys:
        await redis.delete(*keys)
    await redis.aclose()
