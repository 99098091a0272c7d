"""Becoming a resident: applications verified by staff, invitations from the head of household,
and moving out (which ends the link and keeps its history)."""

import hashlib
import hmac
from datetime import timedelta
from uuid import UUID

from backend.audit import service as audit
from backend.core import outbox
from backend.core.actor import Actor, ProxyScope
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.identities import changed
from backend.core.ids import uuid7
from backend.core.pagination import Page, paginate
from backend.core.permissions import Permission, has, require
from backend.core.settings import get_settings
from backend.media.models import Upload
from backend.registry.models import (
    ApplicationStatus,
    Channel,
    Household,
    HouseholdInvite,
    Membership,
    PersonRoom,
    ResidenceApplication,
    ResidentRole,
    Role,
    Room,
)
from backend.registry.scope import grid_scope, reaches_room

INVITE_TTL = timedelta(hours=72)
ROLE_MEMBERSHIPS = {
    ResidentRole.OWNER: [Role.RESIDENT, Role.OWNER],
    ResidentRole.TENANT: [Role.RESIDENT],
    ResidentRole.CO_RESIDENT: [Role.RESIDENT],
}


def _role(value: str) -> ResidentRole:
    try:
        return ResidentRole(value)
    except ValueError as exc:
        raise DomainError(ErrorCode.INVALID_INPUT, "请选择身份：业主、租户或同住人", field="role") from exc


async def apply_for_room(actor: Actor, *, community_id: UUID, room_code: str, role: str,
                         proof_upload_id: UUID | None = None) -> ResidenceApplication:
    applicant = actor.subject(ProxyScope.REGISTRY)
    resident_role = _role(role)
    room = await Room.filter(community_id=community_id, code=room_code.strip()[:32]).first()
    if room is None:
        raise DomainError(ErrorCode.NOT_FOUND, "该社区没有这个房号", field="roomCode")
    if proof_upload_id is not None and not await Upload.filter(
        id=proof_upload_id, owner_id=actor.person_id, kind="proof_photo"
    ).exists():
        raise DomainError(ErrorCode.NOT_FOUND, "找不到上传的证明照片", field="proofUploadId")
    async with transaction() as tx:
        if await PersonRoom.filter(person_id=applicant, room_id=room.id, until=None).using_db(tx).exists():
            raise DomainError(ErrorCode.INVALID_INPUT, "您已是该房屋的住户", field="roomCode")
        if await ResidenceApplication.filter(
            person_id=applicant, room_id=room.id, status=ApplicationStatus.PENDING
        ).using_db(tx).exists():
            raise DomainError(ErrorCode.INVALID_INPUT, "已有一份待审核的申请", field="roomCode")
        application = await ResidenceApplication.create(
            community_id=community_id, person_id=applicant, room_id=room.id, role=resident_role,
            proof_id=proof_upload_id, submitted_by_id=actor.person_id, using_db=tx,
        )
        await audit.record(tx, actor, "residence.apply", "residence_application", application.id,
                           community_id=community_id, after={"room": room.code, "role": resident_role})
    return application


async def list_applications(actor: Actor, *, community_id: UUID, status: str | None, first: int,
                            after: str | None) -> Page[ResidenceApplication]:
    """The verification queue."""
    require(actor, Permission.RESIDENCE_VERIFY, community_id)
    scope = await grid_scope(actor, community_id)
    query = ResidenceApplication.filter(scope.buildings("room__unit__building"), community_id=community_id) \
        .select_related("person", "room__unit__building__estate", "decided_by")
    if status:
        query = query.filter(status=status)
    return await paginate(query, first=first, after=after)


async def decide_application(actor: Actor, *, application_id: UUID, approve: bool,
                             reason: str | None = None) -> ResidenceApplication:
    reason = (reason or "").strip()
    if not approve and not 2 <= len(reason) <= 200:
        raise DomainError(ErrorCode.INVALID_INPUT, "驳回须写明原因（2–200 字）", field="reason")
    async with transaction() as tx:
        application = await ResidenceApplication.filter(id=application_id).select_for_update().using_db(tx).first()
        if application is None or not await reaches_room(actor, application.room_id):
            raise DomainError(ErrorCode.NOT_FOUND, "找不到该申请")
        require(actor, Permission.RESIDENCE_VERIFY, application.community_id)
        if application.status != ApplicationStatus.PENDING:
            raise DomainError(ErrorCode.INVALID_INPUT, "该申请已处理过")
        now = clock.now()
        application.status = ApplicationStatus.APPROVED if approve else ApplicationStatus.REJECTED
        application.decided_by_id, application.decided_at, application.reason = actor.person_id, now, reason or None
        await application.save(using_db=tx, update_fields=["status", "decided_by_id", "decided_at", "reason"])
        if approve:
            household = await Household.filter(room_id=application.room_id).using_db(tx).order_by("id").first()
            if household is None:
                household = await Household.create(
                    community_id=application.community_id, room_id=application.room_id, using_db=tx
                )
            await _move_in(tx, application.person_id, household, application.role, Channel.APPLICATION,
                           verified_by=actor.person_id)
        await audit.record(tx, actor, f"residence.{'approve' if approve else 'reject'}", "residence_application",
                           application.id, community_id=application.community_id,
                           before={"status": ApplicationStatus.PENDING}, after={"status": application.status,
                                                                                "reason": reason or None})
        verdict = "已通过" if approve else f"未通过：{reason}"
        await outbox.add(tx, "notify.inbox", key=f"residence:{application.id}:decided",
                         person_id=str(application.person_id), kind="registry", title="住户认证结果",
                         body=f"您的住户认证申请{verdict}")
    return application


