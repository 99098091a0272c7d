"""The in-app inbox: the channel every notification reaches, whatever else it is sent by."""

from tortoise import fields

from backend.core.models import Entity


class InboxMessage(Entity):
    person = fields.ForeignKeyField("linli.Person", related_name="inbox", on_delete=fields.CASCADE)
    kind = fields.CharField(max_length=32)
    title = fields.CharField(max_length=128)
    body = fields.TextField()
    # The job's delivery key: a retried delivery finds its row and sends nothing twice.
    delivery_key = fields.CharField(max_length=128, unique=True)
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "inbox_message"
