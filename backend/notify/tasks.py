"""Notification jobs, fed by the outbox."""

from uuid import UUID

from backend.core.jobs import broker
from backend.notify.service import deliver_to_inbox


@broker.task(task_name="notify.inbox")
async def notify_inbox(*, key: str, person_id: str, kind: str, title: str, body: str) -> None:
    await deliver_to_inbox(person_id=UUID(person_id), kind=kind, title=title, body=body, delivery_key=key)
