"""Firebase ID-token sign-in against the real Firebase Auth emulator (stands in for Firebase
Authentication: identitytoolkit/securetoken, the service the native app and relatives abroad sign
in with). The tokens are minted by the emulator through the same REST API the client SDKs use.

What is really enforced, and so what these tests assert:
- In emulator mode (FIREBASE_AUTH_EMULATOR_HOST set) firebase-admin 7.x does NOT check the
  signature, the algorithm or the key id, nor the expiry: the emulator's tokens are unsigned
  (alg "none") and firebase-admin takes the payload as is. It does check aud (our project), iss
  (securetoken.google.com/<our project>) and sub, and that the token is a well-formed JWT.
  So a token whose signature or uid was altered still passes in emulator mode; no test pretends
  otherwise. The expiry is checked by backend.accounts.firebase itself, on the injectable clock.
- Outside emulator mode every token must be RS256 with a Google key id before any key is fetched,
  so an emulator (unsigned) token, however genuine, is refused, offline.
"""

import base64
import json
import os
import uuid
from datetime import timedelta

import pytest

from backend.accounts.firebase import EMULATOR_ENV, verify_firebase_token
from backend.core.clock import clock
from backend.core.errors import DomainError, ErrorCode
from backend.core.settings import Settings, get_settings, use_settings
from tests.firebase_emulator import PROJECT_ID, AuthEmulator

# The audience of a custom token (what the server mints for signInWithCustomToken), not an ID token.
CUSTOM_TOKEN_AUDIENCE = "https://identitytoolkit.googleapis.com/google.identity.identitytoolkit.v1.IdentityToolkit"


@pytest.fixture(scope="session")
def emulator():
    """One emulator for the whole run; FIREBASE_AUTH_EMULATOR_HOST set while it runs."""
    auth_emulator = AuthEmulator(PROJECT_ID).start()
    print(f"\nFirebase Auth emulator on {auth_emulator.host}, up in {auth_emulator.startup_seconds:.1f} s")
    previous = os.environ.get(EMULATOR_ENV)
    os.environ[EMULATOR_ENV] = auth_emulator.host
    try:
        yield auth_emulator
    finally:
        if previous is None:
            os.environ.pop(EMULATOR_ENV, None)
        else:
            os.environ[EMULATOR_ENV] = previous
        auth_emulator.stop()


def _email() -> str:
    return f"relative-{uuid.uuid4().hex[:8]}@example.com"


def _segments(token: str) -> tuple[dict, dict, str]:
    header, payload, signature = token.split(".")
    decode = lambda part: json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))  # noqa: E731
    return decode(header), decode(payload), signature


def _encode(header: dict, payload: dict, signature: str) -> str:
    encode = lambda part: base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()  # noqa: E731
    return f"{encode(header)}.{encode(payload)}.{signature}"


async def _refused(token: str) -> DomainError:
    with pytest.raises(DomainError) as caught:
        await verify_firebase_token(token)
    assert caught.value.code == ErrorCode.INVALID_TOKEN
    assert caught.value.message  # a message for the user, not a stack trace
    return caught.value


async def test_an_email_sign_up_token_verifies_to_that_user(emulator):
    email = _email()
    token = emulator.sign_up(email, "correct horse battery")

    identity = await verify_firebase_token(token)

    assert identity.uid == emulator.uid_of(email)
    assert identity.email == email
    assert identity.phone_number is None
    assert identity.sign_in_provider == "password"


async def test_signing_in_again_gives_the_same_user(emulator):
    email = _email()
    first = await verify_firebase_token(emulator.sign_up(email, "correct horse battery"))
    again = await verify_firebase_token(emulator.sign_in(email, "correct horse battery"))
    assert again.uid == first.uid


async def test_a_phone_sign_in_token_carries_the_number(emulator):
    number = f"+8613{uuid.uuid4().int % 10**9:09d}"
    identity = await verify_firebase_token(emulator.sign_in_with_phone(number))
    assert identity.phone_number == number
    assert identity.sign_in_provider == "phone"
    assert identity.email is None


