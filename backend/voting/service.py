"""Polls: building a draft, the lifecycle (schedule, open with the electorate frozen, close,
publish), the sweeps that open and close on time and remind who has not voted, and the staff's views
(electorate preview and snapshot, the list of polls)."""

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from tortoise.expressions import Q, Subquery

from backend.audit import service as audit
from backend.core.actor import Actor, ProxyScope
from backend.core.clock import clock
from backend.core.db import after_commit, transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate
from backend.core.permissions import Permission, has, require
from backend.core.runtime import runtime
from backend.core.statemachine import sweep_due
from backend.notify import service as notify
from backend.points import earning as points_earning
from backend.voting import electorate, sealing, spec
from backend.voting.models import (
    BallotChannel,
    BallotParticipation,
    ElectorateEntry,
    ElectorateKind,
    ElectorateVoter,
    HouseholdRule,
    Matter,
    Poll,
    PollKind,
    ResultsMode,
    Secrecy,
    VoteAuthorisation,
)
from backend.voting.models import PollState as S
from backend.voting.states import POLL_STATES

MAX_ITEMS = 50
THRESHOLD_KEYS = ("participationArea", "participationHeadcount", "passArea", "passHeadcount")
# 民法典 第二百七十八条: ≥ 2/3 of the area and of the owners take part; ordinary matters pass with more
# than half of the participating area and owners, major ones with at least three quarters of both.
_TWO_THIRDS = {"numerator": 2, "denominator": 3, "strict": False}
DEFAULT_THRESHOLDS = {
    Matter.ORDINARY: {"participationArea": _TWO_THIRDS, "participationHeadcount": _TWO_THIRDS,
                      "passArea": {"numerator": 1, "denominator": 2, "strict": True},
                      "passHeadcount": {"numerator": 1, "denominator": 2, "strict": True}},
    Matter.MAJOR: {"participationArea": _TWO_THIRDS, "participationHeadcount": _TWO_THIRDS,
                   "passArea": {"numerator": 3, "denominator": 4, "strict": False},
                   "passHeadcount": {"numerator": 3, "denominator": 4, "strict": False}},
}
STRICTNESS = {Secrecy.NAMED: 0, Secrecy.HIDDEN: 1, Secrecy.SECRET: 2}
QUESTION_TYPES = ("TEXT", "NUMBER")


@dataclass
class PollDraft:
    title: str
    kind: PollKind
    items: list[dict]  # [{"label": ..., "type": TEXT|NUMBER (questionnaires)}]
    electorate: ElectorateKind
    scope: dict
    closes_at: datetime
    description: str = ""
    min_choices: int = 1
    max_choices: int = 1
    household_rule: HouseholdRule = HouseholdRule.FIRST_STANDS
    matter: Matter = Matter.ORDINARY
    thresholds: dict | None = None  # None: the matter's defaults
    secrecy: Secrecy = Secrecy.NAMED
    results: ResultsMode = ResultsMode.AFTER_CLOSE
    allow_change: bool = False
    proxy_cap: int = 1
    opens_at: datetime | None = None
    remind_hours: int = 24


def _bad(message: str, field: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, message, field=field)


def _items(draft: PollDraft) -> list[dict]:
    noun = {PollKind.MOTIONS: "议题", PollKind.QUESTIONNAIRE: "问题"}.get(draft.kind, "选项")
    least = 2 if draft.kind in (PollKind.SINGLE, PollKind.MULTIPLE) else 1
    if not least <= len(draft.items) <= MAX_ITEMS:
        raise _bad(f"请设置 {least}–{MAX_ITEMS} 个{noun}", "items")
    items = []
    for n, item in enumerate(draft.items, 1):
        label = (item.get("label") or "").strip()
        if not 1 <= len(label) <= 200:
            raise _bad(f"第 {n} 个{noun}的内容须为 1–200 个字", "items")
        entry = {"key": f"i{n}", "label": label}
        if draft.kind is PollKind.QUESTIONNAIRE:
            if item.get("type") not in QUESTION_TYPES:
                raise _bad(f"第 {n} 个问题须选择文字或数字作答", "items")
            entry["type"] = item["type"]
        items.append(entry)
    if len({i["label"] for i in items}) != len(items):
        raise _bad(f"{noun}不能重复", "items")
    return items


