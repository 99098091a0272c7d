from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from backend.core.ids import uuid7
from backend.registry.models import ApplicationStatus, Channel, ResidentRole
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('linli', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AccessLog',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='access_logs', on_delete=OnDelete.RESTRICT)),
                ('viewer', fields.ForeignKeyField('linli.Person', source_field='viewer_id', db_constraint=True, to_field='id', related_name='data_accesses', on_delete=OnDelete.RESTRICT)),
                ('subject', fields.ForeignKeyField('linli.Person', source_field='subject_id', db_constraint=True, to_field='id', related_name='data_accessed', on_delete=OnDelete.RESTRICT)),
                ('field', fields.CharField(max_length=32)),
                ('reason', fields.CharField(max_length=200)),
            ],
            options={'table': 'access_log', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', null=True, db_constraint=True, to_field='id', related_name='audit_entries', on_delete=OnDelete.RESTRICT)),
                ('actor', fields.ForeignKeyField('linli.Person', source_field='actor_id', db_constraint=True, to_field='id', related_name='audit_entries', on_delete=OnDelete.RESTRICT)),
                ('acting_for', fields.ForeignKeyField('linli.Person', source_field='acting_for_id', null=True, db_constraint=True, to_field='id', related_name='proxied_entries', on_delete=OnDelete.RESTRICT)),
                ('action', fields.CharField(db_index=True, max_length=64)),
                ('target_type', fields.CharField(max_length=32)),
                ('target_id', fields.CharField(max_length=64)),
                ('before', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('after', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'audit_entry', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Consent',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('person', fields.ForeignKeyField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='consents', on_delete=OnDelete.CASCADE)),
                ('document', fields.CharField(max_length=32)),
                ('version', fields.CharField(max_length=16)),
                ('channel', fields.CharField(max_length=16)),
            ],
            options={'table': 'consent', 'app': 'linli', 'unique_together': (('person', 'document', 'version'),), 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='FirebaseAccount',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('person', fields.OneToOneField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='firebase', on_delete=OnDelete.CASCADE)),
                ('uid', fields.CharField(unique=True, max_length=128)),
            ],
            options={'table': 'firebase_account', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Grid',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='grids', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=64)),
            ],
            options={'table': 'grid', 'app': 'linli', 'unique_together': (('community', 'name'),), 'pk_attr': 'id', 'table_description': '网格: the patch a grid worker looks after. Buildings are assigned to one.'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='GridWorker',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='grid_workers', on_delete=OnDelete.RESTRICT)),
                ('grid', fields.ForeignKeyField('linli.Grid', source_field='grid_id', db_constraint=True, to_field='id', related_name='workers', on_delete=OnDelete.CASCADE)),
                ('person', fields.ForeignKeyField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='grid_assignments', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'grid_worker', 'app': 'linli', 'unique_together': (('grid', 'person'),), 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='HouseholdInvite',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='invites', on_delete=OnDelete.RESTRICT)),
                ('household', fields.ForeignKeyField('linli.Household', source_field='household_id', db_constraint=True, to_field='id', related_name='invites', on_delete=OnDelete.CASCADE)),
                ('inviter', fields.ForeignKeyField('linli.Person', source_field='inviter_id', db_constraint=True, to_field='id', related_name='invites_sent', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharEnumField(description='OWNER: OWNER\nTENANT: TENANT\nCO_RESIDENT: CO_RESIDENT', enum_type=ResidentRole, max_length=16)),
                ('code_hash', fields.CharField(unique=True, max_length=64)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('used_by', fields.ForeignKeyField('linli.Person', source_field='used_by_id', null=True, db_constraint=True, to_field='id', related_name='invites_used', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'household_invite', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'A single-use, expiring invitation from the head of household. Only its hash is stored.'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='PersonRoom',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='residents', on_delete=OnDelete.RESTRICT)),
                ('person', fields.ForeignKeyField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='residences', on_delete=OnDelete.CASCADE)),
                ('room', fields.ForeignKeyField('linli.Room', source_field='room_id', db_constraint=True, to_field='id', related_name='residents', on_delete=OnDelete.RESTRICT)),
                ('household', fields.ForeignKeyField('linli.Household', source_field='household_id', db_constraint=True, to_field='id', related_name='residents', on_delete=OnDelete.RESTRICT)),
                ('role', fields.CharEnumField(description='OWNER: OWNER\nTENANT: TENANT\nCO_RESIDENT: CO_RESIDENT', enum_type=ResidentRole, max_length=16)),
                ('since', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('verified_by', fields.ForeignKeyField('linli.Person', source_field='verified_by_id', null=True, db_constraint=True, to_field='id', related_name='verified_residences', on_delete=OnDelete.SET_NULL)),
                ('channel', fields.CharEnumField(description='APPLICATION: APPLICATION\nINVITE: INVITE\nIMPORT: IMPORT\nSEED: SEED', enum_type=Channel, max_length=16)),
            ],
            options={'table': 'person_room', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'Who lives where, as what. Moving out sets `until`, and the row stays as history.'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Proxy',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='proxies', on_delete=OnDelete.RESTRICT)),
                ('principal', fields.ForeignKeyField('linli.Person', source_field='principal_id', db_constraint=True, to_field='id', related_name='proxies_granted', on_delete=OnDelete.CASCADE)),
                ('agent', fields.ForeignKeyField('linli.Person', source_field='agent_id', db_constraint=True, to_field='id', related_name='proxies_held', on_delete=OnDelete.CASCADE)),
                ('scopes', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('evidence', fields.CharField(max_length=200)),
                ('valid_until', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('granted_by', fields.ForeignKeyField('linli.Person', source_field='granted_by_id', db_constraint=True, to_field='id', related_name='proxies_recorded', on_delete=OnDelete.RESTRICT)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'proxy', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='SmsChallenge',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('phone_lookup', fields.CharField(db_index=True, max_length=64)),
                ('code_hash', fields.CharField(max_length=64)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('attempts', fields.IntField(default=0)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'sms_challenge', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'A one-time sign-in code sent by SMS. Only its hash is stored, and it dies after a few tries.'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Street',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('name', fields.CharField(max_length=64)),
                ('code', fields.CharField(unique=True, max_length=32)),
            ],
            options={'table': 'street', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Upload',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('owner', fields.ForeignKeyField('linli.Person', source_field='owner_id', db_constraint=True, to_field='id', related_name='uploads', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=32)),
                ('content_type', fields.CharField(max_length=100)),
                ('size', fields.IntField()),
                ('sha256', fields.CharField(db_index=True, max_length=64)),
            ],
            options={'table': 'upload', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='ResidenceApplication',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='applications', on_delete=OnDelete.RESTRICT)),
                ('person', fields.ForeignKeyField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='applications', on_delete=OnDelete.CASCADE)),
                ('room', fields.ForeignKeyField('linli.Room', source_field='room_id', db_constraint=True, to_field='id', related_name='applications', on_delete=OnDelete.RESTRICT)),
                ('role', fields.CharEnumField(description='OWNER: OWNER\nTENANT: TENANT\nCO_RESIDENT: CO_RESIDENT', enum_type=ResidentRole, max_length=16)),
                ('proof', fields.ForeignKeyField('linli.Upload', source_field='proof_id', null=True, db_constraint=True, to_field='id', related_name='applications', on_delete=OnDelete.SET_NULL)),
                ('status', fields.CharEnumField(default=ApplicationStatus.PENDING, db_index=True, description='PENDING: PENDING\nAPPROVED: APPROVED\nREJECTED: REJECTED', enum_type=ApplicationStatus, max_length=16)),
                ('decided_by', fields.ForeignKeyField('linli.Person', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='decided_applications', on_delete=OnDelete.SET_NULL)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reason', fields.CharField(null=True, max_length=200)),
                ('submitted_by', fields.ForeignKeyField('linli.Person', source_field='submitted_by_id', null=True, db_constraint=True, to_field='id', related_name='submitted_applications', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'residence_application', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='WechatAccount',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('person', fields.OneToOneField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='wechat', on_delete=OnDelete.CASCADE)),
                ('openid', fields.CharField(unique=True, max_length=64)),
                ('unionid', fields.CharField(null=True, max_length=64)),
                ('session_key_encrypted', fields.CharField(max_length=255)),
            ],
            options={'table': 'wechat_account', 'app': 'linli', 'pk_attr': 'id', 'table_description': "A mini-program user (openid). The session_key is WeChat's secret for this user: it stays here,"},
            bases=['Entity'],
        ),
        ops.AddField(
            model_name='AuthSession',
            name='revoked_by',
            field=fields.ForeignKeyField('linli.Person', source_field='revoked_by_id', null=True, db_constraint=True, to_field='id', related_name='revoked_sessions', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='Building',
            name='grid',
            field=fields.ForeignKeyField('linli.Grid', source_field='grid_id', null=True, db_constraint=True, to_field='id', related_name='buildings', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='Community',
            name='street',
            field=fields.ForeignKeyField('linli.Street', source_field='street_id', null=True, db_constraint=True, to_field='id', related_name='communities', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='Person',
            name='anonymized_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Person',
            name='id_number_encrypted',
            field=fields.CharField(null=True, max_length=255),
        ),
        ops.AddField(
            model_name='Person',
            name='id_number_lookup',
            field=fields.CharField(null=True, unique=True, max_length=64),
        ),
        ops.AddField(
            model_name='Room',
            name='number',
            field=fields.CharField(default='', max_length=16),
        ),
    ]
