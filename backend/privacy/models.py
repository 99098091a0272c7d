"""Consent to the privacy notice, and the log of every time staff saw personal data unmasked."""

from tortoise import fields

from backend.core.models import Entity


class Consent(Entity):
    person = fields.ForeignKeyField("linli.Person", related_name="consents", on_delete=fields.CASCADE)
    document = fields.CharField(max_length=32)  # privacy_notice
    version = fields.CharField(max_length=16)
    channel = fields.CharField(max_length=16)  # mini_program | console | app

    class Meta:
        table = "consent"
        unique_together = (("person", "document", "version"),)


class AccessLog(Entity):
    community = fields.ForeignKeyField("linli.Community", related_name="access_logs", on_delete=fields.RESTRICT)
    viewer = fields.ForeignKeyField("linli.Person", related_name="data_accesses", on_delete=fields.RESTRICT)
    subject = fields.ForeignKeyField("linli.Person", related_name="data_accessed", on_delete=fields.RESTRICT)
    field = fields.CharField(max_length=32)  # phone | id_number
    reason = fields.CharField(max_length=200)

    class Meta:
        table = "access_log"
