from tortoise import migrations
from tortoise.migrations import operations as ops
from backend.core.ids import uuid7
from backend.core.platform import PlatformRole
from backend.registry.models import Role
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('linli', '0006_notice_attachments')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PlatformMember',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('person', fields.ForeignKeyField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='platform_roles', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharEnumField(description='OPERATOR: OPERATOR', enum_type=PlatformRole, max_length=32)),
            ],
            options={'table': 'platform_member', 'app': 'linli', 'unique_together': (('person', 'role'),), 'pk_attr': 'id', 'table_description': 'A person holding a platform role.'},
            bases=['Entity'],
        ),
        ops.AddField(
            model_name='DeadLetter',
            name='community',
            field=fields.ForeignKeyField('linli.Community', source_field='community_id', null=True, db_constraint=True, to_field='id', related_name='dead_letters', on_delete=OnDelete.SET_NULL),
        ),
        ops.AlterField(
            model_name='Membership',
            name='role',
            field=fields.CharEnumField(description='RESIDENT: RESIDENT\nHOUSEHOLD_HEAD: HOUSEHOLD_HEAD\nOWNER: OWNER\nCOMMITTEE_STAFF: COMMITTEE_STAFF\nGRID_WORKER: GRID_WORKER\nPROPERTY_STAFF: PROPERTY_STAFF\nVOLUNTEER_COORDINATOR: VOLUNTEER_COORDINATOR\nVOLUNTEER: VOLUNTEER\nPROVIDER_ADMIN: PROVIDER_ADMIN\nPROVIDER_WORKER: PROVIDER_WORKER', enum_type=Role, max_length=32),
        ),
    ]
