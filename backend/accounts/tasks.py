"""Periodic housekeeping of sign-in data."""

from backend.accounts.models import RefreshToken
from backend.core.clock import clock
from backend.core.jobs import broker


@broker.task(task_name="accounts.purge_expired_refresh_tokens", schedule=[{"cron": "*/15 * * * *"}])
async def purge_expired_refresh_tokens() -> int:
    """Expired refresh tokens can never be used again; keep the table small."""
    return await RefreshToken.filter(expires_at__lt=clock.now()).delete()
