"""What the platform knows of money at the payment providers: each charge, refund and profit-sharing
request it made (with its idempotency key), each notification it has handled (so a replay changes
nothing), and the reconciliation runs that compare the ledger with the providers' records."""

from enum import StrEnum

from tortoise import fields

from backend.core.models import Entity


class PaymentKind(StrEnum):
    CHARGE = "CHARGE"  # a PaymentIntent (Stripe), a JSAPI prepay order (WeChat), a sandbox charge
    REFUND = "REFUND"
    PROFIT_SHARE = "PROFIT_SHARE"  # WeChat 分账: the commission to the platform, then 完结


class PaymentState(StrEnum):
    PENDING = "PENDING"  # asked for, the provider has not said yet
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class Payment(Entity):
    """One request to a payment provider about an order. `key` is the idempotency key sent with it,
    `order:{id}:{action}:v{n}`: a retry sends the same key and the provider answers the first result."""

    order = fields.ForeignKeyField("linli.Order", related_name="payments", on_delete=fields.RESTRICT)
    gateway = fields.CharField(max_length=8)  # PaymentGatewayName
    kind = fields.CharEnumField(PaymentKind, max_length=16)
    key = fields.CharField(max_length=100, unique=True)
    reference = fields.CharField(max_length=100, null=True, db_index=True)  # pi_…, re_…, out_trade_no, refund id
    amount_fen = fields.IntField()
    application_fee_fen = fields.IntField(default=0)  # the commission asked for with a charge (Stripe)
    gateway_fee_fen = fields.IntField(default=0)  # the provider's own fee, once it reports it
    state = fields.CharEnumField(PaymentState, max_length=16)
    failure = fields.CharField(max_length=200, null=True)
    settled_at = fields.DatetimeField(null=True)  # when the provider said it succeeded (its time)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "payment"
        indexes = (("order_id", "kind"),)


class ProcessedEvent(Entity):
    """A notification (webhook) already handled: the same id again is answered and ignored."""

    gateway = fields.CharField(max_length=8)
    event_id = fields.CharField(max_length=100)
    kind = fields.CharField(max_length=64)  # payment_intent.succeeded, TRANSACTION.SUCCESS, …
    outcome = fields.CharField(max_length=200)  # what it changed, or why nothing (stale, unknown order)

    class Meta:
        table = "payment_processed_event"
        unique_together = (("gateway", "event_id"),)


class ReconciliationRun(Entity):
    """One day of one gateway compared: the ledger's view against the provider's records."""

    gateway = fields.CharField(max_length=8)
    day = fields.DateField()  # Asia/Shanghai
    compared = fields.IntField(default=0)
    differences = fields.IntField(default=0)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "payment_reconciliation_run"


class DifferenceKind(StrEnum):
    MISSING_AT_GATEWAY = "MISSING_AT_GATEWAY"  # we recorded it, the provider has no such record
    MISSING_IN_LEDGER = "MISSING_IN_LEDGER"  # the provider has it, we have no record
    AMOUNT_MISMATCH = "AMOUNT_MISMATCH"
    STATE_MISMATCH = "STATE_MISMATCH"  # succeeded on one side, not on the other


class ReconciliationDifference(Entity):
    run = fields.ForeignKeyField("linli.ReconciliationRun", related_name="items", on_delete=fields.CASCADE)
    kind = fields.CharEnumField(DifferenceKind, max_length=24)
    reference = fields.CharField(max_length=100)
    order = fields.ForeignKeyField("linli.Order", related_name="reconciliation_differences", null=True,
                                   on_delete=fields.SET_NULL)
    ours_fen = fields.IntField(null=True)
    theirs_fen = fields.IntField(null=True)
    note = fields.CharField(max_length=200)
    resolved_at = fields.DatetimeField(null=True)
    resolved_by = fields.ForeignKeyField("linli.Person", related_name="reconciliation_resolutions", null=True,
                                         on_delete=fields.SET_NULL)

    class Meta:
        table = "payment_reconciliation_difference"
