from tortoise import migrations
from tortoise.migrations import operations as ops
from backend.core.ids import uuid7
from backend.deliberation.models import TopicState
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('linli', '0017_consult')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DeliberationSettings',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.OneToOneField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='deliberation_settings', on_delete=OnDelete.CASCADE)),
                ('supporters_needed', fields.IntField(default=10)),
            ],
            options={'table': 'deliberation_settings', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'The deliberation rules of a community (a community without a row has the defaults).'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Topic',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='topics', on_delete=OnDelete.RESTRICT)),
                ('author', fields.ForeignKeyField('linli.Person', source_field='author_id', db_constraint=True, to_field='id', related_name='topics', on_delete=OnDelete.RESTRICT)),
                ('household', fields.ForeignKeyField('linli.Household', source_field='household_id', null=True, db_constraint=True, to_field='id', related_name='topics', on_delete=OnDelete.SET_NULL)),
                ('title', fields.CharField(max_length=64)),
                ('body', fields.CharField(max_length=2000)),
                ('state', fields.CharEnumField(db_index=True, description='PROPOSED: PROPOSED\nAGENDA: AGENDA\nCLOSED: CLOSED', enum_type=TopicState, max_length=16)),
                ('supporters_needed', fields.IntField(null=True)),
                ('supporters', fields.IntField(default=0)),
                ('agenda_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('poll', fields.ForeignKeyField('linli.Poll', source_field='poll_id', null=True, db_constraint=True, to_field='id', related_name='topics', on_delete=OnDelete.SET_NULL)),
                ('response', fields.CharField(null=True, max_length=2000)),
                ('responded_by', fields.ForeignKeyField('linli.Person', source_field='responded_by_id', null=True, db_constraint=True, to_field='id', related_name='topic_responses', on_delete=OnDelete.SET_NULL)),
                ('responded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('hidden_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'topic', 'app': 'linli', 'indexes': [Index(fields=['community_id', 'state'])], 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='TopicComment',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('topic', fields.ForeignKeyField('linli.Topic', source_field='topic_id', db_constraint=True, to_field='id', related_name='comments', on_delete=OnDelete.CASCADE)),
                ('parent', fields.ForeignKeyField('linli.TopicComment', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='replies', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('linli.Person', source_field='author_id', db_constraint=True, to_field='id', related_name='topic_comments', on_delete=OnDelete.CASCADE)),
                ('body', fields.CharField(max_length=500)),
                ('hidden_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'topic_comment', 'app': 'linli', 'indexes': [Index(fields=['topic_id', 'id'])], 'pk_attr': 'id', 'table_description': 'A comment, or a reply to one (one level: a reply to a reply joins its top-level comment).'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='TopicEvent',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('topic', fields.ForeignKeyField('linli.Topic', source_field='topic_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('from_state', fields.CharEnumField(description='PROPOSED: PROPOSED\nAGENDA: AGENDA\nCLOSED: CLOSED', enum_type=TopicState, max_length=16)),
                ('to_state', fields.CharEnumField(description='PROPOSED: PROPOSED\nAGENDA: AGENDA\nCLOSED: CLOSED', enum_type=TopicState, max_length=16)),
                ('actor', fields.ForeignKeyField('linli.Person', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='topic_events', on_delete=OnDelete.SET_NULL)),
                ('acting_for', fields.ForeignKeyField('linli.Person', source_field='acting_for_id', null=True, db_constraint=True, to_field='id', related_name='topic_events_for', on_delete=OnDelete.SET_NULL)),
                ('reason', fields.CharField(null=True, max_length=500)),
            ],
            options={'table': 'topic_event', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'A transition of a topic (written by core.statemachine).'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='TopicSupport',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('topic', fields.ForeignKeyField('linli.Topic', source_field='topic_id', db_constraint=True, to_field='id', related_name='supports', on_delete=OnDelete.CASCADE)),
                ('household', fields.ForeignKeyField('linli.Household', source_field='household_id', db_constraint=True, to_field='id', related_name='topic_supports', on_delete=OnDelete.CASCADE)),
                ('person', fields.ForeignKeyField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='topic_supports', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'topic_support', 'app': 'linli', 'unique_together': (('topic', 'household'),), 'pk_attr': 'id', 'table_description': '附议: one per household and topic, given by one of its residents.'},
            bases=['Entity'],
        ),
    ]
