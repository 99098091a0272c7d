"""Redis down. The Redis ports turn its connection errors into ServiceUnavailable, which the API
answers as a GraphQL error with code SERVICE_UNAVAILABLE and the request id, never a plain 500.
A caller that can do without Redis catches it and carries on (see README, "Redis down")."""

from collections.abc import Iterator
from contextlib import contextmanager

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from backend.core.errors import ServiceUnavailable

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


@contextmanager
def redis_needed() -> Iterator[None]:
    try:
        yield
    except REDIS_DOWN as exc:
        raise ServiceUnavailable("redis") from exc
