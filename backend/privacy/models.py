"""The log of every time staff saw personal data unmasked. (Consent to the privacy notice is in the
shared kernel, backend.people, because signing in checks it.)"""

from tortoise import fields

from backend.core.models import Entity


class AccessLog(Entity):
    community = fields.ForeignKeyField("linli.Community", related_name="access_logs", on_delete=fields.RESTRICT)
    viewer = fields.ForeignKeyField("linli.Person", related_name="data_accesses", on_delete=fields.RESTRICT)
    subject = fields.ForeignKeyField("linli.Person", related_name="data_accessed", on_delete=fields.RESTRICT)
    field = fields.CharField(max_length=32)  # phone | id_number
    reason = fields.CharField(max_length=200)

    class Meta:
        table = "access_log"
