"""Delivering notifications: the in-app inbox, and each person's push settings (devices, WeChat
subscription credits, channel switches, quiet hours). The push engine is notify.push."""

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from tortoise.expressions import F
from tortoise.functions import Length

from backend.audit import service as audit
from backend.core import outbox
from backend.core.actor import Actor, ProxyScope
from backend.core.bulk import insert_ignoring_conflicts
from backend.core.clock import clock
from backend.core.db import after_commit, transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.ids import uuid7
from backend.core.outbox import DeadLetter
from backend.core.pagination import Page, paginate
from backend.core.permissions import Permission, staff_communities
from backend.core.platform import has_platform
from backend.core.runtime import runtime
from backend.notify.models import (
    Channel,
    DeviceToken,
    InboxMessage,
    NotificationPreference,
    QuietHours,
    SubscribeCredit,
)


def delivery_key(key_prefix: str, person_id: UUID) -> str:
    """The key of one notification's delivery to one person: `<key_prefix>:<person id>`."""
    return f"{key_prefix}:{person_id}"


async def deliver_many(tx, *, person_ids: list[UUID], kind: str, title: str, body: str, key_prefix: str) -> None:
    """One notification to many people, in the caller's transaction: an inbox message each (keyed by
    `delivery_key`, so a rerun adds nothing). Live inbox subscribers hear of it after the commit.
    The push to their devices is `queue_push`."""
    await _deliver(tx, {delivery_key(key_prefix, p): p for p in person_ids}, kind=kind, title=title, body=body)


async def queue_push(tx, *, person_ids: list[UUID], kind: str, title: str, body: str, key_prefix: str,
                     page: str = "", urgent: bool = False) -> None:
    """The push of one notification to a batch of people, as one `notify.push` job, in the caller's
    transaction. A fan-out of many inbox batches queues its pushes after the last one, so that their
    planning never competes with its inbox writes."""
    people = sorted(str(p) for p in person_ids)
    # One job per batch, keyed by who is in it: a rerun that batches differently adds jobs whose
    # deliveries already exist (no-ops).
    digest = hashlib.sha256(",".join(people).encode()).hexdigest()[:24]
    await outbox.add(tx, "notify.push", key=f"{key_prefix}:push:{digest}", prefix=key_prefix, person_ids=people,
                     kind=kind, title=title, body=body, page=page, urgent=urgent)


async def deliver_to_inbox(*, person_id: UUID, kind: str, title: str, body: str, delivery_key: str) -> None:
    """One inbox message under the job's own key (the `notify.inbox` job); a repeated key adds nothing."""
    async with transaction() as tx:
        await _deliver(tx, {delivery_key: person_id}, kind=kind, title=title, body=body)


async def _deliver(tx, people_by_key: dict[str, UUID], *, kind: str, title: str, body: str) -> None:
    ids = {key: uuid7() for key in people_by_key}
    await insert_ignoring_conflicts(tx, InboxMessage, [
        {"id": ids[key], "person_id": person_id, "kind": kind, "title": title, "body": body, "delivery_key": key}
        for key, person_id in people_by_key.items()
    ])

    async def announce() -> None:
        # Live subscribers hear of it through pub/sub, on whichever API instance they are connected
        # to, in one round trip per batch. For a key delivered before, the id announced was never
        # written: subscribers skip it.
        await runtime().pubsub.publish_many(
            (inbox_channel(person_id), str(ids[key])) for key, person_id in people_by_key.items())

    after_commit(tx, announce)


async def mark_delivery_read(tx, *, delivery_key: str, person_id: UUID, read_at: datetime) -> None:
    """The person read what the message was about elsewhere (the notice itself): read it here too."""
    await InboxMessage.filter(delivery_key=delivery_key, person_id=person_id, read_at=None).using_db(tx) \
        .update(read_at=read_at)


async def count_delivered(key_prefix: str, *, among=None) -> int:
    """How many people `deliver_many(key_prefix=...)` reached (of `among`, a person-id subquery, when
    given). A longer key under the same prefix (`<prefix>:remind:…:<person>`) belongs to another
    notification and is not counted."""
    query = InboxMessage.filter(delivery_key__startswith=f"{key_prefix}:") \
        .annotate(key_length=Length("delivery_key")).filter(key_length=len(delivery_key(key_prefix, UUID(int=0))))
    if among is not None:
        query = query.filter(person_id__in=among)
    return await query.count()


def inbox_channel(person_id: UUID) -> str:
    return f"inbox:{person_id}"


async def watch_inbox(actor: Actor) -> AsyncIterator[InboxMessage]:
    """New inbox messages of the signed-in person (or, acting as a proxy, the principal's), as they
    are delivered."""
    person_id = actor.subject(ProxyScope.NOTICE)
    async for message_id in runtime().pubsub.subscribe(inbox_channel(person_id)):
        message = await InboxMessage.filter(id=message_id, person_id=person_id).first()
        if message is not None:
            yield message


async def list_inbox(actor: Actor, *, first: int, after: str | None) -> Page[InboxMessage]:
    """My inbox (or, acting as a proxy, my principal's), newest first."""
    person_id = actor.subject(ProxyScope.NOTICE)
    return await paginate(InboxMessage.filter(person_id=person_id), first=first, after=after, newest_first=True)


