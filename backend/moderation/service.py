"""Moderation: residents report content, enough distinct reporters hide it pending review, moderators
(MODERATE, committee staff) hide, remove or restore it, and the author appeals once to another
moderator. The original is snapshotted at the first report and never changed; every decision is in
the moderator log and the audit log, and the author hears of it through notify.

Who reports: a verified resident (living in a room of the registry) of the target's community, in
person, once per target, never their own content. Tenancy: staff reach the items of their community
only; out of reach is not-found."""

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from backend.audit import service as audit
from backend.core.actor import Actor
from backend.core.bulk import insert_ignoring_conflicts
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate
from backend.core.permissions import Permission, require
from backend.moderation import kinds
from backend.moderation.models import (
    AppealState,
    ItemState,
    LogAction,
    ModeratedItem,
    ModerationAppeal,
    ModerationLogEntry,
    ModerationReport,
    Reason,
)
from backend.notify import service as notify
from backend.registry.models import Membership, PersonRoom

AUTO_HIDE_REPORTERS = 3  # distinct verified reporters that hide a target pending review
MAX_DETAIL = 200  # reports and log lines shown on an item
HIDDEN_STATES = frozenset({ItemState.HIDDEN, ItemState.REMOVED})
STATE_NAMES = {ItemState.REPORTED: "被举报", ItemState.HIDDEN: "已隐藏待审核", ItemState.REMOVED: "已删除",
               ItemState.RESTORED: "已恢复"}
REASON_NAMES = {Reason.SPAM: "广告", Reason.ABUSE: "辱骂", Reason.FRAUD: "诈骗", Reason.PRIVACY: "泄露隐私",
                Reason.ILLEGAL: "违法违规", Reason.OTHER: "其他"}
APPEALS_PAGE = "cases/pages/appeals/index"


class Decision(StrEnum):
    HIDE = "HIDE"  # hide pending review, by hand
    REMOVE = "REMOVE"  # uphold the reports
    RESTORE = "RESTORE"  # nothing wrong: show it (again)


class AppealDecision(StrEnum):
    RESTORE = "RESTORE"
    KEEP = "KEEP"


# decision -> (the states it applies to, the state it leads to, how the log names it, its Chinese verb)
DECISIONS = {
    Decision.HIDE: ({ItemState.REPORTED, ItemState.RESTORED}, ItemState.HIDDEN, LogAction.HIDE, "隐藏"),
    Decision.REMOVE: ({ItemState.REPORTED, ItemState.HIDDEN, ItemState.RESTORED}, ItemState.REMOVED,
                      LogAction.REMOVE, "删除"),
    Decision.RESTORE: ({ItemState.REPORTED, ItemState.HIDDEN, ItemState.REMOVED}, ItemState.RESTORED,
                       LogAction.RESTORE, "恢复"),
}
# What the author is told of each change.
TOLD = {ItemState.HIDDEN: "您发布的内容因被举报已隐藏，正在审核", ItemState.REMOVED: "您发布的内容经审核已删除",
        ItemState.RESTORED: "您发布的内容经审核已恢复显示"}


def _not_found() -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, "找不到该内容")


def _text(value: str | None, field: str, what: str, *, low: int, high: int) -> str:
    value = (value or "").strip()
    if not low <= len(value) <= high:
        raise DomainError(ErrorCode.INVALID_INPUT, f"请填写{what}（{low}–{high} 个字）", field=field)
    return value


# --- Reach ---------------------------------------------------------------------------------------

async def get_item_for_moderator(actor: Actor, item_id: UUID, *, tx=None, lock: bool = False) -> ModeratedItem:
    query = ModeratedItem.filter(id=item_id)
    if lock:
        query = query.select_for_update()
    item = await (query.using_db(tx) if tx else query).first()
    if item is None or item.community_id not in actor.roles:
        raise _not_found()
    require(actor, Permission.MODERATE, item.community_id)
    return item


# --- Reporting -----------------------------------------------------------------------------------

