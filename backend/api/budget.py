"""The per-caller request budget: a token bucket per person (per client address when anonymous),
spent by GraphQL requests, uploads and exports alike. Over budget is a 429 with `Retry-After`."""

from uuid import UUID

import structlog
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse

from backend.core.actor import Actor
from backend.core.errors import ServiceUnavailable
from backend.core.ratelimit import Decision
from backend.core.runtime import runtime
from backend.core.settings import Settings

log = structlog.get_logger(__name__)
OVER_BUDGET = "请求过于频繁，请稍后再试"


def client_key(request: HTTPConnection, actor: Actor | None) -> str:
    """Whose budget a request spends: the person when known, else the client address."""
    if actor is not None and actor.person_id is not None:
        return person_key(actor.person_id)
    return f"ip:{request.client.host if request.client else 'unknown'}"


def person_key(person_id: UUID) -> str:
    return f"person:{person_id}"


class OverBudget(Exception):
    def __init__(self, decision: Decision) -> None:
        super().__init__(OVER_BUDGET)
        self.decision = decision


async def spend(settings: Settings, key: str, cost: int, *, unless_cached: str | None = None) -> bool | None:
    """Takes `cost` from the caller's bucket, or raises OverBudget (with the wait) when it holds less.
    With `unless_cached` (see RateLimiter.allow) answers whether that key is set (then nothing is
    spent), in the same Redis round trip; None while Redis is down."""
    try:
        decision = await runtime().ratelimit.allow(key, capacity=settings.rate_burst,
                                                   per_second=settings.rate_per_second, cost=cost,
                                                   unless_cached=unless_cached)
    except ServiceUnavailable:
        # Fail open: while Redis is down the budget cannot be counted, and refusing everyone would
        # turn a cache outage into a full one. The per-request limits still hold.
        log.warning("ratelimit.unavailable", client=key)
        return None
    if decision.marked:
        return True
    if not decision:
        raise OverBudget(decision)
    return False


def too_many(decision: Decision) -> JSONResponse:
    """The answer of /uploads and /exports over budget, in their `{errors: [...]}` shape."""
    body = {"errors": [{"code": "RATE_LIMITED", "field": None, "message": OVER_BUDGET}]}
    return JSONResponse(body, status_code=429, headers={"retry-after": decision.retry_after_header})
