from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from backend.core.ids import uuid7
from backend.timebank.models import OfferState, RequestKind, RequestState
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('linli', '0021_wallets')]

    initial = False

    operations = [
        ops.CreateModel(
            name='HoursDonation',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='hours_donations', on_delete=OnDelete.RESTRICT)),
                ('donor', fields.ForeignKeyField('linli.Person', source_field='donor_id', db_constraint=True, to_field='id', related_name='hours_donated', on_delete=OnDelete.RESTRICT)),
                ('recipient', fields.ForeignKeyField('linli.Person', source_field='recipient_id', null=True, db_constraint=True, to_field='id', related_name='hours_received', on_delete=OnDelete.RESTRICT)),
                ('given_by', fields.ForeignKeyField('linli.Person', source_field='given_by_id', db_constraint=True, to_field='id', related_name='hours_donations_made', on_delete=OnDelete.RESTRICT)),
                ('minutes', fields.IntField()),
            ],
            options={'table': 'hours_donation', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'Minutes given to a family member or to the community pool (互助池).'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='TimebankOffer',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='timebank_offers', on_delete=OnDelete.RESTRICT)),
                ('helper', fields.ForeignKeyField('linli.Person', source_field='helper_id', db_constraint=True, to_field='id', related_name='timebank_offers', on_delete=OnDelete.RESTRICT)),
                ('skills', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('kinds', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('estate', fields.ForeignKeyField('linli.Estate', source_field='estate_id', null=True, db_constraint=True, to_field='id', related_name='timebank_offers', on_delete=OnDelete.RESTRICT)),
                ('building', fields.ForeignKeyField('linli.Building', source_field='building_id', null=True, db_constraint=True, to_field='id', related_name='timebank_offers', on_delete=OnDelete.RESTRICT)),
                ('place_name', fields.CharField(default='', max_length=100)),
                ('availability', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('note', fields.CharField(default='', max_length=200)),
                ('state', fields.CharEnumField(default=OfferState.OPEN, db_index=True, description='OPEN: OPEN\nWITHDRAWN: WITHDRAWN', enum_type=OfferState, max_length=16)),
            ],
            options={'table': 'timebank_offer', 'app': 'linli', 'indexes': [Index(fields=['community_id', 'state'])], 'pk_attr': 'id', 'table_description': 'What a helper offers: skills, kinds of help, where, and weekly time windows.'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='TimebankRequest',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='timebank_requests', on_delete=OnDelete.RESTRICT)),
                ('requester', fields.ForeignKeyField('linli.Person', source_field='requester_id', db_constraint=True, to_field='id', related_name='timebank_requests', on_delete=OnDelete.RESTRICT)),
                ('created_by', fields.ForeignKeyField('linli.Person', source_field='created_by_id', db_constraint=True, to_field='id', related_name='timebank_requests_created', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='COMPANY: COMPANY\nSHOPPING: SHOPPING\nCLINIC: CLINIC\nERRAND: ERRAND\nOTHER: OTHER', enum_type=RequestKind, max_length=16)),
                ('title', fields.CharField(max_length=40)),
                ('description', fields.CharField(default='', max_length=500)),
                ('estate', fields.ForeignKeyField('linli.Estate', source_field='estate_id', null=True, db_constraint=True, to_field='id', related_name='timebank_requests', on_delete=OnDelete.RESTRICT)),
                ('building', fields.ForeignKeyField('linli.Building', source_field='building_id', null=True, db_constraint=True, to_field='id', related_name='timebank_requests', on_delete=OnDelete.RESTRICT)),
                ('place_name', fields.CharField(max_length=100)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('minutes', fields.IntField()),
                ('skills', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('state', fields.CharEnumField(default=RequestState.OPEN, db_index=True, description='OPEN: OPEN\nBOOKED: BOOKED\nCOMPLETED: COMPLETED\nCANCELLED: CANCELLED', enum_type=RequestState, max_length=16)),
                ('helper', fields.ForeignKeyField('linli.Person', source_field='helper_id', null=True, db_constraint=True, to_field='id', related_name='timebank_helped', on_delete=OnDelete.RESTRICT)),
                ('offer', fields.ForeignKeyField('linli.TimebankOffer', source_field='offer_id', null=True, db_constraint=True, to_field='id', related_name='bookings', on_delete=OnDelete.SET_NULL)),
                ('hold_id', fields.UUIDField(null=True)),
                ('booked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('completed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cancel_reason', fields.CharField(null=True, max_length=200)),
            ],
            options={'table': 'timebank_request', 'app': 'linli', 'indexes': [Index(fields=['community_id', 'state'])], 'pk_attr': 'id', 'table_description': "A request for help, paid for with the requester's stored minutes."},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='TimebankRequestEvent',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('request', fields.ForeignKeyField('linli.TimebankRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('from_state', fields.CharEnumField(description='OPEN: OPEN\nBOOKED: BOOKED\nCOMPLETED: COMPLETED\nCANCELLED: CANCELLED', enum_type=RequestState, max_length=16)),
                ('to_state', fields.CharEnumField(description='OPEN: OPEN\nBOOKED: BOOKED\nCOMPLETED: COMPLETED\nCANCELLED: CANCELLED', enum_type=RequestState, max_length=16)),
                ('actor', fields.ForeignKeyField('linli.Person', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='timebank_events', on_delete=OnDelete.SET_NULL)),
                ('acting_for', fields.ForeignKeyField('linli.Person', source_field='acting_for_id', null=True, db_constraint=True, to_field='id', related_name='timebank_events_for', on_delete=OnDelete.SET_NULL)),
                ('reason', fields.CharField(null=True, max_length=500)),
            ],
            options={'table': 'timebank_request_event', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'A transition of a request (written by core.statemachine): who, for whom, when and why.'},
            bases=['Entity'],
        ),
    ]
