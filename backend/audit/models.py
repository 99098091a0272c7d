"""What staff did, and what residents did through a proxy: who, what, when, before and after."""

from tortoise import fields

from backend.core.models import Entity


class AuditEntry(Entity):
    community = fields.ForeignKeyField("linli.Community", related_name="audit_entries", null=True,
                                       on_delete=fields.RESTRICT)
    actor = fields.ForeignKeyField("linli.Person", related_name="audit_entries", on_delete=fields.RESTRICT)
    # The principal when the actor acted as their proxy (代办); they see it in their history.
    acting_for = fields.ForeignKeyField("linli.Person", related_name="proxied_entries", null=True,
                                        on_delete=fields.RESTRICT)
    action = fields.CharField(max_length=64, db_index=True)
    target_type = fields.CharField(max_length=32)
    target_id = fields.CharField(max_length=64)
    before = fields.JSONField(null=True)
    after = fields.JSONField(null=True)

    class Meta:
        table = "audit_entry"
