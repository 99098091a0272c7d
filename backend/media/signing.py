"""Signed, expiring links to private media (proof photos): only those the API hands a link see it."""

import hashlib
import hmac
import time
from uuid import UUID

from backend.core.settings import Settings

TTL_SECONDS = 600


def _signature(settings: Settings, upload_id: str, expires: int) -> str:
    message = f"media:{upload_id}:{expires}".encode()
    return hmac.new(settings.token_signing_key.encode(), message, hashlib.sha256).hexdigest()[:32]


def signed_url(settings: Settings, upload_id: UUID) -> str:
    expires = int(time.time()) + TTL_SECONDS
    return f"/media/{upload_id}?expires={expires}&sig={_signature(settings, str(upload_id), expires)}"


def verify(settings: Settings, upload_id: str, expires: str, sig: str) -> bool:
    if not expires.isdigit() or int(expires) < time.time():
        return False
    return hmac.compare_digest(sig, _signature(settings, upload_id, int(expires)))
