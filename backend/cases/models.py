"""Cases (诉求/工单): what residents raise, who handles it within which SLA, and how it ended."""

from enum import StrEnum

from tortoise import fields

from backend.core.models import Entity


class CaseState(StrEnum):
    SUBMITTED = "SUBMITTED"
    ACCEPTED = "ACCEPTED"
    IN_PROGRESS = "IN_PROGRESS"
    RESOLVED = "RESOLVED"
    CLOSED_NOT_FIXED = "CLOSED_NOT_FIXED"  # closed, and never counted as fixed
    NOT_RESPONSIBLE = "NOT_RESPONSIBLE"
    DUPLICATE = "DUPLICATE"
    REFERRED = "REFERRED"


class Party(StrEnum):
    """Who is responsible for a category's cases: the handler team a case is routed to."""

    COMMITTEE = "COMMITTEE"  # 居委会
    PROPERTY = "PROPERTY"  # 物业
    GRID = "GRID"  # the grid workers of the place's grid


class RaiseChannel(StrEnum):
    MINI_PROGRAM = "MINI_PROGRAM"
    PHONE = "PHONE"
    VISIT = "VISIT"
    WALK_IN = "WALK_IN"


class EntryKind(StrEnum):
    """A line of a case's timeline that is not a change of state."""

    REPLY = "REPLY"  # staff to the resident, public
    NOTE = "NOTE"  # staff among themselves: never shown to residents
    QUESTION = "QUESTION"  # staff ask the resident; the SLA clock pauses until they answer
    ANSWER = "ANSWER"  # the resident's answer, which resumes the clock
    ASSIGN = "ASSIGN"  # routed or reassigned, with the reason (internal)
    URGE = "URGE"  # 催办
    CONFIRM = "CONFIRM"  # the resident's confirmation and rating
    REMIND = "REMIND"  # the sweeper reminded the handler before a deadline (internal)
    ESCALATE = "ESCALATE"  # the sweeper escalated an overdue case to the street (internal)
    SUPERVISE = "SUPERVISE"  # 街道督办: a street supervisor presses the handlers (internal)


class Outcome(StrEnum):
    RESOLVED = "RESOLVED"
    PARTLY = "PARTLY"
    NOT_RESOLVED = "NOT_RESOLVED"
    AUTO = "AUTO"  # nobody answered within the community's auto-confirmation days


class CaseSettings(Entity):
    """The case rules of a community (a community without a row has the defaults)."""

    community = fields.OneToOneField("linli.Community", related_name="case_settings", on_delete=fields.CASCADE)
    auto_confirm_days = fields.IntField(default=7)
    remind_before_hours = fields.IntField(default=2)

    class Meta:
        table = "case_settings"


class CaseCategory(Entity):
    community = fields.ForeignKeyField("linli.Community", related_name="case_categories", on_delete=fields.RESTRICT)
    name = fields.CharField(max_length=32)
    party = fields.CharEnumField(Party, max_length=16)
    accept_hours = fields.IntField()
    resolve_hours = fields.IntField()
    active = fields.BooleanField(default=True)

    class Meta:
        table = "case_category"
        unique_together = (("community", "name"),)


class CaseReplyTemplate(Entity):
    category = fields.ForeignKeyField("linli.CaseCategory", related_name="templates", on_delete=fields.CASCADE)
    title = fields.CharField(max_length=32)
    body = fields.CharField(max_length=500)

    class Meta:
        table = "case_reply_template"


class CommonArea(Entity):
    """A named place of the community that is no building, unit or room (东门, 3号楼前花园)."""

    community = fields.ForeignKeyField("linli.Community", related_name="common_areas", on_delete=fields.RESTRICT)
    name = fields.CharField(max_length=32)
    grid = fields.ForeignKeyField("linli.Grid", related_name="common_areas", null=True, on_delete=fields.SET_NULL)

    class Meta:
        table = "case_common_area"
        unique_together = (("community", "name"),)


class StreetSupervisor(Entity):
    """Who at the street (街道) receives the escalation of the overdue cases of its communities."""

    street = fields.ForeignKeyField("linli.Street", related_name="case_supervisors", on_delete=fields.CASCADE)
    person = fields.ForeignKeyField("linli.Person", related_name="street_supervisions", on_delete=fields.CASCADE)

    class Meta:
        table = "case_street_supervisor"
        unique_together = (("street", "person"),)