def _thresholds(draft: PollDraft) -> dict:
    given = draft.thresholds or DEFAULT_THRESHOLDS[draft.matter]
    if set(given) != set(THRESHOLD_KEYS):
        raise _bad("请设置参与和通过的面积、人数门槛", "thresholds")
    out = {}
    for key in THRESHOLD_KEYS:
        t = given[key]
        num, den, strict = t.get("numerator"), t.get("denominator"), t.get("strict")
        if not (isinstance(num, int) and isinstance(den, int) and isinstance(strict, bool)) or den < 1 or num < 0:
            raise _bad("门槛须为分数（分子、分母为整数）", "thresholds")
        if num > den or (strict and num == den):
            raise _bad("门槛不能超过 100%", "thresholds")
        out[key] = {"numerator": num, "denominator": den, "strict": strict}
    return out


async def _check(community_id: UUID, draft: PollDraft) -> dict:
    """The draft as columns, or the first thing wrong with it."""
    title = draft.title.strip()
    if not 2 <= len(title) <= 100:
        raise _bad("标题须为 2–100 个字", "title")
    if len(draft.description) > 5000:
        raise _bad("说明不能超过 5000 字", "description")
    items = _items(draft)
    low, high = draft.min_choices, draft.max_choices
    if draft.kind is PollKind.SINGLE:
        low = high = 1
    elif draft.kind is PollKind.MULTIPLE and not 1 <= low <= high <= len(items):
        raise _bad(f"可选数量须在 1–{len(items)} 之间，且最少不超过最多", "maxChoices")
    if draft.secrecy is Secrecy.SECRET and draft.electorate is ElectorateKind.OWNERS_ASSEMBLY:
        # The area is counted with each ballot, and an area can identify a room.
        raise _bad("业主大会按专有面积计票，面积可识别房屋，不能设为秘密投票", "secrecy")
    if not 0 <= draft.proxy_cap <= 20:
        raise _bad("每人代投票数须在 0–20 之间", "proxyCap")
    if not 0 <= draft.remind_hours <= 168:
        raise _bad("截止提醒须在截止前 0–168 小时", "remindHours")
    now = clock.now()
    for name, at in (("closesAt", draft.closes_at), ("opensAt", draft.opens_at)):
        if at is not None and at.tzinfo is None:
            raise _bad("时间须带时区", name)
    if draft.closes_at <= now:
        raise _bad("截止时间须在将来", "closesAt")
    if draft.opens_at is not None and draft.opens_at >= draft.closes_at:
        raise _bad("开始时间须早于截止时间", "opensAt")
    thresholds = _thresholds(draft)
    # What the tally will count by must be countable: an owners' assembly's thresholds not below the law's.
    spec.spec_of(kind=draft.kind, electorate=draft.electorate, items=items, min_choices=low, max_choices=high,
                 matter=draft.matter, thresholds=thresholds)
    return dict(
        title=title, description=draft.description.strip(), kind=draft.kind, items=items, min_choices=low,
        max_choices=high, electorate=draft.electorate, scope=await electorate.check_scope(community_id, draft.scope),
        household_rule=draft.household_rule, matter=draft.matter, thresholds=thresholds,
        secrecy=draft.secrecy, results=draft.results, allow_change=draft.allow_change, proxy_cap=draft.proxy_cap,
        opens_at=draft.opens_at, closes_at=draft.closes_at, remind_hours=draft.remind_hours,
    )


