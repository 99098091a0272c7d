"""The rewards catalogue (积分商城): staff with POINTS_MANAGE add rewards, change them (cost, stock,
whether on sale) and archive them; residents of the community browse those on sale. Archived
rewards stay for the redemptions that name them."""

from dataclasses import dataclass
from uuid import UUID

from tortoise.expressions import Q

from backend.audit import service as audit
from backend.core.actor import Actor, ProxyScope
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate
from backend.core.permissions import Permission, has, permissions, require
from backend.ledger.models import Account, Ledger
from backend.points.models import Reward
from backend.registry.models import Membership
from backend.wallets.accounts import POINTS, balance

NAME_CHARS = (2, 40)
DESCRIPTION_CHARS = 500
MAX_COST = 1_000_000
MAX_STOCK = 100_000
SEARCH_MAX_CHARS = 32


@dataclass
class RewardDraft:
    name: str
    description: str
    cost: int
    stock: int
    active: bool = True


def not_found() -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, "找不到该奖品")


def _checked(draft: RewardDraft) -> RewardDraft:
    name = (draft.name or "").strip()
    if not NAME_CHARS[0] <= len(name) <= NAME_CHARS[1]:
        raise DomainError(ErrorCode.INVALID_INPUT, f"奖品名称须为 {NAME_CHARS[0]}–{NAME_CHARS[1]} 个字", field="name")
    description = (draft.description or "").strip()
    if len(description) > DESCRIPTION_CHARS:
        raise DomainError(ErrorCode.INVALID_INPUT, f"奖品说明不超过 {DESCRIPTION_CHARS} 个字", field="description")
    if not isinstance(draft.cost, int) or not 1 <= draft.cost <= MAX_COST:
        raise DomainError(ErrorCode.INVALID_INPUT, f"所需积分须在 1 到 {MAX_COST} 之间", field="cost")
    if not isinstance(draft.stock, int) or not 0 <= draft.stock <= MAX_STOCK:
        raise DomainError(ErrorCode.INVALID_INPUT, f"库存须在 0 到 {MAX_STOCK} 之间", field="stock")
    return RewardDraft(name, description, draft.cost, draft.stock, bool(draft.active))


def _fields(reward: Reward) -> dict:
    return {"name": reward.name, "cost": reward.cost, "stock": reward.stock, "active": reward.active}


async def require_member(actor: Actor, community_id: UUID) -> UUID:
    """The person a resident's mall action is for (a proxy with the TIMEBANK scope, the wallet's,
    acts for their principal), who must belong to the community; staff browse as themselves."""
    me = actor.subject(ProxyScope.TIMEBANK)
    if not permissions(actor, community_id) and \
            not await Membership.filter(person_id=me, community_id=community_id).exists():
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该社区")
    return me


async def create_reward(actor: Actor, *, community_id: UUID, draft: RewardDraft) -> Reward:
    require(actor, Permission.POINTS_MANAGE, community_id)
    draft = _checked(draft)
    async with transaction() as tx:
        reward = await Reward.create(community_id=community_id, name=draft.name, description=draft.description,
                                     cost=draft.cost, stock=draft.stock, active=draft.active,
                                     created_by_id=actor.person_id, using_db=tx)
        await audit.record(tx, actor, "reward.create", "reward", reward.id, community_id=community_id,
                           after=_fields(reward))
    return reward


async def get_reward_for_staff(actor: Actor, reward_id: UUID, *, tx=None, lock: bool = False) -> Reward:
    query = Reward.filter(id=reward_id)
    reward = await (query.select_for_update() if lock else query).using_db(tx).first()
    if reward is None or not has(actor, Permission.POINTS_MANAGE, reward.community_id):
        raise not_found()
    return reward


async def update_reward(actor: Actor, *, reward_id: UUID, draft: RewardDraft) -> Reward:
    """Change a reward; its stock is what is left to redeem from now on (held redemptions keep theirs)."""
    draft = _checked(draft)
    async with transaction() as tx:
        reward = await get_reward_for_staff(actor, reward_id, tx=tx, lock=True)
        if reward.archived_at is not None:
            raise DomainError(ErrorCode.INVALID_INPUT, "该奖品已下架归档，不能修改")
        before = _fields(reward)
        reward.name, reward.description, reward.cost = draft.name, draft.description, draft.cost
        reward.stock, reward.active = draft.stock, draft.active
        await reward.save(using_db=tx, update_fields=["name", "description", "cost", "stock", "active"])
        await audit.record(tx, actor, "reward.update", "reward", reward.id, community_id=reward.community_id,
                           before=before, after=_fields(reward))
    return reward


async def archive_reward(actor: Actor, *, reward_id: UUID) -> Reward:
    """Take a reward off the mall for good (pending redemptions of it can still be collected)."""
    async with transaction() as tx:
        reward = await get_reward_for_staff(actor, reward_id, tx=tx, lock=True)
        if reward.archived_at is not None:
            raise DomainError(ErrorCode.INVALID_INPUT, "该奖品已归档")
        reward.archived_at, reward.active = clock.now(), False
        await reward.save(using_db=tx, update_fields=["archived_at", "active"])
        await audit.record(tx, actor, "reward.archive", "reward", reward.id, community_id=reward.community_id)
    return reward


def _words(search: str | None) -> Q:
    found = Q()
    for word in (search or "").strip()[:SEARCH_MAX_CHARS].split():
        found &= Q(name__icontains=word) | Q(description__icontains=word)
    return found


async def list_rewards(actor: Actor, *, community_id: UUID, search: str | None, include_archived: bool,
                       first: int, after: str | None) -> Page[Reward]:
    """Staff (POINTS_MANAGE) see every reward, archived ones when asked; residents of the community
    those on sale. Newest first, those holding every search word."""
    query = Reward.filter(_words(search), community_id=community_id)
    if has(actor, Permission.POINTS_MANAGE, community_id):
        if not include_archived:
            query = query.filter(archived_at__isnull=True)
    else:
        await require_member(actor, community_id)
        query = query.filter(archived_at__isnull=True, active=True)
    return await paginate(query, first=first, after=after, newest_first=True)


async def get_reward_for(actor: Actor, reward_id: UUID) -> Reward:
    """A reward on sale for the community's residents; any of the community's for its staff."""
    reward = await Reward.filter(id=reward_id).first()
    if reward is None:
        raise not_found()
    if has(actor, Permission.POINTS_MANAGE, reward.community_id):
        return reward
    try:
        await require_member(actor, reward.community_id)
    except DomainError as refused:
        raise not_found() from refused
    if reward.archived_at is not None or not reward.active:
        raise not_found()
    return reward


async def my_points(actor: Actor, *, community_id: UUID) -> tuple[int, int]:
    """My (or my principal's) points in the community: what may be spent now, and what redemptions hold."""
    me = await require_member(actor, community_id)
    # Read, not opened: browsing the mall writes nothing (an account opens with the first points).
    account = await Account.filter(ledger=Ledger.POINTS, owner_kind="person", owner_id=me, code=POINTS).first()
    return (balance(account), account.debits_pending) if account else (0, 0)