async def report(actor: Actor, *, kind: str, target_id: UUID, reason: Reason, note: str = "") -> ModeratedItem:
    """Report a target; the AUTO_HIDE_REPORTERS-th distinct reporter hides it pending review. The
    item row is locked while reporting, so concurrent reports at the threshold hide it exactly once."""
    me = actor.require_self("举报须由本人操作")
    handler = kinds.kind_of(kind)
    note = (note or "").strip()
    if reason is Reason.OTHER and not note:
        raise DomainError(ErrorCode.INVALID_INPUT, "选择“其他”时请说明举报理由", field="note")
    if len(note) > 200:
        raise DomainError(ErrorCode.INVALID_INPUT, "举报说明最多 200 个字", field="note")
    target = await handler.resolve(target_id)
    if target is None or not await Membership.filter(person_id=me, community_id=target.community_id).exists():
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该内容", field="targetId")
    if target.author_id == me:
        raise DomainError(ErrorCode.INVALID_INPUT, "不能举报自己发布的内容")
    if not await PersonRoom.filter(person_id=me, community_id=target.community_id, until=None).exists():
        raise DomainError(ErrorCode.FORBIDDEN, "只有本社区已认证住址的居民才能举报")
    async with transaction() as tx:
        await insert_ignoring_conflicts(tx, ModeratedItem, [{
            "community_id": target.community_id, "kind": kind, "target_id": target_id,
            "author_id": target.author_id, "original": target.text, "state": ItemState.REPORTED.value, "reports": 0,
        }])
        item = await ModeratedItem.filter(kind=kind, target_id=target_id).select_for_update().using_db(tx).get()
        if item.state in HIDDEN_STATES:  # no one but its author sees it any more
            raise DomainError(ErrorCode.NOT_FOUND, "该内容已被隐藏，正在处理", field="targetId")
        if await ModerationReport.filter(item_id=item.id, reporter_id=me).using_db(tx).exists():
            raise DomainError(ErrorCode.INVALID_INPUT, "您已经举报过该内容")
        await ModerationReport.create(item_id=item.id, reporter_id=me, reason=reason, note=note, using_db=tx)
        item.reports += 1
        # A restored item stays up: a moderator has looked at it, and only a moderator hides it again.
        hide = item.state is ItemState.REPORTED and item.reports >= AUTO_HIDE_REPORTERS
        if hide:
            await _move(tx, item, ItemState.HIDDEN, actor=None, action=LogAction.AUTO_HIDE,
                        reason=f"{AUTO_HIDE_REPORTERS} 位认证居民举报，待审核")
        await item.save(using_db=tx, update_fields=["reports", "state", "hidden_at"])
        await audit.record(tx, actor, "moderation.report", "moderated_item", item.id, community_id=item.community_id,
                           after={"kind": kind, "reason": reason, "hidden": hide})
    return item


# --- Moderators ----------------------------------------------------------------------------------

async def _move(tx, item: ModeratedItem, target: ItemState, *, actor: Actor | None, action: LogAction,
                reason: str) -> None:
    """Set the item's state, hide or show the content when that changes, log it and tell the author.
    The caller saves the item."""
    was_hidden, hidden = item.state in HIDDEN_STATES, target in HIDDEN_STATES
    if hidden != was_hidden:
        await kinds.kind_of(item.kind).set_hidden(tx, item.target_id, hidden)
    if hidden and not was_hidden:
        item.hidden_at = clock.now()
    item.state = target
    entry = await _log(tx, item, actor, action, reason)
    if hidden or was_hidden:  # the author hears of what they notice: hidden, removed, shown again
        await _tell_author(tx, item, TOLD[target], key=f"moderation:{entry.id}")


async def _log(tx, item: ModeratedItem, actor: Actor | None, action: LogAction, reason: str) -> ModerationLogEntry:
    return await ModerationLogEntry.create(community_id=item.community_id, item_id=item.id, action=action,
                                           actor_id=actor.person_id if actor else None, reason=reason, using_db=tx)


async def _tell_author(tx, item: ModeratedItem, title: str, *, key: str) -> None:
    """In the inbox (read as it is: which content, and where to appeal) and pushed, opening 我的被隐藏内容."""
    excerpt = item.original if len(item.original) <= 40 else f"{item.original[:40]}…"
    await notify.deliver_many(tx, person_ids=[item.author_id], kind="moderation", title=title,
                              body=f"「{excerpt}」可在“我的被隐藏内容”中查看或申诉", key_prefix=key)
    await notify.queue_push(tx, person_ids=[item.author_id], kind="moderation", title=title,
                            body=excerpt, key_prefix=key, page=APPEALS_PAGE)


async def decide(actor: Actor, *, item_id: UUID, decision: Decision, reason: str) -> ModeratedItem:
    """Hide (pending review), remove (uphold the reports) or restore, with a reason."""
    reason = _text(reason, "reason", "处理理由", low=2, high=200)
    sources, target, action, verb = DECISIONS[decision]
    async with transaction() as tx:
        item = await get_item_for_moderator(actor, item_id, tx=tx, lock=True)
        if item.state not in sources:
            raise DomainError(ErrorCode.INVALID_INPUT, f"{STATE_NAMES[item.state]}的内容不能{verb}")
        await _move(tx, item, target, actor=actor, action=action, reason=reason)
        item.decided_by_id, item.decided_at = actor.person_id, clock.now()
        await item.save(using_db=tx)
        if decision is Decision.RESTORE:  # restored: a pending appeal has what it asked for
            await ModerationAppeal.filter(item_id=item.id, state=AppealState.PENDING).using_db(tx).update(
                state=AppealState.RESTORED, decided_by_id=actor.person_id, decided_at=clock.now(), reason=reason)
        await audit.record(tx, actor, f"moderation.{decision.lower()}", "moderated_item", item.id,
                           community_id=item.community_id, after={"state": item.state, "reason": reason})
    return item


# --- Appeals -------------------------------------------------------------------------------------

