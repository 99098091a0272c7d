from tortoise import migrations
from tortoise.migrations import operations as ops
from backend.core.ids import uuid7
from backend.points.models import RedemptionState, RuleKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('linli', '0024_volunteering')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PointsDay',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='points_days', on_delete=OnDelete.CASCADE)),
                ('person', fields.ForeignKeyField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='points_days', on_delete=OnDelete.CASCADE)),
                ('day', fields.CharField(max_length=10)),
                ('earned', fields.IntField(default=0)),
            ],
            options={'table': 'points_day', 'app': 'linli', 'unique_together': (('community', 'person', 'day'),), 'pk_attr': 'id', 'table_description': 'What one person earned by participation rules on one Asia/Shanghai day: the row locked to'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='PointsRule',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='points_rules', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='URGENT_NOTICE_READ: URGENT_NOTICE_READ\nPOLL_VOTED: POLL_VOTED', enum_type=RuleKind, max_length=32)),
                ('points', fields.IntField()),
                ('active', fields.BooleanField(default=True)),
            ],
            options={'table': 'points_rule', 'app': 'linli', 'unique_together': (('community', 'kind'),), 'pk_attr': 'id', 'table_description': 'How many points a kind of participation earns in a community (0 or inactive: none).'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Reward',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='rewards', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=40)),
                ('description', fields.CharField(default='', max_length=500)),
                ('cost', fields.IntField()),
                ('stock', fields.IntField()),
                ('active', fields.BooleanField(default=True)),
                ('archived_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_by', fields.ForeignKeyField('linli.Person', source_field='created_by_id', db_constraint=True, to_field='id', related_name='rewards_created', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'points_reward', 'app': 'linli', 'indexes': [Index(fields=['community_id', 'archived_at'])], 'pk_attr': 'id', 'table_description': "A reward of the community's mall. Archived instead of deleted, so redemptions keep it."},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Redemption',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='redemptions', on_delete=OnDelete.RESTRICT)),
                ('reward', fields.ForeignKeyField('linli.Reward', source_field='reward_id', db_constraint=True, to_field='id', related_name='redemptions', on_delete=OnDelete.RESTRICT)),
                ('person', fields.ForeignKeyField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='redemptions', on_delete=OnDelete.RESTRICT)),
                ('redeemed_by', fields.ForeignKeyField('linli.Person', source_field='redeemed_by_id', db_constraint=True, to_field='id', related_name='redemptions_made', on_delete=OnDelete.RESTRICT)),
                ('cost', fields.IntField()),
                ('state', fields.CharEnumField(default=RedemptionState.PENDING, description='PENDING: PENDING\nCOLLECTED: COLLECTED\nCANCELLED: CANCELLED\nEXPIRED: EXPIRED', enum_type=RedemptionState, max_length=16)),
                ('pickup_code', fields.CharField(max_length=200)),
                ('code_key', fields.CharField(null=True, unique=True, max_length=64)),
                ('expires_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('resolved_by', fields.ForeignKeyField('linli.Person', source_field='resolved_by_id', null=True, db_constraint=True, to_field='id', related_name='redemptions_resolved', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'points_redemption', 'app': 'linli', 'indexes': [Index(fields=['community_id', 'state']), Index(fields=['person_id', 'id'])], 'pk_attr': 'id', 'table_description': "A person's redemption of one reward, its points held until pickup by the pickup code."},
            bases=['Entity'],
        ),
    ]
