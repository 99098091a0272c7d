"""Points jobs: crediting participation events, the poll-close fan-out, and the sweep that expires
uncollected redemptions."""

from datetime import datetime
from uuid import UUID

from backend.core.jobs import broker
from backend.points import earning, redemptions
from backend.points.models import RuleKind
from backend.voting.models import BallotChannel, BallotParticipation, Poll


@broker.task(task_name=earning.TOPIC)
async def participation(*, key: str, kind: str, community_id: str, person_id: str, object_id: str, at: str) -> int:
    return await earning.award(key=key, kind=RuleKind(kind), community_id=UUID(community_id),
                               person_id=UUID(person_id), object_id=object_id, at=datetime.fromisoformat(at))


@broker.task(task_name=earning.POLL_TOPIC)
async def poll_closed(*, key: str, poll_id: str, at: str) -> int:
    """Everyone who cast their own ballot online earns the POLL_VOTED points (ballots entered by
    staff or a proxy do not say who took part in person). Each award is keyed by poll and person, so
    a redelivered job credits nobody twice."""
    poll = await Poll.get(id=UUID(poll_id))
    voters = await BallotParticipation.filter(poll_id=poll.id, channel=BallotChannel.ONLINE) \
        .distinct().values_list("cast_by_id", flat=True)
    total = 0
    for person_id in sorted(set(voters)):
        total += await earning.award(key=f"points:poll:{poll.id}:{person_id}", kind=RuleKind.POLL_VOTED,
                                     community_id=poll.community_id, person_id=person_id, object_id=str(poll.id),
                                     at=datetime.fromisoformat(at))
    return total


@broker.task(task_name="points.expire_redemptions", schedule=[{"cron": "*/5 * * * *"}])
async def expire_redemptions() -> int:
    return await redemptions.expire_due()
