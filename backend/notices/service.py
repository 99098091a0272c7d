"""Notices: drafting, the publication state machine, fan-out to every resident in the audience,
read receipts and acknowledgements, and the reach report with its list of households not reached."""

import asyncio
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from uuid import UUID

from tortoise.expressions import Q, Subquery
from tortoise.functions import Count

from backend.audit import service as audit
from backend.core import outbox
from backend.core.actor import Actor, ProxyScope
from backend.core.bulk import insert_ignoring_conflicts
from backend.core.clock import clock
from backend.core.db import after_commit, transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate, paginate_by
from backend.core.permissions import Permission, require
from backend.core.pubsub import merged
from backend.core.runtime import runtime
from backend.core.settings import get_settings
from backend.core.spreadsheet import safe_row
from backend.core.statemachine import sweep_due
from backend.media.models import Upload
from backend.notices import audience
from backend.notices.content import sanitize
from backend.notices.models import (
    Importance,
    Notice,
    NoticeOfflineReach,
    NoticeRecipient,
    NoticeReminder,
    NoticeRevision,
)
from backend.notices.models import NoticeState as S
from backend.notices.states import NOTICE_STATES
from backend.notify import service as notify
from backend.points import earning as points_earning
from backend.registry.models import Household, Membership, PersonRoom
from backend.registry.scope import GridScope, grid_scope
from backend.registry.service import address_of

MAX_REMINDERS = 3
# A publication time this far in the past still means "now": the console's clock may run behind ours.
PUBLISH_AT_TOLERANCE = timedelta(seconds=60)


@dataclass
class NoticeDraft:
    title: str
    body_html: str
    category: str
    importance: Importance = Importance.NORMAL
    pinned: bool = False
    must_acknowledge: bool = False
    audience: list[dict] | None = None
    expires_at: datetime | None = None
    reminder_hours: list[int] | None = None  # after publication; None keeps the default (24 h)
    attachment_ids: list[UUID] | None = None  # the author's notice_attachment uploads; None keeps them


def _check_text(draft: NoticeDraft) -> None:
    if not 2 <= len(draft.title.strip()) <= 100:
        raise DomainError(ErrorCode.INVALID_INPUT, "标题须为 2–100 个字", field="title")
    if not 1 <= len(draft.category.strip()) <= 32:
        raise DomainError(ErrorCode.INVALID_INPUT, "请选择分类", field="category")
    if draft.expires_at is not None and draft.expires_at <= clock.now():
        raise DomainError(ErrorCode.INVALID_INPUT, "过期时间须在将来", field="expiresAt")
    hours = draft.reminder_hours
    if hours is not None and (len(hours) > MAX_REMINDERS or any(not 1 <= h <= 168 for h in hours)):
        raise DomainError(ErrorCode.INVALID_INPUT, f"最多 {MAX_REMINDERS} 次提醒，每次在发布后 1–168 小时",
                          field="reminderHours")


MAX_ATTACHMENTS = 10


async def _attachments(actor: Actor, upload_ids: list[UUID]) -> list[dict]:
    if len(upload_ids) > MAX_ATTACHMENTS:
        raise DomainError(ErrorCode.INVALID_INPUT, f"最多 {MAX_ATTACHMENTS} 个附件", field="attachments")
    uploads = {u.id: u for u in await Upload.filter(id__in=upload_ids, owner_id=actor.person_id,
                                                      kind="notice_attachment")}
    if len(uploads) != len(set(upload_ids)):
        raise DomainError(ErrorCode.NOT_FOUND, "找不到上传的附件", field="attachments")
    return [{"uploadId": str(u.id), "name": u.filename or "附件", "size": u.size, "contentType": u.content_type}
            for u in (uploads[i] for i in dict.fromkeys(upload_ids))]


async def get_notice_for_staff(actor: Actor, notice_id: UUID, permission: Permission, *, tx=None,
                               lock: bool = False) -> Notice:
    query = Notice.filter(id=notice_id)
    if lock:
        query = query.select_for_update()
    notice = await (query.using_db(tx) if tx else query).first()
    if notice is None or notice.community_id not in actor.roles:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该通知")
    require(actor, permission, notice.community_id)
    return notice


