"""Per-request context: who is calling, authenticated lazily so a bad token is an error only where
a resolver actually needs the caller."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from starlette.requests import HTTPConnection
from strawberry.dataloader import DataLoader

from backend.accounts.service import SpendChecking, authenticate
from backend.api.budget import client_key
from backend.core.actor import ANONYMOUS, Actor
from backend.core.errors import AuthenticationError, DomainError


@dataclass
class Context:
    request: HTTPConnection
    response: object = None
    token: str | None = None
    proxy_principal: str | None = None  # the person id the client asks to act for (x-acting-for)
    _actor: Actor | None = None
    _auth_error: AuthenticationError | DomainError | None = None
    connection_params: dict = field(default_factory=dict)
    _loaders: dict[str, DataLoader] = field(default_factory=dict)

    def loader(self, name: str, load: Callable[[list], Awaitable[list]]) -> DataLoader:
        """This request's loader `name`: the keys asked for by every row are loaded in one call of
        `load` (a batch of ids -> one value, or an exception, per id), never one query per row.
        Nothing is cached: a websocket's context lives longer than one answer."""
        if name not in self._loaders:
            self._loaders[name] = DataLoader(load_fn=load, cache=False)
        return self._loaders[name]

    async def authenticate(self, spend: SpendChecking | None = None) -> None:
        if self.token is None:
            self._actor = ANONYMOUS
            return
        try:
            self._actor = await authenticate(self.token, self.proxy_principal,
                                             identities=self.request.app.state.identities, spend=spend)
        except (AuthenticationError, DomainError) as error:
            self._auth_error = error

    @property
    def auth_failed(self) -> bool:
        return self._auth_error is not None

    @property
    def actor(self) -> Actor:
        """The caller; raises UNAUTHENTICATED when a token was sent but is expired, forged or revoked."""
        if self._auth_error is not None:
            raise self._auth_error
        return self._actor or ANONYMOUS

    @property
    def client_key(self) -> str:
        return client_key(self.request, self._actor)


def bearer_token(value: str | None) -> str | None:
    if value and value.lower().startswith("bearer "):
        return value[7:].strip() or None
    return None
