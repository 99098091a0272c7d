"""Wallet jobs: the daily expiry of hours and points, at 00:30 Asia/Shanghai."""

from backend.core.jobs import broker
from backend.wallets.expiry import sweep_expiry


@broker.task(task_name="wallets.sweep_expiry", schedule=[{"cron": "30 16 * * *"}])
async def expire_hours_and_points() -> int:
    return await sweep_expiry()
