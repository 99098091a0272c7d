"""Voting sweeps: open scheduled polls, close them at their deadline, remind who has not voted, seal the
ballots into the log; and the seal right after a poll closes."""

from uuid import UUID

from backend.core.jobs import broker, community_of_keys
from backend.voting import sealing, service
from backend.voting.models import Poll


@community_of_keys("poll")  # the "closing soon" inbox and push jobs of a poll
async def poll_community(poll_id: UUID) -> UUID | None:
    return await Poll.filter(id=poll_id).first().values_list("community_id", flat=True)


@broker.task(task_name="voting.open_due", schedule=[{"cron": "* * * * *"}])
async def open_due() -> int:
    return await service.open_due()


@broker.task(task_name="voting.close_due", schedule=[{"cron": "* * * * *"}])
async def close_due() -> int:
    return await service.close_due()


@broker.task(task_name="voting.remind_due", schedule=[{"cron": "* * * * *"}])
async def remind_due() -> int:
    return await service.remind_due()


@broker.task(task_name="voting.seal_due", schedule=[{"cron": "* * * * *"}])
async def seal_due() -> int:
    return await sealing.seal_due()


@broker.task(task_name="voting.seal")
async def seal(*, key: str, poll_id: str) -> bool:
    return await sealing.seal_poll(UUID(poll_id)) is not None
