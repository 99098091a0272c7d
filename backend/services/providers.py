"""Providers (服务商): applying with a licence, the operator's decision (verify, reject, suspend,
reinstate), and what the provider's admin keeps up: payout accounts, workers, communities served.

Applying is done in person (never as a proxy) by anyone signed in, who becomes the provider's
admin. Every decision is audited (community-less entries: a provider spans communities)."""

import re
from dataclasses import dataclass
from uuid import UUID

from backend.accounts.signin import PHONE
from backend.audit import service as audit
from backend.core import crypto
from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate
from backend.media.models import Upload
from backend.people.models import Person
from backend.registry.models import Community
from backend.services import access
from backend.services.models import (
    Provider,
    ProviderCommunity,
    ProviderMember,
    ProviderRole,
    ProviderState,
    ServiceCategory,
)

PROVIDER_STATE_NAMES = {ProviderState.APPLIED: "待审核", ProviderState.VERIFIED: "已认证",
                        ProviderState.REJECTED: "未通过", ProviderState.SUSPENDED: "已暂停"}
ROLE_NAMES = {ProviderRole.ADMIN: "管理员", ProviderRole.WORKER: "服务人员"}
STRIPE_ACCOUNT = re.compile(r"acct_[A-Za-z0-9]{16,32}")
WECHAT_SUB_MCHID = re.compile(r"\d{8,10}")
MAX_COMMUNITIES = 50


def _invalid(message: str, field: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, message, field=field)


def _note(note: str | None, *, required: str | None) -> str | None:
    """A decision's note, stripped; `required` is the message when it may not be left out."""
    note = (note or "").strip() or None
    if note is None and required:
        raise _invalid(required, "note")
    if note is not None and len(note) > 200:
        raise _invalid("说明最多 200 个字", "note")
    return note


def _categories(values: list) -> list[str]:
    if not values:
        raise _invalid("请至少选择一个服务类别", "categories")
    try:
        chosen = {ServiceCategory(v) for v in values}
    except ValueError as exc:
        raise _invalid("服务类别无效", "categories") from exc
    return [c.value for c in ServiceCategory if c in chosen]  # the enum's order, once each


def normalized_phone(phone: str | None, field: str = "phone") -> str:
    """`field`: the input the phone was typed in, named by the refusal."""
    phone = re.sub(r"[\s-]", "", phone or "")
    if not PHONE.fullmatch(phone):
        raise _invalid("请填写 11 位手机号", field)
    return phone


async def _communities(tx, community_ids: list[UUID]) -> list[UUID]:
    ids = list(dict.fromkeys(community_ids))
    if not ids:
        raise _invalid("请至少选择一个服务社区", "communityIds")
    if len(ids) > MAX_COMMUNITIES:
        raise _invalid(f"最多服务 {MAX_COMMUNITIES} 个社区", "communityIds")
    found = await Community.filter(id__in=ids).using_db(tx).count()
    if found != len(ids):
        raise DomainError(ErrorCode.NOT_FOUND, "找不到所选的社区", field="communityIds")
    return ids


async def apply(actor: Actor, *, name: str, categories: list, contact_name: str, contact_phone: str,
                licence_upload_id: UUID, community_ids: list[UUID]) -> Provider:
    """Apply to become a provider (入驻申请): APPLIED, with the applicant as its admin."""
    me = actor.require_self("请本人提交入驻申请，代办不能申请")
    name, contact_name = (name or "").strip(), (contact_name or "").strip()
    if not 2 <= len(name) <= 64:
        raise _invalid("服务商名称须为 2–64 个字", "name")
    chosen = _categories(categories)
    if not 1 <= len(contact_name) <= 32:
        raise _invalid("请填写联系人姓名（最多 32 个字）", "contactName")
    phone = normalized_phone(contact_phone, "contactPhone")
    async with transaction() as tx:
        licence = await Upload.filter(id=licence_upload_id, owner_id=me, kind="provider_licence").using_db(tx).first()
        if licence is None:
            raise DomainError(ErrorCode.NOT_FOUND, "找不到上传的营业执照，请重新上传", field="licenceUploadId")
        served = await _communities(tx, community_ids)
        pending = await ProviderMember.filter(person_id=me, role=ProviderRole.ADMIN,
                                              provider__state=ProviderState.APPLIED).using_db(tx).exists()
        if pending:
            raise _invalid("您已有待审核的入驻申请，请等待平台审核", "name")
        provider = await Provider.create(name=name, state=ProviderState.APPLIED, categories=chosen,
                                         contact_name=contact_name, contact_phone_encrypted=crypto.encrypt(phone),
                                         licence_id=licence.id, applied_by_id=me, using_db=tx)
        await ProviderCommunity.bulk_create([ProviderCommunity(provider_id=provider.id, community_id=c)
                                             for c in served], using_db=tx)
        await ProviderMember.create(provider_id=provider.id, person_id=me, role=ProviderRole.ADMIN, using_db=tx)
        await audit.record(tx, actor, "service.provider_apply", "service_provider", provider.id, community_id=None,
                           after={"name": name, "categories": chosen})
    return provider


