"""What a compiled document is, and the SQL and variable checks the plans share."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from uuid import UUID

from backend.api.context import Context
from backend.core.errors import AuthenticationError, DomainError
from backend.core.limits import MAX_PAGE_SIZE
from backend.core.pagination import decode_cursor, encode_cursor


@dataclass(frozen=True)
class Plan:
    name: str  # the operation name
    document: str  # the trusted document's text, exactly as in persisted.json
    sql: str  # one statement returning the response's `data` as JSON text
    params: Callable[[Context, dict], list | None]  # None: not covered, take the general path


@dataclass(frozen=True)
class Direct:
    """A mutation answered by its service call in Python, without strawberry."""

    name: str
    document: str
    answer: Callable[[Context, dict], Awaitable[str | None]]  # the `data` JSON; None: take the general path


def subject(context: Context, scope: str) -> UUID | None:
    """actor.subject(scope), or None where the general path would answer with an error."""
    if context.auth_failed:
        return None
    try:
        return context.actor.subject(scope)
    except (AuthenticationError, DomainError):
        return None


def page_size(variables: dict) -> int | None:
    first = variables.get("first")
    return first if type(first) is int and 1 <= first <= MAX_PAGE_SIZE else None


NO_CURSOR = object()


def cursor(variables: dict) -> UUID | None | object:
    """The `after` cursor's id, None without one, NO_CURSOR when it is not one encode_cursor
    wrote (forged, padded, not a string): the general path decides those."""
    after = variables.get("after")
    if after is None:
        return None
    if not isinstance(after, str):
        return NO_CURSOR
    try:
        decoded = decode_cursor(after)
    except DomainError:
        return NO_CURSOR
    return decoded if encode_cursor(decoded) == after else NO_CURSOR


def only(variables: dict, *names: str) -> bool:
    return set(variables) <= set(names)


def iso(column: str) -> str:
    """A timestamptz as strawberry prints a UTC datetime (datetime.isoformat: no fraction when
    the microseconds are zero)."""
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (f"CASE WHEN {column} IS NULL THEN NULL ELSE to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || "
            f"CASE WHEN date_part('microseconds', {utc})::int % 1000000 = 0 THEN '' "
            f"ELSE to_char({utc}, '.US') END || '+00:00' END")


def cursor_of(column: str) -> str:
    """core.pagination.encode_cursor in SQL: url-safe base64 of the uuid's bytes, unpadded."""
    return f"rtrim(translate(encode(uuid_send({column}), 'base64'), '+/', '-_'), '=')"
