"""Payment jobs: the daily reconciliation of yesterday (Asia/Shanghai) for every configured gateway,
at 10:30 Shanghai time, once WeChat Pay's trade bill of the day before is ready (after 10:00)."""

from datetime import timedelta

import structlog

from backend.core.days import today
from backend.core.jobs import broker
from backend.payments import reconcile
from backend.payments.models import ReconciliationRun

log = structlog.get_logger(__name__)


@broker.task(task_name="payments.reconcile_yesterday", schedule=[{"cron": "30 2 * * *"}])
async def reconcile_yesterday() -> int:
    """Each gateway not yet reconciled for yesterday (a retried or repeated job adds no second run);
    one gateway failing does not keep the others back, and the job fails after them to be retried."""
    day = today() - timedelta(days=1)
    done, failed = 0, []
    for name in reconcile.configured_gateways():
        if await ReconciliationRun.filter(gateway=name.value, day=day).exists():
            continue
        try:
            await reconcile.reconcile(name, day)
            done += 1
        except Exception as error:  # noqa: BLE001 — the provider's API down: the next gateways still run
            log.warning("reconciliation_failed", gateway=name.value, day=day.isoformat(), error=repr(error))
            failed.append(name.value)
    if failed:
        raise RuntimeError(f"reconciliation failed for {', '.join(failed)}")
    return done
