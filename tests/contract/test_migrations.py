"""The committed migrations describe the models exactly: a model change without its migration fails."""

from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector

from backend.core.db import APP, tortoise_config


async def test_models_and_committed_migrations_agree():
    config = tortoise_config("sqlite://:memory:")
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        pending = await MigrationAutodetector(ctx.apps, {APP: config["apps"][APP]}).changes()
    assert pending == [], "models changed without a migration: run `make migrations` and commit it"