async def create_notice(actor: Actor, *, community_id: UUID, draft: NoticeDraft) -> Notice:
    require(actor, Permission.NOTICE_PUBLISH, community_id)
    _check_text(draft)
    body = sanitize(draft.body_html)
    targets = await audience.check_audience(community_id, draft.audience or [])
    files = await _attachments(actor, draft.attachment_ids or [])
    async with transaction() as tx:
        notice = await Notice.create(
            attachments=files,
            community_id=community_id, author_id=actor.person_id, title=draft.title.strip(), body_html=body,
            category=draft.category.strip(), importance=draft.importance, pinned=draft.pinned,
            must_acknowledge=draft.must_acknowledge, audience=targets, expires_at=draft.expires_at,
            reminder_hours=sorted(set(draft.reminder_hours)) if draft.reminder_hours is not None else [24],
            using_db=tx,
        )
        await audit.record(tx, actor, "notice.create", "notice", notice.id, community_id=community_id,
                           after={"title": notice.title})
    return notice


async def update_notice(actor: Actor, *, notice_id: UUID, draft: NoticeDraft, reason: str | None) -> Notice:
    """Drafts change freely. A published notice changes only with a reason, as a new revision, and
    never its audience (the people already reached stay the people it was for)."""
    _check_text(draft)
    body = sanitize(draft.body_html)
    files = None if draft.attachment_ids is None else await _attachments(actor, draft.attachment_ids)
    async with transaction() as tx:
        notice = await get_notice_for_staff(actor, notice_id, Permission.NOTICE_PUBLISH, tx=tx, lock=True)
        if notice.state is S.ARCHIVED:
            raise DomainError(ErrorCode.INVALID_INPUT, "已归档的通知不能修改")
        before = {"title": notice.title, "revision": notice.revision}
        if notice.state is S.PUBLISHED:
            reason = (reason or "").strip()
            if not 2 <= len(reason) <= 200:
                raise DomainError(ErrorCode.INVALID_INPUT, "修改已发布的通知须写明原因", field="reason")
            await NoticeRevision.create(notice=notice, revision=notice.revision, title=notice.title,
                                        body_html=notice.body_html, editor_id=actor.person_id, reason=reason,
                                        using_db=tx)
            notice.revision += 1
        elif draft.audience is not None:
            notice.audience = await audience.check_audience(notice.community_id, draft.audience)
        notice.title, notice.body_html, notice.category = draft.title.strip(), body, draft.category.strip()
        notice.importance, notice.pinned, notice.must_acknowledge = draft.importance, draft.pinned, \
            draft.must_acknowledge
        notice.expires_at = draft.expires_at
        if files is not None:
            notice.attachments = files
        if draft.reminder_hours is not None and notice.state is not S.PUBLISHED:
            notice.reminder_hours = sorted(set(draft.reminder_hours))
        await notice.save(using_db=tx)
        await audit.record(tx, actor, "notice.update", "notice", notice.id, community_id=notice.community_id,
                           before=before, after={"title": notice.title, "revision": notice.revision})
    return notice


async def _publish(tx, notice: Notice, *, actor: Actor | None) -> None:
    """Published now (by its author, or by the sweep when its time came): fan out, and set reminders."""
    notice.published_at = clock.now()
    await NOTICE_STATES.move(tx, notice, S.PUBLISHED, actor=actor)
    await outbox.add(tx, "notices.fan_out", key=f"notice:{notice.id}:fan_out", notice_id=str(notice.id))
    await NoticeReminder.bulk_create(
        [NoticeReminder(notice_id=notice.id, due_at=notice.published_at + timedelta(hours=h))
         for h in notice.reminder_hours], using_db=tx,
    )


