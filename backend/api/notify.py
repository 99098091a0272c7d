"""The viewer's inbox."""

from datetime import datetime

import strawberry

from backend.api.pagination import PageInfo
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
