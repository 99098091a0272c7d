import uuid

import pytest

from backend.core.errors import DomainError
from backend.core.ids import uuid7
from backend.core.pagination import decode_cursor, encode_cursor
from backend.core.ratelimit import MemoryRateLimiter


def test_uuid7_is_version_7_and_sorts_by_time():
    ids = [uuid7() for _ in range(1000)]
    assert all(i.version == 7 for i in ids)
    assert [i.bytes[:6] for i in ids] == sorted(i.bytes[:6] for i in ids)


def test_cursor_round_trip_and_garbage():
    item = uuid.uuid4()
    assert decode_cursor(encode_cursor(item)) == item
    with pytest.raises(DomainError):
        decode_cursor("!!!")


async def test_token_bucket_allows_a_burst_then_refuses():
    limiter = MemoryRateLimiter()
    results = [await limiter.allow("k", capacity=3, per_second=0.001) for _ in range(5)]
    assert [bool(r) for r in results] == [True, True, True, False, False]
    # A token every 1,000 s: the refused are told to wait (almost) that long, in whole seconds.
    assert 990 < results[-1].retry_after <= 1000 and results[-1].retry_after_header == "1000"
    assert results[0].retry_after == 0
    assert await limiter.allow("other", capacity=3, per_second=0.001)
