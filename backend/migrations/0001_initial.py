import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from backend.core.ids import uuid7
from backend.registry.models import Role


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Community',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('name', fields.CharField(max_length=64)),
                ('code', fields.CharField(unique=True, max_length=32)),
            ],
            options={'table': 'community', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='DeadLetter',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('task_name', fields.CharField(max_length=64)),
                ('key', fields.CharField(null=True, max_length=128)),
                ('kwargs', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('error', fields.TextField(unique=False)),
                ('attempts', fields.IntField()),
            ],
            options={'table': 'dead_letter', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'A job that kept failing after every retry, kept for an operator to read and replay.'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Estate',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='estates', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=64)),
            ],
            options={'table': 'estate', 'app': 'linli', 'unique_together': (('community', 'name'),), 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Building',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='buildings', on_delete=OnDelete.RESTRICT)),
                ('estate', fields.ForeignKeyField('linli.Estate', source_field='estate_id', db_constraint=True, to_field='id', related_name='buildings', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=32)),
            ],
            options={'table': 'building', 'app': 'linli', 'unique_together': (('estate', 'name'),), 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='OutboxMessage',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('topic', fields.CharField(max_length=64)),
                ('key', fields.CharField(unique=True, max_length=128)),
                ('payload', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('available_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('relayed_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('attempts', fields.IntField(default=0)),
            ],
            options={'table': 'outbox_message', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Person',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('display_name', fields.CharField(max_length=64)),
                ('phone_encrypted', fields.CharField(null=True, max_length=255)),
                ('phone_lookup', fields.CharField(null=True, unique=True, max_length=64)),
                ('handle', fields.CharField(null=True, unique=True, max_length=32)),
            ],
            options={'table': 'person', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='AuthSession',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('person', fields.ForeignKeyField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('method', fields.CharField(max_length=16)),
                ('user_agent', fields.CharField(default='', max_length=255)),
                ('last_used_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_reason', fields.CharField(null=True, max_length=32)),
            ],
            options={'table': 'auth_session', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'One sign-in: the family of refresh tokens that descend from it.'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='InboxMessage',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('person', fields.ForeignKeyField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='inbox', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=32)),
                ('title', fields.CharField(max_length=128)),
                ('body', fields.TextField(unique=False)),
                ('delivery_key', fields.CharField(unique=True, max_length=128)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'inbox_message', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='RefreshToken',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('session', fields.ForeignKeyField('linli.AuthSession', source_field='session_id', db_constraint=True, to_field='id', related_name='refresh_tokens', on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('rotated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'refresh_token', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='StaffCredential',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('person', fields.OneToOneField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='staff_credential', on_delete=OnDelete.CASCADE)),
                ('username', fields.CharField(unique=True, max_length=64)),
                ('password_hash', fields.CharField(max_length=255)),
                ('failed_attempts', fields.IntField(default=0)),
                ('locked_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'staff_credential', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Unit',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='units', on_delete=OnDelete.RESTRICT)),
                ('building', fields.ForeignKeyField('linli.Building', source_field='building_id', db_constraint=True, to_field='id', related_name='units', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=32)),
            ],
            options={'table': 'unit', 'app': 'linli', 'unique_together': (('building', 'name'),), 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Room',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='rooms', on_delete=OnDelete.RESTRICT)),
                ('unit', fields.ForeignKeyField('linli.Unit', source_field='unit_id', db_constraint=True, to_field='id', related_name='rooms', on_delete=OnDelete.RESTRICT)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('floor', fields.IntField()),
                ('area_dm2', fields.IntField()),
            ],
            options={'table': 'room', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Household',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='households', on_delete=OnDelete.RESTRICT)),
                ('room', fields.ForeignKeyField('linli.Room', source_field='room_id', db_constraint=True, to_field='id', related_name='households', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'household', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Membership',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('person', fields.ForeignKeyField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.CASCADE)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.RESTRICT)),
                ('household', fields.ForeignKeyField('linli.Household', source_field='household_id', null=True, db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.SET_NULL)),
                ('role', fields.CharEnumField(description='RESIDENT: RESIDENT\nHOUSEHOLD_HEAD: HOUSEHOLD_HEAD\nOWNER: OWNER\nCOMMITTEE_STAFF: COMMITTEE_STAFF\nGRID_WORKER: GRID_WORKER\nPROPERTY_STAFF: PROPERTY_STAFF\nVOLUNTEER_COORDINATOR: VOLUNTEER_COORDINATOR\nVOLUNTEER: VOLUNTEER\nPROVIDER_ADMIN: PROVIDER_ADMIN\nPROVIDER_WORKER: PROVIDER_WORKER\nOPERATOR: OPERATOR', enum_type=Role, max_length=32)),
            ],
            options={'table': 'membership', 'app': 'linli', 'unique_together': (('person', 'community', 'role'),), 'pk_attr': 'id'},
            bases=['Entity'],
        ),
    ]
