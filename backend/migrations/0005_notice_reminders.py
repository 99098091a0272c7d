from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from backend.core.ids import uuid7
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('linli', '0004_notification_channels')]

    initial = False

    operations = [
        ops.CreateModel(
            name='NoticeReminder',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('notice', fields.ForeignKeyField('linli.Notice', source_field='notice_id', db_constraint=True, to_field='id', related_name='reminders', on_delete=OnDelete.CASCADE)),
                ('due_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('recipients', fields.IntField(default=0)),
            ],
            options={'table': 'notice_reminder', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'A reminder to everyone who has not read the notice, due at a time after publication.'},
            bases=['Entity'],
        ),
        ops.AddField(
            model_name='Notice',
            name='reminder_hours',
            field=fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddIndex(
            model_name='NoticeRecipient',
            index=Index(fields=['person_id', 'id']),
        ),
    ]
