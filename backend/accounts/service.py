"""Sign-in, token refresh with rotation and reuse detection, sign-out, and request authentication."""

import asyncio
import contextlib
import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from backend.accounts.models import AuthSession, RefreshToken, StaffCredential
from backend.accounts.passwords import verify_password
from backend.accounts.tokens import (
    ACCESS_TTL,
    REFRESH_TTL,
    hash_refresh_token,
    issue_access_token,
    new_refresh_token,
    read_access_token,
)
from backend.audit import service as audit
from backend.core import outbox
from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import AuthenticationError, DomainError, ErrorCode, ServiceUnavailable
from backend.core.identities import IdentityCache
from backend.core.permissions import Permission, has
from backend.core.runtime import runtime
from backend.core.settings import get_settings
from backend.people.models import Person
from backend.proxies.service import active_proxy
from backend.registry.models import Membership

PAIR_BURST, ADDRESS_BURST = 5, 30  # password attempts, see _throttle_sign_in
FAILURES_BEFORE_ALERT = 5
_REVOKED_KEY = "session-revoked:{}"


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    access_expires_at: datetime


def check_length(value: str, field: str, maximum: int) -> None:
    if not value or len(value) > maximum:
        raise DomainError(ErrorCode.INVALID_INPUT, f"请填写{field}（不超过 {maximum} 个字符）", field=field)


async def start_session(tx, person_id: UUID, method: str, user_agent: str) -> Tokens:
    session = await AuthSession.create(
        person_id=person_id, method=method, user_agent=user_agent[:255], last_used_at=clock.now(), using_db=tx
    )
    return await _issue(tx, session)


async def _issue(tx, session: AuthSession) -> Tokens:
    refresh, refresh_hash = new_refresh_token()
    await RefreshToken.create(
        session=session, token_hash=refresh_hash, expires_at=clock.now() + REFRESH_TTL, using_db=tx
    )
    access, expires = issue_access_token(session.person_id, session.id)
    return Tokens(access, refresh, expires)


async def _security_alert(tx, person_id: UUID, key: str, body: str) -> None:
    await outbox.add(
        tx, "notify.inbox", key=key, person_id=str(person_id), kind="security", title="账号安全提醒", body=body
    )


async def _throttle_sign_in(username: str, address: str) -> None:
    """Throttles instead of a lock on the account: a lock would let anyone shut a staff member out
    from anywhere with five wrong passwords. Each (username, address) pair may try 5 times, then
    once a minute; each address 30 times, then once every 10 s; the real user from their own
    address keeps a full bucket. Unknown usernames spend the same buckets, so the answer never
    tells whether a username exists."""
    name = hashlib.sha256(username.encode()).hexdigest()[:24]
    for key, burst, per_second in ((f"signin-addr:{address}", ADDRESS_BURST, 1 / 10),
                                   (f"signin:{name}:{address}", PAIR_BURST, 1 / 60)):
        decision = await runtime().ratelimit.allow(key, capacity=burst, per_second=per_second)
        if not decision:
            raise DomainError(ErrorCode.RATE_LIMITED,
                              f"尝试次数过多，请 {decision.retry_after_header} 秒后再试", field="password")


async def login_with_password(*, username: str, password: str, user_agent: str = "", address: str = "") -> Tokens:
    check_length(username, "username", 64)
    check_length(password, "password", 256)
    await _throttle_sign_in(username, address)
    cred = await StaffCredential.filter(username=username).first()
    # argon2 takes tens of milliseconds of CPU: off the event loop. Unknown usernames hash a dummy
    # password, so both answers take the same work and say the same thing.
    if not await asyncio.to_thread(verify_password, cred.password_hash if cred else None, password):
        if cred:
            await _count_failure(cred.id)
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, "用户名或密码错误")
    async with transaction() as tx:
        await StaffCredential.filter(id=cred.id).using_db(tx).update(failed_attempts=0)
        return await start_session(tx, cred.person_id, "password", user_agent)


