"""Push channels as ports, with their adapters to the real providers.

Each adapter either returns the provider's message id, or raises one of:
- `Skip(reason)`: not sent and never will be (no subscription credit, device gone): SKIPPED.
- `Retryable(error)`: the provider is busy or unreachable: try again later, with backoff.
- `Rejected(error)`: the provider refused the message for good: FAILED.

Exactly-once to a provider is not possible from here: a delivery is claimed before the call and marked
after it, so a crash between the provider's answer and the mark sends it once more. Where the contract
has a deduplication handle we use the delivery key for it (FCM: android collapse_key, apns-collapse-id and
data.delivery_key, so the device shows one). WeChat subscribe messages and SMS have none (SMS carries
the delivery key as Tencent's SessionContext, for tracing, not deduplication).
"""

import asyncio
import functools
import hashlib
import json
import weakref

import httpx

from backend.accounts import wechat
from backend.core.settings import get_settings
from backend.core.sms import SmsError, SmsNotConfigured, SmsTemplate, sms
from backend.notify.http2 import Http2Client, Http2Error

TIMEOUT = httpx.Timeout(10.0)


class Skip(Exception):  # noqa: N818 - an outcome, not an error
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Retryable(Exception):  # noqa: N818
    pass


class Rejected(Exception):  # noqa: N818
    pass


class Unregistered(Exception):  # noqa: N818
    """FCM no longer knows this registration token: the app was uninstalled or the token rotated."""


# ---------------------------------------------------------------------------------------------- FCM

def fcm_configured() -> bool:
    settings = get_settings()
    return bool(settings.fcm_access_token or settings.fcm_credentials_file)


FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
_fcm_credentials: dict[str, object] = {}


async def _fcm_bearer() -> str:
    """The fixed token when configured; otherwise an OAuth2 token of the service account, renewed by
    google-auth when it is about to expire (the refresh is blocking I/O: off the event loop)."""
    settings = get_settings()
    if settings.fcm_access_token:
        return settings.fcm_access_token
    from google.auth.transport.requests import Request
    from google.oauth2 import service_account

    path = settings.fcm_credentials_file
    credentials = _fcm_credentials.get(path)
    if credentials is None:
        credentials = _fcm_credentials[path] = service_account.Credentials.from_service_account_file(
            path, scopes=[FCM_SCOPE])
    if not credentials.valid:
        try:
            await asyncio.to_thread(credentials.refresh, Request())
        except Exception as exc:  # google-auth raises several kinds; all mean "try again later"
            raise Retryable(f"fcm credentials: {exc!r}") from exc
    return credentials.token


_per_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, object]] = weakref.WeakKeyDictionary()


def _loop_local(name: str, make):
    """One `make()` per event loop (so per process), made again once closed."""
    values = _per_loop.setdefault(asyncio.get_running_loop(), {})
    value = values.get(name)
    if value is None or getattr(value, "is_closed", False):
        value = values[name] = make()
    return value


def _http() -> httpx.AsyncClient:
    """A pooled client: requests reuse its connections instead of opening one each."""
    return _loop_local("http/1.1", lambda: httpx.AsyncClient(timeout=TIMEOUT, limits=httpx.Limits(max_connections=20)))


def _fcm_http() -> Http2Client:
    """FCM speaks HTTP/2, and so do we to it, only: every push of the process is a stream multiplexed
    on one connection (notify.http2). Over TLS (FCM itself) ALPN offers h2 alone; in the clear (a
    stand-in on loopback) the client starts with the HTTP/2 preface (prior knowledge)."""
    base = get_settings().fcm_api_base
    return _loop_local(f"fcm {base}", lambda: Http2Client(base, timeout=TIMEOUT.read))


FCM_STREAMS = 100  # pushes in flight per process: the streams one HTTP/2 connection to FCM takes at once


def _fcm_gate() -> asyncio.Semaphore:
    """Pushes beyond FCM_STREAMS wait here rather than inside the client, where the wait for a free
    stream would count against their timeout and fail them under a burst."""
    return _loop_local("fcm-gate", lambda: asyncio.Semaphore(FCM_STREAMS))


_TOKEN, _KEY, _COLLAPSE = (json.dumps(f"\0{mark}") for mark in "TKC")  # placeholders in a message template


@functools.lru_cache(maxsize=64)
def _fcm_template(title: str, body: str, data: tuple[tuple[str, str], ...]) -> str:
    """The JSON of a notification's FCM message, built once for all its pushes (one per device), with
    placeholders for what differs between them: the device token and the delivery key. A placeholder
    holds a NUL, which no text of ours may: dropped from them, so none can be taken for one."""
    title, body, data = title.replace("\0", ""), body.replace("\0", ""), {k: v.replace("\0", "") for k, v in data}
    return json.dumps({"message": {
        "token": "\0T",
        "notification": {"title": title, "body": body},
        "data": {**data, "delivery_key": "\0K"},
        "android": {"collapse_key": "\0C"},
        "apns": {"headers": {"apns-collapse-id": "\0C"}},
    }}, ensure_ascii=False)


