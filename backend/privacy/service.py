"""Personal data: unmasking with a reason into the access log, consent, and a person's right to
download and to erase their data. (Masking by default is backend.people.masking.)"""

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from backend.accounts.models import AuthSession, FirebaseAccount, StaffCredential, WechatAccount
from backend.accounts.service import revoke_all_sessions
from backend.audit import service as audit
from backend.audit.models import AuditEntry
from backend.cases import personal as cases
from backend.consult import personal as questions
from backend.core import crypto
from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.identities import changed
from backend.core.pagination import Page, paginate
from backend.core.permissions import Permission, require
from backend.core.runtime import runtime
from backend.deliberation import personal as deliberation
from backend.moderation import personal as moderation
from backend.people.consent import PRIVACY_NOTICE_VERSION
from backend.people.models import Consent, Person
from backend.privacy.models import AccessLog
from backend.registry.models import Membership, PersonRoom, ResidenceApplication, Role
from backend.registry.scope import person_community
from backend.volunteering import personal as volunteering


class PersonalField(StrEnum):
    PHONE = "PHONE"
    ID_NUMBER = "ID_NUMBER"


async def unmask(actor: Actor, *, person_id: UUID, field: str, reason: str) -> str | None:
    """The full phone or ID number, for staff who hold the permission, with a reason that goes into
    the access log with who, whom and when."""
    reason = reason.strip()
    if not 4 <= len(reason) <= 200:
        raise DomainError(ErrorCode.INVALID_INPUT, "请写明查看原因（4–200 字）", field="reason")
    try:
        which = PersonalField(field)
    except ValueError as exc:
        raise DomainError(ErrorCode.INVALID_INPUT, "未知字段", field="field") from exc
    community_id = await person_community(actor, person_id, Permission.PERSONAL_DATA_UNMASK)
    person = await Person.get(id=person_id)
    stored = person.phone_encrypted if which is PersonalField.PHONE else person.id_number_encrypted
    async with transaction() as tx:
        await AccessLog.create(community_id=community_id, viewer_id=actor.person_id, subject_id=person_id,
                               field=which.value.lower(), reason=reason, using_db=tx)
    return crypto.decrypt(stored) if stored else None


async def list_access_log(actor: Actor, *, community_id: UUID, first: int, after: str | None) -> Page[AccessLog]:
    require(actor, Permission.AUDIT_READ, community_id)
    query = AccessLog.filter(community_id=community_id).select_related("viewer", "subject")
    return await paginate(query, first=first, after=after, newest_first=True)


async def record_consent(actor: Actor, *, version: str, channel: str) -> Consent:
    person_id = actor.require_person()
    if version != PRIVACY_NOTICE_VERSION:
        raise DomainError(ErrorCode.INVALID_INPUT, "隐私政策已更新，请阅读最新版本", field="version")
    if channel not in ("mini_program", "console", "app"):
        raise DomainError(ErrorCode.INVALID_INPUT, "未知渠道", field="channel")
    consent, _ = await Consent.get_or_create(
        person_id=person_id, document="privacy_notice", version=version, defaults={"channel": channel}
    )
    return consent


async def export_my_data(actor: Actor) -> dict:
    """Everything Linli holds about me, in readable form (个人信息查阅、复制)."""
    me = actor.require_self("请本人导出个人数据")
    person = await Person.get(id=me)
    residences = await PersonRoom.filter(person_id=me).select_related("room")
    return {
        "person": {
            "id": str(person.id), "displayName": person.display_name,
            "phone": crypto.decrypt(person.phone_encrypted) if person.phone_encrypted else None,
            "idNumber": crypto.decrypt(person.id_number_encrypted) if person.id_number_encrypted else None,
            "createdAt": person.created_at.isoformat(),
        },
        "memberships": [{"community": str(c), "role": r} for c, r in
                        await Membership.filter(person_id=me).values_list("community_id", "role")],
        "residences": [{"room": r.room.code, "role": r.role, "since": r.since.isoformat(),
                        "until": r.until.isoformat() if r.until else None} for r in residences],
        "applications": [{"room": str(a.room_id), "status": a.status, "createdAt": a.created_at.isoformat()}
                         for a in await ResidenceApplication.filter(person_id=me)],
        "consents": [{"document": c.document, "version": c.version, "at": c.created_at.isoformat()}
                     for c in await Consent.filter(person_id=me)],
        "sessions": [{"method": s.method, "createdAt": s.created_at.isoformat(),
                      "revokedAt": s.revoked_at.isoformat() if s.revoked_at else None}
                     for s in await AuthSession.filter(person_id=me).order_by("id").limit(200)],
        "history": [{"action": e.action, "at": e.created_at.isoformat(), "byProxy": e.acting_for_id == me}
                    for e in await AuditEntry.filter(acting_for_id=me).order_by("id").limit(1000)],
        **await cases.export_cases(me),
        **await questions.export_questions(me),
        **await deliberation.export_deliberation(me),
        **await moderation.export_moderation(me),
        **await volunteering.export_volunteering(me),
    }


