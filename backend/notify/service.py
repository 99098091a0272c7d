"""Delivering notifications. This issue's channel is the in-app inbox; others join it later."""

from collections.abc import AsyncIterator
from uuid import UUID

from tortoise.exceptions import IntegrityError

from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate
from backend.core.runtime import runtime
from backend.notify.models import InboxMessage


async def deliver_to_inbox(*, person_id: UUID, kind: str, title: str, body: str, delivery_key: str) -> bool:
    """Write the inbox row once per delivery key; returns False when it was already delivered."""
    if await InboxMessage.filter(delivery_key=delivery_key).exists():
        return False
    try:
        message = await InboxMessage.create(
            person_id=person_id, kind=kind, title=title, body=body, delivery_key=delivery_key
        )
    except IntegrityError:  # a concurrent retry won the race: still exactly one row
        return False
    # Live subscribers hear of it through pub/sub, on whichever API instance they are connected to.
    await runtime().pubsub.publish(inbox_channel(person_id), str(message.id))
    return True


def inbox_channel(person_id: UUID) -> str:
    return f"inbox:{person_id}"


async def watch_inbox(actor: Actor) -> AsyncIterator[InboxMessage]:
    """New inbox messages of the signed-in person, as they are delivered."""
    person_id = actor.require_person()
    async for message_id in runtime().pubsub.subscribe(inbox_channel(person_id)):
        message = await InboxMessage.filter(id=message_id, person_id=person_id).first()
        if message is not None:
            yield message


async def list_inbox(actor: Actor, *, first: int, after: str | None) -> Page[InboxMessage]:
    """My inbox (or, acting as a proxy, my principal's), newest first."""
    person_id = actor.acting_for or actor.require_person()
    return await paginate(InboxMessage.filter(person_id=person_id), first=first, after=after, newest_first=True)


async def mark_inbox_read(actor: Actor, *, message_id: UUID) -> None:
    person_id = actor.acting_for or actor.require_person()
    updated = await InboxMessage.filter(id=message_id, person_id=person_id, read_at=None).update(read_at=clock.now())
    if not updated and not await InboxMessage.filter(id=message_id, person_id=person_id).exists():
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该消息")
