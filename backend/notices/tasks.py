"""Notice jobs: fan-out after publication, and the sweep that publishes scheduled notices."""

from uuid import UUID

from backend.core.jobs import broker
from backend.notices import service


@broker.task(task_name="notices.fan_out")
async def fan_out(*, key: str, notice_id: str) -> int:
    return await service.fan_out(UUID(notice_id))


@broker.task(task_name="notices.publish_due", schedule=[{"cron": "* * * * *"}])
async def publish_due() -> int:
    return await service.publish_due()


@broker.task(task_name="notices.send_reminders", schedule=[{"cron": "* * * * *"}])
async def send_reminders() -> int:
    return await service.send_reminders()
