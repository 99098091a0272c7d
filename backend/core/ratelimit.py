"""Token-bucket rate limiter: an atomic Lua script in Redis, or a dict in the embedded default.
Redis down: ServiceUnavailable; each caller decides whether to refuse or carry on."""

import math
import time
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis

from backend.core.cache import CACHE_NAMESPACE, MemoryCache
from backend.core.unavailable import redis_needed


@dataclass(frozen=True)
class Decision:
    """Truthy when allowed; otherwise how long until the bucket holds the cost again."""

    allowed: bool
    retry_after: float = 0.0  # seconds
    marked: bool = False  # the marker key was set: refused without spending

    def __bool__(self) -> bool:
        return self.allowed

    @property
    def retry_after_header(self) -> str:
        """The whole seconds of a `Retry-After` header: rounded up, at least 1."""
        return str(max(1, math.ceil(self.retry_after)))


def _wait(tokens: float, cost: int, per_second: float) -> float:
    return max(0.0, cost - tokens) / per_second


class RateLimiter(Protocol):
    async def allow(self, key: str, *, capacity: int, per_second: float, cost: int = 1,
                    unless_cached: str | None = None) -> Decision:
        """Spend `cost` from bucket `key`. With `unless_cached` (a key of core.cache), refuse with
        `marked` instead, spending nothing, when that key is set: a check the caller would otherwise
        make in a round trip of its own (a revoked session) rides along."""
        ...


# KEYS[1] bucket, KEYS[2] the marker (may be ''); ARGV: capacity, refill per second, cost, now (s).
# Returns {1, 0, 0} when allowed, {0, milliseconds until the bucket holds the cost, 0} when not,
# {0, 0, 1} when the marker is set.
_BUCKET_LUA = """
if KEYS[2] ~= '' and redis.call('EXISTS', KEYS[2]) == 1 then
  return {0, 0, 1}
end
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local allowed, wait = 0, 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  wait = math.ceil((cost - tokens) / rate * 1000)
end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'at', now)
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 1)
return {allowed, wait, 0}
"""


class RedisRateLimiter:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self._prefix, self._cache_prefix = f"{prefix}rl:", f"{prefix}{CACHE_NAMESPACE}"
        self._script = redis.register_script(_BUCKET_LUA)

    async def allow(self, key: str, *, capacity: int, per_second: float, cost: int = 1,
                    unless_cached: str | None = None) -> Decision:
        marker = self._cache_prefix + unless_cached if unless_cached else ""
        with redis_needed():
            allowed, wait_ms, marked = await self._script(keys=[self._prefix + key, marker],
                                                          args=[capacity, per_second, cost, time.time()])
        return Decision(bool(allowed), int(wait_ms) / 1000, bool(marked))


class MemoryRateLimiter:
    MAX_BUCKETS = 100_000

    def __init__(self, cache: MemoryCache | None = None) -> None:
        self._buckets: dict[str, tuple[float, float]] = {}
        self._cache = cache

    async def allow(self, key: str, *, capacity: int, per_second: float, cost: int = 1,
                    unless_cached: str | None = None) -> Decision:
        if unless_cached and self._cache and await self._cache.get(unless_cached) is not None:
            return Decision(False, marked=True)
        now = time.monotonic()
        tokens, at = self._buckets.get(key, (float(capacity), now))
        tokens = min(capacity, tokens + (now - at) * per_second)
        allowed = tokens >= cost
        if allowed:
            tokens -= cost
        if len(self._buckets) >= self.MAX_BUCKETS and key not in self._buckets:
            self._buckets.clear()  # full buckets are the default state, so forgetting them is safe
        self._buckets[key] = (tokens, now)
        return Decision(allowed, 0.0 if allowed else _wait(tokens, cost, per_second))