async def publish_notice(actor: Actor, *, notice_id: UUID, at: datetime | None = None) -> Notice:
    """Publish now (`at` None, or within PUBLISH_AT_TOLERANCE of now), or schedule for `at`. A time
    further in the past is refused: publishing it at once would not be what the author asked for."""
    async with transaction() as tx:
        notice = await get_notice_for_staff(actor, notice_id, Permission.NOTICE_PUBLISH, tx=tx, lock=True)
        now = clock.now()
        if at is not None and at.tzinfo is None:
            raise DomainError(ErrorCode.INVALID_INPUT, "发布时间须带时区", field="publishAt")
        if at is not None and at < now - PUBLISH_AT_TOLERANCE:
            raise DomainError(ErrorCode.INVALID_INPUT, "发布时间已过，请选择将来的时间，或立即发布", field="publishAt")
        if at is not None and at > now:
            notice.publish_at = at
            await NOTICE_STATES.move(tx, notice, S.SCHEDULED, actor=actor)
        else:
            await _publish(tx, notice, actor=actor)
        await audit.record(tx, actor, "notice.publish", "notice", notice.id, community_id=notice.community_id,
                           after={"state": notice.state})
    return notice


async def unschedule_notice(actor: Actor, *, notice_id: UUID) -> Notice:
    """Take a scheduled notice back to draft (to change its time, or not send it)."""
    async with transaction() as tx:
        notice = await get_notice_for_staff(actor, notice_id, Permission.NOTICE_PUBLISH, tx=tx, lock=True)
        notice.publish_at = None
        await NOTICE_STATES.move(tx, notice, S.DRAFT, actor=actor)
        await audit.record(tx, actor, "notice.unschedule", "notice", notice.id, community_id=notice.community_id)
    return notice


async def archive_notice(actor: Actor, *, notice_id: UUID) -> Notice:
    async with transaction() as tx:
        notice = await get_notice_for_staff(actor, notice_id, Permission.NOTICE_PUBLISH, tx=tx, lock=True)
        await NOTICE_STATES.move(tx, notice, S.ARCHIVED, actor=actor)
        await audit.record(tx, actor, "notice.archive", "notice", notice.id, community_id=notice.community_id)
    return notice


async def publish_due() -> int:
    """The scheduler's sweep: publish every scheduled notice whose time has come. Idempotent."""
    async def due() -> list[UUID]:
        return await Notice.filter(state=S.SCHEDULED, publish_at__lte=clock.now()).values_list("id", flat=True)

    async def publish_one(tx, notice_id: UUID) -> bool:
        notice = await Notice.filter(id=notice_id, state=S.SCHEDULED, publish_at__lte=clock.now()) \
            .select_for_update().using_db(tx).first()
        if notice is None:  # taken back, or published, since it was selected
            return False
        await _publish(tx, notice, actor=None)
        return True

    return await sweep_due(due, publish_one)


async def fan_out(notice_id: UUID) -> int:
    """Give every person in the audience their recipient row, inbox message and pushes. Safe to run
    again: all are unique per person, so a retried or duplicated job adds nothing."""
    notice = await Notice.get(id=notice_id)
    recipients = await audience.resolve(notice)
    settings = get_settings()
    batch, pubsub = settings.fanout_batch, runtime().pubsub
    writers = asyncio.Semaphore(settings.fanout_writers)

    async def write(chunk: list[audience.Recipient]) -> None:
        async with writers, transaction() as tx:
            await insert_ignoring_conflicts(tx, NoticeRecipient, [
                {"notice_id": notice.id, "person_id": r.person_id, "household_id": r.household_id,
                 "building_id": r.building_id} for r in chunk
            ])
            # Live unread counts of this community's subscribers refresh once per batch, once the
            # batch is committed (a recount before would find nothing new).
            after_commit(tx, partial(pubsub.publish, community_channel(notice.community_id), str(notice.id)))
            await _notify(tx, notice, [r.person_id for r in chunk], key_prefix=inbox_key(notice.id),
                          title=notice.title, push=False)

    # Batches in concurrent transactions: while PostgreSQL writes one, this process encodes the next
    # and announces the last, so the two cores both work. Each batch stands alone (all idempotent).
    async with asyncio.TaskGroup() as batches:  # one failing cancels the rest: the job is retried whole
        for start in range(0, len(recipients), batch):
            batches.create_task(write(recipients[start:start + batch]))
    # The pushes once every inbox row is in, so that planning them (on the push worker) never competes
    # with these writes for the database. A crash before this commit retries the whole job (all of it
    # idempotent), so no push is lost.
    async with transaction() as tx:
        for start in range(0, len(recipients), batch):
            await _queue_push(tx, notice, [r.person_id for r in recipients[start:start + batch]],
                              key_prefix=inbox_key(notice.id), title=notice.title)
        await Notice.filter(id=notice.id).using_db(tx).update(audience_size=len(recipients))
    return len(recipients)


