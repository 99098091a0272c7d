"""The WeChat server API, as documented for mini-programs:

- code2session: GET  {base}/sns/jscode2session?appid&secret&js_code&grant_type=authorization_code
- access token: POST {base}/cgi-bin/stable_token {grant_type: client_credential, appid, secret}
- phone number: POST {base}/wxa/business/getuserphonenumber?access_token=... {code}

The access token is shared by every process through the cache and refreshed before it expires by
one process at a time (a cache lock), since each refresh by anyone invalidates nothing but counts
against WeChat's daily quota.
"""

import asyncio
import json
from dataclasses import dataclass

import httpx

from backend.core.errors import DomainError, ErrorCode
from backend.core.runtime import runtime
from backend.core.settings import get_settings

TOKEN_KEY = "wechat:access_token"
LOCK_KEY = "wechat:access_token:refreshing"
REFRESH_MARGIN_S = 300  # refresh five minutes before WeChat says the token expires
TIMEOUT = httpx.Timeout(5.0)

# errcode -> (our code, message for the user)
_ERRORS = {
    40029: (ErrorCode.INVALID_TOKEN, "微信登录凭证无效或已使用，请重试"),
    40163: (ErrorCode.INVALID_TOKEN, "微信登录凭证已使用，请重试"),
    45011: (ErrorCode.RATE_LIMITED, "登录过于频繁，请稍后再试"),
    40226: (ErrorCode.FORBIDDEN, "微信判定该账号存在风险，暂时无法登录"),
}


@dataclass(frozen=True)
class WechatSession:
    openid: str
    session_key: str
    unionid: str | None


def _configured() -> tuple[str, str, str]:
    settings = get_settings()
    if not (settings.wechat_appid and settings.wechat_secret):
        raise DomainError(ErrorCode.NOT_AVAILABLE, "尚未配置微信登录")
    return settings.wechat_api_base.rstrip("/"), settings.wechat_appid, settings.wechat_secret


def _raise_for(body: dict) -> None:
    errcode = body.get("errcode") or 0
    if errcode:
        code, message = _ERRORS.get(errcode, (ErrorCode.NOT_AVAILABLE, "微信服务暂时不可用，请稍后再试"))
        raise DomainError(code, message)


async def _call(method: str, url: str, **kwargs) -> dict:
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT) as http:
            response = await http.request(method, url, **kwargs)
        return response.json()
    except (httpx.HTTPError, json.JSONDecodeError) as exc:
        raise DomainError(ErrorCode.NOT_AVAILABLE, "微信服务暂时不可用，请稍后再试") from exc


async def code_to_session(code: str) -> WechatSession:
    base, appid, secret = _configured()
    body = await _call("GET", f"{base}/sns/jscode2session", params={
        "appid": appid, "secret": secret, "js_code": code, "grant_type": "authorization_code",
    })
    _raise_for(body)
    if not body.get("openid") or not body.get("session_key"):
        raise DomainError(ErrorCode.NOT_AVAILABLE, "微信服务返回异常，请稍后再试")
    return WechatSession(body["openid"], body["session_key"], body.get("unionid"))


async def access_token(*, stale: str | None = None) -> str:
    """The shared access token. `stale` is a token WeChat just refused: fetch a new one."""
    cache = runtime().cache
    for _ in range(50):
        token = await cache.get(TOKEN_KEY)
        if token and token != stale:
            return token
        if await cache.add(LOCK_KEY, "1", ttl_seconds=10):
            try:
                return await _refresh_access_token()
            finally:
                await cache.delete(LOCK_KEY)
        await asyncio.sleep(0.1)  # another process is refreshing: wait for its result
    raise DomainError(ErrorCode.NOT_AVAILABLE, "微信服务暂时不可用，请稍后再试")


async def _refresh_access_token() -> str:
    base, appid, secret = _configured()
    body = await _call("POST", f"{base}/cgi-bin/stable_token", json={
        "grant_type": "client_credential", "appid": appid, "secret": secret,
    })
    _raise_for(body)
    token, expires_in = body["access_token"], int(body.get("expires_in", 7200))
    await runtime().cache.set(TOKEN_KEY, token, ttl_seconds=max(60, expires_in - REFRESH_MARGIN_S))
    return token


async def phone_number(code: str) -> str:
    """The phone number the user agreed to share with the getPhoneNumber button."""
    base, _, _ = _configured()
    token = await access_token()
    for attempt in range(2):
        body = await _call("POST", f"{base}/wxa/business/getuserphonenumber",
                           params={"access_token": token}, json={"code": code})
        if body.get("errcode") in (40001, 42001) and attempt == 0:  # token revoked early: renew once
            token = await access_token(stale=token)
            continue
        _raise_for(body)
        return body["phone_info"]["purePhoneNumber"]
    raise DomainError(ErrorCode.NOT_AVAILABLE, "微信服务暂时不可用，请稍后再试")
