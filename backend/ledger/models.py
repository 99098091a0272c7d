"""The ledger: accounts per asset, immutable transfers between them, and the state of pending holds.

Modelled on TigerBeetle: a transfer's id is chosen by its caller (the idempotency key), a transfer is
posted at once or held as pending and later posted (fully or partly), voided or expired, and rows of
ledger_transfer are never updated nor deleted (a correction is a new reversing transfer). Balances
live on the account rows and change only in the transaction that writes the transfers.
"""

from enum import IntFlag, StrEnum

from tortoise import fields

from backend.core.models import Entity


class Ledger(StrEnum):
    """One asset a ledger counts, each in an integer unit."""

    CNY = "CNY"  # fen
    TIME = "TIME"  # minutes
    POINTS = "POINTS"  # points


class AccountFlags(IntFlag):
    NONE = 0
    DEBITS_MUST_NOT_EXCEED_CREDITS = 1  # a balance that cannot go below zero (a wallet, an hours account)
    CREDITS_MUST_NOT_EXCEED_DEBITS = 2  # the mirror: an account that only gives out what was put in


class TransferFlags(IntFlag):
    NONE = 0
    LINKED = 1  # succeeds only with the next transfer of the same call (a chain ends at one without it)
    PENDING = 2  # holds the amount until posted, voided or expired
    POST_PENDING = 4  # posts (all or part of) the pending transfer pending_id
    VOID_PENDING = 8  # releases the pending transfer pending_id


class PendingState(StrEnum):
    PENDING = "PENDING"
    POSTED = "POSTED"
    VOIDED = "VOIDED"
    EXPIRED = "EXPIRED"


class Account(Entity):
    """An account of one ledger, owned by anything (kind + id, opaque to the ledger)."""

    ledger = fields.CharEnumField(Ledger, max_length=8)
    owner_kind = fields.CharField(max_length=32)  # person, community, provider, platform
    owner_id = fields.UUIDField()
    code = fields.CharField(max_length=32)  # its purpose: hours, points, escrow, commission, pool
    # The community whose staff may correct its transfers (None: a platform account).
    community = fields.ForeignKeyField("linli.Community", related_name="ledger_accounts", null=True,
                                       on_delete=fields.RESTRICT)
    flags = fields.IntField(default=0)
    # The most the balance may reach on its normal side (credits for a balance that cannot go below
    # zero), pending inflows counted: a storage cap.
    upper_limit = fields.BigIntField(null=True)
    debits_pending = fields.BigIntField(default=0)
    debits_posted = fields.BigIntField(default=0)
    credits_pending = fields.BigIntField(default=0)
    credits_posted = fields.BigIntField(default=0)

    class Meta:
        table = "ledger_account"
        unique_together = (("ledger", "owner_kind", "owner_id", "code"),)


class Transfer(Entity):
    """One movement, never changed afterwards. created_at is the ledger clock's time of the batch."""

    debit_account = fields.ForeignKeyField("linli.Account", related_name="debits", on_delete=fields.RESTRICT)
    credit_account = fields.ForeignKeyField("linli.Account", related_name="credits", on_delete=fields.RESTRICT)
    amount = fields.BigIntField()
    ledger = fields.CharEnumField(Ledger, max_length=8)
    code = fields.CharField(max_length=32)  # why: volunteer_hours, redemption, correction
    reference = fields.CharField(max_length=128, default="")  # the caller's object, for reconciliation
    flags = fields.IntField(default=0)
    pending = fields.ForeignKeyField("linli.Transfer", related_name="resolutions", null=True,
                                     on_delete=fields.RESTRICT)
    timeout = fields.IntField(default=0)  # seconds a pending transfer holds (0: until resolved)
    body_hash = fields.CharField(max_length=64)  # the request as sent: a reused id is compared by it

    class Meta:
        table = "ledger_transfer"


class Pending(Entity):
    """The state of a pending transfer (id = the transfer's id), which moves once: to posted, voided
    or expired."""

    debit_account = fields.ForeignKeyField("linli.Account", related_name="debit_holds", on_delete=fields.RESTRICT)
    credit_account = fields.ForeignKeyField("linli.Account", related_name="credit_holds", on_delete=fields.RESTRICT)
    amount = fields.BigIntField()
    ledger = fields.CharEnumField(Ledger, max_length=8)
    state = fields.CharEnumField(PendingState, max_length=8, default=PendingState.PENDING)
    expires_at = fields.DatetimeField(null=True, db_index=True)
    resolved_by = fields.UUIDField(null=True)  # the post or void transfer (None when it expired)
    resolved_at = fields.DatetimeField(null=True)

    class Meta:
        table = "ledger_pending"


class Rejection(Entity):
    """A transfer id that failed (id = the transfer's id): a retry of the same body gets the same
    answer, even once the balance would allow it (use a new id for a new attempt)."""

    result = fields.CharField(max_length=40)
    body_hash = fields.CharField(max_length=64)

    class Meta:
        table = "ledger_rejection"


class CorrectionState(StrEnum):
    REQUESTED = "REQUESTED"
    APPROVED = "APPROVED"


class Correction(Entity):
    """A request to reverse a posted transfer, with its reason, decided by a second person: approval
    writes the reversing transfer (id = this row's id)."""

    transfer = fields.ForeignKeyField("linli.Transfer", related_name="corrections", on_delete=fields.RESTRICT)
    reason = fields.CharField(max_length=500)
    state = fields.CharEnumField(CorrectionState, max_length=16, default=CorrectionState.REQUESTED)
    requested_by = fields.ForeignKeyField("linli.Person", related_name="ledger_corrections_requested",
                                          on_delete=fields.RESTRICT)
    decided_by = fields.ForeignKeyField("linli.Person", related_name="ledger_corrections_decided", null=True,
                                        on_delete=fields.RESTRICT)
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "ledger_correction"