async def appeal(actor: Actor, *, item_id: UUID, text: str) -> ModerationAppeal:
    """The author appeals, once, against the hiding or removal of their content."""
    me = actor.require_self("申诉须由本人操作")
    text = _text(text, "text", "申诉理由", low=5, high=500)
    async with transaction() as tx:
        item = await ModeratedItem.filter(id=item_id, author_id=me).select_for_update().using_db(tx).first()
        if item is None:
            raise _not_found()
        if item.state not in HIDDEN_STATES:
            raise DomainError(ErrorCode.INVALID_INPUT, "该内容未被隐藏，无需申诉")
        if await ModerationAppeal.filter(item_id=item.id).using_db(tx).exists():
            raise DomainError(ErrorCode.INVALID_INPUT, "每条内容只能申诉一次")
        made = await ModerationAppeal.create(item_id=item.id, author_id=me, text=text, using_db=tx)
        await _log(tx, item, actor, LogAction.APPEAL, text)
        await audit.record(tx, actor, "moderation.appeal", "moderated_item", item.id, community_id=item.community_id)
    return made


async def decide_appeal(actor: Actor, *, appeal_id: UUID, decision: AppealDecision, reason: str) -> ModerationAppeal:
    """A moderator other than the one who made the last decision restores the content or keeps it
    down (an item still pending review is removed then)."""
    reason = _text(reason, "reason", "裁定理由", low=2, high=200)
    found = await ModerationAppeal.filter(id=appeal_id).first()
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该申诉")
    async with transaction() as tx:
        item = await get_item_for_moderator(actor, found.item_id, tx=tx, lock=True)
        made = await ModerationAppeal.get(id=appeal_id).using_db(tx)  # read again under the item's lock
        if made.state is not AppealState.PENDING:
            raise DomainError(ErrorCode.INVALID_INPUT, "该申诉已经裁定")
        if actor.person_id in (item.decided_by_id, made.author_id):
            raise DomainError(ErrorCode.FORBIDDEN, "申诉须由作出处理决定以外的审核员裁定")
        if decision is AppealDecision.RESTORE:
            await _move(tx, item, ItemState.RESTORED, actor=actor, action=LogAction.APPEAL_RESTORE, reason=reason)
            made.state = AppealState.RESTORED
        else:
            if item.state is ItemState.HIDDEN:
                item.state = ItemState.REMOVED  # still hidden: nothing to hide or show
            await _log(tx, item, actor, LogAction.APPEAL_KEEP, reason)
            await _tell_author(tx, item, "您的申诉未通过，内容维持隐藏", key=f"moderation:appeal:{made.id}")
            made.state = AppealState.KEPT
        item.decided_by_id, item.decided_at = actor.person_id, clock.now()
        await item.save(using_db=tx)
        made.decided_by_id, made.decided_at, made.reason = actor.person_id, clock.now(), reason
        await made.save(using_db=tx)
        await audit.record(tx, actor, "moderation.appeal_decide", "moderated_item", item.id,
                           community_id=item.community_id, after={"decision": decision, "reason": reason})
    return made


# --- Lists ---------------------------------------------------------------------------------------

async def queue(actor: Actor, *, community_id: UUID, state: ItemState | None, first: int,
                after: str | None) -> Page[ModeratedItem]:
    """A community's reported items, by state, oldest first (the order they wait in)."""
    require(actor, Permission.MODERATE, community_id)
    query = ModeratedItem.filter(community_id=community_id).select_related("author")
    if state is not None:
        query = query.filter(state=state)
    return await paginate(query, first=first, after=after)


async def appeals_of(item_ids: list[UUID]) -> list[ModerationAppeal | None]:
    """The appeal of each item (or None), in one query: for a page of items someone already reached."""
    found = {a.item_id: a for a in await ModerationAppeal.filter(item_id__in=item_ids)}
    return [found.get(i) for i in item_ids]


@dataclass
class ItemDetail:
    item: ModeratedItem
    reports: list[ModerationReport]
    log: list[ModerationLogEntry]


async def item_detail(actor: Actor, *, item_id: UUID) -> ItemDetail:
    item = await get_item_for_moderator(actor, item_id)
    await item.fetch_related("author")
    return ItemDetail(
        item=item,
        reports=await ModerationReport.filter(item_id=item.id).select_related("reporter").order_by("id")
        .limit(MAX_DETAIL),
        log=await ModerationLogEntry.filter(item_id=item.id).select_related("actor", "item").order_by("id")
        .limit(MAX_DETAIL),
    )


async def log(actor: Actor, *, community_id: UUID, first: int, after: str | None) -> Page[ModerationLogEntry]:
    """The community's moderator log, newest first."""
    require(actor, Permission.MODERATE, community_id)
    query = ModerationLogEntry.filter(community_id=community_id).select_related("actor", "item")
    return await paginate(query, first=first, after=after, newest_first=True)


async def my_content(actor: Actor, *, first: int, after: str | None) -> Page[ModeratedItem]:
    """My content that was ever hidden (hidden, removed, or restored since), newest first."""
    me = actor.require_self("申诉须由本人操作")
    query = ModeratedItem.filter(author_id=me, hidden_at__isnull=False)
    return await paginate(query, first=first, after=after, newest_first=True)
