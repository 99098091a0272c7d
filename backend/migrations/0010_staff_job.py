from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from backend.core.ids import uuid7
from backend.core.progress import JobState
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('linli', '0009_notice_event_acting_for')]

    initial = False

    operations = [
        ops.CreateModel(
            name='StaffJob',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='staff_jobs', on_delete=OnDelete.CASCADE)),
                ('owner', fields.ForeignKeyField('linli.Person', source_field='owner_id', db_constraint=True, to_field='id', related_name='staff_jobs', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=32)),
                ('state', fields.CharEnumField(default=JobState.QUEUED, description='QUEUED: QUEUED\nRUNNING: RUNNING\nDONE: DONE\nFAILED: FAILED', enum_type=JobState, max_length=16)),
                ('total', fields.IntField(default=0)),
                ('done', fields.IntField(default=0)),
                ('result', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('error', fields.CharField(null=True, max_length=200)),
            ],
            options={'table': 'staff_job', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'A job a staff member started and waits for: how far it is, and what it came to.'},
            bases=['Entity'],
        ),
    ]
