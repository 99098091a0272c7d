"""Granting, recording, revoking and resolving proxies (代办)."""

from datetime import datetime, timedelta
from uuid import UUID

from tortoise.expressions import Q

from backend.audit import service as audit
from backend.core.actor import Actor, ProxyScope
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.identities import changed
from backend.core.permissions import Permission, has, require
from backend.proxies.models import Proxy
from backend.registry.models import Membership, PersonRoom

MAX_VALIDITY = timedelta(days=366)
HOUSEHOLD_EVIDENCE = "同户家庭成员"


def _check_terms(scopes: list[str], valid_until: datetime) -> list[str]:
    if not scopes or any(s not in ProxyScope.__members__ for s in scopes):
        raise DomainError(ErrorCode.INVALID_INPUT, "请选择代办事项", field="scopes")
    now = clock.now()
    if not now < valid_until <= now + MAX_VALIDITY:
        raise DomainError(ErrorCode.INVALID_INPUT, "有效期须在今天之后、一年之内", field="validUntil")
    return sorted(set(scopes))


async def _shared_household(a: UUID, b: UUID) -> UUID | None:
    """The community of a household both people live in now, if any."""
    mine = await PersonRoom.filter(person_id=a, until=None).values_list("household_id", "community_id")
    theirs = set(await PersonRoom.filter(person_id=b, until=None).values_list("household_id", flat=True))
    return next((community for household, community in mine if household in theirs), None)


async def grant_proxy(actor: Actor, *, agent_id: UUID, scopes: list[str], valid_until: datetime) -> Proxy:
    """A resident lets a member of their own household act for them."""
    principal = actor.require_self("代办人不能再转授权")
    scopes = _check_terms(scopes, valid_until)
    if agent_id == principal:
        raise DomainError(ErrorCode.INVALID_INPUT, "不能授权给自己", field="agentId")
    community_id = await _shared_household(principal, agent_id)
    if community_id is None:
        raise DomainError(ErrorCode.NOT_FOUND, "只能授权同户家庭成员；其他人请到居委会办理书面委托", field="agentId")
    async with transaction() as tx:
        proxy = await Proxy.create(
            community_id=community_id, principal_id=principal, agent_id=agent_id, scopes=scopes,
            evidence=HOUSEHOLD_EVIDENCE, valid_until=valid_until, granted_by_id=principal, using_db=tx,
        )
        await audit.record(tx, actor, "proxy.grant", "proxy", proxy.id, community_id=community_id,
                           after={"agent": str(agent_id), "scopes": scopes})
        changed(tx, agent_id)
    return proxy


async def record_proxy(actor: Actor, *, community_id: UUID, principal_id: UUID, agent_id: UUID, scopes: list[str],
                       evidence: str, valid_until: datetime) -> Proxy:
    """Committee staff record a written authorisation (委托书) for someone outside the household."""
    require(actor, Permission.PROXY_RECORD, community_id)
    scopes = _check_terms(scopes, valid_until)
    if not 2 <= len(evidence.strip()) <= 200:
        raise DomainError(ErrorCode.INVALID_INPUT, "请填写委托凭证（如委托书编号）", field="evidence")
    if principal_id == agent_id:
        raise DomainError(ErrorCode.INVALID_INPUT, "委托人和代办人不能是同一人", field="agentId")
    members = set(await Membership.filter(community_id=community_id, person_id__in=[principal_id, agent_id])
                  .values_list("person_id", flat=True))
    if principal_id not in members:
        raise DomainError(ErrorCode.NOT_FOUND, "该社区没有这位居民", field="principalId")
    async with transaction() as tx:
        proxy = await Proxy.create(
            community_id=community_id, principal_id=principal_id, agent_id=agent_id, scopes=scopes,
            evidence=evidence.strip(), valid_until=valid_until, granted_by_id=actor.person_id, using_db=tx,
        )
        await audit.record(tx, actor, "proxy.record", "proxy", proxy.id, community_id=community_id,
                           after={"principal": str(principal_id), "agent": str(agent_id), "scopes": scopes})
        changed(tx, agent_id)
    return proxy


async def revoke_proxy(actor: Actor, *, proxy_id: UUID) -> Proxy:
    """The principal, the agent (giving it up), or committee staff end a proxy; it stops at once."""
    person = actor.require_person()
    async with transaction() as tx:
        proxy = await Proxy.filter(id=proxy_id).select_for_update().using_db(tx).first()
        allowed = proxy is not None and (
            person in (proxy.principal_id, proxy.agent_id) or has(actor, Permission.PROXY_RECORD, proxy.community_id)
        )
        if not allowed:
            raise DomainError(ErrorCode.NOT_FOUND, "找不到该代办授权")
        if proxy.revoked_at is None:
            proxy.revoked_at = clock.now()
            await proxy.save(using_db=tx, update_fields=["revoked_at"])
            await audit.record(tx, actor, "proxy.revoke", "proxy", proxy.id, community_id=proxy.community_id)
            changed(tx, proxy.agent_id)
    return proxy


async def active_proxy(*, agent_id: UUID, principal_id: UUID) -> Proxy | None:
    return await Proxy.filter(
        agent_id=agent_id, principal_id=principal_id, revoked_at=None, valid_until__gt=clock.now()
    ).order_by("-id").first()


async def list_proxies(actor: Actor) -> list[Proxy]:
    """Proxies where I am the principal or the agent, newest first."""
    me = actor.require_person()
    return await Proxy.filter(Q(principal_id=me) | Q(agent_id=me)).select_related("principal", "agent") \
        .order_by("-id").limit(50)
