"""The lottery's pure draw (anyone re-runs it from the seed and the entry ids) and the phone masking
of market messages."""

import hashlib
import uuid

import pytest

from backend.market.chat import masked
from backend.market.lottery import ranking, winner_of


def test_the_winner_is_the_entry_with_the_smallest_sha256_of_seed_and_id():
    seed = "ab" * 32
    ids = [str(uuid.uuid4()) for _ in range(20)]
    expected = min(ids, key=lambda i: hashlib.sha256(f"{seed}{i}".encode()).hexdigest())
    assert winner_of(seed, ids) == expected
    assert winner_of(seed, reversed(ids)) == expected  # the order given does not matter
    assert winner_of(seed, [uuid.UUID(i) for i in ids]) == expected  # nor ids as UUIDs
    assert ranking(seed, ids)[0] == expected and sorted(ranking(seed, ids)) == sorted(ids)
    assert winner_of(seed, []) is None


@pytest.mark.parametrize(("body", "shown"), [
    ("电话13812345678", "电话[手机号已隐藏]"),
    ("138 1234 5678 或 138-1234-5678", "[手机号已隐藏] 或 [手机号已隐藏]"),
    ("+86 13912345678，86-139-1234-5678", "[手机号已隐藏]，[手机号已隐藏]"),
    ("订单号 1381234567890", "订单号 1381234567890"),  # 13 digits: not a phone
    ("12345678901", "12345678901"),  # 12…: no mobile starts so
    ("价格 120 元，3 栋 1201", "价格 120 元，3 栋 1201"),
])
def test_phone_numbers_in_messages_are_hidden(body, shown):
    assert masked(body) == shown