async def get_poll_for_staff(actor: Actor, poll_id: UUID, *, tx=None, lock: bool = False) -> Poll:
    query = Poll.filter(id=poll_id)
    if lock:
        query = query.select_for_update()
    poll = await (query.using_db(tx) if tx else query).first()
    if poll is None or poll.community_id not in actor.roles:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该投票")
    require(actor, Permission.VOTE_MANAGE, poll.community_id)
    return poll


async def can_see(actor: Actor, poll: Poll) -> bool:
    """Staff of its community, whoever is in its electorate, and who holds an authorisation in it."""
    if has(actor, Permission.VOTE_MANAGE, poll.community_id):
        return True
    me = actor.subject(ProxyScope.VOTE)
    return await ElectorateVoter.filter(poll_id=poll.id, person_id=me).exists() or (
        not actor.is_proxy and await VoteAuthorisation.filter(poll_id=poll.id, agent_id=me).exists())


async def get_poll_for(actor: Actor, poll_id: UUID) -> Poll:
    """A poll for its staff (any state), or, once open, for its electorate and authorised agents."""
    poll = await Poll.filter(id=poll_id).first()
    if poll is None or not (has(actor, Permission.VOTE_MANAGE, poll.community_id) or (
            poll.state not in (S.DRAFT, S.SCHEDULED) and await can_see(actor, poll))):
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该投票，或您不在本次投票的选民名单中")
    return poll


async def create_poll(actor: Actor, *, community_id: UUID, draft: PollDraft) -> Poll:
    require(actor, Permission.VOTE_MANAGE, community_id)
    columns = await _check(community_id, draft)
    async with transaction() as tx:
        poll = await Poll.create(community_id=community_id, author_id=actor.person_id, **columns, using_db=tx)
        await audit.record(tx, actor, "poll.create", "poll", poll.id, community_id=community_id,
                           after={"title": poll.title})
    return poll


async def update_poll(actor: Actor, *, poll_id: UUID, draft: PollDraft) -> Poll:
    """Drafts and scheduled polls change freely; an open poll only gets stricter (`tighten_poll`)."""
    async with transaction() as tx:
        poll = await get_poll_for_staff(actor, poll_id, tx=tx, lock=True)
        if poll.state not in (S.DRAFT, S.SCHEDULED):
            raise _bad(f"{POLL_STATES.state_names[poll.state]}的投票不能修改", "id")
        columns = await _check(poll.community_id, draft)
        if poll.state is S.SCHEDULED and columns["opens_at"] is None:
            raise _bad("定时开始的投票须有开始时间", "opensAt")
        poll.update_from_dict(columns)
        await poll.save(using_db=tx)
        await audit.record(tx, actor, "poll.update", "poll", poll.id, community_id=poll.community_id,
                           after={"title": poll.title})
    return poll


async def tighten_poll(actor: Actor, *, poll_id: UUID, secrecy: Secrecy | None, results: ResultsMode | None) -> Poll:
    """Once open, a poll's mode may only get stricter. Turning SECRET unlinks every ballot cast so far."""
    async with transaction() as tx:
        poll = await get_poll_for_staff(actor, poll_id, tx=tx, lock=True)
        if poll.state in (S.CLOSED, S.PUBLISHED):
            raise _bad("已截止的投票不能修改", "id")
        started = poll.state is S.OPEN
        if secrecy is not None:
            if started and STRICTNESS[secrecy] < STRICTNESS[poll.secrecy]:
                raise _bad("投票开始后只能改为更严格的保密方式", "secrecy")
            if secrecy is Secrecy.SECRET and poll.electorate is ElectorateKind.OWNERS_ASSEMBLY:
                raise _bad("业主大会按专有面积计票，面积可识别房屋，不能设为秘密投票", "secrecy")
            poll.secrecy = secrecy
        if results is not None:
            if started and poll.results is ResultsMode.AFTER_CLOSE and results is ResultsMode.LIVE:
                raise _bad("投票开始后不能改为实时公布结果", "results")
            poll.results = results
        await poll.save(using_db=tx, update_fields=["secrecy", "results"])
        if poll.secrecy is Secrecy.SECRET:
            await BallotParticipation.filter(poll_id=poll.id).using_db(tx).update(content_id=None)
        await audit.record(tx, actor, "poll.tighten", "poll", poll.id, community_id=poll.community_id,
                           after={"secrecy": poll.secrecy, "results": poll.results})
    return poll


