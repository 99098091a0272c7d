from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from backend.core.ids import uuid7
from backend.volunteering.models import ActivityState, SignupState
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('linli', '0021_wallets')]

    initial = False

    operations = [
        ops.CreateModel(
            name='VolunteerCertificate',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='volunteer_certificates', on_delete=OnDelete.RESTRICT)),
                ('person', fields.ForeignKeyField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='volunteer_certificates', on_delete=OnDelete.CASCADE)),
                ('code', fields.CharField(unique=True, max_length=10)),
                ('person_name', fields.CharField(max_length=64)),
                ('organisation', fields.CharField(max_length=200)),
                ('records', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('total_minutes', fields.IntField()),
                ('issued_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'volunteer_certificate', 'app': 'linli', 'indexes': [Index(fields=['person_id', 'id'])], 'pk_attr': 'id', 'table_description': "A certificate of volunteer service (志愿服务记录证明): what the person's approved records were"},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='VolunteerTeam',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='volunteer_teams', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=32)),
                ('description', fields.CharField(default='', max_length=500)),
            ],
            options={'table': 'volunteer_team', 'app': 'linli', 'unique_together': (('community_id', 'name'),), 'pk_attr': 'id', 'table_description': 'A volunteer team (志愿队伍) of a community, run by its coordinators.'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='VolunteerActivity',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='volunteer_activities', on_delete=OnDelete.RESTRICT)),
                ('team', fields.ForeignKeyField('linli.VolunteerTeam', source_field='team_id', db_constraint=True, to_field='id', related_name='activities', on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=64)),
                ('description', fields.CharField(default='', max_length=2000)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('estate', fields.ForeignKeyField('linli.Estate', source_field='estate_id', null=True, db_constraint=True, to_field='id', related_name='volunteer_activities', on_delete=OnDelete.RESTRICT)),
                ('building', fields.ForeignKeyField('linli.Building', source_field='building_id', null=True, db_constraint=True, to_field='id', related_name='volunteer_activities', on_delete=OnDelete.RESTRICT)),
                ('place_text', fields.CharField(default='', max_length=64)),
                ('capacity', fields.IntField()),
                ('skills', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('points_per_hour', fields.IntField(default=0)),
                ('state', fields.CharEnumField(default=ActivityState.DRAFT, description='DRAFT: DRAFT\nPUBLISHED: PUBLISHED\nFINISHED: FINISHED\nCANCELLED: CANCELLED', enum_type=ActivityState, max_length=16)),
                ('cancel_reason', fields.CharField(null=True, max_length=200)),
                ('next_position', fields.IntField(default=0)),
            ],
            options={'table': 'volunteer_activity', 'app': 'linli', 'indexes': [Index(fields=['community_id', 'state', 'starts_at']), Index(fields=['team_id', 'id'])], 'pk_attr': 'id', 'table_description': 'A volunteer activity: when, where (an estate or building of the registry, or a short text),'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='VolunteerActivityEvent',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('activity', fields.ForeignKeyField('linli.VolunteerActivity', source_field='activity_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('from_state', fields.CharEnumField(description='DRAFT: DRAFT\nPUBLISHED: PUBLISHED\nFINISHED: FINISHED\nCANCELLED: CANCELLED', enum_type=ActivityState, max_length=16)),
                ('to_state', fields.CharEnumField(description='DRAFT: DRAFT\nPUBLISHED: PUBLISHED\nFINISHED: FINISHED\nCANCELLED: CANCELLED', enum_type=ActivityState, max_length=16)),
                ('actor', fields.ForeignKeyField('linli.Person', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='volunteer_activity_events', on_delete=OnDelete.SET_NULL)),
                ('acting_for', fields.ForeignKeyField('linli.Person', source_field='acting_for_id', null=True, db_constraint=True, to_field='id', related_name='volunteer_activity_events_for', on_delete=OnDelete.SET_NULL)),
                ('reason', fields.CharField(null=True, max_length=200)),
            ],
            options={'table': 'volunteer_activity_event', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'A transition of an activity (written by core.statemachine): who, for whom, when and why.'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='VolunteerSignup',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='volunteer_signups', on_delete=OnDelete.RESTRICT)),
                ('activity', fields.ForeignKeyField('linli.VolunteerActivity', source_field='activity_id', db_constraint=True, to_field='id', related_name='signups', on_delete=OnDelete.CASCADE)),
                ('person', fields.ForeignKeyField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='volunteer_signups', on_delete=OnDelete.CASCADE)),
                ('state', fields.CharEnumField(description='SIGNED_UP: SIGNED_UP\nWAITLISTED: WAITLISTED\nCANCELLED: CANCELLED\nAPPROVED: APPROVED\nREJECTED: REJECTED\nNO_SHOW: NO_SHOW', enum_type=SignupState, max_length=16)),
                ('position', fields.IntField()),
                ('checked_in_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('checked_out_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('computed_minutes', fields.IntField(null=True)),
                ('approved_minutes', fields.IntField(null=True)),
                ('points', fields.IntField(null=True)),
                ('reviewed_by', fields.ForeignKeyField('linli.Person', source_field='reviewed_by_id', null=True, db_constraint=True, to_field='id', related_name='volunteer_reviews', on_delete=OnDelete.SET_NULL)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reject_reason', fields.CharField(null=True, max_length=200)),
            ],
            options={'table': 'volunteer_signup', 'app': 'linli', 'unique_together': (('activity_id', 'person_id'),), 'indexes': [Index(fields=['activity_id', 'state', 'position']), Index(fields=['person_id', 'id']), Index(fields=['community_id', 'state'])], 'pk_attr': 'id', 'table_description': "One person's place on an activity (one row per person and activity), their attendance and"},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='VolunteerTeamCoordinator',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('team', fields.ForeignKeyField('linli.VolunteerTeam', source_field='team_id', db_constraint=True, to_field='id', related_name='coordinators', on_delete=OnDelete.CASCADE)),
                ('person', fields.ForeignKeyField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='coordinated_teams', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'volunteer_team_coordinator', 'app': 'linli', 'unique_together': (('team_id', 'person_id'),), 'pk_attr': 'id', 'table_description': "A person who runs a team's activities (they hold VOLUNTEER_COORDINATOR in its community)."},
            bases=['Entity'],
        ),
    ]
