"""Who is calling: the person, their session, their roles per community, and, when they act as a
proxy (代办), for whom and in what.

Whom a service acts for is asked of `subject(scope)` and nothing else, so every proxied action passes
the proxy's scope check. The principal is private; `principal_on_record` exposes it only for the
audit record and the "acting as" display (tests/unit/test_acting_for_rule.py keeps it that way).
"""

from dataclasses import dataclass, field, replace
from enum import StrEnum
from uuid import UUID

from backend.core.errors import AuthenticationError, DomainError, ErrorCode


class ProxyScope(StrEnum):
    """What a proxy may do for their principal; every domain asks for its own."""

    VOTE = "VOTE"
    ORDER = "ORDER"
    CASE = "CASE"
    DELIBERATION = "DELIBERATION"  # propose, support and comment in the 议事厅
    TIMEBANK = "TIMEBANK"
    MARKET = "MARKET"  # the flea market: publish, reserve, message, hand over and rate for the principal
    REGISTRY = "REGISTRY"  # residence applications and household matters
    NOTICE = "NOTICE"  # read and acknowledge notices, the feed, the unread count, the inbox
    SETTINGS = "SETTINGS"  # notification channels and quiet hours


@dataclass(frozen=True)
class Actor:
    person_id: UUID | None = None
    session_id: UUID | None = None
    roles: dict[UUID, frozenset[str]] = field(default_factory=dict)  # community id -> role names
    _acting_for: UUID | None = None
    proxy_scopes: frozenset[str] = frozenset()

    @property
    def is_authenticated(self) -> bool:
        return self.person_id is not None

    @property
    def is_proxy(self) -> bool:
        return self._acting_for is not None

    @property
    def principal_on_record(self) -> UUID | None:
        """For whom a proxy acts, for the audit log and the "acting as" banner only."""
        return self._acting_for

    def acting_as_proxy(self, principal_id: UUID, scopes: frozenset[str]) -> "Actor":
        return replace(self, _acting_for=principal_id, proxy_scopes=scopes)

    def require_person(self) -> UUID:
        if self.person_id is None:
            raise AuthenticationError("sign in first")
        return self.person_id

    def require_self(self, message: str) -> UUID:
        """The caller, for what only they may do in person (erase their data, grant a proxy)."""
        person_id = self.require_person()
        if self._acting_for is not None:
            raise DomainError(ErrorCode.FORBIDDEN, message)
        return person_id

    def subject(self, scope: str) -> UUID:
        """The person a resident action is for: the principal when acting as their proxy (within
        the proxy's scopes), otherwise the caller."""
        person_id = self.require_person()
        if self._acting_for is None:
            return person_id
        if scope not in self.proxy_scopes:
            raise DomainError(ErrorCode.FORBIDDEN, "代办授权不包含此事项")
        return self._acting_for


ANONYMOUS = Actor()
