"""Cursor pagination over UUIDv7 ids (which sort by creation time). `first` is capped at MAX_PAGE."""

import base64
import binascii
from dataclasses import dataclass
from typing import Generic, TypeVar
from uuid import UUID

from tortoise.queryset import QuerySet

from backend.core.errors import DomainError, ErrorCode
from backend.core.limits import MAX_PAGE_SIZE

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    has_next_page: bool
    end_cursor: str | None


def encode_cursor(item_id: UUID) -> str:
    return base64.urlsafe_b64encode(item_id.bytes).decode().rstrip("=")


def decode_cursor(cursor: str) -> UUID:
    try:
        return UUID(bytes=base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise DomainError(ErrorCode.INVALID_INPUT, "无效的分页游标", field="after") from exc


async def paginate(query: QuerySet, *, first: int, after: str | None, newest_first: bool = False) -> Page:
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise DomainError(ErrorCode.INVALID_INPUT, f"每页条数须在 1 到 {MAX_PAGE_SIZE} 之间", field="first")
    if after is not None:
        cursor = decode_cursor(after)
        query = query.filter(id__lt=cursor) if newest_first else query.filter(id__gt=cursor)
    rows = await query.order_by("-id" if newest_first else "id").limit(first + 1)
    items = rows[:first]
    return Page(items, len(rows) > first, encode_cursor(items[-1].id) if items else None)
