"""Personal data: masking by default, unmasking with a reason into the access log, consent, and a
person's right to download and to erase their data."""

from enum import StrEnum
from uuid import UUID

from backend.accounts.models import AuthSession, FirebaseAccount, Person, StaffCredential, WechatAccount
from backend.accounts.service import revoke_all_sessions
from backend.audit import service as audit
from backend.audit.models import AuditEntry
from backend.core import crypto
from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate
from backend.core.permissions import Permission, require
from backend.privacy.models import AccessLog, Consent
from backend.registry.models import Membership, PersonRoom, ResidenceApplication
from backend.registry.scope import person_community

PRIVACY_NOTICE_VERSION = "2026-11"


class PersonalField(StrEnum):
    PHONE = "PHONE"
    ID_NUMBER = "ID_NUMBER"


def masked_phone(person: Person) -> str | None:
    return crypto.mask_phone(crypto.decrypt(person.phone_encrypted)) if person.phone_encrypted else None


def masked_id_number(person: Person) -> str | None:
    if not person.id_number_encrypted:
        return None
    value = crypto.decrypt(person.id_number_encrypted)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}" if len(value) > 7 else "*" * len(value)


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


async def has_consented(person_id: UUID) -> bool:
    return await Consent.filter(person_id=person_id, document="privacy_notice", version=PRIVACY_NOTICE_VERSION).exists()


async def export_my_data(actor: Actor) -> dict:
    """Everything Linli holds about me, in readable form (个人信息查阅、复制)."""
    me = actor.require_person()
    if actor.acting_for is not None:
        raise DomainError(ErrorCode.FORBIDDEN, "请本人导出个人数据")
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
    }


async def erase_me(actor: Actor) -> None:
    """Forget me: personal fields wiped, sign-ins and homes ended. The person row stays so that
    ledger entries and ballots keep their integrity, but it no longer says who it was."""
    me = actor.require_person()
    if actor.acting_for is not None:
        raise DomainError(ErrorCode.FORBIDDEN, "请本人申请注销")
    now = clock.now()
    async with transaction() as tx:
        person = await Person.filter(id=me).select_for_update().using_db(tx).get()
        person.display_name, person.handle, person.anonymized_at = "已注销用户", None, now
        person.phone_encrypted = person.phone_lookup = None
        person.id_number_encrypted = person.id_number_lookup = None
        await person.save(using_db=tx)
        for model in (WechatAccount, FirebaseAccount, StaffCredential, Consent):
            await model.filter(person_id=me).using_db(tx).delete()
        await PersonRoom.filter(person_id=me, until=None).using_db(tx).update(until=now)
        await Membership.filter(person_id=me).using_db(tx).delete()
        await audit.record(tx, actor, "person.erase", "person", me, community_id=None)
    await revoke_all_sessions(me, reason="erased")