class Case(Entity):
    community = fields.ForeignKeyField("linli.Community", related_name="cases", on_delete=fields.RESTRICT)
    category = fields.ForeignKeyField("linli.CaseCategory", related_name="cases", on_delete=fields.RESTRICT)
    resident = fields.ForeignKeyField("linli.Person", related_name="cases", on_delete=fields.RESTRICT)
    raised_by = fields.ForeignKeyField("linli.Person", related_name="cases_raised", on_delete=fields.RESTRICT)
    channel = fields.CharEnumField(RaiseChannel, max_length=16)
    text = fields.CharField(max_length=1000)
    photos = fields.JSONField(default=list)  # upload ids (kind case_photo), at most 9
    # The place: a room, unit or building of the registry, or a common area; `place_name` as shown.
    room = fields.ForeignKeyField("linli.Room", related_name="cases", null=True, on_delete=fields.RESTRICT)
    unit = fields.ForeignKeyField("linli.Unit", related_name="cases", null=True, on_delete=fields.RESTRICT)
    building = fields.ForeignKeyField("linli.Building", related_name="cases", null=True, on_delete=fields.RESTRICT)
    area = fields.ForeignKeyField("linli.CommonArea", related_name="cases", null=True, on_delete=fields.RESTRICT)
    place_name = fields.CharField(max_length=100)
    grid = fields.ForeignKeyField("linli.Grid", related_name="cases", null=True, on_delete=fields.SET_NULL)
    # Routing: the handler team, and the one handler when someone took it or was assigned.
    party = fields.CharEnumField(Party, max_length=16)
    handler = fields.ForeignKeyField("linli.Person", related_name="cases_handled", null=True,
                                     on_delete=fields.SET_NULL)
    state = fields.CharEnumField(CaseState, max_length=16, default=CaseState.SUBMITTED, db_index=True)
    # SLA clocks: deadlines move later by the time the case waited for the resident.
    accept_due_at = fields.DatetimeField()
    resolve_due_at = fields.DatetimeField()
    paused_at = fields.DatetimeField(null=True)
    reminded_for = fields.DatetimeField(null=True)  # the deadline the handler was last reminded of
    escalated_for = fields.DatetimeField(null=True)  # the deadline the case was last escalated past
    escalated_at = fields.DatetimeField(null=True)
    next_check_at = fields.DatetimeField(null=True, db_index=True)  # when the SLA sweeper must look again
    accepted_at = fields.DatetimeField(null=True)
    resolved_at = fields.DatetimeField(null=True)
    resolution = fields.CharField(max_length=500, null=True)  # the note of how it ended
    referred_to = fields.CharField(max_length=64, null=True)
    merged_into = fields.ForeignKeyField("linli.Case", related_name="merged", null=True, on_delete=fields.SET_NULL)
    round = fields.IntField(default=1)  # resolutions so far + 1: one confirmation each
    confirmed_at = fields.DatetimeField(null=True)
    urged_on = fields.DateField(null=True)  # the day (Asia/Shanghai) of the last 催办

    class Meta:
        table = "case"
        indexes = (("community_id", "state"),)


class CaseEvent(Entity):
    """A transition of a case (written by core.statemachine): who, for whom, when and why."""

    case = fields.ForeignKeyField("linli.Case", related_name="events", on_delete=fields.CASCADE)
    from_state = fields.CharEnumField(CaseState, max_length=16)
    to_state = fields.CharEnumField(CaseState, max_length=16)
    actor = fields.ForeignKeyField("linli.Person", related_name="case_events", null=True, on_delete=fields.SET_NULL)
    acting_for = fields.ForeignKeyField("linli.Person", related_name="case_events_for", null=True,
                                        on_delete=fields.SET_NULL)
    reason = fields.CharField(max_length=500, null=True)

    class Meta:
        table = "case_event"


class CaseEntry(Entity):
    """A timeline line that is not a transition: replies, internal notes, questions, 催办, ratings."""

    case = fields.ForeignKeyField("linli.Case", related_name="entries", on_delete=fields.CASCADE)
    kind = fields.CharEnumField(EntryKind, max_length=16)
    internal = fields.BooleanField()  # staff only
    author = fields.ForeignKeyField("linli.Person", related_name="case_entries", null=True,
                                    on_delete=fields.SET_NULL)  # null: the sweeper
    acting_for = fields.ForeignKeyField("linli.Person", related_name="case_entries_for", null=True,
                                        on_delete=fields.SET_NULL)
    body = fields.CharField(max_length=1000, default="")

    class Meta:
        table = "case_entry"
        indexes = (("case_id", "id"),)


class CaseConfirmation(Entity):
    """What the resident says of one resolution of the case (one per round)."""

    case = fields.ForeignKeyField("linli.Case", related_name="confirmations", on_delete=fields.CASCADE)
    round = fields.IntField()
    outcome = fields.CharEnumField(Outcome, max_length=16)
    rating = fields.IntField(null=True)  # 1–5; null when auto-confirmed
    comment = fields.CharField(max_length=500, default="")
    person = fields.ForeignKeyField("linli.Person", related_name="case_confirmations", null=True,
                                    on_delete=fields.SET_NULL)

    class Meta:
        table = "case_confirmation"
        unique_together = (("case", "round"),)


class CaseFollower(Entity):
    """我也遇到 (me too): one per person and case."""

    case = fields.ForeignKeyField("linli.Case", related_name="followers", on_delete=fields.CASCADE)
    person = fields.ForeignKeyField("linli.Person", related_name="cases_followed", on_delete=fields.CASCADE)

    class Meta:
        table = "case_follower"
        unique_together = (("case", "person"),)