async def _count_failure(credential_id: UUID) -> None:
    """Every fifth failure in a row tells the staff member, who may change the password."""
    async with transaction() as tx:
        cred = await StaffCredential.filter(id=credential_id).select_for_update().using_db(tx).get()
        cred.failed_attempts += 1
        await cred.save(using_db=tx, update_fields=["failed_attempts"])
        if cred.failed_attempts % FAILURES_BEFORE_ALERT == 0:
            await _security_alert(
                tx, cred.person_id, f"signin-failures:{cred.id}:{cred.failed_attempts}:{clock.now().isoformat()}",
                f"您的工作台账号已连续 {cred.failed_attempts} 次密码错误。如非本人操作，请修改密码或联系管理员。",
            )


async def login_demo(*, handle: str, user_agent: str = "") -> Tokens:
    """Sign in as a seeded demo person. Development only: prod refuses it."""
    if get_settings().is_prod:
        raise DomainError(ErrorCode.NOT_AVAILABLE, "演示登录仅在开发环境可用")
    check_length(handle, "handle", 32)
    async with transaction() as tx:
        person = await Person.filter(handle=handle).using_db(tx).first()
        if person is None:
            raise DomainError(ErrorCode.NOT_FOUND, "没有这个演示账号", field="handle")
        return await start_session(tx, person.id, "demo", user_agent)


async def refresh_tokens(*, refresh_token: str) -> Tokens:
    """Rotate a refresh token. Presenting one that was already rotated means it was copied:
    the whole session (every token descended from the sign-in) is revoked."""
    check_length(refresh_token, "refreshToken", 128)
    failure: DomainError | None = None
    async with transaction() as tx:
        row = await RefreshToken.filter(token_hash=hash_refresh_token(refresh_token)).using_db(tx).first()
        if row is None:
            raise DomainError(ErrorCode.INVALID_TOKEN, "登录已失效，请重新登录")
        session = await AuthSession.filter(id=row.session_id).select_for_update().using_db(tx).get()
        row = await RefreshToken.filter(id=row.id).select_for_update().using_db(tx).get()
        now = clock.now()
        if session.revoked_at is not None or row.expires_at <= now:
            raise DomainError(ErrorCode.INVALID_TOKEN, "登录已失效，请重新登录")
        if row.rotated_at is not None:
            await _revoke(tx, session, "refresh_reuse")
            await _security_alert(
                tx, session.person_id, f"reuse:{session.id}",
                "检测到您的登录凭证被重复使用，为保护账号安全已退出该设备的登录，请重新登录。",
            )
            failure = DomainError(ErrorCode.TOKEN_REUSED, "登录凭证已被使用过，为安全起见已退出登录")
        else:
            row.rotated_at = now
            await row.save(using_db=tx, update_fields=["rotated_at"])
            session.last_used_at = now
            await session.save(using_db=tx, update_fields=["last_used_at"])
            return await _issue(tx, session)
    await _mark_revoked(session.id)
    raise failure


async def logout(*, refresh_token: str) -> None:
    check_length(refresh_token, "refreshToken", 128)
    async with transaction() as tx:
        row = await RefreshToken.filter(token_hash=hash_refresh_token(refresh_token)).using_db(tx).first()
        if row is None:
            raise DomainError(ErrorCode.INVALID_TOKEN, "登录已失效")
        session = await AuthSession.filter(id=row.session_id).select_for_update().using_db(tx).get()
        if session.revoked_at is None:
            await _revoke(tx, session, "logout")
    await _mark_revoked(session.id)


async def _revoke(tx, session: AuthSession, reason: str) -> None:
    session.revoked_at, session.revoked_reason = clock.now(), reason
    await session.save(using_db=tx, update_fields=["revoked_at", "revoked_reason"])


async def _mark_revoked(session_id: UUID) -> None:
    # Access tokens live ACCESS_TTL at most, so the marker need not outlive them. Without Redis the
    # revocation is in the database already; only the fast path for its access tokens is missing.
    with contextlib.suppress(ServiceUnavailable):
        await runtime().cache.set(_REVOKED_KEY.format(session_id), "1", int(ACCESS_TTL.total_seconds()) + 60)


# Spends the caller's request budget and answers, in the same Redis round trip, whether the cache
# key given (the revoked-session marker) is set; None when Redis cannot say.
SpendChecking = Callable[[UUID, str], Awaitable[bool | None]]


async def _marker_set(key: str) -> bool | None:
    try:
        return await runtime().cache.get(key) is not None
    except ServiceUnavailable:
        return None