# Roles that others depend on: handed over (removed by an administrator) before one may erase oneself.
STAFF_ROLES = {
    Role.COMMITTEE_STAFF: "居委会工作人员", Role.GRID_WORKER: "网格员", Role.PROPERTY_STAFF: "物业工作人员",
    Role.VOLUNTEER_COORDINATOR: "志愿者协调员", Role.PROVIDER_ADMIN: "服务商管理员",
    Role.PROVIDER_WORKER: "服务商员工",
}
ERASE_CODE_TTL = timedelta(minutes=10)
ERASE_CODE_ATTEMPTS = 5


@dataclass(frozen=True)
class EraseCode:
    code: str
    expires_at: datetime


def _erase_code_key(person_id: UUID) -> str:
    return f"erase-code:{person_id}"


def _code_hash(person_id: UUID, code: str) -> str:
    return hashlib.sha256(f"{person_id}:{code}".encode()).hexdigest()


async def _check_may_erase(actor: Actor) -> UUID:
    me = actor.require_self("请本人申请注销")
    held = await Membership.filter(person_id=me, role__in=list(STAFF_ROLES)).select_related("community") \
        .order_by("community__name", "role")
    if held:
        roles = "、".join(f"{m.community.name}{STAFF_ROLES[Role(m.role)]}" for m in held)
        raise DomainError(ErrorCode.FORBIDDEN, f"您仍担任{roles}，请先交接工作、由管理员解除这些角色后再注销")
    return me


async def request_erase_code(actor: Actor) -> EraseCode:
    """A one-time code, shown in the app, to be typed back within 10 minutes to confirm erasure.
    Shown rather than sent: a WeChat user may have no phone number here."""
    me = await _check_may_erase(actor)
    code, expires = f"{secrets.randbelow(1_000_000):06d}", clock.now() + ERASE_CODE_TTL
    state = {"hash": _code_hash(me, code), "expires": expires.isoformat(), "attempts": 0}
    await runtime().cache.set(_erase_code_key(me), json.dumps(state), int(ERASE_CODE_TTL.total_seconds()))
    return EraseCode(code, expires)


async def _use_erase_code(me: UUID, code: str) -> None:
    """The code works once; a wrong one counts, and five wrong ones use it up."""
    key = _erase_code_key(me)
    raw = await runtime().cache.get(key)
    state = json.loads(raw) if raw else None
    if state is None or datetime.fromisoformat(state["expires"]) <= clock.now():
        raise DomainError(ErrorCode.INVALID_INPUT, "确认码已过期，请重新获取", field="code")
    if not hmac.compare_digest(state["hash"], _code_hash(me, code.strip())):
        state["attempts"] += 1
        if state["attempts"] >= ERASE_CODE_ATTEMPTS:
            await runtime().cache.delete(key)
        else:
            await runtime().cache.set(key, json.dumps(state), int(ERASE_CODE_TTL.total_seconds()))
        raise DomainError(ErrorCode.INVALID_INPUT, "确认码不正确", field="code")
    await runtime().cache.delete(key)


async def erase_me(actor: Actor, *, code: str) -> None:
    """Forget me, confirmed with the code from request_erase_code: personal fields wiped, sign-ins
    and homes ended, what I wrote on cases, questions, the 议事厅 and in reports and appeals wiped (each
    domain's personal.py). The person row stays so that ledger entries, ballots and cases keep their
    integrity, but it no longer says who it was."""
    me = await _check_may_erase(actor)
    await _use_erase_code(me, code)
    now = clock.now()
    async with transaction() as tx:
        person = await Person.filter(id=me).select_for_update().using_db(tx).get()
        person.display_name, person.handle, person.anonymized_at = "已注销用户", None, now
        person.set_phone(None)
        person.id_number_encrypted = person.id_number_lookup = None
        await person.save(using_db=tx)
        for model in (WechatAccount, FirebaseAccount, StaffCredential, Consent):
            await model.filter(person_id=me).using_db(tx).delete()
        await PersonRoom.filter(person_id=me, until=None).using_db(tx).update(until=now)
        await Membership.filter(person_id=me).using_db(tx).delete()
        await cases.erase_cases(tx, me)
        await questions.erase_questions(tx, me)
        await deliberation.erase_deliberation(tx, me)
        await moderation.erase_moderation(tx, me)
        await volunteering.erase_volunteering(tx, me)
        changed(tx, me)
        await audit.record(tx, actor, "person.erase", "person", me, community_id=None)
    await revoke_all_sessions(me, reason="erased")
