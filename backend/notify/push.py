"""The push engine behind the inbox: plan one Delivery per (notification, channel), then send due ones.

Planning is idempotent (the delivery key is unique, rows are bulk-inserted ignoring conflicts).
Sending claims a PENDING row by pushing its available_at past a lease in one conditional UPDATE, so two
workers (a retried job and the sweeper) never both call the provider for it. The provider is called
after the claim and the row marked SENT after the answer: a crash in between sends it once more when
the lease runs out (see channels.py for the deduplication handles we give providers).

Quiet hours (Asia/Shanghai) defer WECHAT/FCM/SMS to their end, never drop them. URGENT ignores them
and also goes by SMS to people with a phone number.
"""

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import structlog
from tortoise.expressions import F

from backend.accounts.models import WechatAccount
from backend.core import crypto
from backend.core.bulk import insert_ignoring_conflicts
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.settings import get_settings
from backend.notify import channels
from backend.notify.channels import Rejected, Retryable, Skip, Unregistered
from backend.notify.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    DeviceToken,
    NotificationPreference,
    QuietHours,
    SubscribeCredit,
)
from backend.people.models import Person

SHANGHAI = ZoneInfo("Asia/Shanghai")
LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 8  # a delivery's own limit: the job's retries, then the sweeper's, then FAILED
SWEEP_BATCH = 500
PARALLEL = 20
log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Content:
    kind: str
    title: str
    body: str
    page: str = ""
    urgent: bool = False


class DeliveryFailed(Exception):
    """Some deliveries failed in a way worth retrying: raised so the job queue retries with backoff."""


def in_quiet_hours(now: datetime, start: int, end: int) -> bool:
    local = now.astimezone(SHANGHAI)
    minute = local.hour * 60 + local.minute
    return start <= minute < end if start < end else (minute >= start or minute < end)


