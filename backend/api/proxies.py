"""Proxies (代办): granting, recording, revoking."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from backend.api.errors import UserError, attempt
from backend.api.ids import parse_uuid
from backend.api.people import PersonBrief
from backend.core.actor import ProxyScope as ProxyScopeEnum
from backend.core.clock import clock
from backend.proxies import service
from backend.proxies.models import Proxy as ProxyModel

ProxyScope = strawberry.enum(ProxyScopeEnum, name="ProxyScope")


@strawberry.type
class Proxy:
    id: strawberry.ID
    principal: PersonBrief
    agent: PersonBrief
    scopes: list[ProxyScope]
    evidence: str
    valid_until: datetime
    revoked_at: datetime | None
    active: bool

    @classmethod
    def of(cls, p: ProxyModel) -> "Proxy":
        return cls(id=strawberry.ID(str(p.id)), principal=PersonBrief.of(p.principal), agent=PersonBrief.of(p.agent),
                   scopes=[ProxyScopeEnum(s) for s in p.scopes], evidence=p.evidence, valid_until=p.valid_until,
                   revoked_at=p.revoked_at, active=p.revoked_at is None and p.valid_until > clock.now())


@strawberry.type
class ProxyPayload:
    proxy: Proxy | None
    errors: list[UserError]


async def _payload(call) -> ProxyPayload:
    proxy, errors = await attempt(call)
    if proxy is not None:
        await proxy.fetch_related("principal", "agent")
    return ProxyPayload(proxy=Proxy.of(proxy) if proxy else None, errors=errors)


@strawberry.type
class ProxyMutations:
    @strawberry.mutation(description="Let a member of my household act for me in the given matters.")
    async def proxy_grant(self, info: Info, agent_id: strawberry.ID, scopes: list[ProxyScope],
                          valid_until: datetime) -> ProxyPayload:
        return await _payload(service.grant_proxy(info.context.actor, agent_id=parse_uuid(agent_id),
                                                  scopes=[s.value for s in scopes], valid_until=valid_until))

    @strawberry.mutation(description="Record a written authorisation (委托书). Needs PROXY_RECORD.")
    async def proxy_record(self, info: Info, community_id: strawberry.ID, principal_id: strawberry.ID,
                           agent_id: strawberry.ID, scopes: list[ProxyScope], evidence: str,
                           valid_until: datetime) -> ProxyPayload:
        return await _payload(service.record_proxy(
            info.context.actor, community_id=parse_uuid(community_id), principal_id=parse_uuid(principal_id),
            agent_id=parse_uuid(agent_id), scopes=[s.value for s in scopes], evidence=evidence,
            valid_until=valid_until,
        ))

    @strawberry.mutation(description="End a proxy at once (its principal, its agent, or committee staff).")
    async def proxy_revoke(self, info: Info, id: strawberry.ID) -> ProxyPayload:
        return await _payload(service.revoke_proxy(info.context.actor, proxy_id=parse_uuid(id)))