def _fcm_body(token: str, key: str, title: str, body: str, data: dict[str, str]) -> bytes:
    collapse = hashlib.sha256(key.encode()).hexdigest()[:32]
    return (_fcm_template(title, body, tuple(sorted(data.items())))
            .replace(_TOKEN, json.dumps(token), 1).replace(_KEY, json.dumps(key), 1)
            .replace(_COLLAPSE, f'"{collapse}"').encode())


async def fcm_send(token: str, *, key: str, title: str, body: str, data: dict[str, str]) -> str:
    """FCM HTTP v1: POST {base}/v1/projects/{project}/messages:send. Returns the message name."""
    settings = get_settings()
    headers = [(b"authorization", f"Bearer {await _fcm_bearer()}".encode()),
               (b"content-type", b"application/json; charset=UTF-8")]
    try:
        async with _fcm_gate():
            response = await _fcm_http().post(f"/v1/projects/{settings.firebase_project_id}/messages:send",
                                              _fcm_body(token, key, title, body, data), headers)
    except Http2Error as exc:
        raise Retryable(f"fcm unreachable: {exc}") from exc
    try:
        answer = json.loads(response.body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        answer = {}
    if response.status == 200 and isinstance(answer, dict) and "name" in answer:
        return answer["name"]
    error = answer.get("error", {}) if isinstance(answer, dict) else {}
    message = error.get("message") or response.body[:200].decode(errors="replace")
    codes = {d.get("errorCode") for d in error.get("details", []) if isinstance(d, dict)}
    if "UNREGISTERED" in codes or response.status == 404:
        raise Unregistered(token)
    if response.status in (429, 500, 503) or codes & {"QUOTA_EXCEEDED", "UNAVAILABLE", "INTERNAL"}:
        raise Retryable(f"fcm {response.status}: {message}")
    raise Rejected(f"fcm {response.status}: {message}")


# ------------------------------------------------------------------------- WeChat subscribe messages

NO_SUBSCRIPTION = 43101  # the user refused, or has no subscription left for this template
_BUSY = {-1, 45009, 45011}


def wechat_configured() -> bool:
    settings = get_settings()
    return bool(settings.wechat_notice_template and settings.wechat_appid and settings.wechat_secret)


async def wechat_subscribe_send(openid: str, *, template_id: str, page: str, data: dict) -> str:
    """POST {base}/cgi-bin/message/subscribe/send?access_token=... Returns WeChat's msgid."""
    base = get_settings().wechat_api_base.rstrip("/")
    token = await _wechat_token()
    for attempt in range(2):
        try:
            response = await _http().post(f"{base}/cgi-bin/message/subscribe/send", params={"access_token": token},
                                          json={"touser": openid, "template_id": template_id, "page": page,
                                                "data": data})
            body = response.json()
        except (httpx.HTTPError, json.JSONDecodeError) as exc:
            raise Retryable(f"wechat unreachable: {exc!r}") from exc
        errcode = body.get("errcode") or 0
        if errcode in (40001, 42001) and attempt == 0:  # token revoked early: renew once
            token = await _wechat_token(stale=token)
            continue
        if errcode == 0:
            return str(body.get("msgid", ""))
        if errcode == NO_SUBSCRIPTION:
            raise Skip("no_credit")
        if errcode in _BUSY:
            raise Retryable(f"wechat {errcode}: {body.get('errmsg')}")
        raise Rejected(f"wechat {errcode}: {body.get('errmsg')}")
    raise Retryable("wechat access token refused twice")


async def _wechat_token(stale: str | None = None) -> str:
    from backend.core.errors import DomainError

    try:
        return await wechat.access_token(stale=stale)
    except DomainError as exc:
        raise Retryable(f"wechat access token: {exc.message}") from exc


# ---------------------------------------------------------------------------------------------- SMS

async def sms_send(phone: str, title: str, delivery_key: str) -> str:
    """An urgent notice by SMS (core.sms), the delivery key as the provider's session context."""
    try:
        return await sms.send(phone, SmsTemplate.URGENT_NOTICE, [title], reference=delivery_key)
    except SmsNotConfigured as exc:
        raise Skip("not_configured") from exc
    except SmsError as exc:
        raise (Retryable if exc.retryable else Rejected)(f"sms {exc.code}: {exc.message}") from exc
