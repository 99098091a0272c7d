"""The 议事厅 of a community: the committee opens topics, residents with a verified home propose them,
households support proposals until one becomes an agenda item, members comment (with one level of
replies), the committee responds officially, links a poll and closes the topic.

Who reaches a topic: the community's staff holding DELIBERATION_MANAGE (everything, hidden ones
too), and its members (or their proxy with the DELIBERATION scope): every topic and comment that
moderation has not hidden, and their own hidden ones. Out of reach is not-found."""

from dataclasses import dataclass
from uuid import UUID

from tortoise.expressions import Q

from backend.audit import service as audit
from backend.core.actor import Actor, ProxyScope
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate
from backend.core.permissions import Permission, has, require
from backend.core.text import required_text
from backend.deliberation.models import (
    DeliberationSettings,
    Topic,
    TopicComment,
    TopicState,
    TopicSupport,
)
from backend.deliberation.states import TOPIC_STATES
from backend.notify import service as notify
from backend.registry.models import Membership, PersonRoom, Role
from backend.voting import results
from backend.voting import service as voting
from backend.voting.models import Poll
from backend.voting.models import PollState as PollStateEnum

S = TopicState
MIN_SUPPORTERS, MAX_SUPPORTERS = 2, 500
MAX_OPEN_PROPOSALS = 3  # per household, gathering supporters at once
MAX_COMMENTS = 200  # a topic's comments shown, oldest first
SEARCH_MAX_CHARS = 32


def _not_found() -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, "找不到该议题")


@dataclass
class TopicDraft:
    title: str
    body: str


def _checked(draft: TopicDraft) -> tuple[str, str]:
    return (required_text(draft.title, "title", "标题", high=64),
            required_text(draft.body, "body", "内容", low=5, high=2000))


# --- Reach ---------------------------------------------------------------------------------------

@dataclass
class TopicView:
    topic: Topic
    as_staff: bool
    me: UUID  # the resident the caller speaks for (themselves as staff)


def _staff_of(actor: Actor, community_id: UUID) -> bool:
    return not actor.is_proxy and has(actor, Permission.DELIBERATION_MANAGE, community_id)


async def _member(person_id: UUID, community_id: UUID, *, tx=None) -> bool:
    query = Membership.filter(person_id=person_id, community_id=community_id)
    return await (query.using_db(tx) if tx else query).exists()


async def get_topic_for(actor: Actor, topic_id: UUID, *, tx=None, lock: bool = False) -> TopicView:
    query = Topic.filter(id=topic_id)
    if lock:
        query = query.select_for_update()
    topic = await (query.using_db(tx) if tx else query).first()
    if topic is None:
        raise _not_found()
    if _staff_of(actor, topic.community_id):
        return TopicView(topic, as_staff=True, me=actor.person_id)
    me = actor.subject(ProxyScope.DELIBERATION)
    if not await _member(me, topic.community_id, tx=tx) or (topic.hidden_at is not None and topic.author_id != me):
        raise _not_found()
    return TopicView(topic, as_staff=False, me=me)


async def get_topic_for_staff(actor: Actor, topic_id: UUID, *, tx=None, lock: bool = False) -> Topic:
    query = Topic.filter(id=topic_id)
    if lock:
        query = query.select_for_update()
    topic = await (query.using_db(tx) if tx else query).first()
    if topic is None or topic.community_id not in actor.roles:
        raise _not_found()
    require(actor, Permission.DELIBERATION_MANAGE, topic.community_id)
    return topic


async def household_of(person_id: UUID, community_id: UUID, *, tx=None) -> UUID | None:
    """The household a resident speaks for in the community: their first verified home there."""
    query = PersonRoom.filter(person_id=person_id, community_id=community_id, until=None).order_by("id").limit(1)
    found = await (query.using_db(tx) if tx else query).values_list("household_id", flat=True)
    return found[0] if found else None


# --- Settings ------------------------------------------------------------------------------------

async def settings_of(community_id: UUID, *, tx=None) -> DeliberationSettings:
    query = DeliberationSettings.filter(community_id=community_id)
    found = await (query.using_db(tx) if tx else query).first()
    return found or DeliberationSettings(community_id=community_id)


