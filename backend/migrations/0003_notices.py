from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from backend.core.ids import uuid7
from backend.notices.models import Importance, NoticeState
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('linli', '0002_identity_registry')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Notice',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='notices', on_delete=OnDelete.RESTRICT)),
                ('author', fields.ForeignKeyField('linli.Person', source_field='author_id', db_constraint=True, to_field='id', related_name='notices', on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=100)),
                ('body_html', fields.TextField(unique=False)),
                ('category', fields.CharField(max_length=32)),
                ('pinned', fields.BooleanField(default=False)),
                ('importance', fields.CharEnumField(default=Importance.NORMAL, description='NORMAL: NORMAL\nIMPORTANT: IMPORTANT\nURGENT: URGENT', enum_type=Importance, max_length=16)),
                ('must_acknowledge', fields.BooleanField(default=False)),
                ('audience', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('state', fields.CharEnumField(default=NoticeState.DRAFT, db_index=True, description='DRAFT: DRAFT\nSCHEDULED: SCHEDULED\nPUBLISHED: PUBLISHED\nARCHIVED: ARCHIVED', enum_type=NoticeState, max_length=16)),
                ('publish_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revision', fields.IntField(default=1)),
                ('audience_size', fields.IntField(default=0)),
            ],
            options={'table': 'notice', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='NoticeEvent',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('notice', fields.ForeignKeyField('linli.Notice', source_field='notice_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('from_state', fields.CharEnumField(description='DRAFT: DRAFT\nSCHEDULED: SCHEDULED\nPUBLISHED: PUBLISHED\nARCHIVED: ARCHIVED', enum_type=NoticeState, max_length=16)),
                ('to_state', fields.CharEnumField(description='DRAFT: DRAFT\nSCHEDULED: SCHEDULED\nPUBLISHED: PUBLISHED\nARCHIVED: ARCHIVED', enum_type=NoticeState, max_length=16)),
                ('actor', fields.ForeignKeyField('linli.Person', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='notice_events', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'notice_event', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='NoticeOfflineReach',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('notice', fields.ForeignKeyField('linli.Notice', source_field='notice_id', db_constraint=True, to_field='id', related_name='offline_reaches', on_delete=OnDelete.CASCADE)),
                ('household', fields.ForeignKeyField('linli.Household', source_field='household_id', db_constraint=True, to_field='id', related_name='offline_reaches', on_delete=OnDelete.CASCADE)),
                ('reached_by', fields.ForeignKeyField('linli.Person', source_field='reached_by_id', db_constraint=True, to_field='id', related_name='offline_reaches', on_delete=OnDelete.RESTRICT)),
                ('note', fields.CharField(default='', max_length=200)),
            ],
            options={'table': 'notice_offline_reach', 'app': 'linli', 'unique_together': (('notice', 'household'),), 'pk_attr': 'id', 'table_description': 'A grid worker visited a household the notice did not reach online (未触达 → 已线下触达).'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='NoticeRecipient',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('notice', fields.ForeignKeyField('linli.Notice', source_field='notice_id', db_constraint=True, to_field='id', related_name='recipients', on_delete=OnDelete.CASCADE)),
                ('person', fields.ForeignKeyField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='notices_received', on_delete=OnDelete.CASCADE)),
                ('household', fields.ForeignKeyField('linli.Household', source_field='household_id', null=True, db_constraint=True, to_field='id', related_name='notices_received', on_delete=OnDelete.SET_NULL)),
                ('building', fields.ForeignKeyField('linli.Building', source_field='building_id', null=True, db_constraint=True, to_field='id', related_name='notices_received', on_delete=OnDelete.SET_NULL)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('acknowledged_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notice_recipient', 'app': 'linli', 'unique_together': (('notice', 'person'),), 'pk_attr': 'id', 'table_description': 'One person in the audience, with what happened to the notice on their side.'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='NoticeRevision',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('notice', fields.ForeignKeyField('linli.Notice', source_field='notice_id', db_constraint=True, to_field='id', related_name='revisions', on_delete=OnDelete.CASCADE)),
                ('revision', fields.IntField()),
                ('title', fields.CharField(max_length=100)),
                ('body_html', fields.TextField(unique=False)),
                ('editor', fields.ForeignKeyField('linli.Person', source_field='editor_id', db_constraint=True, to_field='id', related_name='notice_revisions', on_delete=OnDelete.RESTRICT)),
                ('reason', fields.CharField(max_length=200)),
            ],
            options={'table': 'notice_revision', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'A change to a published notice: what it said before, who changed it, and why.'},
            bases=['Entity'],
        ),
    ]
