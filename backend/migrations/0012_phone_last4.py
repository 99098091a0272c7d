from collections import defaultdict

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

from backend.core import crypto


async def backfill_phone_last4(apps, schema_editor) -> None:
    """The searchable tail of every phone already stored (new ones get it on write: Person.set_phone)."""
    client = schema_editor.client
    _, rows = await client.execute_query("SELECT id, phone_encrypted FROM person WHERE phone_encrypted IS NOT NULL")
    by_tail = defaultdict(list)
    for row in rows:
        by_tail[crypto.decrypt(row["phone_encrypted"])[-4:]].append(str(row["id"]))
    for tail, ids in by_tail.items():
        if not tail.isdigit():  # a tail is written into the statement: digits only
            continue
        for start in range(0, len(ids), 500):
            listed = ", ".join(f"'{i}'" for i in ids[start:start + 500])
            await client.execute_script(f"UPDATE person SET phone_last4 = '{tail}' WHERE id IN ({listed})")  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [('linli', '0011_inbox_by_person')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Person',
            name='phone_last4',
            field=fields.CharField(null=True, db_index=True, max_length=4),
        ),
        ops.RunPython(backfill_phone_last4, ops.RunPython.noop),
    ]