def inbox_key(notice_id: UUID) -> str:
    """The notify key prefix of a notice's deliveries (its reminders' keys extend it)."""
    return f"notice:{notice_id}"


async def _notify(tx, notice: Notice, person_ids: list[UUID], *, key_prefix: str, title: str,
                  push: bool = True) -> None:
    await notify.deliver_many(tx, person_ids=person_ids, kind="notice", title=title, body=f"notice:{notice.id}",
                              key_prefix=key_prefix)
    if push:
        await _queue_push(tx, notice, person_ids, key_prefix=key_prefix, title=title)


async def _queue_push(tx, notice: Notice, person_ids: list[UUID], *, key_prefix: str, title: str) -> None:
    await notify.queue_push(tx, person_ids=person_ids, kind="notice", title=title, body=notice.category,
                            key_prefix=key_prefix, page=f"pages/notice/index?id={notice.id}",
                            urgent=notice.importance == Importance.URGENT)


async def send_reminders() -> int:
    """The sweep: remind everyone who has not read a notice yet, at each of its reminder times.
    Idempotent: a reminder is marked sent in the transaction that writes it, and keys are unique."""
    async def due() -> list[UUID]:
        return await NoticeReminder.filter(sent_at=None, due_at__lte=clock.now(), notice__state=S.PUBLISHED) \
            .values_list("id", flat=True)

    async def remind(tx, reminder_id: UUID) -> bool:
        reminder = await NoticeReminder.filter(id=reminder_id, sent_at=None).select_for_update().using_db(tx).first()
        if reminder is None:  # another sweep sent it
            return False
        notice = await Notice.get(id=reminder.notice_id).using_db(tx)
        unread = await NoticeRecipient.filter(notice_id=notice.id, read_at=None).using_db(tx) \
            .values_list("person_id", flat=True)
        if unread:
            await _notify(tx, notice, list(unread), key_prefix=f"{inbox_key(notice.id)}:remind:{reminder.id}",
                          title=f"提醒：{notice.title}")
        reminder.sent_at, reminder.recipients = clock.now(), len(unread)
        await reminder.save(using_db=tx, update_fields=["sent_at", "recipients"])
        return True

    return await sweep_due(due, remind)


def community_channel(community_id: UUID) -> str:
    return f"notices:{community_id}"


def unread_channel(person_id: UUID) -> str:
    return f"unread:{person_id}"


async def unread_count(person_id: UUID) -> int:
    unexpired = Q(notice__expires_at=None) | Q(notice__expires_at__gte=clock.now())
    return await NoticeRecipient.filter(unexpired, person_id=person_id, notice__state=S.PUBLISHED, read_at=None).count()


async def watch_unread(actor: Actor) -> AsyncIterator[int]:
    """My unread count now, then again whenever it changes: a notice reaches my community, or I
    (on any device) read one."""
    me = actor.subject(ProxyScope.NOTICE)
    communities = await Membership.filter(person_id=me).distinct().values_list("community_id", flat=True)
    pubsub = runtime().pubsub
    channels = [unread_channel(me), *(community_channel(c) for c in communities)]
    events = merged(*(pubsub.subscribe(channel) for channel in channels))
    await asyncio.sleep(0)  # let the subscriptions start before the first count
    try:
        last = await unread_count(me)
        yield last
        async for _ in events:
            count = await unread_count(me)
            if count != last:
                last = count
                yield count
    finally:
        await events.aclose()


