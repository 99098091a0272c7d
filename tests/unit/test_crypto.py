from backend.core import crypto


def test_encryption_round_trips_and_hides_the_value():
    sealed = crypto.encrypt("13912345678")
    assert "13912345678" not in sealed
    assert crypto.decrypt(sealed) == "13912345678"
    assert crypto.encrypt("13912345678") != sealed  # a fresh nonce every time


def test_phone_mask_keeps_only_the_ends():
    assert crypto.mask_phone("13812341234") == "138****1234"
    assert crypto.mask_phone("12345") == "*****"


def test_lookup_hash_is_stable_and_keyed():
    assert crypto.lookup_hash("13800000000") == crypto.lookup_hash("13800000000")
    assert crypto.lookup_hash("13800000000") != crypto.lookup_hash("13800000001")
