from tortoise import migrations
from tortoise.migrations import operations as ops
from backend.core.ids import uuid7
from backend.moderation.models import AppealState, ItemState, LogAction, Reason
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('linli', '0018_deliberation')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ModeratedItem',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='moderated_items', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharField(max_length=16)),
                ('target_id', fields.UUIDField()),
                ('author', fields.ForeignKeyField('linli.Person', source_field='author_id', db_constraint=True, to_field='id', related_name='moderated_content', on_delete=OnDelete.RESTRICT)),
                ('original', fields.TextField(unique=False)),
                ('state', fields.CharEnumField(default=ItemState.REPORTED, description='REPORTED: REPORTED\nHIDDEN: HIDDEN\nREMOVED: REMOVED\nRESTORED: RESTORED', enum_type=ItemState, max_length=16)),
                ('reports', fields.IntField(default=0)),
                ('hidden_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decided_by', fields.ForeignKeyField('linli.Person', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='moderation_decisions', on_delete=OnDelete.SET_NULL)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'moderation_item', 'app': 'linli', 'unique_together': (('kind', 'target_id'),), 'indexes': [Index(fields=['community_id', 'state']), Index(fields=['author_id', 'hidden_at'])], 'pk_attr': 'id', 'table_description': 'One reported piece of content (kind + target id), opened by its first report.'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='ModerationAppeal',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('item', fields.OneToOneField('linli.ModeratedItem', source_field='item_id', db_constraint=True, to_field='id', related_name='appeal', on_delete=OnDelete.RESTRICT)),
                ('author', fields.ForeignKeyField('linli.Person', source_field='author_id', db_constraint=True, to_field='id', related_name='moderation_appeals', on_delete=OnDelete.RESTRICT)),
                ('text', fields.CharField(max_length=500)),
                ('state', fields.CharEnumField(default=AppealState.PENDING, description='PENDING: PENDING\nRESTORED: RESTORED\nKEPT: KEPT', enum_type=AppealState, max_length=16)),
                ('decided_by', fields.ForeignKeyField('linli.Person', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='appeals_decided', on_delete=OnDelete.SET_NULL)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reason', fields.CharField(null=True, max_length=200)),
            ],
            options={'table': 'moderation_appeal', 'app': 'linli', 'pk_attr': 'id', 'table_description': "The author's one appeal against hiding or removal."},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='ModerationLogEntry',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='moderation_log', on_delete=OnDelete.RESTRICT)),
                ('item', fields.ForeignKeyField('linli.ModeratedItem', source_field='item_id', db_constraint=True, to_field='id', related_name='log', on_delete=OnDelete.RESTRICT)),
                ('actor', fields.ForeignKeyField('linli.Person', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='moderation_actions', on_delete=OnDelete.SET_NULL)),
                ('action', fields.CharEnumField(description='AUTO_HIDE: AUTO_HIDE\nHIDE: HIDE\nREMOVE: REMOVE\nRESTORE: RESTORE\nAPPEAL: APPEAL\nAPPEAL_RESTORE: APPEAL_RESTORE\nAPPEAL_KEEP: APPEAL_KEEP', enum_type=LogAction, max_length=16)),
                ('reason', fields.CharField(default='', max_length=500)),
            ],
            options={'table': 'moderation_log', 'app': 'linli', 'indexes': [Index(fields=['community_id', 'id']), Index(fields=['item_id', 'id'])], 'pk_attr': 'id', 'table_description': 'The moderator log: who (null: automatic), when, what, why.'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='ModerationReport',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('item', fields.ForeignKeyField('linli.ModeratedItem', source_field='item_id', db_constraint=True, to_field='id', related_name='report_rows', on_delete=OnDelete.RESTRICT)),
                ('reporter', fields.ForeignKeyField('linli.Person', source_field='reporter_id', db_constraint=True, to_field='id', related_name='moderation_reports', on_delete=OnDelete.RESTRICT)),
                ('reason', fields.CharEnumField(description='SPAM: SPAM\nABUSE: ABUSE\nFRAUD: FRAUD\nPRIVACY: PRIVACY\nILLEGAL: ILLEGAL\nOTHER: OTHER', enum_type=Reason, max_length=16)),
                ('note', fields.CharField(default='', max_length=200)),
            ],
            options={'table': 'moderation_report', 'app': 'linli', 'unique_together': (('item', 'reporter'),), 'pk_attr': 'id'},
            bases=['Entity'],
        ),
    ]
