"""The process's infrastructure, built once from settings: Redis-backed or in-process."""

from dataclasses import dataclass

from redis.asyncio import BlockingConnectionPool, Redis

from backend.core.cache import Cache, MemoryCache, RedisCache
from backend.core.pubsub import MemoryPubSub, PubSub, RedisPubSub
from backend.core.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from backend.core.settings import Settings


@dataclass
class Runtime:
    cache: Cache
    pubsub: PubSub
    ratelimit: RateLimiter
    redis: Redis | None = None

    async def close(self) -> None:
        await self.pubsub.close()
        if self.redis is not None:
            await self.redis.aclose()


def build_runtime(settings: Settings) -> Runtime:
    if settings.redis_url:
        # A Redis that is down or unreachable fails fast, so requests that need it answer at once. More
        # requests at once than connections wait for one (the default pool refuses them, as if Redis were down).
        redis = Redis.from_pool(BlockingConnectionPool.from_url(settings.redis_url, max_connections=100, timeout=2,
                                                                socket_connect_timeout=2))
        prefix = settings.redis_prefix
        return Runtime(RedisCache(redis, prefix), RedisPubSub(redis, prefix), RedisRateLimiter(redis, prefix), redis)
    cache = MemoryCache()
    return Runtime(cache, MemoryPubSub(), MemoryRateLimiter(cache))


_current: Runtime | None = None


def runtime() -> Runtime:
    if _current is None:
        raise RuntimeError("runtime not started: call start_runtime() first")
    return _current


def start_runtime(settings: Settings) -> Runtime:
    global _current
    _current = build_runtime(settings)
    return _current
