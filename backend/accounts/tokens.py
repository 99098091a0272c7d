"""Access tokens (short-lived JWTs) and refresh tokens (random, stored only as a hash)."""

import functools
import hashlib
import secrets
from datetime import datetime, timedelta
from uuid import UUID

import jwt

from backend.core.clock import clock
from backend.core.errors import AuthenticationError
from backend.core.settings import get_settings

ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=30)
_ALGORITHM = "HS256"


def issue_access_token(person_id: UUID, session_id: UUID) -> tuple[str, datetime]:
    now = clock.now()
    expires = now + ACCESS_TTL
    claims = {"sub": str(person_id), "sid": str(session_id), "iat": now, "exp": expires, "typ": "access"}
    return jwt.encode(claims, get_settings().token_signing_key, algorithm=_ALGORITHM), expires


def read_access_token(token: str) -> tuple[UUID, UUID]:
    """(person id, session id) of a valid token; AuthenticationError for expired or forged ones."""
    try:
        person_id, session_id, expires = _verified(token, get_settings().token_signing_key)
    except (jwt.PyJWTError, ValueError, KeyError) as exc:
        raise AuthenticationError("invalid access token") from exc
    # Expiry is checked against the injectable clock, not the wall clock, on every use.
    if expires <= clock.now().timestamp():
        raise AuthenticationError("access token expired")
    return person_id, session_id


@functools.lru_cache(maxsize=10_000)
def _verified(token: str, key: str) -> tuple[UUID, UUID, float]:
    """A token's signature and claims, checked once per process: a client sends the same token for
    its 15 minutes, and verifying it again each time is most of what authentication costs. Only
    valid tokens are remembered (an exception is not cached), under the key that signed them."""
    claims = jwt.decode(token, key, algorithms=[_ALGORITHM],
                        options={"require": ["sub", "sid", "exp"], "verify_exp": False, "verify_iat": False})
    if claims.get("typ") != "access":
        raise ValueError("not an access token")
    return UUID(claims["sub"]), UUID(claims["sid"]), float(claims["exp"])


def new_refresh_token() -> tuple[str, str]:
    """(token for the client, hash for the database)."""
    token = secrets.token_urlsafe(32)
    return token, hash_refresh_token(token)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
