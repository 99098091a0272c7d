from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('linli', '0010_staff_job')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='InboxMessage',
            index=Index(fields=['person_id', 'id']),
        ),
    ]
