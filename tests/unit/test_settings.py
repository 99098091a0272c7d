import pytest
from pydantic import ValidationError

from backend.core.settings import Settings


def test_prod_refuses_the_development_secrets():
    with pytest.raises(ValidationError, match="LINLI_TOKEN_SIGNING_KEY"):
        Settings(env="prod")


def test_prod_starts_with_its_own_secrets():
    settings = Settings(env="prod", token_signing_key="t" * 48, field_encryption_key="c2VjcmV0LWtleS1mb3ItcHJvZA==")
    assert settings.is_prod
