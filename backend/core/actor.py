"""Who is calling: the person, their session, their roles per community, and, when they act as a
proxy (代办), for whom and in what."""

from dataclasses import dataclass, field
from enum import StrEnum
from uuid import UUID

from backend.core.errors import AuthenticationError, DomainError, ErrorCode


class ProxyScope(StrEnum):
    """What a proxy may do for their principal; every domain asks for its own."""

    VOTE = "VOTE"
    ORDER = "ORDER"
    CASE = "CASE"
    TIMEBANK = "TIMEBANK"
    REGISTRY = "REGISTRY"  # residence applications and household matters


@dataclass(frozen=True)
class Actor:
    person_id: UUID | None = None
    session_id: UUID | None = None
    roles: dict[UUID, frozenset[str]] = field(default_factory=dict)  # community id -> role names
    acting_for: UUID | None = None
    proxy_scopes: frozenset[str] = frozenset()

    @property
    def is_authenticated(self) -> bool:
        return self.person_id is not None

    def require_person(self) -> UUID:
        if self.person_id is None:
            raise AuthenticationError("sign in first")
        return self.person_id

    def subject(self, scope: str) -> UUID:
        """The person a resident action is for: the principal when acting as their proxy (within
        the proxy's scopes), otherwise the caller."""
        person_id = self.require_person()
        if self.acting_for is None:
            return person_id
        if scope not in self.proxy_scopes:
            raise DomainError(ErrorCode.FORBIDDEN, "代办授权不包含此事项")
        return self.acting_for


ANONYMOUS = Actor()
