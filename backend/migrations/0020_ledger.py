from tortoise import migrations
from tortoise.migrations import operations as ops
from backend.core.ids import uuid7
from backend.ledger.models import CorrectionState, Ledger, PendingState
from tortoise.fields.base import OnDelete
from tortoise import fields

async def forbid_changing_transfers(apps, schema_editor) -> None:
    """Transfers are immutable: the database itself refuses an UPDATE or DELETE of one."""
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script(
            "CREATE FUNCTION ledger_transfer_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'ledger_transfer rows are never changed: write a reversing transfer'; END $$; "
            "CREATE TRIGGER ledger_transfer_immutable BEFORE UPDATE OR DELETE ON ledger_transfer "
            "FOR EACH ROW EXECUTE FUNCTION ledger_transfer_immutable();")
    else:
        for event in ("UPDATE", "DELETE"):
            await client.execute_script(
                f"CREATE TRIGGER ledger_transfer_no_{event.lower()} BEFORE {event} ON ledger_transfer BEGIN "
                "SELECT RAISE(ABORT, 'ledger_transfer rows are never changed: write a reversing transfer'); END;")


class Migration(migrations.Migration):
    dependencies = [('linli', '0019_moderation')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Account',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('ledger', fields.CharEnumField(description='CNY: CNY\nTIME: TIME\nPOINTS: POINTS', enum_type=Ledger, max_length=8)),
                ('owner_kind', fields.CharField(max_length=32)),
                ('owner_id', fields.UUIDField()),
                ('code', fields.CharField(max_length=32)),
                ('community', fields.ForeignKeyField('linli.Community', source_field='community_id', null=True, db_constraint=True, to_field='id', related_name='ledger_accounts', on_delete=OnDelete.RESTRICT)),
                ('flags', fields.IntField(default=0)),
                ('upper_limit', fields.BigIntField(null=True)),
                ('debits_pending', fields.BigIntField(default=0)),
                ('debits_posted', fields.BigIntField(default=0)),
                ('credits_pending', fields.BigIntField(default=0)),
                ('credits_posted', fields.BigIntField(default=0)),
            ],
            options={'table': 'ledger_account', 'app': 'linli', 'unique_together': (('ledger', 'owner_kind', 'owner_id', 'code'),), 'pk_attr': 'id', 'table_description': 'An account of one ledger, owned by anything (kind + id, opaque to the ledger).'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Pending',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('debit_account', fields.ForeignKeyField('linli.Account', source_field='debit_account_id', db_constraint=True, to_field='id', related_name='debit_holds', on_delete=OnDelete.RESTRICT)),
                ('credit_account', fields.ForeignKeyField('linli.Account', source_field='credit_account_id', db_constraint=True, to_field='id', related_name='credit_holds', on_delete=OnDelete.RESTRICT)),
                ('amount', fields.BigIntField()),
                ('ledger', fields.CharEnumField(description='CNY: CNY\nTIME: TIME\nPOINTS: POINTS', enum_type=Ledger, max_length=8)),
                ('state', fields.CharEnumField(default=PendingState.PENDING, description='PENDING: PENDING\nPOSTED: POSTED\nVOIDED: VOIDED\nEXPIRED: EXPIRED', enum_type=PendingState, max_length=8)),
                ('expires_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('resolved_by', fields.UUIDField(null=True)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'ledger_pending', 'app': 'linli', 'pk_attr': 'id', 'table_description': "The state of a pending transfer (id = the transfer's id), which moves once: to posted, voided"},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Rejection',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('result', fields.CharField(max_length=40)),
                ('body_hash', fields.CharField(max_length=64)),
            ],
            options={'table': 'ledger_rejection', 'app': 'linli', 'pk_attr': 'id', 'table_description': "A transfer id that failed (id = the transfer's id): a retry of the same body gets the same"},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Transfer',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('debit_account', fields.ForeignKeyField('linli.Account', source_field='debit_account_id', db_constraint=True, to_field='id', related_name='debits', on_delete=OnDelete.RESTRICT)),
                ('credit_account', fields.ForeignKeyField('linli.Account', source_field='credit_account_id', db_constraint=True, to_field='id', related_name='credits', on_delete=OnDelete.RESTRICT)),
                ('amount', fields.BigIntField()),
                ('ledger', fields.CharEnumField(description='CNY: CNY\nTIME: TIME\nPOINTS: POINTS', enum_type=Ledger, max_length=8)),
                ('code', fields.CharField(max_length=32)),
                ('reference', fields.CharField(default='', max_length=128)),
                ('flags', fields.IntField(default=0)),
                ('pending', fields.ForeignKeyField('linli.Transfer', source_field='pending_id', null=True, db_constraint=True, to_field='id', related_name='resolutions', on_delete=OnDelete.RESTRICT)),
                ('timeout', fields.IntField(default=0)),
                ('body_hash', fields.CharField(max_length=64)),
            ],
            options={'table': 'ledger_transfer', 'app': 'linli', 'pk_attr': 'id', 'table_description': "One movement, never changed afterwards. created_at is the ledger clock's time of the batch."},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='Correction',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('transfer', fields.ForeignKeyField('linli.Transfer', source_field='transfer_id', db_constraint=True, to_field='id', related_name='corrections', on_delete=OnDelete.RESTRICT)),
                ('reason', fields.CharField(max_length=500)),
                ('state', fields.CharEnumField(default=CorrectionState.REQUESTED, description='REQUESTED: REQUESTED\nAPPROVED: APPROVED', enum_type=CorrectionState, max_length=16)),
                ('requested_by', fields.ForeignKeyField('linli.Person', source_field='requested_by_id', db_constraint=True, to_field='id', related_name='ledger_corrections_requested', on_delete=OnDelete.RESTRICT)),
                ('decided_by', fields.ForeignKeyField('linli.Person', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='ledger_corrections_decided', on_delete=OnDelete.RESTRICT)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'ledger_correction', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'A request to reverse a posted transfer, with its reason, decided by a second person: approval'},
            bases=['Entity'],
        ),
        ops.RunPython(forbid_changing_transfers, ops.RunPython.noop),
    ]