async def schedule_poll(actor: Actor, *, poll_id: UUID) -> Poll:
    async with transaction() as tx:
        poll = await get_poll_for_staff(actor, poll_id, tx=tx, lock=True)
        if poll.opens_at is None or poll.opens_at <= clock.now():
            raise _bad("定时开始须设置将来的开始时间", "opensAt")
        await POLL_STATES.move(tx, poll, S.SCHEDULED, actor=actor)
        await audit.record(tx, actor, "poll.schedule", "poll", poll.id, community_id=poll.community_id)
    return poll


async def unschedule_poll(actor: Actor, *, poll_id: UUID) -> Poll:
    async with transaction() as tx:
        poll = await get_poll_for_staff(actor, poll_id, tx=tx, lock=True)
        await POLL_STATES.move(tx, poll, S.DRAFT, actor=actor)
        await audit.record(tx, actor, "poll.unschedule", "poll", poll.id, community_id=poll.community_id)
    return poll


async def _open(tx, poll: Poll, *, actor: Actor | None) -> None:
    """Open now, freezing the electorate as the registry stands: later changes do not alter it."""
    await POLL_STATES.move(tx, poll, S.OPEN, actor=actor)  # the guard: not past its deadline
    entries = await electorate.resolve(poll.community_id, poll.scope, poll.electorate)
    if not entries:
        raise _bad("投票范围内没有符合条件的选民", "scope")
    unmeasured = [e.label for e in entries if e.area_dm2 <= 0]
    if poll.electorate is ElectorateKind.OWNERS_ASSEMBLY and unmeasured:  # the area majority could not be counted
        raise _bad(f"{unmeasured[0]} 等 {len(unmeasured)} 处房屋未登记专有面积，业主大会无法按面积计票，"
                   "请先在住户档案中补登面积", "scope")
    rows = [ElectorateEntry(poll_id=poll.id, household_id=e.household_id, label=e.label[:200],
                            room_ids=[str(r) for r in e.room_ids], area_dm2=e.area_dm2) for e in entries]
    await ElectorateEntry.bulk_create(rows, batch_size=1000, using_db=tx)
    await ElectorateVoter.bulk_create([ElectorateVoter(poll_id=poll.id, entry_id=row.id, person_id=person)
                                       for row, e in zip(rows, entries, strict=True) for person in sorted(e.voters)],
                                      batch_size=1000, using_db=tx)
    poll.opens_at = poll.opens_at if poll.opens_at and poll.opens_at <= clock.now() else clock.now()
    poll.electorate_size, poll.electorate_area_dm2 = len(rows), sum(e.area_dm2 for e in entries)
    await poll.save(using_db=tx, update_fields=["opens_at", "electorate_size", "electorate_area_dm2"])


async def open_poll(actor: Actor, *, poll_id: UUID) -> Poll:
    async with transaction() as tx:
        poll = await get_poll_for_staff(actor, poll_id, tx=tx, lock=True)
        await _open(tx, poll, actor=actor)
        await audit.record(tx, actor, "poll.open", "poll", poll.id, community_id=poll.community_id,
                           after={"electorate": poll.electorate_size})
    return poll


async def close_poll(actor: Actor, *, poll_id: UUID, reason: str | None = None) -> Poll:
    """Close before the deadline (the sweep closes at it)."""
    async with transaction() as tx:
        poll = await get_poll_for_staff(actor, poll_id, tx=tx, lock=True)
        await POLL_STATES.move(tx, poll, S.CLOSED, actor=actor, reason=(reason or "").strip()[:200] or None)
        await sealing.queue_seal(tx, poll)
        await _reward_participants(tx, poll)
        await audit.record(tx, actor, "poll.close", "poll", poll.id, community_id=poll.community_id)
    return poll


