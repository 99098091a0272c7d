"""The anti-fraud sweep, every five minutes (backend/wallets/fraud.py)."""

from backend.core.jobs import broker
from backend.wallets import fraud


@broker.task(task_name="wallets.fraud_sweep", schedule=[{"cron": "*/5 * * * *"}])
async def fraud_sweep() -> int:
    read, total = fraud.SWEEP_BATCH, 0
    while read == fraud.SWEEP_BATCH:  # catch up in batches, each its own transaction
        read = await fraud.sweep()
        total += read
    return total
