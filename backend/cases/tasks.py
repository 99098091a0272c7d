"""Case jobs: the SLA sweep (reminders and escalation) and auto-confirmation, every minute."""

from uuid import UUID

from backend.cases import sla
from backend.cases.models import Case
from backend.core.jobs import broker, community_of_keys


@community_of_keys("case")  # inbox and push jobs of a case
async def case_community(case_id: UUID) -> UUID | None:
    return await Case.filter(id=case_id).first().values_list("community_id", flat=True)


@broker.task(task_name="cases.sweep_deadlines", schedule=[{"cron": "* * * * *"}])
async def sweep_deadlines() -> int:
    return await sla.sweep_deadlines()


@broker.task(task_name="cases.auto_confirm", schedule=[{"cron": "*/10 * * * *"}])
async def auto_confirm() -> int:
    return await sla.auto_confirm()
