"""Field encryption for personal data (AES-GCM), the keyed hash for exact-match look-ups (a phone
number at sign-in), and the masks shown to people without the permission.

Key ring (settings.field_key_ring): several 32-byte master keys by id; the current one encrypts, every
one decrypts. From each master HKDF-SHA256 derives two subkeys under different labels, one for
AES-GCM and one for the HMAC look-up hash, so the hash never uses the key that seals the data.

Stored form: "v2:<key id>:<base64 nonce + ciphertext>", sealed with the key id as associated data.
Rows written before the ring ("k1:<base64>", sealed and hashed with sha256(label + master)) still
decrypt with key k1, and are still found by their old hash, until `python -m backend rekey` rewrites
them.

Look-up hashes follow the key that encrypts: a write hashes with the current key's look-up subkey, and
a search matches the value's hash under every key of the ring (`lookup_hashes`), so people are found
while a rotation is half done. Rekey re-encrypts and re-hashes every row under the current key; only
then may an old key leave the ring (README, "Personal data").
"""

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from backend.core.settings import (
    LEGACY_FIELD_KEY_ID,
    FieldKeyRing,
    field_key_ring,
    get_settings,
    single_field_key_in_ring,
)

VERSION = "v2"
_LEGACY_LABEL = b"linli-field-encryption"


def _subkey(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=SHA256(), length=32, salt=None, info=b"linli field " + purpose).derive(master)


@dataclass(frozen=True)
class _Keys:
    current: str
    sealing: dict[str, AESGCM]  # key id -> AES-GCM with its encryption subkey
    lookup: dict[str, bytes]  # key id -> look-up subkey, the current key first
    legacy: bytes | None  # key k1's pre-ring key (sealed and hashed the rows written before the ring)


def _derive(ring: FieldKeyRing) -> _Keys:
    order = [ring.current] + [k for k in ring.keys if k != ring.current]
    legacy = ring.keys.get(LEGACY_FIELD_KEY_ID)
    return _Keys(
        current=ring.current,
        sealing={k: AESGCM(_subkey(ring.keys[k], b"encryption v2")) for k in order},
        lookup={k: _subkey(ring.keys[k], b"lookup v2") for k in order},
        legacy=hashlib.sha256(_LEGACY_LABEL + legacy).digest() if legacy else None,
    )


_derived: dict[tuple, _Keys] = {}  # one entry per key configuration seen (settings rarely change)


def _keys() -> _Keys:
    s = get_settings()
    config = (s.field_encryption_key, s.field_keys, s.field_key_current, single_field_key_in_ring(s))
    if config not in _derived:
        _derived[config] = _derive(field_key_ring(s))
    return _derived[config]


def encrypt(plaintext: str) -> str:
    keys = _keys()
    nonce, aad = os.urandom(12), f"{VERSION}:{keys.current}".encode()
    sealed = keys.sealing[keys.current].encrypt(nonce, plaintext.encode(), aad)
    return f"{VERSION}:{keys.current}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(stored: str) -> str:
    keys, parts = _keys(), stored.split(":")
    if len(parts) == 3 and parts[0] == VERSION:
        _, key_id, body = parts
        if key_id not in keys.sealing:
            raise ValueError(f"field key {key_id} is not in the key ring")
        blob = base64.b64decode(body)
        return keys.sealing[key_id].decrypt(blob[:12], blob[12:], f"{VERSION}:{key_id}".encode()).decode()
    if len(parts) == 2 and parts[0] == LEGACY_FIELD_KEY_ID and keys.legacy:  # written before the ring
        blob = base64.b64decode(parts[1])
        return AESGCM(keys.legacy).decrypt(blob[:12], blob[12:], parts[0].encode()).decode()
    raise ValueError(f"field key {parts[0]} is not in the key ring")


def is_current(stored: str) -> bool:
    """Sealed with the current key in the current format (nothing for rekey to do)."""
    return stored.startswith(current_prefix())


def current_key_id() -> str:
    return _keys().current


def current_prefix() -> str:
    return f"{VERSION}:{current_key_id()}:"


def lookup_hash(value: str) -> str:
    """The hash to store beside a value written now (the current key's look-up subkey)."""
    return hmac.new(next(iter(_keys().lookup.values())), value.encode(), hashlib.sha256).hexdigest()


def lookup_hashes(value: str) -> list[str]:
    """Every hash a stored row of this value may carry: one per key of the ring, and the pre-ring one."""
    keys = _keys()
    subkeys = [*keys.lookup.values(), *([keys.legacy] if keys.legacy else [])]
    return [hmac.new(k, value.encode(), hashlib.sha256).hexdigest() for k in subkeys]


def mask_phone(phone: str) -> str:
    """138****1234: enough to recognise one's own number, not enough to call it."""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"
