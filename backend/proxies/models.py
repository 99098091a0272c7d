"""代办: who may act for whom, in what, until when."""

from tortoise import fields

from backend.core.models import Entity


class Proxy(Entity):
    community = fields.ForeignKeyField("linli.Community", related_name="proxies", on_delete=fields.RESTRICT)
    principal = fields.ForeignKeyField("linli.Person", related_name="proxies_granted", on_delete=fields.CASCADE)
    agent = fields.ForeignKeyField("linli.Person", related_name="proxies_held", on_delete=fields.CASCADE)
    scopes = fields.JSONField()  # list of ProxyScope values (backend.core.actor)
    # "same household" for a family member; otherwise the recorded authorisation (e.g. 委托书 No.).
    evidence = fields.CharField(max_length=200)
    valid_until = fields.DatetimeField()
    granted_by = fields.ForeignKeyField("linli.Person", related_name="proxies_recorded", on_delete=fields.RESTRICT)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "proxy"
