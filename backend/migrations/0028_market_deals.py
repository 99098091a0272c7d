"""The deals look a listing's reservations up by listing (its live one, who may see the room, its
history): an index on (listing_id, state). The handover code's column takes the `_encrypted` suffix
that key rotation (backend/core/rekey.py) finds sealed columns by."""

from tortoise import migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('linli', '0027_market_search')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Reservation',
            index=Index(fields=['listing_id', 'state']),
        ),
        ops.RenameField(model_name='Reservation', old_name='handover_code', new_name='handover_code_encrypted'),
    ]
