from tortoise import migrations
from tortoise.migrations import operations as ops

class Migration(migrations.Migration):
    dependencies = [('linli', '0007_platform_operator')]

    initial = False

    operations = [
        ops.RemoveField(model_name='StaffCredential', name='locked_until'),
    ]