async def _my_recipient(actor: Actor, notice_id: UUID, *, tx) -> NoticeRecipient:
    me = actor.subject(ProxyScope.NOTICE)
    row = await NoticeRecipient.filter(notice_id=notice_id, person_id=me, notice__state=S.PUBLISHED) \
        .select_for_update().using_db(tx).first()
    if row is None:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该通知")
    return row


async def mark_read(actor: Actor, *, notice_id: UUID) -> NoticeRecipient:
    async with transaction() as tx:
        row = await _my_recipient(actor, notice_id, tx=tx)
        if row.read_at is None:
            row.read_at = clock.now()
            await row.save(using_db=tx, update_fields=["read_at"])
            await _inbox_read(tx, row)
            await _record_for_principal(tx, actor, "notice.read", notice_id)
            await _first_read(tx, row, await Notice.get(id=notice_id).using_db(tx))
    return row


async def _first_read(tx, row: NoticeRecipient, notice: Notice) -> None:
    """Reading an urgent notice earns participation points (backend/points), once a person."""
    if notice.importance == Importance.URGENT:
        await points_earning.notice_read(tx, notice_id=notice.id, community_id=notice.community_id,
                                         person_id=row.person_id, at=row.read_at)


async def _record_for_principal(tx, actor: Actor, action: str, notice_id: UUID) -> None:
    """What a proxy does with a notice is audited, so the principal sees it in their history (a
    resident's own reading is not)."""
    if actor.is_proxy:
        notice = await Notice.get(id=notice_id).using_db(tx)
        await audit.record(tx, actor, action, "notice", notice_id, community_id=notice.community_id,
                           after={"title": notice.title})


async def _inbox_read(tx, row: NoticeRecipient) -> None:
    """Reading the notice reads its inbox message too, and tells my other devices (once committed,
    so their recount sees it)."""
    await notify.mark_delivery_read(tx, delivery_key=notify.delivery_key(inbox_key(row.notice_id), row.person_id),
                                    person_id=row.person_id, read_at=row.read_at)
    after_commit(tx, partial(runtime().pubsub.publish, unread_channel(row.person_id), str(row.notice_id)))


async def acknowledge(actor: Actor, *, notice_id: UUID) -> NoticeRecipient:
    async with transaction() as tx:
        row = await _my_recipient(actor, notice_id, tx=tx)
        notice = await Notice.get(id=notice_id).using_db(tx)
        if not notice.must_acknowledge:
            raise DomainError(ErrorCode.INVALID_INPUT, "该通知无需确认")
        now = clock.now()
        first_time, first_read = row.acknowledged_at is None, row.read_at is None
        row.read_at, row.acknowledged_at = row.read_at or now, row.acknowledged_at or now
        await row.save(using_db=tx, update_fields=["read_at", "acknowledged_at"])
        await _inbox_read(tx, row)
        if first_time:
            await _record_for_principal(tx, actor, "notice.acknowledge", notice_id)
        if first_read:
            await _first_read(tx, row, notice)
    return row


@dataclass
class BuildingReach:
    building_id: UUID | None
    audience: int
    read: int
    acknowledged: int


@dataclass
class Reach:
    audience: int
    delivered: int
    read: int
    acknowledged: int
    households: int
    households_reached: int
    households_reached_offline: int
    by_building: list[BuildingReach]


async def _notice_in_reach(actor: Actor, notice_id: UUID) -> tuple[Notice, GridScope]:
    """A notice for its reach report, with the actor's grid scope: a grid worker reaches only the
    notices whose audience lives in their grids, and within them only their grids' households."""
    notice = await get_notice_for_staff(actor, notice_id, Permission.NOTICE_REACH)
    scope = await grid_scope(actor, notice.community_id)
    if not scope.everywhere and not await NoticeRecipient.filter(scope.buildings("building"),
                                                                 notice_id=notice.id).exists():
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该通知")
    return notice, scope


