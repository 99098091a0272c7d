"""Policy questions (政策咨询): what residents ask, the staff's answer, and whether it is in the FAQ."""

from enum import StrEnum

from tortoise import fields

from backend.core.models import Entity


class QuestionState(StrEnum):
    OPEN = "OPEN"  # waiting for staff
    ANSWERED = "ANSWERED"


class Question(Entity):
    """A resident's question. Once answered it may be published to the community's FAQ, where
    residents find it by search and as a suggestion while they type a question of their own."""

    community = fields.ForeignKeyField("linli.Community", related_name="questions", on_delete=fields.RESTRICT)
    asker = fields.ForeignKeyField("linli.Person", related_name="questions", on_delete=fields.RESTRICT)
    asked_by = fields.ForeignKeyField("linli.Person", related_name="questions_asked", on_delete=fields.RESTRICT)
    text = fields.CharField(max_length=200)
    state = fields.CharEnumField(QuestionState, max_length=16, default=QuestionState.OPEN)
    answer = fields.CharField(max_length=2000, null=True)
    answered_by = fields.ForeignKeyField("linli.Person", related_name="questions_answered", null=True,
                                         on_delete=fields.SET_NULL)
    answered_at = fields.DatetimeField(null=True)
    published_at = fields.DatetimeField(null=True)  # in the FAQ since (null: not in it)

    class Meta:
        table = "consult_question"
        indexes = (("community_id", "state"), ("community_id", "published_at"), ("asker_id", "id"))
