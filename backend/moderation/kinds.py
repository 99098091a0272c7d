"""What can be reported: each kind of content registers how to read a target and how to hide it.

Adding a kind (the market's LISTING) is one call, at start-up in backend/moderation/wiring.py:

    kinds.register("LISTING", resolve=listing_target, set_hidden=set_listing_hidden)

`resolve(target_id)` returns the target's `Target` (or None when there is none); `set_hidden(tx,
target_id, hidden)` hides or shows it in the caller's transaction. The owning domain never imports
moderation; only the wiring imports both.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from uuid import UUID

from backend.core.errors import DomainError, ErrorCode


@dataclass(frozen=True)
class Target:
    community_id: UUID
    author_id: UUID
    text: str  # what is snapshotted as the original at the first report


@dataclass(frozen=True)
class Kind:
    name: str
    resolve: Callable[[UUID], Awaitable[Target | None]]
    set_hidden: Callable[[object, UUID, bool], Awaitable[None]]


_KINDS: dict[str, Kind] = {}


def register(kind: str, resolve: Callable[[UUID], Awaitable[Target | None]],
             set_hidden: Callable[[object, UUID, bool], Awaitable[None]]) -> None:
    if kind in _KINDS and _KINDS[kind] != Kind(kind, resolve, set_hidden):
        raise ValueError(f"moderation kind {kind} registered twice")
    _KINDS[kind] = Kind(kind, resolve, set_hidden)


def kind_of(name: str) -> Kind:
    found = _KINDS.get(name)
    if found is None:
        raise DomainError(ErrorCode.INVALID_INPUT, "不支持举报该类内容", field="kind")
    return found