async def reach_report(actor: Actor, *, notice_id: UUID) -> Reach:
    """Counts over the audience in the actor's reach (a grid worker: the buildings of their grids)."""
    notice, scope = await _notice_in_reach(actor, notice_id)
    rows = NoticeRecipient.filter(scope.buildings("building"), notice_id=notice.id)
    grouped = await rows.annotate(n=Count("id")).group_by("building_id").values_list("building_id", "n")
    read = dict(await rows.filter(read_at__isnull=False).annotate(n=Count("id")).group_by("building_id")
                .values_list("building_id", "n"))
    acked = dict(await rows.filter(acknowledged_at__isnull=False).annotate(n=Count("id")).group_by("building_id")
                 .values_list("building_id", "n"))
    households = set(await rows.exclude(household_id=None).values_list("household_id", flat=True))
    reached = set(await rows.filter(read_at__isnull=False).exclude(household_id=None)
                  .values_list("household_id", flat=True))
    offline = set(await NoticeOfflineReach.filter(notice_id=notice.id).values_list("household_id", flat=True))
    # A grid worker counts the deliveries to the people of their grids only.
    delivered = await notify.count_delivered(
        inbox_key(notice.id), among=None if scope.everywhere else Subquery(rows.values("person_id")))
    by_building = [BuildingReach(b, n, read.get(b, 0), acked.get(b, 0)) for b, n in grouped]
    return Reach(
        audience=sum(n for _, n in grouped), delivered=delivered, read=sum(read.values()),
        acknowledged=sum(acked.values()), households=len(households), households_reached=len(reached),
        households_reached_offline=len((offline & households) - reached), by_building=by_building,
    )


# The 未触达名单 as a grid worker walks it: estate, building, unit, then room by floor.
NOT_REACHED_ORDER = ("room__unit__building__estate__name", "room__unit__building__name", "room__unit__name",
                     "room__floor", "room__number")


async def not_reached(actor: Actor, *, notice_id: UUID, first: int, after: str | None) -> Page[Household]:
    """未触达名单: households in the audience where nobody has read it and nobody visited yet. A grid
    worker sees the households of their own grids."""
    notice, scope = await _notice_in_reach(actor, notice_id)
    rows = NoticeRecipient.filter(scope.buildings("building"), notice_id=notice.id).exclude(household_id=None)
    reached = Subquery(rows.filter(read_at__isnull=False).values("household_id"))
    visited = Subquery(NoticeOfflineReach.filter(notice_id=notice.id).values("household_id"))
    query = Household.filter(id__in=Subquery(rows.values("household_id"))) \
        .exclude(id__in=reached).exclude(id__in=visited).select_related("room__unit__building__estate")
    return await paginate_by(query, NOT_REACHED_ORDER, first=first, after=after)


async def mark_reached_offline(actor: Actor, *, notice_id: UUID, household_id: UUID, note: str = "") -> None:
    notice, scope = await _notice_in_reach(actor, notice_id)
    if not await NoticeRecipient.filter(scope.buildings("building"), notice_id=notice.id,
                                        household_id=household_id).exists():
        raise DomainError(ErrorCode.NOT_FOUND, "该户不在通知对象中", field="householdId")
    if len(note) > 200:
        raise DomainError(ErrorCode.INVALID_INPUT, "备注过长", field="note")
    async with transaction() as tx:
        _, created = await NoticeOfflineReach.get_or_create(
            notice_id=notice.id, household_id=household_id,
            defaults={"reached_by_id": actor.person_id, "note": note.strip()}, using_db=tx,
        )
        if created:
            await audit.record(tx, actor, "notice.reached_offline", "household", household_id,
                               community_id=notice.community_id, after={"notice": str(notice.id)})


async def household_heads(household_ids: list[UUID]) -> dict[UUID, list[str]]:
    """Names of who lives in each household, for the visiting grid worker (one query)."""
    names: dict[UUID, list[str]] = {h: [] for h in household_ids}
    for household, name in await PersonRoom.filter(household_id__in=household_ids, until=None) \
            .values_list("household_id", "person__display_name"):
        names[household].append(name)
    return names


@dataclass
class FeedItem:
    notice: Notice
    read_at: datetime | None
    acknowledged_at: datetime | None


@dataclass
class Feed:
    pinned: list[FeedItem]
    latest: Page[FeedItem]
    unread: int


