"""Participation rules (参与积分规则): how many points reading an urgent notice or voting in a poll
earns, per community, kept as data that staff with POINTS_MANAGE change. A community's rules are
made with the defaults on first use."""

from contextlib import nullcontext
from uuid import UUID

from backend.audit import service as audit
from backend.core.actor import Actor
from backend.core.bulk import insert_ignoring_conflicts
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.permissions import Permission, require
from backend.points.models import PointsRule, RuleKind

DEFAULTS = {RuleKind.URGENT_NOTICE_READ: 2, RuleKind.POLL_VOTED: 5}
LABELS = {RuleKind.URGENT_NOTICE_READ: "阅读紧急通知", RuleKind.POLL_VOTED: "参与投票"}
MAX_POINTS = 1000  # per event


async def rules_of(community_id: UUID, *, tx=None) -> list[PointsRule]:
    """Every rule of the community, in the order of RuleKind (missing ones made with the defaults:
    one insert that skips those there, so concurrent first uses make one of each)."""
    async with transaction() if tx is None else nullcontext(tx) as tx:
        await insert_ignoring_conflicts(tx, PointsRule, [
            {"community_id": community_id, "kind": kind.value, "points": points, "active": True}
            for kind, points in DEFAULTS.items()])
        rows = {r.kind: r for r in await PointsRule.filter(community_id=community_id).using_db(tx)}
    return [rows[kind] for kind in RuleKind]


async def rule_of(community_id: UUID, kind: RuleKind, *, tx=None) -> PointsRule:
    return next(r for r in await rules_of(community_id, tx=tx) if r.kind == kind)


async def list_rules(actor: Actor, *, community_id: UUID) -> list[PointsRule]:
    require(actor, Permission.POINTS_MANAGE, community_id)
    return await rules_of(community_id)


async def update_rule(actor: Actor, *, community_id: UUID, kind: RuleKind, points: int,
                      active: bool) -> PointsRule:
    """Staff with POINTS_MANAGE set a rule's points (0–1000 an event) and whether it applies;
    events from now on earn by it."""
    require(actor, Permission.POINTS_MANAGE, community_id)
    if not isinstance(points, int) or not 0 <= points <= MAX_POINTS:
        raise DomainError(ErrorCode.INVALID_INPUT, f"每次积分须在 0 到 {MAX_POINTS} 之间", field="points")
    async with transaction() as tx:
        await rules_of(community_id, tx=tx)
        rule = await PointsRule.filter(community_id=community_id, kind=kind).select_for_update().using_db(tx).get()
        before = {"points": rule.points, "active": rule.active}
        rule.points, rule.active = points, active
        await rule.save(using_db=tx, update_fields=["points", "active"])
        await audit.record(tx, actor, "points.rule_update", "points_rule", rule.id, community_id=community_id,
                           before=before, after={"points": points, "active": active, "kind": kind.value})
    return rule
