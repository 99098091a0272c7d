"""Polls, their frozen electorates and the ballots cast in them.

A ballot is two rows. `BallotParticipation` says who took part (the electorate entry, the channel,
who cast it) and is unique per entry: the database, not the application, decides a race between
two casts for one household. `BallotContent` says what was voted, under a random (uuid4) id with no
timestamp. In NAMED and HIDDEN polls the participation points at its content; in SECRET polls it
does not, and nothing else links them (tests/integration/test_voting_secrecy.py).
"""

import uuid
from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from backend.core.models import Entity


class PollKind(StrEnum):
    SINGLE = "SINGLE"
    MULTIPLE = "MULTIPLE"
    MOTIONS = "MOTIONS"  # several yes/no/abstain motions on one ballot
    QUESTIONNAIRE = "QUESTIONNAIRE"  # text and number answers


class ElectorateKind(StrEnum):
    PERSON = "PERSON"
    HOUSEHOLD = "HOUSEHOLD"
    OWNERS_ASSEMBLY = "OWNERS_ASSEMBLY"


class ScopeKind(StrEnum):
    COMMUNITY = "COMMUNITY"
    ESTATE = "ESTATE"
    BUILDING = "BUILDING"
    GRID = "GRID"


class HouseholdRule(StrEnum):
    FIRST_STANDS = "FIRST_STANDS"
    LAST_COUNTS = "LAST_COUNTS"


class Matter(StrEnum):
    ORDINARY = "ORDINARY"
    MAJOR = "MAJOR"  # maintenance fund, rebuilding, changing the use of common parts (民法典 第二百七十八条)


class Secrecy(StrEnum):
    """In order of strictness: a poll's mode may only move down this list once it is open."""

    NAMED = "NAMED"
    HIDDEN = "HIDDEN"  # hidden from other residents, staff may see who voted what
    SECRET = "SECRET"  # nobody can link a ballot to a person


class ResultsMode(StrEnum):
    LIVE = "LIVE"
    AFTER_CLOSE = "AFTER_CLOSE"


class PollState(StrEnum):
    DRAFT = "DRAFT"
    SCHEDULED = "SCHEDULED"
    OPEN = "OPEN"
    CLOSED = "CLOSED"
    PUBLISHED = "PUBLISHED"


class BallotChannel(StrEnum):
    ONLINE = "ONLINE"
    PROXY = "PROXY"  # cast by a proxy (代办 with VOTE) or a per-poll written authorisation
    PAPER = "PAPER"
    HOME_VISIT = "HOME_VISIT"


class Poll(Entity):
    community = fields.ForeignKeyField("linli.Community", related_name="polls", on_delete=fields.RESTRICT)
    author = fields.ForeignKeyField("linli.Person", related_name="polls", on_delete=fields.RESTRICT)
    title = fields.CharField(max_length=100)
    description = fields.TextField(default="")
    kind = fields.CharEnumField(PollKind, max_length=16)
    # SINGLE/MULTIPLE: the options; MOTIONS: the motions; QUESTIONNAIRE: the questions with their
    # "type" (TEXT or NUMBER). Each item: {"key": "o1", "label": "...", ["type": ...]}.
    items = fields.JSONField()
    min_choices = fields.IntField(default=1)
    max_choices = fields.IntField(default=1)
    electorate = fields.CharEnumField(ElectorateKind, max_length=16)
    scope = fields.JSONField()  # {"kind": "BUILDING", "ids": [...]} ({"kind": "COMMUNITY"} for all)
    household_rule = fields.CharEnumField(HouseholdRule, max_length=16, default=HouseholdRule.FIRST_STANDS)
    matter = fields.CharEnumField(Matter, max_length=16, default=Matter.ORDINARY)
    # {"participationArea"|"participationHeadcount"|"passArea"|"passHeadcount":
    #  {"numerator": 2, "denominator": 3, "strict": false}}: counted by the tally (backend/voting/tally.py).
    thresholds = fields.JSONField()
    secrecy = fields.CharEnumField(Secrecy, max_length=16, default=Secrecy.NAMED)
    results = fields.CharEnumField(ResultsMode, max_length=16, default=ResultsMode.AFTER_CLOSE)
    allow_change = fields.BooleanField(default=False)
    proxy_cap = fields.IntField(default=1)  # ballots one person may cast for others in this poll
    opens_at = fields.DatetimeField(null=True, db_index=True)
    closes_at = fields.DatetimeField(db_index=True)
    remind_hours = fields.IntField(default=24)  # "closing soon" this many hours before close (0: none)
    reminded_at = fields.DatetimeField(null=True)
    state = fields.CharEnumField(PollState, max_length=16, default=PollState.DRAFT, db_index=True)
    # Frozen with the electorate at opening.
    electorate_size = fields.IntField(default=0)
    electorate_area_dm2 = fields.BigIntField(default=0)

    class Meta:
        table = "poll"


class PollEvent(Entity):
    """A transition of a poll (written by core.statemachine): who, for whom, when and why."""

    poll = fields.ForeignKeyField("linli.Poll", related_name="events", on_delete=fields.CASCADE)
    from_state = fields.CharEnumField(PollState, max_length=16)
    to_state = fields.CharEnumField(PollState, max_length=16)
    actor = fields.ForeignKeyField("linli.Person", related_name="poll_events", null=True,
                                   on_delete=fields.SET_NULL)  # null: the sweep
    acting_for = fields.ForeignKeyField("linli.Person", related_name="poll_events_for", null=True,
                                        on_delete=fields.SET_NULL)
    reason = fields.CharField(max_length=200, null=True)

    class Meta:
        table = "poll_event"