MAX_PINNED = 10


async def feed(actor: Actor, *, first: int, after: str | None) -> Feed:
    """My home feed: pinned notices, the latest ones with my read state, and my unread count — three
    queries whatever the page size."""
    me = actor.subject(ProxyScope.NOTICE)
    unexpired = Q(notice__expires_at=None) | Q(notice__expires_at__gte=clock.now())
    mine = NoticeRecipient.filter(unexpired, person_id=me, notice__state=S.PUBLISHED)

    def item(row: NoticeRecipient) -> FeedItem:
        return FeedItem(row.notice, row.read_at, row.acknowledged_at)

    pinned = [] if after else await mine.filter(notice__pinned=True).select_related("notice").order_by("-id") \
        .limit(MAX_PINNED)
    page = await paginate(mine.filter(notice__pinned=False).select_related("notice"), first=first, after=after,
                          newest_first=True)
    unread = await unread_count(me)
    latest = Page([item(r) for r in page.items], page.has_next_page, page.end_cursor, page.count)
    return Feed([item(r) for r in pinned], latest, unread)


async def list_notices(actor: Actor, *, community_id: UUID, state: S | None, first: int,
                       after: str | None, title: str | None = None) -> Page[Notice]:
    require(actor, Permission.NOTICE_PUBLISH, community_id)
    query = Notice.filter(community_id=community_id)
    if state is not None:
        query = query.filter(state=state)
    if title and title.strip():
        query = query.filter(title__icontains=title.strip()[:64])
    return await paginate(query, first=first, after=after, newest_first=True)


async def list_notices_in_reach(actor: Actor, *, community_id: UUID, first: int, after: str | None) -> Page[Notice]:
    """The published (and archived) notices whose audience lives in the actor's reach, newest first:
    for a grid worker, those reaching their grids, to open their reach report and 未触达名单."""
    require(actor, Permission.NOTICE_REACH, community_id)
    scope = await grid_scope(actor, community_id)
    query = Notice.filter(community_id=community_id, state__in=[S.PUBLISHED, S.ARCHIVED])
    if not scope.everywhere:
        query = query.filter(id__in=Subquery(NoticeRecipient.filter(scope.buildings("building")).values("notice_id")))
    return await paginate(query, first=first, after=after, newest_first=True)


async def get_notice_for(actor: Actor, notice_id: UUID) -> tuple[Notice, NoticeRecipient | None]:
    """A notice I received (with my receipt), or one of my community's for its staff."""
    me = actor.subject(ProxyScope.NOTICE)
    receipt = await NoticeRecipient.filter(notice_id=notice_id, person_id=me, notice__state=S.PUBLISHED) \
        .select_related("notice").first()
    if receipt is not None:
        return receipt.notice, receipt
    notice, _ = await _notice_in_reach(actor, notice_id)
    return notice, None


async def get_attachment_for(actor: Actor, *, notice_id: UUID, upload_id: UUID) -> Upload:
    """A file attached to a notice I may read: published, for its audience and its community's
    staff; a draft's, for its staff only. Not-found for everyone else."""
    notice, _ = await get_notice_for(actor, notice_id)
    if not any(a["uploadId"] == str(upload_id) for a in notice.attachments):
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该附件")
    return await Upload.get(id=upload_id, kind="notice_attachment")


async def export_not_reached(actor: Actor, *, notice_id: UUID) -> bytes:
    """The 未触达名单 as a workbook for visiting: address and who lives there (no phone numbers)."""
    from openpyxl import Workbook

    book = Workbook()  # not write_only: its sheet generator fails when collected after save
    sheet = book.active
    sheet.title = "未触达"
    sheet.append(["地址", "住户"])
    after = None
    while True:  # page through with the same rules (a grid worker gets their grids only)
        page = await not_reached(actor, notice_id=notice_id, first=50, after=after)
        names = await household_heads([h.id for h in page.items])
        for household in page.items:
            sheet.append(safe_row([address_of(household.room), "、".join(names[household.id])]))
        if not page.has_next_page:
            break
        after = page.end_cursor
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
