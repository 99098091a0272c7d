from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from backend.cases.models import CaseState, EntryKind, Outcome, Party, RaiseChannel
from backend.core.ids import uuid7
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('linli', '0014_poll_tree_head')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CaseCategory',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='case_categories', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=32)),
                ('party', fields.CharEnumField(description='COMMITTEE: COMMITTEE\nPROPERTY: PROPERTY\nGRID: GRID', enum_type=Party, max_length=16)),
                ('accept_hours', fields.IntField()),
                ('resolve_hours', fields.IntField()),
                ('active', fields.BooleanField(default=True)),
            ],
            options={'table': 'case_category', 'app': 'linli', 'unique_together': (('community', 'name'),), 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='CaseReplyTemplate',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('category', fields.ForeignKeyField('linli.CaseCategory', source_field='category_id', db_constraint=True, to_field='id', related_name='templates', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=32)),
                ('body', fields.CharField(max_length=500)),
            ],
            options={'table': 'case_reply_template', 'app': 'linli', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='CaseSettings',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.OneToOneField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='case_settings', on_delete=OnDelete.CASCADE)),
                ('auto_confirm_days', fields.IntField(default=7)),
                ('remind_before_hours', fields.IntField(default=2)),
            ],
            options={'table': 'case_settings', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'The case rules of a community (a community without a row has the defaults).'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='CommonArea',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='common_areas', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=32)),
                ('grid', fields.ForeignKeyField('linli.Grid', source_field='grid_id', null=True, db_constraint=True, to_field='id', related_name='common_areas', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'case_common_area', 'app': 'linli', 'unique_together': (('community', 'name'),), 'pk_attr': 'id', 'table_description': 'A named place of the community that is no building, unit or room (东门, 3号楼前花园).'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Case',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='cases', on_delete=OnDelete.RESTRICT)),
                ('category', fields.ForeignKeyField('linli.CaseCategory', source_field='category_id', db_constraint=True, to_field='id', related_name='cases', on_delete=OnDelete.RESTRICT)),
                ('resident', fields.ForeignKeyField('linli.Person', source_field='resident_id', db_constraint=True, to_field='id', related_name='cases', on_delete=OnDelete.RESTRICT)),
                ('raised_by', fields.ForeignKeyField('linli.Person', source_field='raised_by_id', db_constraint=True, to_field='id', related_name='cases_raised', on_delete=OnDelete.RESTRICT)),
                ('channel', fields.CharEnumField(description='MINI_PROGRAM: MINI_PROGRAM\nPHONE: PHONE\nVISIT: VISIT\nWALK_IN: WALK_IN', enum_type=RaiseChannel, max_length=16)),
                ('text', fields.CharField(max_length=1000)),
                ('photos', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('room', fields.ForeignKeyField('linli.Room', source_field='room_id', null=True, db_constraint=True, to_field='id', related_name='cases', on_delete=OnDelete.RESTRICT)),
                ('unit', fields.ForeignKeyField('linli.Unit', source_field='unit_id', null=True, db_constraint=True, to_field='id', related_name='cases', on_delete=OnDelete.RESTRICT)),
                ('building', fields.ForeignKeyField('linli.Building', source_field='building_id', null=True, db_constraint=True, to_field='id', related_name='cases', on_delete=OnDelete.RESTRICT)),
                ('area', fields.ForeignKeyField('linli.CommonArea', source_field='area_id', null=True, db_constraint=True, to_field='id', related_name='cases', on_delete=OnDelete.RESTRICT)),
                ('place_name', fields.CharField(max_length=100)),
                ('grid', fields.ForeignKeyField('linli.Grid', source_field='grid_id', null=True, db_constraint=True, to_field='id', related_name='cases', on_delete=OnDelete.SET_NULL)),
                ('party', fields.CharEnumField(description='COMMITTEE: COMMITTEE\nPROPERTY: PROPERTY\nGRID: GRID', enum_type=Party, max_length=16)),
                ('handler', fields.ForeignKeyField('linli.Person', source_field='handler_id', null=True, db_constraint=True, to_field='id', related_name='cases_handled', on_delete=OnDelete.SET_NULL)),
                ('state', fields.CharEnumField(default=CaseState.SUBMITTED, db_index=True, description='SUBMITTED: SUBMITTED\nACCEPTED: ACCEPTED\nIN_PROGRESS: IN_PROGRESS\nRESOLVED: RESOLVED\nCLOSED_NOT_FIXED: CLOSED_NOT_FIXED\nNOT_RESPONSIBLE: NOT_RESPONSIBLE\nDUPLICATE: DUPLICATE\nREFERRED: REFERRED', enum_type=CaseState, max_length=16)),
                ('accept_due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('resolve_due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('paused_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reminded_for', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('escalated_for', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('escalated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('next_check_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('accepted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('resolution', fields.CharField(null=True, max_length=500)),
                ('referred_to', fields.CharField(null=True, max_length=64)),
                ('merged_into', fields.ForeignKeyField('linli.Case', source_field='merged_into_id', null=True, db_constraint=True, to_field='id', related_name='merged', on_delete=OnDelete.SET_NULL)),
                ('round', fields.IntField(default=1)),
                ('confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('urged_on', fields.DateField(null=True)),
            ],
            options={'table': 'case', 'app': 'linli', 'indexes': [Index(fields=['community_id', 'state'])], 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='CaseConfirmation',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('case', fields.ForeignKeyField('linli.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='confirmations', on_delete=OnDelete.CASCADE)),
                ('round', fields.IntField()),
                ('outcome', fields.CharEnumField(description='RESOLVED: RESOLVED\nPARTLY: PARTLY\nNOT_RESOLVED: NOT_RESOLVED\nAUTO: AUTO', enum_type=Outcome, max_length=16)),
                ('rating', fields.IntField(null=True)),
                ('comment', fields.CharField(default='', max_length=500)),
                ('person', fields.ForeignKeyField('linli.Person', source_field='person_id', null=True, db_constraint=True, to_field='id', related_name='case_confirmations', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'case_confirmation', 'app': 'linli', 'unique_together': (('case', 'round'),), 'pk_attr': 'id', 'table_description': 'What the resident says of one resolution of the case (one per round).'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='CaseEntry',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('case', fields.ForeignKeyField('linli.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='entries', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='REPLY: REPLY\nNOTE: NOTE\nQUESTION: QUESTION\nANSWER: ANSWER\nASSIGN: ASSIGN\nURGE: URGE\nCONFIRM: CONFIRM\nREMIND: REMIND\nESCALATE: ESCALATE', enum_type=EntryKind, max_length=16)),
                ('internal', fields.BooleanField()),
                ('author', fields.ForeignKeyField('linli.Person', source_field='author_id', null=True, db_constraint=True, to_field='id', related_name='case_entries', on_delete=OnDelete.SET_NULL)),
                ('acting_for', fields.ForeignKeyField('linli.Person', source_field='acting_for_id', null=True, db_constraint=True, to_field='id', related_name='case_entries_for', on_delete=OnDelete.SET_NULL)),
                ('body', fields.CharField(default='', max_length=1000)),
            ],
            options={'table': 'case_entry', 'app': 'linli', 'indexes': [Index(fields=['case_id', 'id'])], 'pk_attr': 'id', 'table_description': 'A timeline line that is not a transition: replies, internal notes, questions, 催办, ratings.'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='CaseEvent',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('case', fields.ForeignKeyField('linli.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('from_state', fields.CharEnumField(description='SUBMITTED: SUBMITTED\nACCEPTED: ACCEPTED\nIN_PROGRESS: IN_PROGRESS\nRESOLVED: RESOLVED\nCLOSED_NOT_FIXED: CLOSED_NOT_FIXED\nNOT_RESPONSIBLE: NOT_RESPONSIBLE\nDUPLICATE: DUPLICATE\nREFERRED: REFERRED', enum_type=CaseState, max_length=16)),
                ('to_state', fields.CharEnumField(description='SUBMITTED: SUBMITTED\nACCEPTED: ACCEPTED\nIN_PROGRESS: IN_PROGRESS\nRESOLVED: RESOLVED\nCLOSED_NOT_FIXED: CLOSED_NOT_FIXED\nNOT_RESPONSIBLE: NOT_RESPONSIBLE\nDUPLICATE: DUPLICATE\nREFERRED: REFERRED', enum_type=CaseState, max_length=16)),
                ('actor', fields.ForeignKeyField('linli.Person', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='case_events', on_delete=OnDelete.SET_NULL)),
                ('acting_for', fields.ForeignKeyField('linli.Person', source_field='acting_for_id', null=True, db_constraint=True, to_field='id', related_name='case_events_for', on_delete=OnDelete.SET_NULL)),
                ('reason', fields.CharField(null=True, max_length=500)),
            ],
            options={'table': 'case_event', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'A transition of a case (written by core.statemachine): who, for whom, when and why.'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='CaseFollower',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('case', fields.ForeignKeyField('linli.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='followers', on_delete=OnDelete.CASCADE)),
                ('person', fields.ForeignKeyField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='cases_followed', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'case_follower', 'app': 'linli', 'unique_together': (('case', 'person'),), 'pk_attr': 'id', 'table_description': '我也遇到 (me too): one per person and case.'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='StreetSupervisor',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('street', fields.ForeignKeyField('linli.Street', source_field='street_id', db_constraint=True, to_field='id', related_name='case_supervisors', on_delete=OnDelete.CASCADE)),
                ('person', fields.ForeignKeyField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='street_supervisions', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'case_street_supervisor', 'app': 'linli', 'unique_together': (('street', 'person'),), 'pk_attr': 'id', 'table_description': 'Who at the street (街道) receives the escalation of the overdue cases of its communities.'},
            bases=['Entity'],
        ),
    ]
