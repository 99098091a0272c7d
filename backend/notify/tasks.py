"""Notification jobs, fed by the outbox."""

from uuid import UUID

from backend.core.jobs import broker, push_broker
from backend.notify import push
from backend.notify.service import deliver_to_inbox


@broker.task(task_name="notify.inbox")
async def notify_inbox(*, key: str, person_id: str, kind: str, title: str, body: str) -> None:
    await deliver_to_inbox(person_id=UUID(person_id), kind=kind, title=title, body=body, delivery_key=key)


@push_broker.task(task_name="notify.push")  # on its own queue: see core.jobs
async def notify_push(*, key: str, prefix: str, person_ids: list[str], kind: str, title: str, body: str,
                      page: str = "", urgent: bool = False) -> int:
    """Push one notification to a batch of people on every channel they can get it by. Raises (and is
    retried with backoff, then dead-lettered) while some delivery fails in a way worth retrying."""
    content = push.Content(kind=kind, title=title, body=body, page=page, urgent=urgent)
    return await push.push(prefix, [UUID(p) for p in person_ids], content)


@broker.task(task_name="notify.send_due", schedule=[{"cron": "* * * * *"}])
async def notify_send_due() -> int:
    """Send deferred deliveries (after quiet hours) and ones a dead worker or a failure left behind."""
    return await push.send_due()