class ElectorateEntry(Entity):
    """The unit that casts one ballot, frozen at opening: a person, a household, or an owner unit
    (owners sharing rooms, with all those rooms and their exclusive area)."""

    poll = fields.ForeignKeyField("linli.Poll", related_name="entries", on_delete=fields.CASCADE)
    household = fields.ForeignKeyField("linli.Household", related_name="poll_entries", null=True,
                                       on_delete=fields.SET_NULL)
    label = fields.CharField(max_length=200)  # the address (and, per person, the name) as it was
    room_ids = fields.JSONField(default=list)
    area_dm2 = fields.BigIntField(default=0)
    headcount = fields.IntField(default=1)

    class Meta:
        table = "poll_entry"


class ElectorateVoter(Entity):
    """Who may cast an entry's ballot themselves."""

    poll = fields.ForeignKeyField("linli.Poll", related_name="voters", on_delete=fields.CASCADE)
    entry = fields.ForeignKeyField("linli.ElectorateEntry", related_name="voters", on_delete=fields.CASCADE)
    person = fields.ForeignKeyField("linli.Person", related_name="poll_voters", on_delete=fields.CASCADE)

    class Meta:
        table = "poll_voter"
        unique_together = (("entry", "person"),)
        indexes = (("person_id", "poll_id"),)


class VoteAuthorisation(Entity):
    """A per-poll written authorisation (委托书) entered by staff, with its evidence photo."""

    poll = fields.ForeignKeyField("linli.Poll", related_name="authorisations", on_delete=fields.CASCADE)
    entry = fields.ForeignKeyField("linli.ElectorateEntry", related_name="authorisations", on_delete=fields.CASCADE)
    principal = fields.ForeignKeyField("linli.Person", related_name="vote_authorisations_given",
                                       on_delete=fields.CASCADE)
    agent = fields.ForeignKeyField("linli.Person", related_name="vote_authorisations_held", on_delete=fields.CASCADE)
    evidence = fields.ForeignKeyField("linli.Upload", related_name="vote_authorisations", on_delete=fields.RESTRICT)
    recorded_by = fields.ForeignKeyField("linli.Person", related_name="vote_authorisations_recorded",
                                         on_delete=fields.RESTRICT)

    class Meta:
        table = "poll_authorisation"
        unique_together = (("entry", "agent"),)


class BallotParticipation(Entity):
    """An entry took part: its one ballot row (unique per entry), without what was voted."""

    poll = fields.ForeignKeyField("linli.Poll", related_name="participations", on_delete=fields.CASCADE)
    entry = fields.OneToOneField("linli.ElectorateEntry", related_name="participation", on_delete=fields.CASCADE)
    channel = fields.CharEnumField(BallotChannel, max_length=16)
    cast_by = fields.ForeignKeyField("linli.Person", related_name="ballots_cast", on_delete=fields.RESTRICT)
    evidence = fields.ForeignKeyField("linli.Upload", related_name="paper_ballots", null=True,
                                      on_delete=fields.RESTRICT)
    reason = fields.CharField(max_length=200, default="")
    changes = fields.IntField(default=0)
    change_hash = fields.CharField(max_length=64)  # of the receipt code's change key (see voting/ballots.py)
    # NAMED and HIDDEN only; always null in SECRET polls (cleared when a poll turns SECRET).
    content = fields.OneToOneField("linli.BallotContent", related_name="participation", null=True,
                                   on_delete=fields.SET_NULL)

    class Meta:
        table = "poll_participation"
        indexes = (("poll_id", "cast_by_id", "channel"),)  # a proxy's load against the cap


class BallotContent(Model):
    """What one ballot says. No timestamp and a random id: in SECRET polls nothing here follows
    the order or the time of casting. Found by poll, listed by id."""

    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    poll = fields.ForeignKeyField("linli.Poll", related_name="contents", on_delete=fields.CASCADE)
    answer = fields.JSONField()  # {"choices": [...]} | {"motions": {key: YES|NO|ABSTAIN}} | {"answers": {...}}
    tracker_hash = fields.CharField(max_length=64, unique=True)
    area_dm2 = fields.BigIntField(default=0)  # owners' assemblies only (never SECRET)
    headcount = fields.IntField(default=1)
    batch = fields.IntField(null=True)  # the sealing batch of the Merkle log, set when sealed

    class Meta:
        table = "poll_ballot"


class PollTreeHead(Entity):
    """A signed tree head of a poll's ballot log (RFC 9162), one per sealing batch: the head of batch n
    covers the ballots of batches 1..n in log order (batch, then tracker hash). `timestamp` is the seal's,
    so no time finer than the batch is kept."""

    poll = fields.ForeignKeyField("linli.Poll", related_name="tree_heads", on_delete=fields.CASCADE)
    batch = fields.IntField()
    tree_size = fields.IntField()
    root_hash = fields.CharField(max_length=64)  # hex
    timestamp = fields.BigIntField()  # ms since the epoch
    poll_digest = fields.CharField(max_length=64)  # hex SHA-256 of the poll's description (verify_log)
    signature = fields.CharField(max_length=128)  # hex Ed25519 over merkle.TreeHead.encode()
    consistency_proof = fields.JSONField(default=list)  # hex, from the previous head (empty for the first)
    at_close = fields.BooleanField(default=False)  # the head published when the poll closed

    class Meta:
        table = "poll_tree_head"
        unique_together = (("poll", "batch"),)  # two sealers cannot both write batch n
