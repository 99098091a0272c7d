from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('linli', '0008_signin_throttle')]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name='NoticeEvent',
            options={'table': 'notice_event', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'A transition of a notice (written by core.statemachine): who, for whom, when and why.'},
        ),
        ops.AddField(
            model_name='NoticeEvent',
            name='acting_for',
            field=fields.ForeignKeyField('linli.Person', source_field='acting_for_id', null=True, db_constraint=True, to_field='id', related_name='notice_events_for', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='NoticeEvent',
            name='reason',
            field=fields.CharField(null=True, max_length=200),
        ),
    ]
