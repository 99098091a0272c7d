import pytest
from pydantic import ValidationError

from backend.core.settings import Settings


def test_prod_refuses_the_development_secrets():
    with pytest.raises(ValidationError, match="LINLI_TOKEN_SIGNING_KEY"):
        Settings(env="prod")


def test_prod_starts_with_its_own_secrets():
    settings = Settings(env="prod", token_signing_key="t" * 48, field_encryption_key="c2VjcmV0LWtleS1mb3ItcHJvZA==")
    assert settings.is_prod


def test_prod_takes_a_key_ring_without_the_single_key_and_refuses_the_dev_key_in_it():
    import base64

    from backend.core.settings import DEV_FIELD_KEY

    ring = "k2:" + base64.b64encode(b"r" * 32).decode()
    assert Settings(env="prod", token_signing_key="t" * 48, field_keys=ring).is_prod
    with pytest.raises(ValidationError, match="LINLI_FIELD_ENCRYPTION_KEY"):
        Settings(env="prod", token_signing_key="t" * 48, field_keys=ring, field_encryption_key=DEV_FIELD_KEY,
                 field_key_current="k2")
