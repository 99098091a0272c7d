"""Reading the community's wallet policy: any member or staff member of the community may."""

from uuid import UUID

from backend.core.actor import Actor
from backend.core.errors import DomainError, ErrorCode
from backend.core.permissions import permissions
from backend.registry.models import Membership
from backend.wallets.models import WalletPolicy
from backend.wallets.policy import policy_of


async def read_policy(actor: Actor, *, community_id: UUID) -> WalletPolicy:
    me = actor.require_person()
    if not permissions(actor, community_id) and not await Membership.filter(
            person_id=me, community_id=community_id).exists():
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该社区")
    return await policy_of(community_id)