async def test_a_token_of_another_firebase_project_is_refused(emulator):
    # One emulator mints tokens for its own project only (API-key calls map to it), so this is
    # the token a demo-other emulator would mint: identical but for aud and iss. Unsigned either way.
    header, payload, signature = _segments(emulator.sign_up(_email(), "correct horse battery"))
    other = {**payload, "aud": "demo-other", "iss": "https://securetoken.google.com/demo-other"}
    await _refused(_encode(header, other, signature))


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda p: {**p, "aud": "demo-other"}, id="audience"),
        pytest.param(lambda p: {**p, "iss": "https://evil.example.com/demo-linli"}, id="issuer"),
        pytest.param(lambda p: {k: v for k, v in p.items() if k != "sub"}, id="no-subject"),
        pytest.param(lambda p: {**p, "sub": "x" * 129}, id="subject-too-long"),
        pytest.param(lambda p: {**p, "aud": CUSTOM_TOKEN_AUDIENCE}, id="custom-token-not-id-token"),
    ],
)
async def test_a_tampered_payload_is_refused_where_it_is_checked(emulator, tamper):
    # Only claims firebase-admin checks in emulator mode: a changed uid alone would pass here.
    header, payload, signature = _segments(emulator.sign_up(_email(), "correct horse battery"))
    await _refused(_encode(header, tamper(payload), signature))


async def test_an_expired_token_is_refused(emulator):
    token = emulator.sign_up(_email(), "correct horse battery")
    await verify_firebase_token(token)  # fine now
    clock.advance(timedelta(hours=1, seconds=1))  # emulator tokens live one hour, like real ones
    error = await _refused(token)
    assert "过期" in error.message


@pytest.mark.parametrize(
    "garbage",
    ["", "not-a-token", "a.b.c", "..", "e30.W10.", "é.é.é", "x" * 10_000, "Bearer abc.def.ghi"],
)
async def test_garbage_is_refused(emulator, garbage):
    await _refused(garbage)


async def test_outside_emulator_mode_an_unsigned_token_is_refused(emulator, monkeypatch):
    # The very token that passes above, now checked as production checks it: no "kid", alg "none".
    # Refused before any of Google's keys would be fetched, so this runs offline.
    token = emulator.sign_up(_email(), "correct horse battery")
    await verify_firebase_token(token)
    monkeypatch.delenv(EMULATOR_ENV)
    await _refused(token)
    header, payload, _ = _segments(token)
    await _refused(_encode({**header, "alg": "RS256"}, payload, "Zm9yZ2Vk"))  # claims a signature, no key id


async def test_prod_will_not_verify_in_emulator_mode(emulator):
    current = get_settings()
    field_key = "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY="  # base64 of 32 bytes, as prod requires
    use_settings(Settings(env="prod", token_signing_key="k" * 48, field_encryption_key=field_key,
                          voting_signing_key=field_key))
    try:
        with pytest.raises(RuntimeError, match=EMULATOR_ENV):
            await verify_firebase_token(emulator.sign_up(_email(), "correct horse battery"))
    finally:
        use_settings(current)


async def test_firebase_sign_in_through_the_api(emulator, api):
    """A relative abroad signs in with the app's Firebase token and gets Linli tokens for one person."""
    email = _email()
    id_token = emulator.sign_up(email, "secret-123")
    mutation = "mutation($t: String!) { authFirebaseLogin(idToken: $t) { tokens { accessToken } errors { code } } }"
    first = (await api.query(mutation, t=id_token))["data"]["authFirebaseLogin"]
    viewer = (await api.op("Viewer", token=first["tokens"]["accessToken"]))["data"]["viewer"]
    assert viewer["displayName"] == email.split("@")[0]
    again = (await api.query(mutation, t=emulator.sign_in(email, "secret-123")))["data"]["authFirebaseLogin"]
    same = (await api.op("Viewer", token=again["tokens"]["accessToken"]))["data"]["viewer"]
    assert same["id"] == viewer["id"]
    forged = (await api.query(mutation, t="not.a.token"))["data"]["authFirebaseLogin"]
    assert forged["tokens"] is None and forged["errors"][0]["code"] == "INVALID_TOKEN"
