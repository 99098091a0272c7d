"""Check-in and check-out by QR: the coordinator's phone shows a code signed with the app's secret
(HMAC) that names the activity and the purpose and is valid for 60 seconds by the clock; the
volunteer scans it. Minutes are check-out less check-in, clipped to the activity window."""

import base64
import hashlib
import hmac
from datetime import timedelta
from uuid import UUID

from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.settings import get_settings
from backend.volunteering import access
from backend.volunteering.models import SignupState, VolunteerActivity, VolunteerSignup

CHECK_IN, CHECK_OUT = "CHECK_IN", "CHECK_OUT"
TOKEN_TTL = timedelta(seconds=60)
EARLY_CHECK_IN = timedelta(minutes=30)
LATE_CHECK_OUT = timedelta(hours=2)
QR_PREFIX = "linli:checkin:"


def _signature(body: str) -> str:
    key = get_settings().token_signing_key.encode()
    return hmac.new(key, f"volunteer-checkin:{body}".encode(), hashlib.sha256).hexdigest()[:32]


async def checkin_code(actor: Actor, *, activity_id: UUID, purpose: str) -> tuple[str, object]:
    """A fresh token for the activity's QR (those who run it only) and when it expires."""
    if purpose not in (CHECK_IN, CHECK_OUT):
        raise DomainError(ErrorCode.INVALID_INPUT, "无效的签到类型", field="purpose")
    activity = await access.get_activity_to_run(actor, activity_id)
    return signed_code(activity.id, purpose)


def signed_code(activity_id: UUID, purpose: str) -> tuple[str, object]:
    """The token itself, valid for TOKEN_TTL from now (checkin_code decides who may have one)."""
    expires = clock.now() + TOKEN_TTL
    body = f"{activity_id.hex}.{purpose}.{int(expires.timestamp())}"
    token = base64.urlsafe_b64encode(f"{body}.{_signature(body)}".encode()).decode().rstrip("=")
    return token, expires


def _read(token: str) -> tuple[UUID, str]:
    token = (token or "").strip().removeprefix(QR_PREFIX)
    invalid = DomainError(ErrorCode.INVALID_TOKEN, "签到码无效", field="token")
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        activity_hex, purpose, expires, signature = text.split(".")
        activity_id, expires_at = UUID(hex=activity_hex), int(expires)
    except (ValueError, UnicodeDecodeError):
        raise invalid from None
    if not hmac.compare_digest(signature, _signature(f"{activity_hex}.{purpose}.{expires}")):
        raise invalid
    if clock.now().timestamp() > expires_at:
        raise DomainError(ErrorCode.INVALID_TOKEN, "签到码已过期，请扫描最新的二维码", field="token")
    return activity_id, purpose


async def _scan(actor: Actor, token: str, purpose: str, activity_id: UUID | None):
    me = actor.require_self(access.SELF_ONLY)
    named, scanned_purpose = _read(token)
    if activity_id is not None and named != activity_id:
        raise DomainError(ErrorCode.INVALID_INPUT, "该二维码不属于本活动", field="token")
    if scanned_purpose != purpose:
        wanted = "签到" if purpose == CHECK_IN else "签退"
        raise DomainError(ErrorCode.INVALID_INPUT, f"这不是{wanted}二维码", field="token")
    return me, named


async def _signup(tx, me: UUID, activity_id: UUID) -> tuple[VolunteerSignup, VolunteerActivity]:
    signup = await VolunteerSignup.filter(activity_id=activity_id, person_id=me).select_for_update().using_db(tx
                                          ).first()
    if signup is None or signup.state != SignupState.SIGNED_UP:
        raise DomainError(ErrorCode.FORBIDDEN, "您未报名该活动，不能签到")
    return signup, await VolunteerActivity.get(id=activity_id, using_db=tx)


async def check_in(actor: Actor, *, token: str, activity_id: UUID | None = None) -> VolunteerSignup:
    me, named = await _scan(actor, token, CHECK_IN, activity_id)
    async with transaction() as tx:
        signup, activity = await _signup(tx, me, named)
        now = clock.now()
        if signup.checked_in_at is not None:
            raise DomainError(ErrorCode.INVALID_INPUT, "您已签到")
        if not activity.starts_at - EARLY_CHECK_IN <= now <= activity.ends_at:
            raise DomainError(ErrorCode.INVALID_INPUT, "不在签到时间内（活动开始前 30 分钟至结束）")
        signup.checked_in_at = now
        await signup.save(using_db=tx, update_fields=["checked_in_at"])
    return signup


def window_minutes(activity: VolunteerActivity, checked_in_at, checked_out_at) -> int:
    start, end = max(checked_in_at, activity.starts_at), min(checked_out_at, activity.ends_at)
    return max(0, int((end - start).total_seconds() // 60))


async def check_out(actor: Actor, *, token: str, activity_id: UUID | None = None) -> VolunteerSignup:
    me, named = await _scan(actor, token, CHECK_OUT, activity_id)
    async with transaction() as tx:
        signup, activity = await _signup(tx, me, named)
        now = clock.now()
        if signup.checked_in_at is None:
            raise DomainError(ErrorCode.INVALID_INPUT, "请先签到再签退")
        if signup.checked_out_at is not None:
            raise DomainError(ErrorCode.INVALID_INPUT, "您已签退")
        if now > activity.ends_at + LATE_CHECK_OUT:
            raise DomainError(ErrorCode.INVALID_INPUT, "已超过签退时间（活动结束后 2 小时内）")
        signup.checked_out_at = now
        signup.computed_minutes = window_minutes(activity, signup.checked_in_at, now)
        await signup.save(using_db=tx, update_fields=["checked_out_at", "computed_minutes"])
    return signup