async def _reward_participants(tx, poll: Poll) -> None:
    """At the close, those who cast their own ballot online earn participation points (backend/points):
    from the participation rows, all at once, so the timing of the points says nothing of a ballot.
    Paper, home-visit and proxy ballots do not say who took part in person."""
    voters = await BallotParticipation.filter(poll_id=poll.id, channel=BallotChannel.ONLINE).using_db(tx) \
        .values_list("cast_by_id", flat=True)
    await points_earning.poll_closed(tx, poll_id=poll.id, community_id=poll.community_id, voter_ids=list(voters),
                                     at=clock.now())


async def publish_poll(actor: Actor, *, poll_id: UUID) -> Poll:
    async with transaction() as tx:
        poll = await get_poll_for_staff(actor, poll_id, tx=tx, lock=True)
        await POLL_STATES.move(tx, poll, S.PUBLISHED, actor=actor)
        await audit.record(tx, actor, "poll.publish", "poll", poll.id, community_id=poll.community_id)
    return poll


async def open_due() -> int:
    """The sweep: open every scheduled poll whose time has come. Idempotent."""
    async def due() -> list[UUID]:
        # One whose deadline passed while scheduled stays so, for staff to move its dates.
        return await Poll.filter(state=S.SCHEDULED, opens_at__lte=clock.now(), closes_at__gt=clock.now()) \
            .values_list("id", flat=True)

    async def open_one(tx, poll_id: UUID) -> bool:
        poll = await Poll.filter(id=poll_id, state=S.SCHEDULED, opens_at__lte=clock.now(), closes_at__gt=clock.now()) \
            .select_for_update().using_db(tx).first()
        if poll is None:
            return False
        await _open(tx, poll, actor=None)
        return True

    return await sweep_due(due, open_one)


async def close_due() -> int:
    """The sweep: close every open poll at its deadline. Idempotent."""
    async def due() -> list[UUID]:
        return await Poll.filter(state=S.OPEN, closes_at__lte=clock.now()).values_list("id", flat=True)

    async def close_one(tx, poll_id: UUID) -> bool:
        poll = await Poll.filter(id=poll_id, state=S.OPEN, closes_at__lte=clock.now()) \
            .select_for_update().using_db(tx).first()
        if poll is None:
            return False
        await POLL_STATES.move(tx, poll, S.CLOSED, actor=None, reason="到达截止时间")
        await sealing.queue_seal(tx, poll)
        await _reward_participants(tx, poll)
        after_commit(tx, lambda: publish_turnout(poll.id))
        return True

    return await sweep_due(due, close_one)


async def remind_due() -> int:
    """The sweep: "closing soon" to everyone who may cast a ballot not cast yet, once a poll. Quiet
    hours are notify's (pushes wait for them; the inbox message is there at once)."""
    async def due() -> list[UUID]:
        polls = await Poll.filter(state=S.OPEN, reminded_at=None, remind_hours__gt=0) \
            .values_list("id", "closes_at", "remind_hours")
        now = clock.now()
        return [p for p, closes_at, hours in polls if closes_at - timedelta(hours=hours) <= now < closes_at]

    async def remind(tx, poll_id: UUID) -> bool:
        # NO KEY UPDATE: marks the poll reminded without holding up ballots (their KEY SHARE lock).
        poll = await Poll.filter(id=poll_id, state=S.OPEN, reminded_at=None).select_for_update(no_key=True) \
            .using_db(tx).first()
        if poll is None:
            return False
        voted = Subquery(BallotParticipation.filter(poll_id=poll.id).values("entry_id"))
        people = await ElectorateVoter.filter(Q(poll_id=poll.id) & ~Q(entry_id__in=voted)).using_db(tx) \
            .distinct().values_list("person_id", flat=True)
        if people:
            title, key_prefix = f"即将截止：{poll.title}", f"poll:{poll.id}:closing"
            await notify.deliver_many(tx, person_ids=list(people), kind="poll", title=title, body=f"poll:{poll.id}",
                                      key_prefix=key_prefix)
            await notify.queue_push(tx, person_ids=list(people), kind="poll", title=title,
                                    body="投票即将截止，请尽快投票", key_prefix=key_prefix,
                                    page=f"pages/poll/index?id={poll.id}")
        poll.reminded_at = clock.now()
        await poll.save(using_db=tx, update_fields=["reminded_at"])
        return True

    return await sweep_due(due, remind)


