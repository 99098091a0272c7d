from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from backend.core.ids import uuid7
from backend.voting.models import BallotChannel, ElectorateKind, HouseholdRule, Matter, PollKind, PollState, ResultsMode, Secrecy
from json import dumps, loads
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('linli', '0012_phone_last4')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Poll',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='polls', on_delete=OnDelete.RESTRICT)),
                ('author', fields.ForeignKeyField('linli.Person', source_field='author_id', db_constraint=True, to_field='id', related_name='polls', on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=100)),
                ('description', fields.TextField(default='', unique=False)),
                ('kind', fields.CharEnumField(description='SINGLE: SINGLE\nMULTIPLE: MULTIPLE\nMOTIONS: MOTIONS\nQUESTIONNAIRE: QUESTIONNAIRE', enum_type=PollKind, max_length=16)),
                ('items', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('min_choices', fields.IntField(default=1)),
                ('max_choices', fields.IntField(default=1)),
                ('electorate', fields.CharEnumField(description='PERSON: PERSON\nHOUSEHOLD: HOUSEHOLD\nOWNERS_ASSEMBLY: OWNERS_ASSEMBLY', enum_type=ElectorateKind, max_length=16)),
                ('scope', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('household_rule', fields.CharEnumField(default=HouseholdRule.FIRST_STANDS, description='FIRST_STANDS: FIRST_STANDS\nLAST_COUNTS: LAST_COUNTS', enum_type=HouseholdRule, max_length=16)),
                ('matter', fields.CharEnumField(default=Matter.ORDINARY, description='ORDINARY: ORDINARY\nMAJOR: MAJOR', enum_type=Matter, max_length=16)),
                ('thresholds', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('secrecy', fields.CharEnumField(default=Secrecy.NAMED, description='NAMED: NAMED\nHIDDEN: HIDDEN\nSECRET: SECRET', enum_type=Secrecy, max_length=16)),
                ('results', fields.CharEnumField(default=ResultsMode.AFTER_CLOSE, description='LIVE: LIVE\nAFTER_CLOSE: AFTER_CLOSE', enum_type=ResultsMode, max_length=16)),
                ('allow_change', fields.BooleanField(default=False)),
                ('proxy_cap', fields.IntField(default=1)),
                ('opens_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('closes_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('remind_hours', fields.IntField(default=24)),
                ('reminded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('state', fields.CharEnumField(default=PollState.DRAFT, db_index=True, description='DRAFT: DRAFT\nSCHEDULED: SCHEDULED\nOPEN: OPEN\nCLOSED: CLOSED\nPUBLISHED: PUBLISHED', enum_type=PollState, max_length=16)),
                ('electorate_size', fields.IntField(default=0)),
                ('electorate_area_dm2', fields.BigIntField(default=0)),
            ],
            options={'table': 'poll', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='BallotContent',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('poll', fields.ForeignKeyField('linli.Poll', source_field='poll_id', db_constraint=True, to_field='id', related_name='contents', on_delete=OnDelete.CASCADE)),
                ('answer', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('tracker_hash', fields.CharField(unique=True, max_length=64)),
                ('area_dm2', fields.BigIntField(default=0)),
                ('headcount', fields.IntField(default=1)),
                ('batch', fields.IntField(null=True)),
            ],
            options={'table': 'poll_ballot', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'What one ballot says. No timestamp and a random id: in SECRET polls nothing here follows'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ElectorateEntry',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('poll', fields.ForeignKeyField('linli.Poll', source_field='poll_id', db_constraint=True, to_field='id', related_name='entries', on_delete=OnDelete.CASCADE)),
                ('household', fields.ForeignKeyField('linli.Household', source_field='household_id', null=True, db_constraint=True, to_field='id', related_name='poll_entries', on_delete=OnDelete.SET_NULL)),
                ('label', fields.CharField(max_length=200)),
                ('room_ids', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('area_dm2', fields.BigIntField(default=0)),
                ('headcount', fields.IntField(default=1)),
            ],
            options={'table': 'poll_entry', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'The unit that casts one ballot, frozen at opening: a person, a household, or an owner unit'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='BallotParticipation',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('poll', fields.ForeignKeyField('linli.Poll', source_field='poll_id', db_constraint=True, to_field='id', related_name='participations', on_delete=OnDelete.CASCADE)),
                ('entry', fields.OneToOneField('linli.ElectorateEntry', source_field='entry_id', db_constraint=True, to_field='id', related_name='participation', on_delete=OnDelete.CASCADE)),
                ('channel', fields.CharEnumField(description='ONLINE: ONLINE\nPROXY: PROXY\nPAPER: PAPER\nHOME_VISIT: HOME_VISIT', enum_type=BallotChannel, max_length=16)),
                ('cast_by', fields.ForeignKeyField('linli.Person', source_field='cast_by_id', db_constraint=True, to_field='id', related_name='ballots_cast', on_delete=OnDelete.RESTRICT)),
                ('evidence', fields.ForeignKeyField('linli.Upload', source_field='evidence_id', null=True, db_constraint=True, to_field='id', related_name='paper_ballots', on_delete=OnDelete.RESTRICT)),
                ('reason', fields.CharField(default='', max_length=200)),
                ('changes', fields.IntField(default=0)),
                ('change_hash', fields.CharField(max_length=64)),
                ('content', fields.OneToOneField('linli.BallotContent', source_field='content_id', null=True, db_constraint=True, to_field='id', related_name='participation', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'poll_participation', 'app': 'linli', 'indexes': [Index(fields=['poll_id', 'cast_by_id', 'channel'])], 'pk_attr': 'id', 'table_description': 'An entry took part: its one ballot row (unique per entry), without what was voted.'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='ElectorateVoter',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('poll', fields.ForeignKeyField('linli.Poll', source_field='poll_id', db_constraint=True, to_field='id', related_name='voters', on_delete=OnDelete.CASCADE)),
                ('entry', fields.ForeignKeyField('linli.ElectorateEntry', source_field='entry_id', db_constraint=True, to_field='id', related_name='voters', on_delete=OnDelete.CASCADE)),
                ('person', fields.ForeignKeyField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='poll_voters', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'poll_voter', 'app': 'linli', 'unique_together': (('entry', 'person'),), 'indexes': [Index(fields=['person_id', 'poll_id'])], 'pk_attr': 'id', 'table_description': "Who may cast an entry's ballot themselves."},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='PollEvent',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('poll', fields.ForeignKeyField('linli.Poll', source_field='poll_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('from_state', fields.CharEnumField(description='DRAFT: DRAFT\nSCHEDULED: SCHEDULED\nOPEN: OPEN\nCLOSED: CLOSED\nPUBLISHED: PUBLISHED', enum_type=PollState, max_length=16)),
                ('to_state', fields.CharEnumField(description='DRAFT: DRAFT\nSCHEDULED: SCHEDULED\nOPEN: OPEN\nCLOSED: CLOSED\nPUBLISHED: PUBLISHED', enum_type=PollState, max_length=16)),
                ('actor', fields.ForeignKeyField('linli.Person', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='poll_events', on_delete=OnDelete.SET_NULL)),
                ('acting_for', fields.ForeignKeyField('linli.Person', source_field='acting_for_id', null=True, db_constraint=True, to_field='id', related_name='poll_events_for', on_delete=OnDelete.SET_NULL)),
                ('reason', fields.CharField(null=True, max_length=200)),
            ],
            options={'table': 'poll_event', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'A transition of a poll (written by core.statemachine): who, for whom, when and why.'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='VoteAuthorisation',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('poll', fields.ForeignKeyField('linli.Poll', source_field='poll_id', db_constraint=True, to_field='id', related_name='authorisations', on_delete=OnDelete.CASCADE)),
                ('entry', fields.ForeignKeyField('linli.ElectorateEntry', source_field='entry_id', db_constraint=True, to_field='id', related_name='authorisations', on_delete=OnDelete.CASCADE)),
                ('principal', fields.ForeignKeyField('linli.Person', source_field='principal_id', db_constraint=True, to_field='id', related_name='vote_authorisations_given', on_delete=OnDelete.CASCADE)),
                ('agent', fields.ForeignKeyField('linli.Person', source_field='agent_id', db_constraint=True, to_field='id', related_name='vote_authorisations_held', on_delete=OnDelete.CASCADE)),
                ('evidence', fields.ForeignKeyField('linli.Upload', source_field='evidence_id', db_constraint=True, to_field='id', related_name='vote_authorisations', on_delete=OnDelete.RESTRICT)),
                ('recorded_by', fields.ForeignKeyField('linli.Person', source_field='recorded_by_id', db_constraint=True, to_field='id', related_name='vote_authorisations_recorded', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'poll_authorisation', 'app': 'linli', 'unique_together': (('entry', 'agent'),), 'pk_attr': 'id', 'table_description': 'A per-poll written authorisation (委托书) entered by staff, with its evidence photo.'},
            bases=['Entity'],
        ),
    ]
