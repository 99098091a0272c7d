"""Cursor pagination over UUIDv7 ids (which sort by creation time). `first` is capped at MAX_PAGE;
a page's total is counted only when asked for, and only up to TOTAL_COUNT_CAP."""

import base64
import binascii
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar
from uuid import UUID

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from backend.core.errors import DomainError, ErrorCode
from backend.core.limits import MAX_PAGE_SIZE, TOTAL_COUNT_CAP

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    has_next_page: bool
    end_cursor: str | None
    # Counts every row the list holds (all pages), up to TOTAL_COUNT_CAP; None for lists without a total.
    count: Callable[[], Awaitable[int]] | None = None


async def count_capped(query: QuerySet) -> int:
    """How many rows `query` holds, counting no further than TOTAL_COUNT_CAP: a count of a large
    table reads every row, so a total of TOTAL_COUNT_CAP means "at least that many"."""
    # tortoise's count() drops LIMIT from the SQL, so the limited query is counted from outside.
    capped = query.limit(TOTAL_COUNT_CAP).values_list("id", flat=True)
    capped._choose_db_if_not_chosen()
    capped._make_query()
    sql, params = capped.query.get_parameterized_sql()
    # The inner statement is the ORM's own, its values bound as parameters.
    _, rows = await capped._db.execute_query(f"SELECT COUNT(*) AS n FROM ({sql}) AS capped", params)  # noqa: S608
    return rows[0]["n"]


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
    counted = query
    if after is not None:
        cursor = decode_cursor(after)
        query = query.filter(id__lt=cursor) if newest_first else query.filter(id__gt=cursor)
    rows = await query.order_by("-id" if newest_first else "id").limit(first + 1)
    items = rows[:first]
    return Page(items, len(rows) > first, encode_cursor(items[-1].id) if items else None,
                lambda: count_capped(counted))


def _value_at(row, key: str):
    """`room__unit__name` of a row, through the rows select_related loaded."""
    for part in key.split("__"):
        row = getattr(row, part)
    return row


def _from_cursor(query: QuerySet, key: str, value):
    """A cursor's value of a column of the list's own model as the column holds it (a time, written
    into the cursor as text, must be a datetime again to be compared); other keys as they are."""
    field = query.model._meta.fields_map.get(key)
    if field is None or value is None:
        return value
    try:
        return field.to_python_value(value)
    except (TypeError, ValueError) as exc:
        raise DomainError(ErrorCode.INVALID_INPUT, "无效的分页游标", field="after") from exc


async def paginate_by(query: QuerySet, keys: tuple[str, ...], *, first: int, after: str | None,
                      descending: bool = False) -> Page:
    """Like paginate, in the order staff read a list (`keys`, ascending, e.g. building, unit, room;
    the id breaks ties; all of them descending when asked, e.g. latest activity first): the cursor
    holds the last row's values of every key."""
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise DomainError(ErrorCode.INVALID_INPUT, f"每页条数须在 1 到 {MAX_PAGE_SIZE} 之间", field="first")
    keys = (*keys, "id")
    counted = query
    if after is not None:
        try:
            values = json.loads(base64.urlsafe_b64decode(after + "=" * (-len(after) % 4)))
        except (binascii.Error, ValueError) as exc:
            raise DomainError(ErrorCode.INVALID_INPUT, "无效的分页游标", field="after") from exc
        if not isinstance(values, list) or len(values) != len(keys):
            raise DomainError(ErrorCode.INVALID_INPUT, "无效的分页游标", field="after")
        values = [_from_cursor(query, key, value) for key, value in zip(keys, values, strict=True)]
        # After the cursor's row: a greater first key, or the same first key and a greater second, ...
        beyond = "lt" if descending else "gt"
        query = query.filter(Q(*(Q(**dict(zip(keys[:i], values[:i], strict=True)), **{f"{key}__{beyond}": values[i]})
                                 for i, key in enumerate(keys)), join_type="OR"))
    rows = await query.order_by(*(f"-{key}" if descending else key for key in keys)).limit(first + 1)
    items = rows[:first]
    cursor = None
    if items:
        last = [_value_at(items[-1], key) for key in keys]
        cursor = base64.urlsafe_b64encode(json.dumps(last, default=str).encode()).decode().rstrip("=")
    return Page(items, len(rows) > first, cursor, lambda: count_capped(counted))
