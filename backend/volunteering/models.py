"""Volunteering (志愿服务): teams and their coordinators, activities with their transitions, sign-ups
with the waitlist, attendance and approved hours, and the certificates of service issued from them."""

from enum import StrEnum

from tortoise import fields

from backend.core.models import Entity


class ActivityState(StrEnum):
    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"  # residents see it and sign up
    FINISHED = "FINISHED"  # ended, its hours reviewed
    CANCELLED = "CANCELLED"


class SignupState(StrEnum):
    SIGNED_UP = "SIGNED_UP"  # has a place (checked in and out are times of the row)
    WAITLISTED = "WAITLISTED"  # beyond capacity, promoted in order when a place frees
    CANCELLED = "CANCELLED"  # by the volunteer before the start
    APPROVED = "APPROVED"  # hours approved and credited
    REJECTED = "REJECTED"  # hours refused, with a reason
    NO_SHOW = "NO_SHOW"  # signed up, never checked in


class VolunteerTeam(Entity):
    """A volunteer team (志愿队伍) of a community, run by its coordinators."""

    community = fields.ForeignKeyField("linli.Community", related_name="volunteer_teams", on_delete=fields.RESTRICT)
    name = fields.CharField(max_length=32)
    description = fields.CharField(max_length=500, default="")

    class Meta:
        table = "volunteer_team"
        unique_together = (("community_id", "name"),)


class VolunteerTeamCoordinator(Entity):
    """A person who runs a team's activities (they hold VOLUNTEER_COORDINATOR in its community)."""

    team = fields.ForeignKeyField("linli.VolunteerTeam", related_name="coordinators", on_delete=fields.CASCADE)
    person = fields.ForeignKeyField("linli.Person", related_name="coordinated_teams", on_delete=fields.CASCADE)

    class Meta:
        table = "volunteer_team_coordinator"
        unique_together = (("team_id", "person_id"),)


class VolunteerActivity(Entity):
    """A volunteer activity: when, where (an estate or building of the registry, or a short text),
    how many places, the skills wanted and the points an approved hour earns."""

    community = fields.ForeignKeyField("linli.Community", related_name="volunteer_activities",
                                       on_delete=fields.RESTRICT)
    team = fields.ForeignKeyField("linli.VolunteerTeam", related_name="activities", on_delete=fields.RESTRICT)
    title = fields.CharField(max_length=64)
    description = fields.CharField(max_length=2000, default="")
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    estate = fields.ForeignKeyField("linli.Estate", related_name="volunteer_activities", null=True,
                                    on_delete=fields.RESTRICT)
    building = fields.ForeignKeyField("linli.Building", related_name="volunteer_activities", null=True,
                                      on_delete=fields.RESTRICT)
    place_text = fields.CharField(max_length=64, default="")
    capacity = fields.IntField()
    skills = fields.JSONField(default=list)
    points_per_hour = fields.IntField(default=0)
    state = fields.CharEnumField(ActivityState, max_length=16, default=ActivityState.DRAFT)
    cancel_reason = fields.CharField(max_length=200, null=True)
    # The next sign-up's place in the queue: taken under the activity's row lock, so the waitlist
    # order is the order sign-ups committed.
    next_position = fields.IntField(default=0)

    class Meta:
        table = "volunteer_activity"
        indexes = (("community_id", "state", "starts_at"), ("team_id", "id"))


class VolunteerActivityEvent(Entity):
    """A transition of an activity (written by core.statemachine): who, for whom, when and why."""

    activity = fields.ForeignKeyField("linli.VolunteerActivity", related_name="events", on_delete=fields.CASCADE)
    from_state = fields.CharEnumField(ActivityState, max_length=16)
    to_state = fields.CharEnumField(ActivityState, max_length=16)
    actor = fields.ForeignKeyField("linli.Person", related_name="volunteer_activity_events", null=True,
                                   on_delete=fields.SET_NULL)
    acting_for = fields.ForeignKeyField("linli.Person", related_name="volunteer_activity_events_for", null=True,
                                        on_delete=fields.SET_NULL)
    reason = fields.CharField(max_length=200, null=True)

    class Meta:
        table = "volunteer_activity_event"


class VolunteerSignup(Entity):
    """One person's place on an activity (one row per person and activity), their attendance and
    the review of their hours."""

    community = fields.ForeignKeyField("linli.Community", related_name="volunteer_signups", on_delete=fields.RESTRICT)
    activity = fields.ForeignKeyField("linli.VolunteerActivity", related_name="signups", on_delete=fields.CASCADE)
    person = fields.ForeignKeyField("linli.Person", related_name="volunteer_signups", on_delete=fields.CASCADE)
    state = fields.CharEnumField(SignupState, max_length=16)
    position = fields.IntField()  # order of sign-up within the activity
    checked_in_at = fields.DatetimeField(null=True)
    checked_out_at = fields.DatetimeField(null=True)
    computed_minutes = fields.IntField(null=True)  # check-out less check-in, within the activity window
    approved_minutes = fields.IntField(null=True)
    points = fields.IntField(null=True)
    reviewed_by = fields.ForeignKeyField("linli.Person", related_name="volunteer_reviews", null=True,
                                         on_delete=fields.SET_NULL)
    reviewed_at = fields.DatetimeField(null=True)
    reject_reason = fields.CharField(max_length=200, null=True)

    class Meta:
        table = "volunteer_signup"
        unique_together = (("activity_id", "person_id"),)
        indexes = (("activity_id", "state", "position"), ("person_id", "id"), ("community_id", "state"))


class VolunteerCertificate(Entity):
    """A certificate of volunteer service (志愿服务记录证明): what the person's approved records were
    when it was issued, found by its verification code."""

    community = fields.ForeignKeyField("linli.Community", related_name="volunteer_certificates",
                                       on_delete=fields.RESTRICT)
    person = fields.ForeignKeyField("linli.Person", related_name="volunteer_certificates", on_delete=fields.CASCADE)
    code = fields.CharField(max_length=10, unique=True)
    person_name = fields.CharField(max_length=64)
    organisation = fields.CharField(max_length=200)
    records = fields.JSONField()
    total_minutes = fields.IntField()
    issued_at = fields.DatetimeField()

    class Meta:
        table = "volunteer_certificate"
        indexes = (("person_id", "id"),)
