"""Access tokens: a token's signature is verified once per process, but its expiry is checked on
every use, and a token that differs by one character is verified afresh."""

from datetime import timedelta
from uuid import uuid4

import pytest

from backend.accounts.tokens import ACCESS_TTL, issue_access_token, read_access_token
from backend.core.clock import clock
from backend.core.errors import AuthenticationError


@pytest.fixture(autouse=True)
def _clock():
    yield
    clock.reset()


def test_a_token_read_before_stops_working_when_it_expires():
    person, session = uuid4(), uuid4()
    token, _ = issue_access_token(person, session)
    assert read_access_token(token) == (person, session)
    assert read_access_token(token) == (person, session)  # the remembered verification
    clock.advance(ACCESS_TTL + timedelta(seconds=1))
    with pytest.raises(AuthenticationError):
        read_access_token(token)


def test_a_tampered_copy_of_a_good_token_is_refused():
    token, _ = issue_access_token(uuid4(), uuid4())
    read_access_token(token)
    header, claims, signature = token.split(".")
    forged = ".".join([header, claims, ("A" if signature[0] != "A" else "B") + signature[1:]])
    with pytest.raises(AuthenticationError):
        read_access_token(forged)