async def _for_operator(tx, actor: Actor, provider_id: UUID) -> Provider:
    await access.require_operator(actor)
    provider = await Provider.filter(id=provider_id).select_for_update().using_db(tx).first()
    if provider is None:
        raise access.provider_not_found()
    return provider


def _require_state(provider: Provider, state: ProviderState, verb: str) -> None:
    if provider.state is not state:
        raise _invalid(f"{PROVIDER_STATE_NAMES[provider.state]}的服务商不能{verb}", "providerId")


async def _decide(actor: Actor, provider_id: UUID, *, source: ProviderState, target: ProviderState, verb: str,
                  action: str, note: str | None) -> Provider:
    async with transaction() as tx:
        provider = await _for_operator(tx, actor, provider_id)
        _require_state(provider, source, verb)
        before = provider.state
        provider.state, provider.decision_note = target, note
        if target is ProviderState.VERIFIED and source is ProviderState.APPLIED:
            provider.verified_by_id, provider.verified_at = actor.person_id, clock.now()
        await provider.save(using_db=tx)
        await audit.record(tx, actor, action, "service_provider", provider.id, community_id=None,
                           before={"state": before}, after={"state": target, "note": note})
    return provider


async def decide(actor: Actor, *, provider_id: UUID, approve: bool, note: str | None) -> Provider:
    """The operator's decision on an application: verified (may be booked) or rejected (with why)."""
    if approve:
        return await _decide(actor, provider_id, source=ProviderState.APPLIED, target=ProviderState.VERIFIED,
                             verb="审核", action="service.provider_approve", note=_note(note, required=None))
    return await _decide(actor, provider_id, source=ProviderState.APPLIED, target=ProviderState.REJECTED,
                         verb="审核", action="service.provider_reject",
                         note=_note(note, required="请填写未通过的原因"))


async def suspend(actor: Actor, *, provider_id: UUID, note: str | None) -> Provider:
    """No new orders for a verified provider (open ones run on)."""
    return await _decide(actor, provider_id, source=ProviderState.VERIFIED, target=ProviderState.SUSPENDED,
                         verb="暂停", action="service.provider_suspend", note=_note(note, required="请填写暂停的原因"))


async def reinstate(actor: Actor, *, provider_id: UUID, note: str | None) -> Provider:
    return await _decide(actor, provider_id, source=ProviderState.SUSPENDED, target=ProviderState.VERIFIED,
                         verb="恢复", action="service.provider_reinstate", note=_note(note, required=None))


async def set_payout(actor: Actor, *, provider_id: UUID, stripe_account_id: str | None,
                     wechat_sub_mchid: str | None) -> Provider:
    """Where the provider's money goes at the payment providers (empty: none there)."""
    stripe_account_id = (stripe_account_id or "").strip() or None
    wechat_sub_mchid = (wechat_sub_mchid or "").strip() or None
    if stripe_account_id is not None and not STRIPE_ACCOUNT.fullmatch(stripe_account_id):
        raise _invalid("Stripe 账户号须为 acct_ 加 16–32 位字母或数字", "stripeAccountId")
    if wechat_sub_mchid is not None and not WECHAT_SUB_MCHID.fullmatch(wechat_sub_mchid):
        raise _invalid("微信支付子商户号须为 8–10 位数字", "wechatSubMchid")
    async with transaction() as tx:
        provider = await access.get_provider_for_admin(actor, provider_id, tx=tx, lock=True)
        before = {"stripe": provider.stripe_account_id, "wechat": provider.wechat_sub_mchid}
        provider.stripe_account_id, provider.wechat_sub_mchid = stripe_account_id, wechat_sub_mchid
        await provider.save(using_db=tx, update_fields=["stripe_account_id", "wechat_sub_mchid", "updated_at"])
        await audit.record(tx, actor, "service.provider_payout_set", "service_provider", provider.id,
                           community_id=None, before=before,
                           after={"stripe": stripe_account_id, "wechat": wechat_sub_mchid})
    return provider


async def add_member(actor: Actor, *, provider_id: UUID, phone: str, role: ProviderRole) -> ProviderMember:
    """Add the person with this phone (signed in at least once) as a worker or another admin."""
    phone, role = normalized_phone(phone), ProviderRole(role)
    async with transaction() as tx:
        provider = await access.get_provider_for_admin(actor, provider_id, tx=tx, lock=True)
        person = await Person.filter(phone_lookup__in=crypto.lookup_hashes(phone), anonymized_at=None
                                     ).using_db(tx).first()
        if person is None:
            raise DomainError(ErrorCode.NOT_FOUND, "找不到使用该手机号的用户，请先让其登录一次", field="phone")
        member = await ProviderMember.filter(provider_id=provider.id, person_id=person.id).using_db(tx).first()
        if member is not None and member.active:
            raise _invalid("该用户已是本服务商的成员", "phone")
        if member is None:
            member = await ProviderMember.create(provider_id=provider.id, person_id=person.id, role=role,
                                                 using_db=tx)
        else:
            member.role, member.active = role, True
            await member.save(using_db=tx, update_fields=["role", "active"])
        await audit.record(tx, actor, "service.provider_member_add", "service_provider", provider.id,
                           community_id=None, after={"person": str(person.id), "role": role})
    member.person = person
    return member


