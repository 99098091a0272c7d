"""Deliberation (议事厅): topics the committee opens, proposals of residents that become agenda items
with enough supporting households, threaded comments, the committee's official response, and the
poll a topic leads to."""

from enum import StrEnum

from tortoise import fields

from backend.core.models import Entity

DEFAULT_SUPPORTERS_NEEDED = 10


class TopicState(StrEnum):
    PROPOSED = "PROPOSED"  # a resident's proposal gathering supporters
    AGENDA = "AGENDA"  # an agenda item (opened by the committee, or a proposal with enough supporters)
    CLOSED = "CLOSED"


class DeliberationSettings(Entity):
    """The deliberation rules of a community (a community without a row has the defaults)."""

    community = fields.OneToOneField("linli.Community", related_name="deliberation_settings",
                                     on_delete=fields.CASCADE)
    supporters_needed = fields.IntField(default=DEFAULT_SUPPORTERS_NEEDED)  # households, the proposer's included

    class Meta:
        table = "deliberation_settings"


class Topic(Entity):
    community = fields.ForeignKeyField("linli.Community", related_name="topics", on_delete=fields.RESTRICT)
    author = fields.ForeignKeyField("linli.Person", related_name="topics", on_delete=fields.RESTRICT)
    # A resident's proposal: the household it speaks for (null: opened by the committee).
    household = fields.ForeignKeyField("linli.Household", related_name="topics", null=True,
                                       on_delete=fields.SET_NULL)
    title = fields.CharField(max_length=64)
    body = fields.CharField(max_length=2000)
    state = fields.CharEnumField(TopicState, max_length=16, db_index=True)
    supporters_needed = fields.IntField(null=True)  # fixed when proposed, so a later setting never flips it
    supporters = fields.IntField(default=0)  # supporting households, kept with the support rows under a lock
    agenda_at = fields.DatetimeField(null=True)
    poll = fields.ForeignKeyField("linli.Poll", related_name="topics", null=True, on_delete=fields.SET_NULL)
    response = fields.CharField(max_length=2000, null=True)  # the committee's official response
    responded_by = fields.ForeignKeyField("linli.Person", related_name="topic_responses", null=True,
                                          on_delete=fields.SET_NULL)
    responded_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    hidden_at = fields.DatetimeField(null=True)  # hidden by moderation: shown to its author and staff only

    class Meta:
        table = "topic"
        indexes = (("community_id", "state"),)


class TopicEvent(Entity):
    """A transition of a topic (written by core.statemachine)."""

    topic = fields.ForeignKeyField("linli.Topic", related_name="events", on_delete=fields.CASCADE)
    from_state = fields.CharEnumField(TopicState, max_length=16)
    to_state = fields.CharEnumField(TopicState, max_length=16)
    actor = fields.ForeignKeyField("linli.Person", related_name="topic_events", null=True, on_delete=fields.SET_NULL)
    acting_for = fields.ForeignKeyField("linli.Person", related_name="topic_events_for", null=True,
                                        on_delete=fields.SET_NULL)
    reason = fields.CharField(max_length=500, null=True)

    class Meta:
        table = "topic_event"


class TopicSupport(Entity):
    """附议: one per household and topic, given by one of its residents."""

    topic = fields.ForeignKeyField("linli.Topic", related_name="supports", on_delete=fields.CASCADE)
    household = fields.ForeignKeyField("linli.Household", related_name="topic_supports", on_delete=fields.CASCADE)
    person = fields.ForeignKeyField("linli.Person", related_name="topic_supports", on_delete=fields.CASCADE)

    class Meta:
        table = "topic_support"
        unique_together = (("topic", "household"),)


class TopicComment(Entity):
    """A comment, or a reply to one (one level: a reply to a reply joins its top-level comment)."""

    topic = fields.ForeignKeyField("linli.Topic", related_name="comments", on_delete=fields.CASCADE)
    parent = fields.ForeignKeyField("linli.TopicComment", related_name="replies", null=True,
                                    on_delete=fields.CASCADE)
    # Whose words: the resident, also when a proxy typed them (the audit log records the proxy).
    author = fields.ForeignKeyField("linli.Person", related_name="topic_comments", on_delete=fields.CASCADE)
    body = fields.CharField(max_length=500)
    hidden_at = fields.DatetimeField(null=True)  # hidden by moderation: shown to its author and staff only

    class Meta:
        table = "topic_comment"
        indexes = (("topic_id", "id"),)
