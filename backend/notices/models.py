"""Notices: what the committee publishes, to whom, and who has been reached."""

from enum import StrEnum

from tortoise import fields

from backend.core.models import Entity


class NoticeState(StrEnum):
    DRAFT = "DRAFT"
    SCHEDULED = "SCHEDULED"
    PUBLISHED = "PUBLISHED"
    ARCHIVED = "ARCHIVED"


class Importance(StrEnum):
    NORMAL = "NORMAL"
    IMPORTANT = "IMPORTANT"
    URGENT = "URGENT"


class AudienceKind(StrEnum):
    COMMUNITY = "COMMUNITY"
    ESTATE = "ESTATE"
    BUILDING = "BUILDING"
    UNIT = "UNIT"
    GRID = "GRID"
    ROLE = "ROLE"
    HOUSEHOLD = "HOUSEHOLD"


class Notice(Entity):
    community = fields.ForeignKeyField("linli.Community", related_name="notices", on_delete=fields.RESTRICT)
    author = fields.ForeignKeyField("linli.Person", related_name="notices", on_delete=fields.RESTRICT)
    title = fields.CharField(max_length=100)
    body_html = fields.TextField()  # sanitized on the way in
    category = fields.CharField(max_length=32)
    pinned = fields.BooleanField(default=False)
    importance = fields.CharEnumField(Importance, max_length=16, default=Importance.NORMAL)
    must_acknowledge = fields.BooleanField(default=False)
    # [{"kind": "BUILDING", "ids": [...]}, {"kind": "ROLE", "roles": [...]}]: anyone matching any target.
    audience = fields.JSONField()
    state = fields.CharEnumField(NoticeState, max_length=16, default=NoticeState.DRAFT, db_index=True)
    publish_at = fields.DatetimeField(null=True, db_index=True)
    published_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField(null=True)
    revision = fields.IntField(default=1)
    audience_size = fields.IntField(default=0)
    reminder_hours = fields.JSONField(default=list)  # remind the unread this many hours after publication
    attachments = fields.JSONField(default=list)  # [{"uploadId", "name", "size", "contentType"}]

    class Meta:
        table = "notice"


class NoticeRevision(Entity):
    """A change to a published notice: what it said before, who changed it, and why."""

    notice = fields.ForeignKeyField("linli.Notice", related_name="revisions", on_delete=fields.CASCADE)
    revision = fields.IntField()
    title = fields.CharField(max_length=100)
    body_html = fields.TextField()
    editor = fields.ForeignKeyField("linli.Person", related_name="notice_revisions", on_delete=fields.RESTRICT)
    reason = fields.CharField(max_length=200)

    class Meta:
        table = "notice_revision"


class NoticeEvent(Entity):
    """A transition of a notice (written by core.statemachine): who, for whom, when and why."""

    notice = fields.ForeignKeyField("linli.Notice", related_name="events", on_delete=fields.CASCADE)
    from_state = fields.CharEnumField(NoticeState, max_length=16)
    to_state = fields.CharEnumField(NoticeState, max_length=16)
    actor = fields.ForeignKeyField("linli.Person", related_name="notice_events", null=True,
                                   on_delete=fields.SET_NULL)  # null: the scheduler
    acting_for = fields.ForeignKeyField("linli.Person", related_name="notice_events_for", null=True,
                                        on_delete=fields.SET_NULL)
    reason = fields.CharField(max_length=200, null=True)

    class Meta:
        table = "notice_event"


class NoticeRecipient(Entity):
    """One person in the audience, with what happened to the notice on their side."""

    notice = fields.ForeignKeyField("linli.Notice", related_name="recipients", on_delete=fields.CASCADE)
    person = fields.ForeignKeyField("linli.Person", related_name="notices_received", on_delete=fields.CASCADE)
    household = fields.ForeignKeyField("linli.Household", related_name="notices_received", null=True,
                                       on_delete=fields.SET_NULL)
    building = fields.ForeignKeyField("linli.Building", related_name="notices_received", null=True,
                                      on_delete=fields.SET_NULL)
    read_at = fields.DatetimeField(null=True)
    acknowledged_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notice_recipient"
        unique_together = (("notice", "person"),)
        indexes = (("person_id", "id"),)  # the feed: my notices, newest first


class NoticeReminder(Entity):
    """A reminder to everyone who has not read the notice, due at a time after publication."""

    notice = fields.ForeignKeyField("linli.Notice", related_name="reminders", on_delete=fields.CASCADE)
    due_at = fields.DatetimeField(db_index=True)
    sent_at = fields.DatetimeField(null=True)
    recipients = fields.IntField(default=0)

    class Meta:
        table = "notice_reminder"


class NoticeOfflineReach(Entity):
    """A grid worker visited a household the notice did not reach online (未触达 → 已线下触达)."""

    notice = fields.ForeignKeyField("linli.Notice", related_name="offline_reaches", on_delete=fields.CASCADE)
    household = fields.ForeignKeyField("linli.Household", related_name="offline_reaches", on_delete=fields.CASCADE)
    reached_by = fields.ForeignKeyField("linli.Person", related_name="offline_reaches", on_delete=fields.RESTRICT)
    note = fields.CharField(max_length=200, default="")

    class Meta:
        table = "notice_offline_reach"
        unique_together = (("notice", "household"),)
