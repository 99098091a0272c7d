from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from backend.core.ids import uuid7
from backend.wallets.fraud_models import AlertKind, AlertState
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('linli', '0022_timebank')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FraudAlert',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='fraud_alerts', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='SAME_HOUSEHOLD: SAME_HOUSEHOLD\nLOOP: LOOP\nVELOCITY: VELOCITY', enum_type=AlertKind, max_length=16)),
                ('key', fields.CharField(unique=True, max_length=128)),
                ('person_ids', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('transfer_ids', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('detail', fields.CharField(max_length=500)),
                ('state', fields.CharEnumField(default=AlertState.OPEN, description='OPEN: OPEN\nDISMISSED: DISMISSED', enum_type=AlertState, max_length=16)),
                ('dismissed_by', fields.ForeignKeyField('linli.Person', source_field='dismissed_by_id', null=True, db_constraint=True, to_field='id', related_name='fraud_alerts_dismissed', on_delete=OnDelete.RESTRICT)),
                ('dismissed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('note', fields.CharField(default='', max_length=500)),
            ],
            options={'table': 'wallet_fraud_alert', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'One suspicion, raised once (by its key) and dismissed by staff with a note.'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='FraudSweep',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('name', fields.CharField(unique=True, max_length=32)),
                ('last_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_id', fields.UUIDField(null=True)),
            ],
            options={'table': 'wallet_fraud_sweep', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'Where the sweep has read the ledger to (one row): the last transfer it looked at.'},
            bases=['Entity'],
        ),
    ]