def turnout_channel(poll_id: UUID) -> str:
    return f"poll-turnout:{poll_id}"


TURNOUT_COALESCE_S = 0.1
_turnout_due: dict[UUID, asyncio.Task] = {}


async def publish_turnout(poll_id: UUID) -> None:
    """Tells live turnout subscribers the count changed (called after commit). Coalesced per process:
    a burst of ballots is one message per poll every TURNOUT_COALESCE_S, since subscribers re-read the
    count and lose nothing; a publish per ballot was a tenth of a cast's cost."""
    if poll_id not in _turnout_due:
        _turnout_due[poll_id] = asyncio.get_running_loop().create_task(_publish_turnout_soon(poll_id))


async def _publish_turnout_soon(poll_id: UUID) -> None:
    try:
        await asyncio.sleep(TURNOUT_COALESCE_S)
    finally:
        del _turnout_due[poll_id]  # first: a ballot committed while this publishes schedules its own
    await runtime().pubsub.publish(turnout_channel(poll_id), str(poll_id))


@dataclass
class Preview:
    entries: int
    voters: int
    area_dm2: int


async def preview(actor: Actor, *, community_id: UUID, kind: ElectorateKind, scope: dict) -> Preview:
    """Who the electorate would be if the poll opened now: entries, people who may cast, and area."""
    require(actor, Permission.VOTE_MANAGE, community_id)
    entries = await electorate.resolve(community_id, await electorate.check_scope(community_id, scope), kind)
    return Preview(len(entries), len({p for e in entries for p in e.voters}), sum(e.area_dm2 for e in entries))


SEARCH_MAX_CHARS = 32


def _words(search: str | None) -> str:
    return (search or "").strip()[:SEARCH_MAX_CHARS]


async def list_polls(actor: Actor, *, community_id: UUID, state: S | None, search: str | None, first: int,
                     after: str | None) -> Page[Poll]:
    """The community's polls, newest first, by state and by a part of the title."""
    require(actor, Permission.VOTE_MANAGE, community_id)
    query = Poll.filter(community_id=community_id)
    if state is not None:
        query = query.filter(state=state)
    if words := _words(search):
        query = query.filter(title__icontains=words)
    return await paginate(query, first=first, after=after, newest_first=True)


async def polls_for_me(actor: Actor, *, first: int, after: str | None) -> Page[Poll]:
    """Open, closed and published polls I am in the electorate of (or hold an authorisation in)."""
    me = actor.subject(ProxyScope.VOTE)
    mine = Q(id__in=Subquery(ElectorateVoter.filter(person_id=me).values("poll_id")))
    if not actor.is_proxy:
        mine |= Q(id__in=Subquery(VoteAuthorisation.filter(agent_id=me).values("poll_id")))
    return await paginate(Poll.filter(mine), first=first, after=after, newest_first=True)


async def list_electorate(actor: Actor, *, poll_id: UUID, search: str | None, first: int,
                          after: str | None) -> Page[ElectorateEntry]:
    """The frozen snapshot, in the order it was taken, or its entries whose label (the address as it was,
    and per person the name) holds the search words."""
    poll = await get_poll_for_staff(actor, poll_id)
    query = ElectorateEntry.filter(poll_id=poll.id)
    if words := _words(search):
        query = query.filter(label__icontains=words)
    return await paginate(query, first=first, after=after)
