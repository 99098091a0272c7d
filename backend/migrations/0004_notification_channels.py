from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from backend.core.ids import uuid7
from backend.notify.models import Channel, DeliveryStatus
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('linli', '0003_notices')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Delivery',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('key', fields.CharField(unique=True, max_length=160)),
                ('notification_key', fields.CharField(db_index=True, max_length=128)),
                ('person', fields.ForeignKeyField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.CASCADE)),
                ('channel', fields.CharEnumField(description='INBOX: INBOX\nWECHAT: WECHAT\nFCM: FCM\nSMS: SMS', enum_type=Channel, max_length=8)),
                ('status', fields.CharEnumField(default=DeliveryStatus.PENDING, description='PENDING: PENDING\nSENT: SENT\nFAILED: FAILED\nSKIPPED: SKIPPED', enum_type=DeliveryStatus, max_length=8)),
                ('reason', fields.CharField(null=True, max_length=32)),
                ('attempts', fields.IntField(default=0)),
                ('last_error', fields.TextField(null=True, unique=False)),
                ('available_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('provider_id', fields.CharField(null=True, max_length=255)),
                ('payload', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'notify_delivery', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'One notification on one channel. The key is `<notification key>:<channel>`, so a retried or'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='DeviceToken',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('person', fields.ForeignKeyField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='device_tokens', on_delete=OnDelete.CASCADE)),
                ('token', fields.CharField(unique=True, max_length=512)),
                ('platform', fields.CharField(max_length=16)),
            ],
            options={'table': 'notify_device_token', 'app': 'linli', 'pk_attr': 'id', 'table_description': "A push token (FCM registration token) of one of a person's devices."},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='NotificationPreference',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('person', fields.ForeignKeyField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='notification_preferences', on_delete=OnDelete.CASCADE)),
                ('channel', fields.CharEnumField(description='INBOX: INBOX\nWECHAT: WECHAT\nFCM: FCM\nSMS: SMS', enum_type=Channel, max_length=8)),
                ('enabled', fields.BooleanField(default=True)),
            ],
            options={'table': 'notify_preference', 'app': 'linli', 'unique_together': (('person', 'channel'),), 'pk_attr': 'id', 'table_description': "A person's switch for one channel (absent = enabled)."},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='QuietHours',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('person', fields.OneToOneField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='quiet_hours', on_delete=OnDelete.CASCADE)),
                ('start_minute', fields.IntField()),
                ('end_minute', fields.IntField()),
            ],
            options={'table': 'notify_quiet_hours', 'app': 'linli', 'pk_attr': 'id', 'table_description': 'Minutes after midnight, Asia/Shanghai. start > end spans midnight (22:00 to 07:00).'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='SubscribeCredit',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid7, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('person', fields.ForeignKeyField('linli.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='subscribe_credits', on_delete=OnDelete.CASCADE)),
                ('template_id', fields.CharField(max_length=64)),
                ('credits', fields.IntField(default=0)),
            ],
            options={'table': 'notify_subscribe_credit', 'app': 'linli', 'unique_together': (('person', 'template_id'),), 'pk_attr': 'id', 'table_description': 'WeChat one-time subscription credits: each accepted wx.requestSubscribeMessage allows one'},
            bases=['Entity'],
        ),
    ]
