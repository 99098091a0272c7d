"""Anti-fraud alerts (风险预警) on hours and points, raised by the sweep of backend/wallets/fraud.py,
and the sweep's place in the ledger."""

from enum import StrEnum

from tortoise import fields

from backend.core.models import Entity


class AlertKind(StrEnum):
    SAME_HOUSEHOLD = "SAME_HOUSEHOLD"  # hours moved between two people of one household
    LOOP = "LOOP"  # hours that went A to B and back B to A within 30 days
    VELOCITY = "VELOCITY"  # a person receiving too many transfers or too many hours in one day


class AlertState(StrEnum):
    OPEN = "OPEN"
    DISMISSED = "DISMISSED"


class FraudAlert(Entity):
    """One suspicion, raised once (by its key) and dismissed by staff with a note."""

    community = fields.ForeignKeyField("linli.Community", related_name="fraud_alerts", on_delete=fields.RESTRICT)
    kind = fields.CharEnumField(AlertKind, max_length=16)
    key = fields.CharField(max_length=128, unique=True)  # what it is about: the same thing raises once
    person_ids = fields.JSONField(default=list)  # the people concerned, as id strings
    transfer_ids = fields.JSONField(default=list)  # the transfers that raised it, as id strings
    detail = fields.CharField(max_length=500)  # in Chinese, for staff
    state = fields.CharEnumField(AlertState, max_length=16, default=AlertState.OPEN)
    dismissed_by = fields.ForeignKeyField("linli.Person", related_name="fraud_alerts_dismissed", null=True,
                                          on_delete=fields.RESTRICT)
    dismissed_at = fields.DatetimeField(null=True)
    note = fields.CharField(max_length=500, default="")

    class Meta:
        table = "wallet_fraud_alert"


class FraudSweep(Entity):
    """Where the sweep has read the ledger to (one row): the last transfer it looked at."""

    name = fields.CharField(max_length=32, unique=True)
    last_at = fields.DatetimeField(null=True)
    last_id = fields.UUIDField(null=True)

    class Meta:
        table = "wallet_fraud_sweep"
