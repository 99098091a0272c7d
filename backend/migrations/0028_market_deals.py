"""The deals look a listing's reservations up by listing (its live one, who may see the room, its
history): an index on (listing_id, state)."""

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
    ]
