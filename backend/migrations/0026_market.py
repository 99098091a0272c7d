from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from backend.core.ids import uuid7
from backend.market.models import GiveawayMode, ListingCategory, ListingCondition, ListingKind, ListingState, ReservationState
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('linli', '0025_points')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Listing',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='listings', on_delete=OnDelete.RESTRICT)),
                ('seller', fields.ForeignKeyField('linli.Person', source_field='seller_id', db_constraint=True, to_field='id', related_name='listings', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='SELL: SELL\nFREE: FREE\nSWAP: SWAP\nWANTED: WANTED', enum_type=ListingKind, max_length=8)),
                ('category', fields.CharEnumField(description='FURNITURE: FURNITURE\nAPPLIANCES: APPLIANCES\nELECTRONICS: ELECTRONICS\nKIDS: KIDS\nBOOKS: BOOKS\nCLOTHING: CLOTHING\nSPORTS: SPORTS\nKITCHEN: KITCHEN\nPLANTS: PLANTS\nOTHER: OTHER', enum_type=ListingCategory, max_length=16)),
                ('condition', fields.CharEnumField(null=True, description='NEW: NEW\nLIKE_NEW: LIKE_NEW\nGOOD: GOOD\nFAIR: FAIR', enum_type=ListingCondition, max_length=16)),
                ('title', fields.CharField(max_length=40)),
                ('description', fields.CharField(default='', max_length=1000)),
                ('price_fen', fields.IntField(null=True)),
                ('giveaway_mode', fields.CharEnumField(null=True, description='FIRST_COME: FIRST_COME\nLOTTERY: LOTTERY', enum_type=GiveawayMode, max_length=16)),
                ('draw_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('draw_seed', fields.CharField(null=True, max_length=64)),
                ('drawn_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('estate', fields.ForeignKeyField('linli.Estate', source_field='estate_id', db_constraint=True, to_field='id', related_name='listings', on_delete=OnDelete.RESTRICT)),
                ('building', fields.ForeignKeyField('linli.Building', source_field='building_id', db_constraint=True, to_field='id', related_name='listings', on_delete=OnDelete.RESTRICT)),
                ('room', fields.ForeignKeyField('linli.Room', source_field='room_id', null=True, db_constraint=True, to_field='id', related_name='listings', on_delete=OnDelete.SET_NULL)),
                ('state', fields.CharEnumField(db_index=True, description='DRAFT: DRAFT\nPUBLISHED: PUBLISHED\nRESERVED: RESERVED\nHANDED_OVER: HANDED_OVER\nCLOSED: CLOSED\nEXPIRED: EXPIRED', enum_type=ListingState, max_length=16)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('renewal_reminded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('hidden_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'listing', 'app': 'linli', 'indexes': [Index(fields=['community_id', 'state', 'published_at']), Index(fields=['seller_id', 'state'])], 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Conversation',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('listing', fields.ForeignKeyField('linli.Listing', source_field='listing_id', db_constraint=True, to_field='id', related_name='conversations', on_delete=OnDelete.CASCADE)),
                ('buyer', fields.ForeignKeyField('linli.Person', source_field='buyer_id', db_constraint=True, to_field='id', related_name='market_conversations', on_delete=OnDelete.CASCADE)),
                ('last_message_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'market_conversation', 'app': 'linli', 'unique_together': (('listing', 'buyer'),), 'pk_attr': 'id', 'table_description': "The messages between a listing's seller and one neighbour about it."},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Favourite',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('person', fields.ForeignKeyField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='market_favourites', on_delete=OnDelete.CASCADE)),
                ('listing', fields.ForeignKeyField('linli.Listing', source_field='listing_id', db_constraint=True, to_field='id', related_name='favourites', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'market_favourite', 'app': 'linli', 'unique_together': (('person', 'listing'),), 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='ListingEvent',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('listing', fields.ForeignKeyField('linli.Listing', source_field='listing_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('from_state', fields.CharEnumField(description='DRAFT: DRAFT\nPUBLISHED: PUBLISHED\nRESERVED: RESERVED\nHANDED_OVER: HANDED_OVER\nCLOSED: CLOSED\nEXPIRED: EXPIRED', enum_type=ListingState, max_length=16)),
                ('to_state', fields.CharEnumField(description='DRAFT: DRAFT\nPUBLISHED: PUBLISHED\nRESERVED: RESERVED\nHANDED_OVER: HANDED_OVER\nCLOSED: CLOSED\nEXPIRED: EXPIRED', enum_type=ListingState, max_length=16)),
                ('actor', fields.ForeignKeyField('linli.Person', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='listing_events', on_delete=OnDelete.SET_NULL)),
                ('acting_for', fields.ForeignKeyField('linli.Person', source_field='acting_for_id', null=True, db_constraint=True, to_field='id', related_name='listing_events_for', on_delete=OnDelete.SET_NULL)),
                ('reason', fields.CharField(null=True, max_length=500)),
            ],
            options={'table': 'listing_event', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'A transition of a listing (written by core.statemachine).'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='ListingPhoto',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('listing', fields.ForeignKeyField('linli.Listing', source_field='listing_id', db_constraint=True, to_field='id', related_name='photos', on_delete=OnDelete.CASCADE)),
                ('upload', fields.ForeignKeyField('linli.Upload', source_field='upload_id', db_constraint=True, to_field='id', related_name='listing_photos', on_delete=OnDelete.RESTRICT)),
                ('position', fields.SmallIntField()),
            ],
            options={'table': 'listing_photo', 'app': 'linli', 'unique_together': (('listing', 'position'),), 'pk_attr': 'id', 'table_description': "A photo of a listing (a `listing_photo` upload: re-encoded, no EXIF), in the seller's order."},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='LotteryEntry',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('listing', fields.ForeignKeyField('linli.Listing', source_field='listing_id', db_constraint=True, to_field='id', related_name='entries', on_delete=OnDelete.CASCADE)),
                ('person', fields.ForeignKeyField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='lottery_entries', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'market_lottery_entry', 'app': 'linli', 'unique_together': (('listing', 'person'),), 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='MarketSettings',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.OneToOneField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='market_settings', on_delete=OnDelete.CASCADE)),
                ('weekly_giveaway_wins', fields.IntField(default=2)),
                ('daily_listings', fields.IntField(default=10)),
            ],
            options={'table': 'market_settings', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'The market rules of a community (a community without a row has the defaults).'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Message',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('conversation', fields.ForeignKeyField('linli.Conversation', source_field='conversation_id', db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.CASCADE)),
                ('sender', fields.ForeignKeyField('linli.Person', source_field='sender_id', db_constraint=True, to_field='id', related_name='market_messages', on_delete=OnDelete.CASCADE)),
                ('body', fields.CharField(max_length=500)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'market_message', 'app': 'linli', 'indexes': [Index(fields=['conversation_id', 'created_at'])], 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Reservation',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('listing', fields.ForeignKeyField('linli.Listing', source_field='listing_id', db_constraint=True, to_field='id', related_name='reservations', on_delete=OnDelete.CASCADE)),
                ('buyer', fields.ForeignKeyField('linli.Person', source_field='buyer_id', db_constraint=True, to_field='id', related_name='market_reservations', on_delete=OnDelete.RESTRICT)),
                ('state', fields.CharEnumField(db_index=True, description='ACTIVE: ACTIVE\nHANDED_OVER: HANDED_OVER\nCANCELLED: CANCELLED\nNO_SHOW: NO_SHOW', enum_type=ReservationState, max_length=16)),
                ('handover_code', fields.CharField(max_length=200)),
                ('wrong_codes', fields.SmallIntField(default=0)),
                ('locked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('giveaway', fields.BooleanField(default=False)),
                ('ended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('end_reason', fields.CharField(null=True, max_length=200)),
            ],
            options={'table': 'market_reservation', 'app': 'linli', 'indexes': [Index(fields=['buyer_id', 'giveaway', 'created_at'])], 'pk_attr': 'id', 'table_description': "The one buyer a listing is reserved for (first come, or the lottery's winner)."},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Rating',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('reservation', fields.ForeignKeyField('linli.Reservation', source_field='reservation_id', db_constraint=True, to_field='id', related_name='ratings', on_delete=OnDelete.CASCADE)),
                ('rater', fields.ForeignKeyField('linli.Person', source_field='rater_id', db_constraint=True, to_field='id', related_name='market_ratings_given', on_delete=OnDelete.CASCADE)),
                ('ratee', fields.ForeignKeyField('linli.Person', source_field='ratee_id', db_constraint=True, to_field='id', related_name='market_ratings', on_delete=OnDelete.CASCADE)),
                ('stars', fields.SmallIntField()),
                ('comment', fields.CharField(default='', max_length=200)),
            ],
            options={'table': 'market_rating', 'app': 'linli', 'unique_together': (('reservation', 'rater'),), 'pk_attr': 'id', 'table_description': "One side's rating of the other after a handover, shown when both rated or 7 days passed."},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='SavedSearch',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('person', fields.ForeignKeyField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='market_saved_searches', on_delete=OnDelete.CASCADE)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='market_saved_searches', on_delete=OnDelete.CASCADE)),
                ('query', fields.CharField(default='', max_length=40)),
                ('filters', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'market_saved_search', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'A search a resident keeps: a new matching listing in the community notifies them.'},
            bases=['Entity'],
        ),
        ops.AddField(
            model_name='Upload',
            name='variants',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
    ]