def quiet_hours_end(now: datetime, end: int) -> datetime:
    """The first moment at or after `now` when the local clock reads `end` minutes past midnight."""
    local = now.astimezone(SHANGHAI)
    candidate = local.replace(hour=end // 60, minute=end % 60, second=0, microsecond=0)
    if candidate <= local:
        candidate = (local + timedelta(days=1)).replace(hour=end // 60, minute=end % 60, second=0, microsecond=0)
    return candidate


async def plan(prefix: str, person_ids: list[UUID], content: Content) -> list[str]:
    """Create the push deliveries of a notification to each person (key `<prefix>:<person>:<channel>`);
    returns every key of the batch. Running it again creates nothing new."""
    if not person_ids:
        return []
    now = clock.now()
    disabled = set(await NotificationPreference.filter(person_id__in=person_ids, enabled=False)
                   .values_list("person_id", "channel"))
    quiet = {p: (s, e) for p, s, e in await QuietHours.filter(person_id__in=person_ids)
             .values_list("person_id", "start_minute", "end_minute")}
    with_device = set(await DeviceToken.filter(person_id__in=person_ids).values_list("person_id", flat=True))
    with_wechat = set(await WechatAccount.filter(person_id__in=person_ids).values_list("person_id", flat=True))
    with_phone = set(await Person.filter(id__in=person_ids, phone_encrypted__isnull=False)
                     .values_list("id", flat=True)) if content.urgent else set()
    wanted = [Channel.WECHAT, Channel.FCM] + ([Channel.SMS] if content.urgent else [])
    payload = {"kind": content.kind, "title": content.title, "body": content.body, "page": content.page,
               "urgent": content.urgent}
    rows, keys = [], []
    for person_id in person_ids:
        for channel in wanted:
            notification_key = f"{prefix}:{person_id}"
            key = f"{notification_key}:{channel}"
            status, reason, available_at = DeliveryStatus.PENDING, None, now
            if (person_id, channel) in disabled:
                status, reason = DeliveryStatus.SKIPPED, "opted_out"
            elif channel is Channel.FCM and not channels.fcm_configured():
                status, reason = DeliveryStatus.SKIPPED, "not_configured"
            elif channel is Channel.FCM and person_id not in with_device:
                status, reason = DeliveryStatus.SKIPPED, "no_device"
            elif channel is Channel.WECHAT and not channels.wechat_configured():
                status, reason = DeliveryStatus.SKIPPED, "not_configured"
            elif channel is Channel.WECHAT and person_id not in with_wechat:
                status, reason = DeliveryStatus.SKIPPED, "no_wechat"
            elif channel is Channel.SMS and person_id not in with_phone:
                status, reason = DeliveryStatus.SKIPPED, "no_phone"
            elif person_id in quiet and not content.urgent and in_quiet_hours(now, *quiet[person_id]):
                reason, available_at = "quiet_hours", quiet_hours_end(now, quiet[person_id][1])
            rows.append({"key": key, "notification_key": notification_key, "person_id": person_id,
                         "channel": channel.value, "status": status.value, "reason": reason,
                         "available_at": available_at, "payload": payload, "attempts": 0})
            keys.append(key)
    async with transaction() as tx:
        await insert_ignoring_conflicts(tx, Delivery, rows)
    return keys


async def send_keys(keys: list[str]) -> int:
    """Send the due pending deliveries among `keys`; raises DeliveryFailed if any should be retried."""
    ids = await Delivery.filter(key__in=keys, status=DeliveryStatus.PENDING, available_at__lte=clock.now()) \
        .values_list("id", flat=True)
    return await _send_all(ids, raise_on_retry=True)


async def send_due(limit: int = SWEEP_BATCH) -> int:
    """The sweeper: send pending deliveries whose time has come (after quiet hours, a dead worker's
    lease, or a failure). Failures wait for the next sweep."""
    ids = await Delivery.filter(status=DeliveryStatus.PENDING, available_at__lte=clock.now()) \
        .order_by("available_at").limit(limit).values_list("id", flat=True)
    return await _send_all(ids, raise_on_retry=False)


async def _send_all(ids: list[UUID], *, raise_on_retry: bool) -> int:
    gate = asyncio.Semaphore(PARALLEL)

    async def one(delivery_id: UUID) -> bool | Exception:
        async with gate:
            try:
                return await send_one(delivery_id)
            except Exception as exc:  # noqa: BLE001 - collected, raised once for the whole batch
                return exc

    results = await asyncio.gather(*(one(i) for i in ids))
    failures = [r for r in results if isinstance(r, Exception)]
    if failures and raise_on_retry:
        raise DeliveryFailed(f"{len(failures)} of {len(ids)} deliveries to retry: {failures[0]!r}")
    return sum(1 for r in results if r is True)


async def send_one(delivery_id: UUID) -> bool:
    """Claim, send, mark. Returns True when sent; raises when it should be retried."""
    now = clock.now()
    claimed = await Delivery.filter(id=delivery_id, status=DeliveryStatus.PENDING, available_at__lte=now) \
        .update(available_at=now + LEASE, attempts=F("attempts") + 1)
    if not claimed:
        return False  # somebody else has it, or it is done
    delivery = await Delivery.get(id=delivery_id)
    try:
        provider_id = await SENDERS[delivery.channel](delivery)
    except Skip as skip:
        await _finish(delivery, DeliveryStatus.SKIPPED, reason=skip.reason)
        return False
    except Rejected as exc:
        await _finish(delivery, DeliveryStatus.FAILED, reason="rejected", error=str(exc))
        return False
    except Exception as exc:
        if delivery.attempts >= MAX_ATTEMPTS:
            await _finish(delivery, DeliveryStatus.FAILED, reason="gave_up", error=repr(exc))
            raise
        await Delivery.filter(id=delivery.id).update(available_at=clock.now(), last_error=repr(exc)[:2000])
        raise
    await _finish(delivery, DeliveryStatus.SENT, provider_id=provider_id or None)
    return True


async def _finish(delivery: Delivery, status: DeliveryStatus, *, reason: str | None = None,
                  error: str | None = None, provider_id: str | None = None) -> None:
    await Delivery.filter(id=delivery.id).update(
        status=status, reason=reason if status is not DeliveryStatus.SENT else None,
        last_error=error[:2000] if error else delivery.last_error, provider_id=provider_id,
        sent_at=clock.now() if status is DeliveryStatus.SENT else None,
    )


async def _send_fcm(delivery: Delivery) -> str:
    tokens = list(await DeviceToken.filter(person_id=delivery.person_id).values_list("token", flat=True))
    sent: list[str] = list(delivery.payload.get("sent_to", []))  # tokens done by an earlier attempt
    name = ""
    p = delivery.payload
    for token in tokens:
        if token in sent:
            continue
        try:
            name = await channels.fcm_send(token, key=delivery.key, title=p["title"], body=p["body"],
                                           data={"kind": p["kind"], "page": p.get("page", "")})
        except Unregistered:
            await DeviceToken.filter(token=token).delete()
            continue
        sent.append(token)
        await Delivery.filter(id=delivery.id).update(payload={**p, "sent_to": sent})
    if not sent:
        raise Skip("no_device")
    return name or (delivery.provider_id or "")


async def _send_wechat(delivery: Delivery) -> str:
    template = get_settings().wechat_notice_template
    account = await WechatAccount.filter(person_id=delivery.person_id).first()
    if account is None or not template:
        raise Skip("no_wechat")
    spent = await SubscribeCredit.filter(person_id=delivery.person_id, template_id=template, credits__gt=0) \
        .update(credits=F("credits") - 1)
    if not spent:
        raise Skip("no_credit")
    p = delivery.payload
    data = {"thing1": {"value": p["title"][:20]}, "thing2": {"value": p["body"][:20]},
            "time3": {"value": clock.now().astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")}}
    try:
        return await channels.wechat_subscribe_send(account.openid, template_id=template, page=p.get("page", ""),
                                                    data=data)
    except Skip:  # 43101: WeChat says there is no subscription: our count was wrong, forget it
        await SubscribeCredit.filter(person_id=delivery.person_id, template_id=template).update(credits=0)
        raise
    except Retryable:  # not delivered: WeChat did not use the subscription either
        await SubscribeCredit.filter(person_id=delivery.person_id, template_id=template) \
            .update(credits=F("credits") + 1)
        raise


async def _send_sms(delivery: Delivery) -> str:
    person = await Person.get(id=delivery.person_id)
    if not person.phone_encrypted:
        raise Skip("no_phone")
    return await channels.sms_send(crypto.decrypt(person.phone_encrypted), delivery.payload["title"], delivery.key)


SENDERS = {Channel.FCM: _send_fcm, Channel.WECHAT: _send_wechat, Channel.SMS: _send_sms}


async def push(prefix: str, person_ids: list[UUID], content: Content) -> int:
    """Plan and send: what a push job does. Safe to run any number of times."""
    return await send_keys(await plan(prefix, person_ids, content))
