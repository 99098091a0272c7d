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


def test_a_field_key_must_be_base64_of_32_bytes():
    import base64

    import pytest

    from backend.core.settings import Settings, field_key_ring

    good = base64.b64encode(b"x" * 32).decode()
    assert field_key_ring(Settings(field_keys=f"k2:{good}")).current == "k2"
    for keys in ("k2:c2hvcnQ=", "k2:not base64!", f"k2:{good},k3:{good}", "k2"):
        with pytest.raises(ValueError, match="k2|LINLI_FIELD_KEY"):
            field_key_ring(Settings(field_keys=keys))
    with pytest.raises(ValueError, match="'k1' must be base64 of 32"):
        field_key_ring(Settings(field_encryption_key="a" * 44))  # 33 bytes
