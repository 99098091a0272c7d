"""Points (积分): the participation rules that earn them, the rewards mall and its redemptions, and
each person's points earned per day (the daily cap's counter)."""

from enum import StrEnum

from tortoise import fields

from backend.core.models import Entity


class RuleKind(StrEnum):
    URGENT_NOTICE_READ = "URGENT_NOTICE_READ"  # reading or acknowledging an urgent notice
    POLL_VOTED = "POLL_VOTED"  # having taken part in a poll, awarded at its close


class PointsRule(Entity):
    """How many points a kind of participation earns in a community (0 or inactive: none)."""

    community = fields.ForeignKeyField("linli.Community", related_name="points_rules", on_delete=fields.CASCADE)
    kind = fields.CharEnumField(RuleKind, max_length=32)
    points = fields.IntField()
    active = fields.BooleanField(default=True)

    class Meta:
        table = "points_rule"
        unique_together = (("community", "kind"),)


class PointsDay(Entity):
    """What one person earned by participation rules on one Asia/Shanghai day: the row locked to
    decide the daily cap, so concurrent events never pass it."""

    community = fields.ForeignKeyField("linli.Community", related_name="points_days", on_delete=fields.CASCADE)
    person = fields.ForeignKeyField("linli.Person", related_name="points_days", on_delete=fields.CASCADE)
    day = fields.CharField(max_length=10)  # YYYY-MM-DD, Asia/Shanghai
    earned = fields.IntField(default=0)

    class Meta:
        table = "points_day"
        unique_together = (("community", "person", "day"),)


class Reward(Entity):
    """A reward of the community's mall. Archived instead of deleted, so redemptions keep it."""

    community = fields.ForeignKeyField("linli.Community", related_name="rewards", on_delete=fields.RESTRICT)
    name = fields.CharField(max_length=40)
    description = fields.CharField(max_length=500, default="")
    cost = fields.IntField()  # points
    stock = fields.IntField()  # how many are left to redeem
    active = fields.BooleanField(default=True)  # on sale (staff may pause it)
    archived_at = fields.DatetimeField(null=True)
    created_by = fields.ForeignKeyField("linli.Person", related_name="rewards_created", on_delete=fields.RESTRICT)

    class Meta:
        table = "points_reward"
        indexes = (("community_id", "archived_at"),)


class RedemptionState(StrEnum):
    PENDING = "PENDING"  # points held, waiting for pickup
    COLLECTED = "COLLECTED"  # picked up: the points are spent
    CANCELLED = "CANCELLED"  # by the redeemer or staff: points and stock back
    EXPIRED = "EXPIRED"  # not picked up in time: points and stock back


class Redemption(Entity):
    """A person's redemption of one reward, its points held until pickup by the pickup code."""

    community = fields.ForeignKeyField("linli.Community", related_name="redemptions", on_delete=fields.RESTRICT)
    reward = fields.ForeignKeyField("linli.Reward", related_name="redemptions", on_delete=fields.RESTRICT)
    person = fields.ForeignKeyField("linli.Person", related_name="redemptions", on_delete=fields.RESTRICT)
    redeemed_by = fields.ForeignKeyField("linli.Person", related_name="redemptions_made", on_delete=fields.RESTRICT)
    cost = fields.IntField()
    state = fields.CharEnumField(RedemptionState, max_length=16, default=RedemptionState.PENDING)
    pickup_code = fields.CharField(max_length=200)  # encrypted, shown to the redeemer only
    # The code's keyed hash while pending (null once resolved), unique: staff find the redemption by it.
    code_key = fields.CharField(max_length=64, null=True, unique=True)
    expires_at = fields.DatetimeField(db_index=True)
    resolved_at = fields.DatetimeField(null=True)
    resolved_by = fields.ForeignKeyField("linli.Person", related_name="redemptions_resolved", null=True,
                                         on_delete=fields.RESTRICT)

    class Meta:
        table = "points_redemption"
        indexes = (("community_id", "state"), ("person_id", "id"))
