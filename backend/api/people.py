"""Small types shared across the schema."""

import strawberry

from backend.api.errors import UserError
from backend.people.models import Person


@strawberry.type(description="A person as others see them: a name, nothing personal.")
class PersonBrief:
    id: strawberry.ID
    display_name: str

    @classmethod
    def of(cls, person: Person) -> "PersonBrief":
        return cls(id=strawberry.ID(str(person.id)), display_name=person.display_name)


@strawberry.type
class OkPayload:
    ok: bool
    errors: list[UserError]

    @classmethod
    def of(cls, errors: list[UserError]) -> "OkPayload":
        return cls(ok=not errors, errors=errors)
