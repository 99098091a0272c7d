"""The viewer's inbox."""

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry
from strawberry.types import Info

from backend.api.errors import attempt
from backend.api.ids import parse_uuid
from backend.api.pagination import PageInfo
from backend.api.people import OkPayload
from backend.notify import service as notify_service
from backend.notify.models import InboxMessage as InboxMessageModel


@strawberry.type
class InboxMessage:
    id: strawberry.ID
    kind: str
    title: str
    body: str
    created_at: datetime
    read_at: datetime | None

    @classmethod
    def of(cls, row: InboxMessageModel) -> "InboxMessage":
        return cls(
            id=strawberry.ID(str(row.id)), kind=row.kind, title=row.title, body=row.body,
            created_at=row.created_at, read_at=row.read_at,
        )


@strawberry.type
class InboxConnection:
    nodes: list[InboxMessage]
    page_info: PageInfo


@strawberry.type
class NotifySubscriptions:
    @strawberry.subscription(description="My inbox messages as they arrive. Sign in through connection_init.")
    async def inbox_message_added(self, info: Info) -> AsyncGenerator[InboxMessage, None]:
        async for message in notify_service.watch_inbox(info.context.actor):
            yield InboxMessage.of(message)


@strawberry.type
class NotifyMutations:
    @strawberry.mutation(description="Mark one of my inbox messages read.")
    async def inbox_message_read(self, info: Info, id: strawberry.ID) -> OkPayload:
        _, errors = await attempt(notify_service.mark_inbox_read(info.context.actor, message_id=parse_uuid(id)))
        return OkPayload.of(errors)
