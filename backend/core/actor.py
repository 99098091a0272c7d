"""Who is calling: the person, their session, and their roles per community."""

from dataclasses import dataclass, field
from uuid import UUID

from backend.core.errors import AuthenticationError


@dataclass(frozen=True)
class Actor:
    person_id: UUID | None = None
    session_id: UUID | None = None
    roles: dict[UUID, frozenset[str]] = field(default_factory=dict)  # community id -> role names

    @property
    def is_authenticated(self) -> bool:
        return self.person_id is not None

    def require_person(self) -> UUID:
        if self.person_id is None:
            raise AuthenticationError("sign in first")
        return self.person_id


ANONYMOUS = Actor()
