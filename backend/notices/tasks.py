"""Notice jobs: fan-out after publication, and the sweeps that publish scheduled notices and send
reminders."""

from uuid import UUID

from backend.core.jobs import broker, community_of_keys
from backend.notices import service
from backend.notices.models import Notice


@community_of_keys("notice")  # fan-out, inbox and push jobs of a notice
async def notice_community(notice_id: UUID) -> UUID | None:
    return await Notice.filter(id=notice_id).first().values_list("community_id", flat=True)


@broker.task(task_name="notices.fan_out")
async def fan_out(*, key: str, notice_id: str) -> int:
    return await service.fan_out(UUID(notice_id))


@broker.task(task_name="notices.publish_due", schedule=[{"cron": "* * * * *"}])
async def publish_due() -> int:
    return await service.publish_due()


@broker.task(task_name="notices.send_reminders", schedule=[{"cron": "* * * * *"}])
async def send_reminders() -> int:
    return await service.send_reminders()