async def _roles(person_id: UUID) -> dict[UUID, frozenset[str]]:
    roles: dict[UUID, set[str]] = {}
    for community_id, role in await Membership.filter(person_id=person_id).values_list("community_id", "role"):
        roles.setdefault(community_id, set()).add(str(role))
    return {c: frozenset(r) for c, r in roles.items()}


async def _proxy_terms(agent_id: UUID, principal_id: UUID) -> tuple[frozenset[str], datetime] | None:
    proxy = await active_proxy(agent_id=agent_id, principal_id=principal_id)
    return (frozenset(proxy.scopes), proxy.valid_until) if proxy else None


async def authenticate(access_token: str, acting_for: str | None = None, *, identities: IdentityCache,
                       spend: SpendChecking | None = None) -> Actor:
    """The caller of a request. `acting_for` (a person id) switches to acting as their proxy.
    A revoked session is refused at once: the marker in Redis is checked on every request (in the
    rate limit's round trip when `spend` is given); while Redis is down the database, which holds
    the truth, answers instead. Roles and proxies come from `identities`, which every change
    invalidates, so a revoked proxy or an ended membership stops working on the next request; a
    proxy's expiry is checked here, by time."""
    person_id, session_id = read_access_token(access_token)
    marker = _REVOKED_KEY.format(session_id)
    revoked = await spend(person_id, marker) if spend else await _marker_set(marker)
    if revoked is None:
        revoked = await AuthSession.filter(id=session_id).exclude(revoked_at=None).exists()
    if revoked:
        raise AuthenticationError("session revoked")
    actor = Actor(person_id, session_id, await identities.get(person_id, "roles", lambda: _roles(person_id)))
    if not acting_for:
        return actor
    try:
        principal_id = UUID(acting_for)
    except ValueError:
        principal_id = None
    terms = principal_id and await identities.get(person_id, principal_id,
                                                  lambda: _proxy_terms(person_id, principal_id))
    if terms and terms[1] <= clock.now():  # expired since cached; an older proxy may still hold
        identities.forget(person_id)
        terms = await identities.get(person_id, principal_id, lambda: _proxy_terms(person_id, principal_id))
    if not terms:
        raise DomainError(ErrorCode.PROXY_INVALID, "代办授权不存在或已失效，请切换回本人")
    return actor.acting_as_proxy(principal_id, terms[0])


async def list_sessions(actor: Actor) -> list[AuthSession]:
    """My signed-in devices."""
    me = actor.require_person()
    return await AuthSession.filter(person_id=me, revoked_at=None).order_by("-last_used_at").limit(50)


async def revoke_session(actor: Actor, *, session_id: UUID) -> AuthSession:
    """Sign out one of my devices, or, for staff who may, a resident's."""
    me = actor.require_person()
    async with transaction() as tx:
        session = await AuthSession.filter(id=session_id).select_for_update().using_db(tx).first()
        if session is None:
            raise DomainError(ErrorCode.NOT_FOUND, "找不到该登录设备")
        staff_community = None
        if session.person_id != me:
            communities = await Membership.filter(person_id=session.person_id).values_list("community_id", flat=True)
            staff_community = next((c for c in communities if has(actor, Permission.SESSION_REVOKE, c)), None)
            if staff_community is None:
                raise DomainError(ErrorCode.NOT_FOUND, "找不到该登录设备")
        if session.revoked_at is None:
            await _revoke(tx, session, "revoked_by_staff" if staff_community else "revoked_by_self")
            session.revoked_by_id = me
            await session.save(using_db=tx, update_fields=["revoked_by_id"])
            if staff_community:
                await audit.record(tx, actor, "session.revoke", "auth_session", session.id,
                                   community_id=staff_community, after={"person": str(session.person_id)})
    await _mark_revoked(session.id)
    return session


async def revoke_all_sessions(person_id: UUID, *, reason: str) -> None:
    ids = await AuthSession.filter(person_id=person_id, revoked_at=None).values_list("id", flat=True)
    await AuthSession.filter(id__in=list(ids)).update(revoked_at=clock.now(), revoked_reason=reason)
    for session_id in ids:
        await _mark_revoked(session_id)