async def remove_member(actor: Actor, *, provider_id: UUID, member_id: UUID) -> ProviderMember:
    """A member leaves (kept inactive, so their past orders still name them); the last admin stays."""
    async with transaction() as tx:
        provider = await access.get_provider_for_admin(actor, provider_id, tx=tx, lock=True)
        member = await ProviderMember.filter(id=member_id, provider_id=provider.id, active=True
                                             ).select_related("person").using_db(tx).first()
        if member is None:
            raise DomainError(ErrorCode.NOT_FOUND, "找不到该成员", field="memberId")
        if member.role is ProviderRole.ADMIN:
            admins = await ProviderMember.filter(provider_id=provider.id, role=ProviderRole.ADMIN, active=True
                                                 ).using_db(tx).count()
            if admins <= 1:
                raise _invalid("服务商至少要保留一名管理员", "memberId")
        member.active = False
        await member.save(using_db=tx, update_fields=["active"])
        await audit.record(tx, actor, "service.provider_member_remove", "service_provider", provider.id,
                           community_id=None, before={"person": str(member.person_id), "role": member.role})
    return member


async def set_communities(actor: Actor, *, provider_id: UUID, community_ids: list[UUID]) -> Provider:
    """The communities the provider serves, replaced as a whole."""
    async with transaction() as tx:
        provider = await access.get_provider_for_admin(actor, provider_id, tx=tx, lock=True)
        served = await _communities(tx, community_ids)
        before = await ProviderCommunity.filter(provider_id=provider.id).using_db(tx).values_list(
            "community_id", flat=True)
        await ProviderCommunity.filter(provider_id=provider.id).exclude(community_id__in=served).using_db(tx).delete()
        await ProviderCommunity.bulk_create([ProviderCommunity(provider_id=provider.id, community_id=c)
                                             for c in served if c not in set(before)], using_db=tx)
        await audit.record(tx, actor, "service.provider_communities_set", "service_provider", provider.id,
                           community_id=None, before={"communities": [str(c) for c in before]},
                           after={"communities": [str(c) for c in served]})
    return provider


@dataclass(frozen=True)
class ProviderView:
    """A provider as one caller sees it: `privileged` (its admin, or an operator) sees the licence,
    the payout accounts and the members; a worker the rest."""

    provider: Provider
    role: ProviderRole | None
    privileged: bool


async def get_provider_for(actor: Actor, provider_id: UUID) -> ProviderView:
    """For its active members and the operator; not-found for anyone else."""
    actor.require_person()
    provider = await Provider.filter(id=provider_id).first()
    if provider is None:
        raise access.provider_not_found()
    role = await access.provider_role(actor, provider.id)
    operator = role is not ProviderRole.ADMIN and await access.is_operator(actor)
    if role is None and not operator:
        raise access.provider_not_found()
    return ProviderView(provider, role, role is ProviderRole.ADMIN or operator)


async def list_providers(actor: Actor, *, state: ProviderState | None, search: str | None, first: int,
                         after: str | None) -> Page[Provider]:
    """Every provider for the operator, newest first, by state and a part of the name."""
    await access.require_operator(actor)
    query = Provider.all()
    if state is not None:
        query = query.filter(state=state)
    if (search or "").strip():
        query = query.filter(name__icontains=search.strip()[:64])
    return await paginate(query, first=first, after=after, newest_first=True)


async def communities_of(provider_ids: list[UUID]) -> list[list[Community]]:
    """Each provider's communities (a loader's batch: one query for all)."""
    rows = await ProviderCommunity.filter(provider_id__in=provider_ids).select_related("community").order_by("id")
    found: dict[UUID, list[Community]] = {}
    for row in rows:
        found.setdefault(row.provider_id, []).append(row.community)
    return [found.get(i, []) for i in provider_ids]


async def members_of(provider_ids: list[UUID]) -> list[list[ProviderMember]]:
    """Each provider's active members, admins first (a loader's batch)."""
    rows = await ProviderMember.filter(provider_id__in=provider_ids, active=True).select_related("person"
                                                                                                 ).order_by("id")
    found: dict[UUID, list[ProviderMember]] = {}
    for row in sorted(rows, key=lambda m: m.role is not ProviderRole.ADMIN):
        found.setdefault(row.provider_id, []).append(row)
    return [found.get(i, []) for i in provider_ids]
