"""Reading and changing a community's wallet policy (hours cap, withdrawal age, expiry, points caps)."""

from uuid import UUID

from backend.audit import service as audit
from backend.core.actor import Actor
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.permissions import Permission, require
from backend.ledger.service import set_upper_limit
from backend.wallets.models import WalletPolicy

# field -> (least, most, what it is in Chinese), for staff edits.
_BOUNDS = {
    "hours_cap": (60, 1000 * 60, "时间存储上限（分钟）"),
    "withdrawal_age": (0, 120, "兑换年龄"),
    "hours_valid_days": (0, 20 * 365, "时长有效期（天）"),
    "expiry_notice_days": (0, 365, "到期提醒提前天数"),
    "points_daily_cap": (0, 100000, "每日积分上限"),
    "points_valid_days": (0, 20 * 365, "积分有效期（天）"),
}


async def policy_of(community_id: UUID, *, tx=None) -> WalletPolicy:
    """The community's policy, made with the defaults on first use."""
    policy, _ = await WalletPolicy.get_or_create(community_id=community_id, using_db=tx)
    return policy


async def update_policy(actor: Actor, *, community_id: UUID, **changes: int | None) -> WalletPolicy:
    """Staff with TIMEBANK_MANAGE change the policy; a changed hours cap applies to every person's
    hours account of the community at once (what they already hold stays)."""
    require(actor, Permission.TIMEBANK_MANAGE, community_id)
    changes = {k: v for k, v in changes.items() if v is not None}
    for name, value in changes.items():
        least, most, label = _BOUNDS[name]
        if not isinstance(value, int) or not least <= value <= most:
            raise DomainError(ErrorCode.INVALID_INPUT, f"{label}须在 {least} 到 {most} 之间", field=_camel(name))
    async with transaction() as tx:
        policy = await policy_of(community_id, tx=tx)
        before = {_camel(name): getattr(policy, name) for name in changes}
        for name, value in changes.items():
            setattr(policy, name, value)
        if changes:
            await policy.save(using_db=tx, update_fields=list(changes))
            await audit.record(tx, actor, "wallet.policy_update", "wallet_policy", policy.id,
                               community_id=community_id, before=before,
                               after={_camel(name): value for name, value in changes.items()})
        if "hours_cap" in changes:
            await set_upper_limit(tx, community_id=community_id, owner_kind="person", code="hours",
                                  upper_limit=policy.hours_cap)
        return policy


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)
