from tortoise import migrations
from tortoise.migrations import operations as ops
from backend.core.ids import uuid7
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('linli', '0020_ledger')]

    initial = False

    operations = [
        ops.CreateModel(
            name='WalletPolicy',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.OneToOneField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='wallet_policy', on_delete=OnDelete.CASCADE)),
                ('hours_cap', fields.IntField(default=12000)),
                ('withdrawal_age', fields.IntField(default=65)),
                ('hours_valid_days', fields.IntField(default=1095)),
                ('expiry_notice_days', fields.IntField(default=30)),
                ('points_daily_cap', fields.IntField(default=50)),
                ('points_valid_days', fields.IntField(default=730)),
            ],
            options={'table': 'wallet_policy', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'One row per community, made with the defaults on first use.'},
            bases=['Entity'],
        ),
    ]
