"""Who works for a provider and what that lets them do: the one place the services domain asks it.

A provider's admin runs its catalogue, slots, menus, workers and payout accounts and sees all its
orders; a worker sees and moves only the orders assigned to them. Operators (PLATFORM_OPERATE)
verify providers and set commission rules. Anyone else gets not-found, never forbidden."""

from uuid import UUID

from backend.core.actor import Actor
from backend.core.errors import DomainError, ErrorCode
from backend.core.permissions import Permission
from backend.core.platform import has_platform
from backend.services.models import Provider, ProviderMember, ProviderRole


def provider_not_found() -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, "找不到该服务商", field="providerId")


async def provider_role(actor: Actor, provider_id: UUID, *, tx=None) -> ProviderRole | None:
    """The actor's active role at the provider in person (never through a proxy), or None."""
    if actor.person_id is None or actor.is_proxy:
        return None
    query = ProviderMember.filter(provider_id=provider_id, person_id=actor.person_id, active=True)
    member = await (query.using_db(tx) if tx else query).first()
    return member.role if member else None


async def is_operator(actor: Actor) -> bool:
    return not actor.is_proxy and await has_platform(actor, Permission.PLATFORM_OPERATE)


async def require_operator(actor: Actor) -> None:
    actor.require_person()
    if not await is_operator(actor):
        raise DomainError(ErrorCode.FORBIDDEN, "只有平台运营方可以进行此项操作")


async def get_provider_for_admin(actor: Actor, provider_id: UUID, *, tx=None, lock: bool = False) -> Provider:
    """The provider, for its admin (or an operator); not-found for anyone else."""
    actor.require_person()
    query = Provider.filter(id=provider_id)
    if lock:
        query = query.select_for_update()
    provider = await (query.using_db(tx) if tx else query).first()
    if provider is None:
        raise provider_not_found()
    if await provider_role(actor, provider_id, tx=tx) is ProviderRole.ADMIN or await is_operator(actor):
        return provider
    raise provider_not_found()


async def my_providers(actor: Actor) -> list[tuple[Provider, ProviderRole]]:
    """The providers the actor works for in person, with their role at each."""
    if actor.person_id is None or actor.is_proxy:
        return []
    members = await ProviderMember.filter(person_id=actor.person_id, active=True).prefetch_related("provider")
    return [(m.provider, m.role) for m in members]
