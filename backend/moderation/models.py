"""Moderation (举报与审核), one service for every kind of content residents write (议事厅 topics and
comments now, market listings later): reports, the item they open, a moderator log, appeals."""

from enum import StrEnum

from tortoise import fields

from backend.core.models import Entity


class ItemState(StrEnum):
    REPORTED = "REPORTED"  # reported by fewer than the auto-hide count, still shown
    HIDDEN = "HIDDEN"  # hidden pending review: by enough reporters, or by a moderator
    REMOVED = "REMOVED"  # a moderator upheld the reports: stays hidden
    RESTORED = "RESTORED"  # a moderator found nothing wrong: shown again


class Reason(StrEnum):
    SPAM = "SPAM"  # 广告
    ABUSE = "ABUSE"  # 辱骂
    FRAUD = "FRAUD"  # 诈骗
    PRIVACY = "PRIVACY"  # 泄露隐私
    ILLEGAL = "ILLEGAL"  # 违法违规
    OTHER = "OTHER"  # 其他, with a note


class LogAction(StrEnum):
    AUTO_HIDE = "AUTO_HIDE"  # enough distinct reporters (no actor)
    HIDE = "HIDE"
    REMOVE = "REMOVE"
    RESTORE = "RESTORE"
    APPEAL = "APPEAL"  # the author appealed
    APPEAL_RESTORE = "APPEAL_RESTORE"
    APPEAL_KEEP = "APPEAL_KEEP"


class AppealState(StrEnum):
    PENDING = "PENDING"
    RESTORED = "RESTORED"
    KEPT = "KEPT"


class ModeratedItem(Entity):
    """One reported piece of content (kind + target id), opened by its first report."""

    community = fields.ForeignKeyField("linli.Community", related_name="moderated_items", on_delete=fields.RESTRICT)
    kind = fields.CharField(max_length=16)
    target_id = fields.UUIDField()
    author = fields.ForeignKeyField("linli.Person", related_name="moderated_content", on_delete=fields.RESTRICT)
    original = fields.TextField()  # the content as it was at the first report, never changed or deleted
    state = fields.CharEnumField(ItemState, max_length=16, default=ItemState.REPORTED)
    reports = fields.IntField(default=0)  # distinct reporters so far
    hidden_at = fields.DatetimeField(null=True)  # last hidden, kept after a restore (the author's list)
    decided_by = fields.ForeignKeyField("linli.Person", related_name="moderation_decisions", null=True,
                                        on_delete=fields.SET_NULL)  # who may not rule on the appeal
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "moderation_item"
        unique_together = (("kind", "target_id"),)
        indexes = (("community_id", "state"), ("author_id", "hidden_at"))


class ModerationReport(Entity):
    item = fields.ForeignKeyField("linli.ModeratedItem", related_name="report_rows", on_delete=fields.RESTRICT)
    reporter = fields.ForeignKeyField("linli.Person", related_name="moderation_reports", on_delete=fields.RESTRICT)
    reason = fields.CharEnumField(Reason, max_length=16)
    note = fields.CharField(max_length=200, default="")

    class Meta:
        table = "moderation_report"
        unique_together = (("item", "reporter"),)  # one per reporter per target


class ModerationAppeal(Entity):
    """The author's one appeal against hiding or removal."""

    item = fields.OneToOneField("linli.ModeratedItem", related_name="appeal", on_delete=fields.RESTRICT)
    author = fields.ForeignKeyField("linli.Person", related_name="moderation_appeals", on_delete=fields.RESTRICT)
    text = fields.CharField(max_length=500)
    state = fields.CharEnumField(AppealState, max_length=16, default=AppealState.PENDING)
    decided_by = fields.ForeignKeyField("linli.Person", related_name="appeals_decided", null=True,
                                        on_delete=fields.SET_NULL)
    decided_at = fields.DatetimeField(null=True)
    reason = fields.CharField(max_length=200, null=True)

    class Meta:
        table = "moderation_appeal"


class ModerationLogEntry(Entity):
    """The moderator log: who (null: automatic), when, what, why."""

    community = fields.ForeignKeyField("linli.Community", related_name="moderation_log", on_delete=fields.RESTRICT)
    item = fields.ForeignKeyField("linli.ModeratedItem", related_name="log", on_delete=fields.RESTRICT)
    actor = fields.ForeignKeyField("linli.Person", related_name="moderation_actions", null=True,
                                   on_delete=fields.SET_NULL)
    action = fields.CharEnumField(LogAction, max_length=16)
    reason = fields.CharField(max_length=500, default="")

    class Meta:
        table = "moderation_log"
        indexes = (("community_id", "id"), ("item_id", "id"))