async def get_settings_for(actor: Actor, *, community_id: UUID) -> DeliberationSettings:
    require(actor, Permission.DELIBERATION_MANAGE, community_id)
    return await settings_of(community_id)


async def update_settings(actor: Actor, *, community_id: UUID, supporters_needed: int) -> DeliberationSettings:
    """How many households (the proposer's included) make a proposal an agenda item; for proposals
    made from now on (a proposal keeps the number it was made with)."""
    require(actor, Permission.DELIBERATION_MANAGE, community_id)
    if not MIN_SUPPORTERS <= supporters_needed <= MAX_SUPPORTERS:
        raise DomainError(ErrorCode.INVALID_INPUT, f"附议户数须为 {MIN_SUPPORTERS}–{MAX_SUPPORTERS} 户",
                          field="supportersNeeded")
    async with transaction() as tx:
        settings, _ = await DeliberationSettings.get_or_create(community_id=community_id, using_db=tx)
        before = settings.supporters_needed
        settings.supporters_needed = supporters_needed
        await settings.save(using_db=tx, update_fields=["supporters_needed"])
        await audit.record(tx, actor, "deliberation.settings_update", "community", community_id,
                           community_id=community_id, before={"supportersNeeded": before},
                           after={"supportersNeeded": supporters_needed})
    return settings


# --- Topics --------------------------------------------------------------------------------------

async def open_topic(actor: Actor, *, community_id: UUID, draft: TopicDraft) -> Topic:
    """A topic of the committee: an agenda item from the start."""
    require(actor, Permission.DELIBERATION_MANAGE, community_id)
    title, body = _checked(draft)
    async with transaction() as tx:
        topic = await Topic.create(community_id=community_id, author_id=actor.person_id, title=title, body=body,
                                   state=S.AGENDA, agenda_at=clock.now(), using_db=tx)
        await audit.record(tx, actor, "topic.open", "topic", topic.id, community_id=community_id,
                           after={"title": title})
    return topic


async def propose(actor: Actor, *, community_id: UUID, draft: TopicDraft) -> Topic:
    """A resident's proposal, for their household (which counts as its first supporter); it becomes an
    agenda item at the community's number of supporting households."""
    me = actor.subject(ProxyScope.DELIBERATION)
    title, body = _checked(draft)
    household_id = await household_of(me, community_id)
    if household_id is None:
        raise DomainError(ErrorCode.FORBIDDEN, "只有已认证住址的居民才能发起提议，请先认证住址")
    async with transaction() as tx:
        if await Topic.filter(household_id=household_id, state=S.PROPOSED).using_db(tx).count() \
                >= MAX_OPEN_PROPOSALS:
            raise DomainError(ErrorCode.INVALID_INPUT,
                              f"您家已有 {MAX_OPEN_PROPOSALS} 条正在征集附议的提议，请等它们有结果后再提")
        settings = await settings_of(community_id, tx=tx)
        topic = await Topic.create(community_id=community_id, author_id=me, household_id=household_id, title=title,
                                   body=body, state=S.PROPOSED, supporters_needed=settings.supporters_needed,
                                   supporters=1, using_db=tx)
        await TopicSupport.create(topic=topic, household_id=household_id, person_id=me, using_db=tx)
        if actor.is_proxy:  # the topic itself records its author; the log, who typed it for them
            await audit.record(tx, actor, "topic.propose", "topic", topic.id, community_id=community_id,
                               after={"title": title})
    return topic


