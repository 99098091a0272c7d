"""Cache with TTL: Redis when configured, a dict in the embedded default. Redis down:
ServiceUnavailable."""

import time
from typing import Protocol

from redis.asyncio import Redis

from backend.core.unavailable import redis_needed

CACHE_NAMESPACE = "cache:"  # after the Redis prefix


class Cache(Protocol):
    async def get(self, key: str) -> str | None: ...
    async def set(self, key: str, value: str, ttl_seconds: int) -> None: ...
    async def delete(self, key: str) -> None: ...
    async def add(self, key: str, value: str, ttl_seconds: int) -> bool:
        """Set only when absent (a lock); True when this call set it."""
        ...


class RedisCache:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis, self._prefix = redis, f"{prefix}{CACHE_NAMESPACE}"

    async def get(self, key: str) -> str | None:
        with redis_needed():
            value = await self._redis.get(self._prefix + key)
        return value.decode() if value is not None else None

    async def set(self, key: str, value: str, ttl_seconds: int) -> None:
        with redis_needed():
            await self._redis.set(self._prefix + key, value, ex=ttl_seconds)

    async def delete(self, key: str) -> None:
        with redis_needed():
            await self._redis.delete(self._prefix + key)

    async def add(self, key: str, value: str, ttl_seconds: int) -> bool:
        with redis_needed():
            return bool(await self._redis.set(self._prefix + key, value, ex=ttl_seconds, nx=True))


class MemoryCache:
    MAX_ENTRIES = 100_000  # a bound, so a flood of keys cannot exhaust memory

    def __init__(self) -> None:
        self._items: dict[str, tuple[float, str]] = {}

    async def get(self, key: str) -> str | None:
        item = self._items.get(key)
        if item is None:
            return None
        expires, value = item
        if expires <= time.monotonic():
            del self._items[key]
            return None
        return value

    async def set(self, key: str, value: str, ttl_seconds: int) -> None:
        if len(self._items) >= self.MAX_ENTRIES:
            self._evict_expired() or self._items.pop(next(iter(self._items)))
        self._items[key] = (time.monotonic() + ttl_seconds, value)

    async def delete(self, key: str) -> None:
        self._items.pop(key, None)

    async def add(self, key: str, value: str, ttl_seconds: int) -> bool:
        if await self.get(key) is not None:
            return False
        await self.set(key, value, ttl_seconds)
        return True

    def _evict_expired(self) -> int:
        now = time.monotonic()
        expired = [k for k, (expires, _) in self._items.items() if expires <= now]
        for key in expired:
            del self._items[key]
        return len(expired)
