"""Sign-in and session mutations."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from backend.accounts import service
from backend.api.errors import UserError, attempt


@strawberry.type(description="A fresh access token (15 minutes) and the refresh token that renews it once.")
class AuthTokens:
    access_token: str
    refresh_token: str
    access_expires_at: datetime

    @classmethod
    def of(cls, tokens: service.Tokens | None) -> "AuthTokens | None":
        if tokens is None:
            return None
        return cls(
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            access_expires_at=tokens.access_expires_at,
        )


@strawberry.type
class AuthPayload:
    tokens: AuthTokens | None
    errors: list[UserError]


@strawberry.type
class LogoutPayload:
    ok: bool
    errors: list[UserError]


def user_agent(info: Info) -> str:
    return info.context.request.headers.get("user-agent", "")


@strawberry.type
class AccountMutations:
    @strawberry.mutation(description="Staff sign-in with username and password. Throttled per username and "
                         "address and per address (RATE_LIMITED), never locked.")
    async def auth_password_login(self, info: Info, username: str, password: str) -> AuthPayload:
        request = info.context.request
        tokens, errors = await attempt(service.login_with_password(
            username=username, password=password, user_agent=user_agent(info),
            address=request.client.host if request.client else "unknown",
        ))
        return AuthPayload(tokens=AuthTokens.of(tokens), errors=errors)

    @strawberry.mutation(description="Sign in as a seeded demo person. Development only; refused in prod.")
    async def auth_demo_login(self, info: Info, handle: str) -> AuthPayload:
        tokens, errors = await attempt(service.login_demo(handle=handle, user_agent=user_agent(info)))
        return AuthPayload(tokens=AuthTokens.of(tokens), errors=errors)

    @strawberry.mutation(
        description="Trade a refresh token for new tokens. A refresh token works once: presenting it "
        "again signs the whole session out (it was copied)."
    )
    async def auth_token_refresh(self, refresh_token: str) -> AuthPayload:
        tokens, errors = await attempt(service.refresh_tokens(refresh_token=refresh_token))
        return AuthPayload(tokens=AuthTokens.of(tokens), errors=errors)

    @strawberry.mutation(description="Sign out the session this refresh token belongs to.")
    async def auth_logout(self, refresh_token: str) -> LogoutPayload:
        _, errors = await attempt(service.logout(refresh_token=refresh_token))
        return LogoutPayload(ok=not errors, errors=errors)
