"""The viewer's inbox, push settings (devices, WeChat subscriptions, channels, quiet hours), and the
dead letters of jobs that kept failing."""

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry
from strawberry.types import Info

from backend.api.errors import UserError, attempt
from backend.api.ids import parse_uuid
from backend.api.pagination import PageInfo
from backend.api.people import OkPayload
from backend.core.outbox import DeadLetter as DeadLetterModel
from backend.notify import service as notify_service
from backend.notify.models import Channel as ChannelModel
from backend.notify.models import InboxMessage as InboxMessageModel

NotificationChannel = strawberry.enum(ChannelModel, name="NotificationChannel",
                                      description="Where a notification goes: the inbox always, the others by choice.")


@strawberry.type
class InboxMessage:
    id: strawberry.ID
    kind: str
    title: str
    body: str
    created_at: datetime
    read_at: datetime | None

    @classmethod
    def of(cls, row: InboxMessageModel) -> "InboxMessage":
        return cls(
            id=strawberry.ID(str(row.id)), kind=row.kind, title=row.title, body=row.body,
            created_at=row.created_at, read_at=row.read_at,
        )


@strawberry.type
class InboxConnection:
    nodes: list[InboxMessage]
    page_info: PageInfo


@strawberry.type
class ChannelSetting:
    channel: NotificationChannel
    enabled: bool


@strawberry.type
class QuietHours:
    start_minute: int
    end_minute: int


@strawberry.type
class NotificationSettings:
    channels: list[ChannelSetting]
    quiet_hours: QuietHours | None = strawberry.field(
        description="Minutes after midnight, Asia/Shanghai; pushes wait until the end (URGENT ones do not).")

    @classmethod
    def of(cls, s: notify_service.NotificationSettings) -> "NotificationSettings":
        return cls(channels=[ChannelSetting(channel=c, enabled=on) for c, on in s.channels.items()],
                   quiet_hours=QuietHours(start_minute=s.quiet_hours[0], end_minute=s.quiet_hours[1])
                   if s.quiet_hours else None)


async def viewer_notification_settings(info: Info) -> NotificationSettings:
    return NotificationSettings.of(await notify_service.notification_settings(info.context.actor))


@strawberry.input
class ChannelSettingInput:
    channel: NotificationChannel
    enabled: bool


@strawberry.input
class QuietHoursInput:
    start_minute: int
    end_minute: int


@strawberry.type
class NotificationSettingsPayload:
    settings: NotificationSettings | None
    errors: list[UserError]


@strawberry.type
class DeadLetter:
    id: strawberry.ID
    task: str
    key: str | None
    error: str
    attempts: int
    created_at: datetime
    community_name: str | None = strawberry.field(
        description="The community whose job failed; null for the platform's own jobs (operators only).")

    @classmethod
    def of(cls, row: DeadLetterModel) -> "DeadLetter":
        return cls(id=strawberry.ID(str(row.id)), task=row.task_name, key=row.key, error=row.error,
                   attempts=row.attempts, created_at=row.created_at,
                   community_name=row.community.name if row.community else None)


@strawberry.type
class DeadLetterConnection:
    nodes: list[DeadLetter]
    page_info: PageInfo


@strawberry.type
class NotifySubscriptions:
    @strawberry.subscription(description="My inbox messages as they arrive. Sign in through connection_init.")
    async def inbox_message_added(self, info: Info) -> AsyncGenerator[InboxMessage, None]:
        async for message in notify_service.watch_inbox(info.context.actor):
            yield InboxMessage.of(message)


@strawberry.type
class NotifyMutations:
    @strawberry.mutation(description="Mark one of my inbox messages read.")
    async def inbox_message_read(self, info: Info, id: strawberry.ID) -> OkPayload:
        _, errors = await attempt(notify_service.mark_inbox_read(info.context.actor, message_id=parse_uuid(id)))
        return OkPayload.of(errors)

    @strawberry.mutation(description="Register this device's FCM push token (platform: android, ios or web). "
                                     "Needs sign-in.")
    async def device_register(self, info: Info, token: str, platform: str) -> OkPayload:
        _, errors = await attempt(notify_service.register_device(info.context.actor, token=token, platform=platform))
        return OkPayload.of(errors)

    @strawberry.mutation(description="After wx.requestSubscribeMessage: the template ids the user accepted, one "
                                     "one-time subscription each. Needs sign-in.")
    async def wechat_subscribe_grant(self, info: Info, template_ids: list[str]) -> OkPayload:
        _, errors = await attempt(notify_service.grant_subscribe(info.context.actor, template_ids=template_ids))
        return OkPayload.of(errors)

    @strawberry.mutation(description="Switch my push channels and set or clear my quiet hours (minutes after "
                                     "midnight, Asia/Shanghai; clearQuietHours removes them). All or nothing.")
    async def notification_settings_update(
        self, info: Info, channels: list[ChannelSettingInput] | None = None,
        quiet_hours: QuietHoursInput | None = None, clear_quiet_hours: bool = False,
    ) -> NotificationSettingsPayload:
        quiet = None if clear_quiet_hours else (
            (quiet_hours.start_minute, quiet_hours.end_minute) if quiet_hours else notify_service.UNSET)
        result, errors = await attempt(notify_service.update_notification_settings(
            info.context.actor, channels={ChannelModel(c.channel.value): c.enabled for c in channels or []},
            quiet_hours=quiet))
        return NotificationSettingsPayload(settings=NotificationSettings.of(result) if result else None,
                                           errors=errors)


@strawberry.type
class NotifyQueries:
    @strawberry.field(description="Jobs that used up their retries, newest first. `first` ≤ 50. Operators "
                                  "(PLATFORM_OPERATE) see all; staff with AUDIT_READ their communities' only.")
    async def dead_letters(self, info: Info, first: int = 20, after: str | None = None) -> DeadLetterConnection:
        page = await notify_service.list_dead_letters(info.context.actor, first=first, after=after)
        return DeadLetterConnection(nodes=[DeadLetter.of(d) for d in page.items], page_info=PageInfo.of(page))
