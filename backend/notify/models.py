"""The in-app inbox: the channel every notification reaches, whatever else it is sent by, and the
push channels behind it (deliveries, devices, subscription credits, preferences)."""

from enum import StrEnum

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
        indexes = (("person_id", "id"),)  # the inbox: my messages, newest first


class Channel(StrEnum):
    INBOX = "INBOX"
    WECHAT = "WECHAT"
    FCM = "FCM"
    SMS = "SMS"


PUSH_CHANNELS = (Channel.WECHAT, Channel.FCM, Channel.SMS)


class DeliveryStatus(StrEnum):
    PENDING = "PENDING"
    SENT = "SENT"
    FAILED = "FAILED"
    SKIPPED = "SKIPPED"


class Delivery(Entity):
    """One notification on one channel. The key is `<notification key>:<channel>`, so a retried or
    duplicated job finds the row and never plans it twice. A PENDING row is claimed (available_at
    pushed past a lease) before the provider is called and marked SENT after."""

    key = fields.CharField(max_length=160, unique=True)
    notification_key = fields.CharField(max_length=128, db_index=True)
    person = fields.ForeignKeyField("linli.Person", related_name="deliveries", on_delete=fields.CASCADE)
    channel = fields.CharEnumField(Channel, max_length=8)
    status = fields.CharEnumField(DeliveryStatus, max_length=8, default=DeliveryStatus.PENDING)
    reason = fields.CharField(max_length=32, null=True)  # why SKIPPED or FAILED
    attempts = fields.IntField(default=0)
    last_error = fields.TextField(null=True)
    available_at = fields.DatetimeField(db_index=True)  # not before: after quiet hours, or a lease
    sent_at = fields.DatetimeField(null=True)
    provider_id = fields.CharField(max_length=255, null=True)  # the provider's message id
    # What to say: kind, title, body, page, urgent.
    payload = fields.JSONField()

    class Meta:
        table = "notify_delivery"


class DeviceToken(Entity):
    """A push token (FCM registration token) of one of a person's devices."""

    person = fields.ForeignKeyField("linli.Person", related_name="device_tokens", on_delete=fields.CASCADE)
    token = fields.CharField(max_length=512, unique=True)
    platform = fields.CharField(max_length=16)

    class Meta:
        table = "notify_device_token"


class SubscribeCredit(Entity):
    """WeChat one-time subscription credits: each accepted wx.requestSubscribeMessage allows one
    subscribe message of that template to that person."""

    person = fields.ForeignKeyField("linli.Person", related_name="subscribe_credits", on_delete=fields.CASCADE)
    template_id = fields.CharField(max_length=64)
    credits = fields.IntField(default=0)

    class Meta:
        table = "notify_subscribe_credit"
        unique_together = (("person", "template_id"),)


class NotificationPreference(Entity):
    """A person's switch for one channel (absent = enabled)."""

    person = fields.ForeignKeyField("linli.Person", related_name="notification_preferences",
                                    on_delete=fields.CASCADE)
    channel = fields.CharEnumField(Channel, max_length=8)
    enabled = fields.BooleanField(default=True)

    class Meta:
        table = "notify_preference"
        unique_together = (("person", "channel"),)


class QuietHours(Entity):
    """Minutes after midnight, Asia/Shanghai. start > end spans midnight (22:00 to 07:00)."""

    person = fields.OneToOneField("linli.Person", related_name="quiet_hours", on_delete=fields.CASCADE)
    start_minute = fields.IntField()
    end_minute = fields.IntField()

    class Meta:
        table = "notify_quiet_hours"
