from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('linli', '0005_notice_reminders')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Notice',
            name='attachments',
            field=fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Upload',
            name='filename',
            field=fields.CharField(null=True, max_length=100),
        ),
    ]
