"""The push engine behind the inbox: plan one Delivery per (notification, channel), then send due ones.

Planning is idempotent (the delivery key is unique, rows are bulk-inserted ignoring conflicts).
Sending works in batches: one short transaction claims up to CLAIM_BATCH due PENDING rows (SELECT …
FOR UPDATE SKIP LOCKED, then one UPDATE pushing their available_at past a lease; portable to the
embedded SQLite, as the outbox relay's), so two workers (a retried job and the sweeper) never both
call the provider for one; one query finds the batch's device tokens; the providers are called; one
statement marks the whole batch (SENT, SKIPPED, FAILED, or due again to be retried). A crash between
a provider's answer and the mark sends that batch once more when the lease runs out (see channels.py
for the deduplication handles we give providers).

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
from backend.core.bulk import insert_ignoring_conflicts, update_rows
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
CLAIM_BATCH = 500  # deliveries claimed, looked up and marked together
PARALLEL = 100  # provider calls at a time per batch: FCM's are streams on one HTTP/2 connection
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
    returns the keys of those planned as pending (the others, skipped, need no claim). Running it
    again creates nothing new."""
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
            if status is DeliveryStatus.PENDING:
                keys.append(key)
    async with transaction() as tx:
        await insert_ignoring_conflicts(tx, Delivery, rows)
    return keys


async def send_keys(keys: list[str]) -> int:
    """Send the due pending deliveries among `keys`; raises DeliveryFailed if any should be retried."""
    sent, failures = 0, []
    for start in range(0, len(keys), CLAIM_BATCH):  # each key once: a failure waits for the job's retry
        claimed = await _claim(Delivery.filter(key__in=keys[start:start + CLAIM_BATCH]), CLAIM_BATCH)
        batch_sent, batch_failures = await _send_batch(claimed)
        sent, failures = sent + batch_sent, failures + batch_failures
    if failures:
        raise DeliveryFailed(f"{len(failures)} deliveries to retry: {failures[0]!r}")
    return sent


async def send_due(limit: int = SWEEP_BATCH) -> int:
    """The sweeper: send pending deliveries whose time has come (after quiet hours, a dead worker's
    lease, or a failure). Failures wait for the next sweep."""
    sent, _ = await _send_batch(await _claim(Delivery.all(), limit))
    return sent


async def _claim(query, limit: int) -> list[Delivery]:
    """Lease up to `limit` due PENDING deliveries of `query` for this sender: rows another sender is
    claiming at this moment are skipped (locked), and once claimed a row is not due until its lease
    runs out, so no other sender (a retried job, the sweeper) takes it meanwhile."""
    now = clock.now()
    async with transaction() as tx:
        claimed = await query.filter(status=DeliveryStatus.PENDING, available_at__lte=now) \
            .order_by("available_at").limit(limit).select_for_update(skip_locked=True).using_db(tx)
        if claimed:
            await Delivery.filter(id__in=[d.id for d in claimed]).using_db(tx) \
                .update(available_at=now + LEASE, attempts=F("attempts") + 1)
    for delivery in claimed:  # as the UPDATE left them
        delivery.available_at, delivery.attempts = now + LEASE, delivery.attempts + 1
    return claimed


async def _send_batch(claimed: list[Delivery]) -> tuple[int, list[Exception]]:
    """Call the providers for claimed deliveries (at most PARALLEL at a time), then mark them all in
    one statement. Returns how many were sent, and the errors of those to retry."""
    if not claimed:
        return 0, []
    devices: dict[UUID, list[str]] = {}
    fcm_people = {d.person_id for d in claimed if d.channel is Channel.FCM}
    for person_id, token in await DeviceToken.filter(person_id__in=fcm_people).values_list("person_id", "token"):
        devices.setdefault(person_id, []).append(token)
    gone: list[str] = []  # tokens FCM no longer knows
    gate = asyncio.Semaphore(PARALLEL)

    async def one(delivery: Delivery) -> bool | Exception:
        async with gate:
            try:
                if delivery.channel is Channel.FCM:
                    provider_id = await _send_fcm(delivery, devices.get(delivery.person_id, []), gone)
                else:
                    provider_id = await SENDERS[delivery.channel](delivery)
            except Skip as skip:
                _finish(delivery, DeliveryStatus.SKIPPED, reason=skip.reason)
            except Rejected as exc:
                _finish(delivery, DeliveryStatus.FAILED, reason="rejected", error=str(exc))
            except Exception as exc:  # noqa: BLE001 - collected, raised once for the whole batch
                if delivery.attempts >= MAX_ATTEMPTS:
                    _finish(delivery, DeliveryStatus.FAILED, reason="gave_up", error=repr(exc))
                else:  # due again at once: the job's backoff (or the next sweep) decides when
                    delivery.available_at, delivery.last_error = clock.now(), repr(exc)[:2000]
                return exc
            else:
                _finish(delivery, DeliveryStatus.SENT, provider_id=provider_id or None)
                return True
            return False

    results = await asyncio.gather(*(one(d) for d in claimed))
    async with transaction() as tx:
        if gone:
            await DeviceToken.filter(token__in=gone).using_db(tx).delete()
        await update_rows(tx, Delivery, [
            {"id": d.id, "status": d.status, "reason": d.reason, "last_error": d.last_error,
             "provider_id": d.provider_id, "sent_at": d.sent_at, "available_at": d.available_at, "payload": d.payload}
            for d in claimed])
    return sum(1 for r in results if r is True), [r for r in results if isinstance(r, Exception)]


def _finish(delivery: Delivery, status: DeliveryStatus, *, reason: str | None = None, error: str | None = None,
            provider_id: str | None = None) -> None:
    delivery.status, delivery.reason, delivery.provider_id = status, reason, provider_id
    delivery.last_error = error[:2000] if error else delivery.last_error
    delivery.sent_at = clock.now() if status is DeliveryStatus.SENT else None


async def _send_fcm(delivery: Delivery, tokens: list[str], gone: list[str]) -> str:
    """To each of the person's devices not reached by an earlier attempt (payload `sent_to`, written
    with the batch's marks, so a retry after a partial failure skips them)."""
    p = delivery.payload
    sent: list[str] = list(p.get("sent_to", []))
    name = ""
    try:
        for token in tokens:
            if token in sent:
                continue
            try:
                name = await channels.fcm_send(token, key=delivery.key, title=p["title"], body=p["body"],
                                               data={"kind": p["kind"], "page": p.get("page", "")})
            except Unregistered:
                gone.append(token)
                continue
            sent.append(token)
    finally:
        if len(sent) > len(p.get("sent_to", [])):
            delivery.payload = {**p, "sent_to": sent}
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


SENDERS = {Channel.WECHAT: _send_wechat, Channel.SMS: _send_sms}  # FCM's takes the batch's devices


async def push(prefix: str, person_ids: list[UUID], content: Content) -> int:
    """Plan and send: what a push job does. Safe to run any number of times."""
    return await send_keys(await plan(prefix, person_ids, content))
