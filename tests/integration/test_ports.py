"""The Redis implementations of the ports behave like the in-process ones."""

import asyncio

import pytest
from redis.asyncio import Redis

from backend.core.cache import MemoryCache, RedisCache
from backend.core.pubsub import MemoryPubSub, RedisPubSub
from backend.core.ratelimit import MemoryRateLimiter, RedisRateLimiter
from backend.core.settings import get_settings


@pytest.fixture
async def redis():
    client = Redis.from_url(get_settings().redis_url)
    yield client
    await client.aclose()


def prefix() -> str:
    return get_settings().redis_prefix + "ports:"


@pytest.mark.parametrize("kind", ["memory", "redis"])
async def test_cache_stores_and_forgets(redis, kind):
    cache = MemoryCache() if kind == "memory" else RedisCache(redis, prefix())
    await cache.set("a", "1", ttl_seconds=1)
    assert await cache.get("a") == "1"
    await cache.delete("a")
    assert await cache.get("a") is None


@pytest.mark.parametrize("kind", ["memory", "redis"])
async def test_pubsub_delivers_to_a_subscriber(redis, kind):
    pubsub = MemoryPubSub() if kind == "memory" else RedisPubSub(redis, prefix())
    stream = pubsub.subscribe("room")
    receiver = asyncio.ensure_future(anext(stream))
    for _ in range(100):  # publish until the subscription is live
        await pubsub.publish("room", "hello")
        done, _ = await asyncio.wait({receiver}, timeout=0.05)
        if done:
            break
    assert receiver.result() == "hello"
    await stream.aclose()


@pytest.mark.parametrize("kind", ["memory", "redis"])
async def test_rate_limiter_races_spend_the_budget_exactly(redis, kind):
    limiter = MemoryRateLimiter() if kind == "memory" else RedisRateLimiter(redis, prefix())
    results = await asyncio.gather(*(limiter.allow("race", capacity=10, per_second=0.001) for _ in range(30)))
    assert sum(bool(r) for r in results) == 10
    assert all(r.retry_after > 900 for r in results if not r)  # a token every 1,000 s


async def test_readyz_reports_a_redis_that_is_down(api):
    from backend.core import runtime as runtime_module

    healthy = runtime_module.runtime()
    assert (await api.http.get("/readyz")).json() == {"ready": True, "checks": {"database": "ok", "redis": "ok"}}
    down = runtime_module.build_runtime(get_settings().model_copy(update={"redis_url": "redis://127.0.0.1:1/0"}))
    runtime_module._current = down
    try:
        response = await api.http.get("/readyz")
    finally:
        runtime_module._current = healthy
        await down.close()
    assert response.status_code == 503
    assert response.json()["checks"]["redis"].startswith("down")