async def mark_inbox_read(actor: Actor, *, message_id: UUID) -> None:
    person_id = actor.subject(ProxyScope.NOTICE)
    async with transaction() as tx:
        updated = await InboxMessage.filter(id=message_id, person_id=person_id, read_at=None).using_db(tx) \
            .update(read_at=clock.now())
        if not updated and not await InboxMessage.filter(id=message_id, person_id=person_id).using_db(tx).exists():
            raise DomainError(ErrorCode.NOT_FOUND, "找不到该消息")
        if updated and actor.is_proxy:  # the principal sees it in their history
            await audit.record(tx, actor, "inbox.read", "inbox_message", message_id, community_id=None)


# ------------------------------------------------------------------------------ push settings

PLATFORMS = ("android", "ios", "web")


async def register_device(actor: Actor, *, token: str, platform: str) -> None:
    """Remember a push token of my device; a token that moved to another person moves with it."""
    person_id = actor.require_person()
    token = token.strip()
    if not 1 <= len(token) <= 512:
        raise DomainError(ErrorCode.INVALID_INPUT, "设备令牌无效", field="token")
    if platform not in PLATFORMS:
        raise DomainError(ErrorCode.INVALID_INPUT, "不支持的设备平台", field="platform")
    async with transaction() as tx:  # insert-or-ignore, then take it over: safe against a concurrent twin
        await DeviceToken.bulk_create([DeviceToken(person_id=person_id, token=token, platform=platform)],
                                      ignore_conflicts=True, using_db=tx)
        await DeviceToken.filter(token=token).using_db(tx).update(person_id=person_id, platform=platform)


async def grant_subscribe(actor: Actor, *, template_ids: list[str]) -> None:
    """The mini-program reports the templates the user accepted in wx.requestSubscribeMessage: one
    more one-time credit for each."""
    person_id = actor.require_person()
    ids = [t.strip() for t in template_ids]
    if not 1 <= len(ids) <= 5 or any(not 1 <= len(t) <= 64 for t in ids):
        raise DomainError(ErrorCode.INVALID_INPUT, "订阅模板无效", field="templateIds")
    async with transaction() as tx:
        for template_id in sorted(set(ids)):
            credit, _ = await SubscribeCredit.get_or_create(person_id=person_id, template_id=template_id,
                                                            using_db=tx)
            await SubscribeCredit.filter(id=credit.id).using_db(tx).update(
                credits=F("credits") + ids.count(template_id))


@dataclass
class NotificationSettings:
    channels: dict[Channel, bool]
    quiet_hours: tuple[int, int] | None


async def notification_settings(actor: Actor) -> NotificationSettings:
    person_id = actor.subject(ProxyScope.SETTINGS)
    enabled = {c: True for c in Channel}
    for channel, on in await NotificationPreference.filter(person_id=person_id).values_list("channel", "enabled"):
        enabled[Channel(channel)] = on
    quiet = await QuietHours.filter(person_id=person_id).first()
    return NotificationSettings(enabled, (quiet.start_minute, quiet.end_minute) if quiet else None)


UNSET = object()


async def update_notification_settings(actor: Actor, *, channels: dict[Channel, bool] | None = None,
                                       quiet_hours=UNSET) -> NotificationSettings:
    """Switch channels on or off and set (or clear, with None) quiet hours. All or nothing."""
    person_id = actor.subject(ProxyScope.SETTINGS)
    channels = channels or {}
    if channels.get(Channel.INBOX) is False:
        raise DomainError(ErrorCode.INVALID_INPUT, "站内消息不能关闭", field="channels")
    if quiet_hours is not UNSET and quiet_hours is not None:
        start, end = quiet_hours
        for name, value in (("startMinute", start), ("endMinute", end)):
            if not 0 <= value < 24 * 60:
                raise DomainError(ErrorCode.INVALID_INPUT, "时间须在 0–1439 分钟之间", field=f"quietHours.{name}")
        if start == end:
            raise DomainError(ErrorCode.INVALID_INPUT, "免打扰的开始和结束不能相同", field="quietHours")
    async with transaction() as tx:
        for channel, on in sorted(channels.items()):
            await NotificationPreference.update_or_create(person_id=person_id, channel=channel,
                                                          defaults={"enabled": on}, using_db=tx)
        if quiet_hours is None:
            await QuietHours.filter(person_id=person_id).using_db(tx).delete()
        elif quiet_hours is not UNSET:
            await QuietHours.update_or_create(person_id=person_id, using_db=tx, defaults={
                "start_minute": quiet_hours[0], "end_minute": quiet_hours[1]})
        if actor.is_proxy:  # the principal sees it in their history
            await audit.record(tx, actor, "notify.settings_update", "person", person_id, community_id=None,
                               after={"channels": {c.value: on for c, on in channels.items()}})
    return await notification_settings(actor)


async def list_dead_letters(actor: Actor, *, first: int, after: str | None) -> Page[DeadLetter]:
    """Jobs that used up their retries, newest first: every one for a platform operator, those of
    their own communities for staff with AUDIT_READ (their payloads name residents)."""
    query = DeadLetter.all().select_related("community")
    if not await has_platform(actor, Permission.PLATFORM_OPERATE):
        communities = staff_communities(actor, Permission.AUDIT_READ)
        if not communities:
            raise DomainError(ErrorCode.FORBIDDEN, "您没有此项操作的权限")
        query = query.filter(community_id__in=communities)
    return await paginate(query, first=first, after=after, newest_first=True)