async def support(actor: Actor, *, topic_id: UUID) -> Topic:
    """附议, once per household. The support of the N-th household makes the proposal an agenda item;
    the topic row is locked, so concurrent supports count one by one and it flips exactly once."""
    async with transaction() as tx:
        view = await get_topic_for(actor, topic_id, tx=tx, lock=True)
        topic, me = view.topic, actor.subject(ProxyScope.DELIBERATION)
        household_id = await household_of(me, topic.community_id, tx=tx)
        if household_id is None:
            raise DomainError(ErrorCode.FORBIDDEN, "只有已认证住址的居民才能附议，请先认证住址")
        if topic.hidden_at is not None:
            raise DomainError(ErrorCode.INVALID_INPUT, "该议题已被隐藏，暂不能附议")
        if topic.state is not S.PROPOSED:
            raise DomainError(ErrorCode.INVALID_INPUT, "该议题已列入议程，无需再附议" if topic.state is S.AGENDA
                              else "该议题已结束，不能再附议")
        if household_id == topic.household_id:
            raise DomainError(ErrorCode.INVALID_INPUT, "这是您家发起的提议，已计为一户附议")
        if await TopicSupport.filter(topic_id=topic.id, household_id=household_id).using_db(tx).exists():
            raise DomainError(ErrorCode.INVALID_INPUT, "您家已附议过该提议（每户一次）")
        await TopicSupport.create(topic_id=topic.id, household_id=household_id, person_id=me, using_db=tx)
        topic.supporters += 1
        if topic.supporters >= topic.supporters_needed:
            topic.agenda_at = clock.now()
            await TOPIC_STATES.move(tx, topic, S.AGENDA, actor=actor,
                                    reason=f"已获得 {topic.supporters} 户附议")
            await _tell(tx, topic, [topic.author_id, *await _committee(tx, topic)],
                        title=f"居民提议「{topic.title}」已获得 {topic.supporters} 户附议，列入议程",
                        key=f"topic:{topic.id}:agenda")
        else:
            await topic.save(using_db=tx, update_fields=["supporters"])
        if actor.is_proxy:
            await audit.record(tx, actor, "topic.support", "topic", topic.id, community_id=topic.community_id)
    return topic


async def comment(actor: Actor, *, topic_id: UUID, body: str, parent_id: UUID | None = None) -> TopicComment:
    """A comment on a topic, or a reply to one (a reply to a reply joins the same top-level comment:
    one level of replies)."""
    body = required_text(body, "body", "评论内容", low=1)
    async with transaction() as tx:
        view = await get_topic_for(actor, topic_id, tx=tx)
        topic = view.topic
        if topic.hidden_at is not None:
            raise DomainError(ErrorCode.INVALID_INPUT, "该议题已被隐藏，暂不能评论")
        if topic.state is S.CLOSED:
            raise DomainError(ErrorCode.INVALID_INPUT, "该议题已结束，不能再评论")
        parent = None
        if parent_id is not None:
            parent = await _comments_seen(view).filter(id=parent_id).using_db(tx).first()
            if parent is None:
                raise DomainError(ErrorCode.NOT_FOUND, "找不到要回复的评论", field="parentId")
        made = await TopicComment.create(topic_id=topic.id, author_id=view.me, body=body, using_db=tx,
                                         parent_id=(parent.parent_id or parent.id) if parent else None)
        if parent is not None and parent.author_id != view.me:
            await _tell(tx, topic, [parent.author_id], title=f"有人回复了您在「{topic.title}」下的评论",
                        key=f"topic:{topic.id}:reply:{made.id}")
        if actor.is_proxy:
            await audit.record(tx, actor, "topic.comment", "topic_comment", made.id,
                               community_id=topic.community_id)
    return made


async def respond(actor: Actor, *, topic_id: UUID, body: str) -> Topic:
    """The committee's official response (a new one replaces it); its proposer and supporters hear of it."""
    body = required_text(body, "body", "官方回应", high=2000)
    async with transaction() as tx:
        topic = await get_topic_for_staff(actor, topic_id, tx=tx, lock=True)
        before = topic.response
        topic.response, topic.responded_by_id, topic.responded_at = body, actor.person_id, clock.now()
        await topic.save(using_db=tx, update_fields=["response", "responded_by_id", "responded_at"])
        supporters = await TopicSupport.filter(topic_id=topic.id).using_db(tx).values_list("person_id", flat=True)
        await _tell(tx, topic, [topic.author_id, *supporters], title=f"议题「{topic.title}」有了官方回应",
                    key=f"topic:{topic.id}:response:{topic.responded_at.isoformat()}")
        await audit.record(tx, actor, "topic.respond", "topic", topic.id, community_id=topic.community_id,
                           before={"response": before}, after={"response": body})
    return topic


