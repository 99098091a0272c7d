"""Field encryption for personal data (AES-GCM) and the masks shown to people without the permission.

Ciphertext is stored as "<key id>:<base64 nonce+ciphertext>" so keys can rotate: new writes use the
current key, old rows still name the key that can read them. A keyed hash (HMAC) makes exact-match
look-ups (a phone number at sign-in) possible without decrypting every row.
"""

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from backend.core.settings import get_settings

KEY_ID = "k1"


def _key() -> bytes:
    raw = base64.b64decode(get_settings().field_encryption_key)
    # Derive exactly 32 bytes whatever the configured key's length.
    return hashlib.sha256(b"linli-field-encryption" + raw).digest()


def encrypt(plaintext: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_key()).encrypt(nonce, plaintext.encode(), KEY_ID.encode())
    return f"{KEY_ID}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(stored: str) -> str:
    key_id, _, body = stored.partition(":")
    if key_id != KEY_ID:
        raise ValueError(f"unknown field key {key_id}")
    blob = base64.b64decode(body)
    return AESGCM(_key()).decrypt(blob[:12], blob[12:], key_id.encode()).decode()


def lookup_hash(value: str) -> str:
    return hmac.new(_key(), value.encode(), hashlib.sha256).hexdigest()


def mask_phone(phone: str) -> str:
    """138****1234: enough to recognise one's own number, not enough to call it."""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"
