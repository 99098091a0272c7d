from tortoise import migrations
from tortoise.migrations import operations as ops
from backend.cases.models import EntryKind
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('linli', '0015_cases')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='CaseEntry',
            name='kind',
            field=fields.CharEnumField(description='REPLY: REPLY\nNOTE: NOTE\nQUESTION: QUESTION\nANSWER: ANSWER\nASSIGN: ASSIGN\nURGE: URGE\nCONFIRM: CONFIRM\nREMIND: REMIND\nESCALATE: ESCALATE\nSUPERVISE: SUPERVISE', enum_type=EntryKind, max_length=16),
        ),
    ]