async def link_poll(actor: Actor, *, topic_id: UUID, poll_id: UUID) -> Topic:
    """The poll of the voting module (of the topic's community) the topic leads to."""
    async with transaction() as tx:
        topic = await get_topic_for_staff(actor, topic_id, tx=tx, lock=True)
        if topic.state is S.CLOSED:
            raise DomainError(ErrorCode.INVALID_INPUT, "已结束的议题不能再关联投票")
        poll = await Poll.filter(id=poll_id, community_id=topic.community_id).using_db(tx).first()
        if poll is None:
            raise DomainError(ErrorCode.NOT_FOUND, "找不到本社区的该投票", field="pollId")
        before = str(topic.poll_id) if topic.poll_id else None
        topic.poll_id = poll.id
        await topic.save(using_db=tx, update_fields=["poll_id"])
        await audit.record(tx, actor, "topic.link_poll", "topic", topic.id, community_id=topic.community_id,
                           before={"poll": before}, after={"poll": str(poll.id), "title": poll.title})
    return topic


async def close_topic(actor: Actor, *, topic_id: UUID) -> Topic:
    async with transaction() as tx:
        topic = await get_topic_for_staff(actor, topic_id, tx=tx, lock=True)
        topic.closed_at = clock.now()
        await TOPIC_STATES.move(tx, topic, S.CLOSED, actor=actor)
        await audit.record(tx, actor, "topic.close", "topic", topic.id, community_id=topic.community_id)
    return topic


async def _committee(tx, topic: Topic) -> list[UUID]:
    return list(await Membership.filter(community_id=topic.community_id, role=Role.COMMITTEE_STAFF).using_db(tx)
                .distinct().values_list("person_id", flat=True))


async def _tell(tx, topic: Topic, person_ids: list[UUID], *, title: str, key: str) -> None:
    people = list(dict.fromkeys(person_ids))
    await notify.deliver_many(tx, person_ids=people, kind="topic", title=title, body=f"topic:{topic.id}",
                              key_prefix=key)
    await notify.queue_push(tx, person_ids=people, kind="topic", title=title, body=topic.title, key_prefix=key,
                            page=f"cases/pages/topic/index?id={topic.id}")


# --- Lists and the page of a topic ---------------------------------------------------------------

async def list_topics(actor: Actor, *, community_id: UUID, state: TopicState | None, search: str | None,
                      first: int, after: str | None) -> Page[Topic]:
    """A community's topics, newest first, by state and by a part of the title: for its staff all of
    them, for its members those not hidden (and their own)."""
    query = Topic.filter(community_id=community_id)
    if not _staff_of(actor, community_id):
        me = actor.subject(ProxyScope.DELIBERATION)
        if not await _member(me, community_id):
            raise DomainError(ErrorCode.NOT_FOUND, "找不到该社区")
        query = query.filter(Q(hidden_at=None) | Q(author_id=me))
    if state is not None:
        query = query.filter(state=state)
    if words := (search or "").strip()[:SEARCH_MAX_CHARS]:
        query = query.filter(title__icontains=words)
    return await paginate(query.select_related("author"), first=first, after=after, newest_first=True)


def _comments_seen(view: TopicView):
    query = TopicComment.filter(topic_id=view.topic.id)
    return query if view.as_staff else query.filter(Q(hidden_at=None) | Q(author_id=view.me))


@dataclass
class TopicPage:
    comments: list[TopicComment]
    supported: bool  # the viewer's household supports it (or proposed it)
    poll: Poll | None


async def page_of(view: TopicView) -> TopicPage:
    """What the topic's page shows the viewer: the comments they may see (oldest first), whether their
    household supports it, and the linked poll."""
    household_id = None if view.as_staff else await household_of(view.me, view.topic.community_id)
    return TopicPage(
        comments=await _comments_seen(view).select_related("author").order_by("id").limit(MAX_COMMENTS),
        supported=household_id is not None and await TopicSupport.filter(
            topic_id=view.topic.id, household_id=household_id).exists(),
        poll=await Poll.filter(id=view.topic.poll_id).first() if view.topic.poll_id else None,
    )


async def poll_result(actor: Actor, poll: Poll) -> results.PollResult | None:
    """The linked poll's result where the voting module shows it to the viewer (backend/voting/results:
    never a partial tally of a poll that hides it), and, while it is open, only to whom the poll itself
    shows it (its staff and electorate)."""
    if poll.state is PollStateEnum.OPEN:
        try:
            if not await voting.can_see(actor, poll):
                return None
        except DomainError:  # a proxy without the VOTE scope
            return None
    [result] = await results.results_of(actor, [poll])
    return result
