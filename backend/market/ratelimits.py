"""The market's per-person rate limits (core.ratelimit): new listings and messages. Open while Redis
is down: a burst of posts or messages is a nuisance, not a danger, and the daily publication limit
in the database still holds."""

from uuid import UUID

import structlog

from backend.core.errors import DomainError, ErrorCode, ServiceUnavailable
from backend.core.runtime import runtime

log = structlog.get_logger(__name__)

NEW_LISTINGS = (20, 3600)  # at most 20 new listings a person an hour: a burst of posting is a bot's
MESSAGES = (30, 60)  # at most 30 messages a person a minute


async def check(kind: str, me: UUID, limit: tuple[int, int], message: str, field: str) -> None:
    """Refuse with `message` (RATE_LIMITED, `field`) when `me` has used up `limit` (capacity, seconds)
    of `kind`."""
    capacity, seconds = limit
    try:
        allowed = await runtime().ratelimit.allow(f"market:{kind}:{me}", capacity=capacity,
                                                  per_second=capacity / seconds)
    except ServiceUnavailable:
        log.warning("market.ratelimit_unavailable", person=str(me), kind=kind)
        return
    if not allowed:
        raise DomainError(ErrorCode.RATE_LIMITED, message, field=field)
