"""UserError and the one ErrorCode enum every mutation payload uses (DESIGN §6 Errors)."""

from collections.abc import Awaitable
from typing import TypeVar

import strawberry

from backend.core.errors import DomainError
from backend.core.errors import ErrorCode as DomainErrorCode

T = TypeVar("T")

ErrorCode = strawberry.enum(DomainErrorCode, name="ErrorCode", description="Why a mutation did not happen.")


@strawberry.type(description="A problem with the request that the user can fix; nothing was changed.")
class UserError:
    code: ErrorCode
    field: str | None = strawberry.field(description="The input field at fault, when there is one.")
    message: str = strawberry.field(description="Localized, ready to show.")


async def attempt(call: Awaitable[T]) -> tuple[T | None, list[UserError]]:
    """Run a service call; a DomainError becomes the payload's errors (the service changed nothing)."""
    try:
        return await call, []
    except DomainError as error:
        return None, [UserError(code=error.code, field=error.field, message=error.message)]
