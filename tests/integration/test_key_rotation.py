"""Rotating the field key on PostgreSQL: a new key joins the ring and encrypts, old rows still read,
`python -m backend rekey` moves every row to the new key, and the old key can then leave the ring
while phone numbers still find their people.

The suite's database is shared, so the old key here is the suite's own (k1, the single-key form)
and the test ends by rekeying everything back under it."""

import asyncio
import base64
import hashlib
import hmac
import os
import random
import re
import sys

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from backend.accounts.models import StaffCredential
from backend.accounts.passwords import hash_password
from backend.core import crypto
from backend.core.rekey import rekey
from backend.core.settings import DEV_FIELD_KEY, Settings, get_settings, use_settings
from backend.core.sms import sms
from backend.people.models import Person
from tests.integration.conftest import ROOT

NEW_KEY = base64.b64encode(os.urandom(32)).decode()
# The ring while rotating: the old single key (k1) and the new one (kb), which encrypts.
ROTATING = {"LINLI_FIELD_ENCRYPTION_KEY": DEV_FIELD_KEY, "LINLI_FIELD_KEYS": f"kb:{NEW_KEY}",
            "LINLI_FIELD_KEY_CURRENT": "kb"}

UNMASK = """mutation($p: ID!, $f: PersonalField!) {
  personalDataUnmask(personId: $p, field: $f, reason: "核对住户信息") { value errors { code } } }"""
SMS_REQUEST = "mutation($p: String!) { authSmsCodeRequest(phone: $p) { ok errors { code } } }"
SMS_LOGIN = "mutation($p: String!, $c: String!) { authSmsLogin(phone: $p, code: $c) { tokens { accessToken } } }"


def _settings(env: dict) -> Settings:
    return Settings(**{k.removeprefix("LINLI_").lower(): v for k, v in env.items()})


def _legacy(value: str) -> tuple[str, str]:
    """A value as the code before the key ring stored it: one sha256-derived key sealing and hashing."""
    key = hashlib.sha256(b"linli-field-encryption" + base64.b64decode(DEV_FIELD_KEY)).digest()
    nonce = os.urandom(12)
    sealed = base64.b64encode(nonce + AESGCM(key).encrypt(nonce, value.encode(), b"k1")).decode()
    return f"k1:{sealed}", hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def _phone() -> str:
    return f"139{random.randrange(10**8):08d}"


async def _staff(make_person, community, phone: str) -> Person:
    """A staff member whose phone signs them in by SMS code (the look-up a rotation must not break)."""
    person = await make_person(community.id, ["RESIDENT"], phone=phone)
    await StaffCredential.create(person=person, username=f"rot-{phone}", password_hash=hash_password("Rotate-9x"))
    return person


async def _unmasked(console, person: Person, field: str = "PHONE") -> str:
    result = (await console.query(UNMASK, p=str(person.id), f=field))["data"]["personalDataUnmask"]
    assert result["errors"] == [], result
    return result["value"]


async def _signs_in_by_sms(console, phone: str) -> str:
    """The person found by this phone number, through the staff SMS sign-in."""
    assert (await console.query(SMS_REQUEST, p=phone))["data"]["authSmsCodeRequest"]["ok"]
    to, text = sms.recent[-1]
    assert to == phone
    code = re.search(r"(\d{6})", text).group(1)
    tokens = (await console.query(SMS_LOGIN, p=phone, c=code))["data"]["authSmsLogin"]["tokens"]
    assert tokens is not None, f"{phone} did not sign in"
    return (await console.op("Viewer", token=tokens["accessToken"]))["data"]["viewer"]["id"]


async def _stored(person: Person) -> tuple[str, str | None]:
    row = await Person.get(id=person.id)
    return row.phone_encrypted, row.id_number_encrypted


async def _rekey_command() -> str:
    """`python -m backend rekey` in 50-row batches with the rotating ring; its output."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "backend", "rekey", "--batch", "50", cwd=ROOT, env=os.environ | ROTATING,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output = (await asyncio.wait_for(process.communicate(), 300))[0].decode()
    assert process.returncode == 0, output
    return output


async def _all_under(prefix: str, *people: Person) -> bool:
    stored = [v for p in people for v in await _stored(p)]
    return all(v is None or v.startswith(prefix) for v in stored)


async def test_a_new_key_rekey_and_dropping_the_old_key_keep_every_row_readable(
        console, make_person, demo_community):
    original = get_settings()
    await console.sign_in("committee")
    # Before: one row written by the code before the key ring, one under the suite's key k1.
    legacy_phone, legacy_id = _phone(), f"110105{random.randrange(10**11):011d}X"
    legacy = await _staff(make_person, demo_community, legacy_phone)
    legacy.phone_encrypted, legacy.phone_lookup = _legacy(legacy_phone)
    legacy.id_number_encrypted, legacy.id_number_lookup = _legacy(legacy_id)
    await legacy.save()
    old_phone = _phone()
    old = await _staff(make_person, demo_community, old_phone)
    try:
        # A new key joins the ring and encrypts; everything written before still reads and is found.
        use_settings(_settings(ROTATING))
        new_phone = _phone()
        new = await _staff(make_person, demo_community, new_phone)
        assert (await _stored(new))[0].startswith("v2:kb:")
        assert (await _stored(old))[0].startswith("v2:k1:") and (await _stored(legacy))[0].startswith("k1:")
        assert await _unmasked(console, legacy) == legacy_phone
        assert await _unmasked(console, legacy, "ID_NUMBER") == legacy_id
        assert await _unmasked(console, old) == old_phone
        assert await _signs_in_by_sms(console, legacy_phone) == str(legacy.id)
        assert await _signs_in_by_sms(console, old_phone) == str(old.id)

        # Rekey, as an operator runs it, in small batches: afterwards nothing is left under k1.
        output = await _rekey_command()
        assert re.search(r"person: \d+ rows re-encrypted under kb", output), output
        assert "person: done" in output and "0 left under other keys" in output
        assert await _all_under("v2:kb:", legacy, old, new)
        assert "person: done, 0 rewritten, 0 left under other keys" in await _rekey_command()  # idempotent

        # The old key leaves the ring: every row still reads, every phone still finds its person.
        use_settings(_settings({"LINLI_FIELD_KEYS": f"kb:{NEW_KEY}"}))
        assert [await _unmasked(console, p) for p in (legacy, old, new)] == [legacy_phone, old_phone, new_phone]
        assert await _unmasked(console, legacy, "ID_NUMBER") == legacy_id
        for person, phone in ((legacy, legacy_phone), (old, old_phone), (new, new_phone)):
            assert await _signs_in_by_sms(console, phone) == str(person.id)
        with pytest.raises(ValueError, match="not in the key ring"):
            crypto.decrypt(_legacy(legacy_phone)[0])  # what only k1 could read is unreadable now
    finally:
        # Back under the suite's key for the tests that follow.
        use_settings(_settings(ROTATING | {"LINLI_FIELD_KEY_CURRENT": "k1"}))
        await rekey(report=lambda line: None)
        use_settings(original)
    assert await _all_under("v2:k1:", legacy, old)
