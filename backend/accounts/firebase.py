"""Firebase ID-token sign-in: the native app and relatives abroad sign in with Firebase Auth and
hand us the ID token, which firebase-admin verifies (Google's public keys, aud/iss = our project).

With FIREBASE_AUTH_EMULATOR_HOST set (tests, local dev) firebase-admin trusts the token's payload
without checking the signature or the expiry, since the emulator mints unsigned tokens (alg
"none"). It still checks aud, iss and sub. We check the expiry ourselves, on the injectable clock,
so that rule holds in both modes; and prod refuses to run in emulator mode at all.
"""

import asyncio
import os
import threading
from dataclasses import dataclass

import firebase_admin
from firebase_admin import auth, credentials
from google.auth.credentials import AnonymousCredentials

from backend.core.clock import clock
from backend.core.errors import DomainError, ErrorCode
from backend.core.settings import get_settings

EMULATOR_ENV = "FIREBASE_AUTH_EMULATOR_HOST"  # how firebase-admin decides it is talking to the emulator
HTTP_TIMEOUT_S = 10  # fetching Google's public keys; firebase-admin's default is 120 s
_INVALID = "登录凭证无效，请重新登录"
_EXPIRED = "登录凭证已过期，请重新登录"


@dataclass(frozen=True)
class FirebaseIdentity:
    uid: str
    email: str | None
    phone_number: str | None
    sign_in_provider: str | None  # "password", "phone", "google.com", ...


class _NoCredential(credentials.Base):
    """Verifying ID tokens needs only Google's public keys, never a service account, so none is
    configured (the default, ApplicationDefault, would look for one and fail on a plain server)."""

    def get_credential(self):
        return AnonymousCredentials()


_apps_lock = threading.Lock()


def _app(project_id: str) -> firebase_admin.App:
    """One firebase_admin App per project id, created on first use (tests may switch settings)."""
    name = f"linli-{project_id}"
    with _apps_lock:
        try:
            return firebase_admin.get_app(name)
        except ValueError:
            return firebase_admin.initialize_app(
                _NoCredential(), options={"projectId": project_id, "httpTimeout": HTTP_TIMEOUT_S}, name=name
            )


def _project_id() -> str:
    settings = get_settings()
    if settings.is_prod and os.environ.get(EMULATOR_ENV):
        # In emulator mode anyone can forge a token: a prod server must never run like that.
        raise RuntimeError(f"{EMULATOR_ENV} is set in prod: Firebase tokens would not be verified")
    return settings.firebase_project_id


async def verify_firebase_token(id_token: str) -> FirebaseIdentity:
    """The identity in a valid ID token of our project; DomainError(INVALID_TOKEN) otherwise."""
    if not isinstance(id_token, str) or not id_token or len(id_token) > 8192:
        raise DomainError(ErrorCode.INVALID_TOKEN, _INVALID)
    app = _app(_project_id())
    try:
        # Blocking: may fetch (and cache) Google's public keys over HTTP.
        claims = await asyncio.to_thread(auth.verify_id_token, id_token, app=app, check_revoked=False)
    except auth.ExpiredIdTokenError as error:
        raise DomainError(ErrorCode.INVALID_TOKEN, _EXPIRED) from error
    except auth.CertificateFetchError as error:
        # Google's keys are out of reach: not the caller's fault, so not INVALID_TOKEN.
        raise DomainError(ErrorCode.NOT_AVAILABLE, "暂时无法验证登录，请稍后再试") from error
    except (auth.InvalidIdTokenError, ValueError, TypeError, AttributeError, KeyError) as error:
        # ValueError etc.: malformed input the library does not wrap in InvalidIdTokenError.
        raise DomainError(ErrorCode.INVALID_TOKEN, _INVALID) from error

    expires = claims.get("exp")
    if not isinstance(expires, int | float) or isinstance(expires, bool):
        raise DomainError(ErrorCode.INVALID_TOKEN, _INVALID)
    if expires <= clock.now().timestamp():
        raise DomainError(ErrorCode.INVALID_TOKEN, _EXPIRED)

    firebase = claims.get("firebase")
    provider = firebase.get("sign_in_provider") if isinstance(firebase, dict) else None
    return FirebaseIdentity(
        uid=claims["uid"],
        email=_str_or_none(claims.get("email")),
        phone_number=_str_or_none(claims.get("phone_number")),
        sign_in_provider=_str_or_none(provider),
    )


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
