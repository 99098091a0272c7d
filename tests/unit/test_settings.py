import base64
import os

import pytest
from pydantic import ValidationError

from backend.core.settings import DEV_FIELD_KEY, DEV_VOTING_KEY, Settings

STRONG = {"token_signing_key": "t" * 48, "field_encryption_key": base64.b64encode(os.urandom(32)).decode(),
          "voting_signing_key": base64.b64encode(os.urandom(32)).decode()}


def test_prod_refuses_the_development_secrets():
    with pytest.raises(ValidationError, match="LINLI_TOKEN_SIGNING_KEY is the development default"):
        Settings(env="prod")


def test_prod_starts_with_strong_secrets():
    assert Settings(env="prod", **STRONG).is_prod


@pytest.mark.parametrize(("setting", "value", "complaint"), [
    ("token_signing_key", "t" * 31, "LINLI_TOKEN_SIGNING_KEY must be at least 32 bytes"),
    ("token_signing_key", "", "LINLI_TOKEN_SIGNING_KEY must be at least 32 bytes"),
    ("field_encryption_key", base64.b64encode(b"k" * 16).decode(), "field key 'k1' must be base64 of 32"),
    ("field_encryption_key", base64.b64encode(b"k" * 33).decode(), "field key 'k1' must be base64 of 32"),
    ("field_encryption_key", "not base64 at all, though long enough!!!", "field key 'k1' must be base64"),
    ("field_encryption_key", "", "field key 'k1' must be base64 of 32"),
    ("voting_signing_key", DEV_VOTING_KEY, "LINLI_VOTING_SIGNING_KEY is the development default"),
    ("voting_signing_key", base64.b64encode(b"v" * 31).decode(), "LINLI_VOTING_SIGNING_KEY must be base64 of a 32"),
])
def test_prod_refuses_weak_secrets(setting, value, complaint):
    with pytest.raises(ValidationError, match=complaint):
        Settings(env="prod", **(STRONG | {setting: value}))


def test_dev_accepts_what_prod_refuses():
    assert not Settings(env="dev", token_signing_key="short", field_encryption_key="").is_prod


def test_prod_takes_a_key_ring_without_the_single_key_and_refuses_the_dev_key_in_it():
    ring = "k2:" + base64.b64encode(b"r" * 32).decode()
    signing, voting = STRONG["token_signing_key"], STRONG["voting_signing_key"]
    assert Settings(env="prod", token_signing_key=signing, field_keys=ring, voting_signing_key=voting).is_prod
    with pytest.raises(ValidationError, match="LINLI_FIELD_ENCRYPTION_KEY"):
        Settings(env="prod", token_signing_key=signing, field_keys=ring, field_encryption_key=DEV_FIELD_KEY,
                 field_key_current="k2", voting_signing_key=voting)
