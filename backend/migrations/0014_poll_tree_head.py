from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from backend.core.ids import uuid7
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('linli', '0013_voting')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PollTreeHead',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('poll', fields.ForeignKeyField('linli.Poll', source_field='poll_id', db_constraint=True, to_field='id', related_name='tree_heads', on_delete=OnDelete.CASCADE)),
                ('batch', fields.IntField()),
                ('tree_size', fields.IntField()),
                ('root_hash', fields.CharField(max_length=64)),
                ('timestamp', fields.BigIntField()),
                ('poll_digest', fields.CharField(max_length=64)),
                ('signature', fields.CharField(max_length=128)),
                ('consistency_proof', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('at_close', fields.BooleanField(default=False)),
            ],
            options={'table': 'poll_tree_head', 'app': 'linli', 'unique_together': (('poll', 'batch'),), 'pk_attr': 'id', 'table_description': "A signed tree head of a poll's ballot log (RFC 9162), one per sealing batch: the head of batch n"},
            bases=['Entity'],
        ),
    ]
