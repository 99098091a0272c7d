"""Points jobs: crediting participation events (urgent notices read, polls taken part in), and the
sweep that expires uncollected redemptions."""

from datetime import datetime
from uuid import UUID

from backend.core.jobs import broker
from backend.points import earning, redemptions
from backend.points.models import RuleKind


@broker.task(task_name=earning.TOPIC)
async def participation(*, key: str, kind: str, community_id: str, person_id: str, object_id: str, at: str) -> int:
    return await earning.award(key=key, kind=RuleKind(kind), community_id=UUID(community_id),
                               person_id=UUID(person_id), object_id=object_id, at=datetime.fromisoformat(at))


@broker.task(task_name="points.expire_redemptions", schedule=[{"cron": "*/5 * * * *"}])
async def expire_redemptions() -> int:
    return await redemptions.expire_due()