async def _move_in(tx, person_id: UUID, household: Household, role: ResidentRole, channel: Channel, *,
                   verified_by: UUID | None) -> PersonRoom:
    link = await PersonRoom.create(
        community_id=household.community_id, person_id=person_id, room_id=household.room_id, household=household,
        role=role, since=clock.now(), verified_by_id=verified_by, channel=channel, using_db=tx,
    )
    roles = list(ROLE_MEMBERSHIPS[role])
    if not await Membership.filter(household_id=household.id, role=Role.HOUSEHOLD_HEAD).using_db(tx).exists():
        roles.append(Role.HOUSEHOLD_HEAD)  # the first verified resident heads the household
    for member_role in roles:
        await Membership.get_or_create(
            person_id=person_id, community_id=household.community_id, role=member_role,
            defaults={"household_id": household.id}, using_db=tx,
        )
    changed(tx, person_id)
    return link


def _sign(invite_id: UUID) -> str:
    key = get_settings().token_signing_key.encode()
    return hmac.new(key, b"invite:" + invite_id.bytes, hashlib.sha256).hexdigest()[:16]


async def create_invite(actor: Actor, *, role: str) -> tuple[HouseholdInvite, str]:
    """The head of household invites family: a signed, expiring, single-use code (shown as a QR)."""
    head = actor.subject(ProxyScope.REGISTRY)
    resident_role = _role(role)
    membership = await Membership.filter(person_id=head, role=Role.HOUSEHOLD_HEAD).exclude(household_id=None).first()
    if membership is None:
        raise DomainError(ErrorCode.FORBIDDEN, "只有户主可以邀请家庭成员")
    household = await Household.get(id=membership.household_id)
    invite_id = uuid7()
    code = f"{invite_id.hex}.{_sign(invite_id)}"
    async with transaction() as tx:
        invite = await HouseholdInvite.create(
            id=invite_id, community_id=household.community_id, household=household, inviter_id=head,
            role=resident_role, code_hash=hashlib.sha256(code.encode()).hexdigest(),
            expires_at=clock.now() + INVITE_TTL, using_db=tx,
        )
        await audit.record(tx, actor, "household.invite", "household", household.id,
                           community_id=household.community_id, after={"role": resident_role})
    return invite, code


async def accept_invite(actor: Actor, *, code: str) -> PersonRoom:
    person_id = actor.subject(ProxyScope.REGISTRY)
    invite_hex, _, signature = code.strip().partition(".")
    try:
        invite_id = UUID(hex=invite_hex)
    except ValueError:
        invite_id = None
    if invite_id is None or not hmac.compare_digest(signature, _sign(invite_id)):
        raise DomainError(ErrorCode.INVALID_TOKEN, "邀请码无效", field="code")
    async with transaction() as tx:
        invite = await HouseholdInvite.filter(id=invite_id).select_for_update().using_db(tx).first()
        if invite is None:
            raise DomainError(ErrorCode.INVALID_TOKEN, "邀请码无效", field="code")
        if invite.used_at is not None:
            raise DomainError(ErrorCode.INVALID_TOKEN, "邀请码已被使用", field="code")
        if invite.expires_at <= clock.now():
            raise DomainError(ErrorCode.INVALID_TOKEN, "邀请码已过期，请户主重新邀请", field="code")
        household = await Household.get(id=invite.household_id).using_db(tx)
        if await PersonRoom.filter(person_id=person_id, household_id=household.id, until=None).using_db(tx).exists():
            raise DomainError(ErrorCode.INVALID_INPUT, "您已是这一户的成员", field="code")
        invite.used_at, invite.used_by_id = clock.now(), person_id
        await invite.save(using_db=tx, update_fields=["used_at", "used_by_id"])
        link = await _move_in(tx, person_id, household, invite.role, Channel.INVITE, verified_by=invite.inviter_id)
        await audit.record(tx, actor, "household.join", "household", household.id,
                           community_id=household.community_id, after={"role": invite.role})
    return link


async def move_out(actor: Actor, *, residence_id: UUID) -> PersonRoom:
    """Ends a residence (the person, their head of household, or verifying staff); history stays."""
    me = actor.subject(ProxyScope.REGISTRY)
    async with transaction() as tx:
        link = await PersonRoom.filter(id=residence_id).select_for_update().using_db(tx).first()
        if link is None:
            raise DomainError(ErrorCode.NOT_FOUND, "找不到该住户记录")
        is_head = await Membership.filter(person_id=me, household_id=link.household_id,
                                          role=Role.HOUSEHOLD_HEAD).using_db(tx).exists()
        staff = has(actor, Permission.RESIDENCE_VERIFY, link.community_id) and await reaches_room(actor, link.room_id)
        if not (link.person_id == me or is_head or staff):
            raise DomainError(ErrorCode.NOT_FOUND, "找不到该住户记录")
        if link.until is not None:
            raise DomainError(ErrorCode.INVALID_INPUT, "已经迁出")
        link.until = clock.now()
        await link.save(using_db=tx, update_fields=["until"])
        if not await PersonRoom.filter(person_id=link.person_id, community_id=link.community_id,
                                       until=None).using_db(tx).exists():
            # No home left in this community: the resident roles go; staff roles stay.
            await Membership.filter(
                person_id=link.person_id, community_id=link.community_id,
                role__in=[Role.RESIDENT, Role.OWNER, Role.HOUSEHOLD_HEAD],
            ).using_db(tx).delete()
            changed(tx, link.person_id)
        await audit.record(tx, actor, "residence.move_out", "person_room", link.id, community_id=link.community_id,
                           before={"until": None}, after={"until": link.until.isoformat()})
    return link
