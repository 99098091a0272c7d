"""The 议事厅: residents propose, support and comment; the committee opens topics, responds, links a
poll (whose result shows on the topic as the voting module shows it) and closes them. Who may do what
is the service's (backend/deliberation)."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from backend.api.errors import UserError, attempt
from backend.api.ids import parse_uuid
from backend.api.pagination import Counted, PageInfo
from backend.api.voting import PollResult, PollState
from backend.core.errors import DomainError, ErrorCode
from backend.deliberation import service
from backend.deliberation.models import Topic as TopicModel
from backend.deliberation.models import TopicComment as CommentModel
from backend.deliberation.models import TopicState as TopicStateEnum

TopicState = strawberry.enum(TopicStateEnum, name="TopicState",
                             description="PROPOSED: a resident's proposal gathering supporting households; "
                             "AGENDA: an agenda item; CLOSED.")


def _id(value) -> strawberry.ID | None:
    return strawberry.ID(str(value)) if value is not None else None


@strawberry.type
class Topic:
    id: strawberry.ID
    state: TopicState
    title: str
    body: str
    proposed: bool = strawberry.field(description="A resident's proposal (else opened by the committee).")
    author_name: str
    supporters: int = strawberry.field(description="Supporting households, the proposer's included.")
    supporters_needed: int | None = strawberry.field(description="Households that make a proposal an agenda item.")
    agenda_at: datetime | None
    response: str | None = strawberry.field(description="The committee's official response.")
    responded_at: datetime | None
    poll_id: strawberry.ID | None
    hidden: bool = strawberry.field(description="Hidden by moderation: shown to its author and staff only.")
    closed_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, t: TopicModel) -> "Topic":
        return cls(id=_id(t.id), state=t.state, title=t.title, body=t.body, proposed=t.household_id is not None,
                   author_name=t.author.display_name, supporters=t.supporters, supporters_needed=t.supporters_needed,
                   agenda_at=t.agenda_at, response=t.response, responded_at=t.responded_at, poll_id=_id(t.poll_id),
                   hidden=t.hidden_at is not None, closed_at=t.closed_at, created_at=t.created_at)


async def _topic(t: TopicModel) -> Topic:
    await t.fetch_related("author")
    return Topic.of(t)


@strawberry.type
class TopicConnection(Counted):
    nodes: list[Topic]
    page_info: PageInfo


@strawberry.type(description="A comment, or a reply to one (parentId: its top-level comment; one level).")
class TopicComment:
    id: strawberry.ID
    parent_id: strawberry.ID | None
    body: str
    author_name: str
    hidden: bool = strawberry.field(description="Hidden by moderation: shown to its author and staff only.")
    at: datetime

    @classmethod
    def of(cls, c: CommentModel) -> "TopicComment":
        return cls(id=_id(c.id), parent_id=_id(c.parent_id), body=c.body, author_name=c.author.display_name,
                   hidden=c.hidden_at is not None, at=c.created_at)


@strawberry.type(description="The poll a topic leads to, with its result where the voting module shows it.")
class TopicPoll:
    id: strawberry.ID
    title: str
    state: PollState
    closes_at: datetime
    result: PollResult | None = strawberry.field(description="Null while the poll hides it from me (turnout only).")


@strawberry.type
class TopicDetail:
    topic: Topic
    comments: list[TopicComment] = strawberry.field(description=f"Oldest first, at most {service.MAX_COMMENTS}.")
    supported_by_my_household: bool
    poll: TopicPoll | None


@strawberry.input
class TopicInput:
    title: str
    body: str

    def draft(self) -> service.TopicDraft:
        return service.TopicDraft(title=self.title, body=self.body)


@strawberry.type
class DeliberationSettings:
    supporters_needed: int


@strawberry.type
class TopicPayload:
    topic: Topic | None
    errors: list[UserError]


@strawberry.type
class TopicCommentPayload:
    comment: TopicComment | None
    errors: list[UserError]


@strawberry.type
class DeliberationSettingsPayload:
    settings: DeliberationSettings | None
    errors: list[UserError]


async def _payload(call) -> TopicPayload:
    topic, errors = await attempt(call)
    return TopicPayload(topic=await _topic(topic) if topic else None, errors=errors)


@strawberry.type
class DeliberationQueries:
    @strawberry.field(description="A community's topics, newest first, by state and by a part of the title; "
                      "first ≤ 50. Its members see those not hidden (and their own); staff with "
                      "DELIBERATION_MANAGE all.")
    async def topics(self, info: Info, community_id: strawberry.ID, state: TopicState | None = None,
                     search: str | None = None, first: int = 20, after: str | None = None) -> TopicConnection:
        page = await service.list_topics(info.context.actor, community_id=parse_uuid(community_id), state=state,
                                         search=search, first=first, after=after)
        return TopicConnection(nodes=[Topic.of(t) for t in page.items], page_info=PageInfo.of(page), page=page)

    @strawberry.field(description="A topic with its comments and its linked poll, for the community's members "
                      "(not hidden, or their own) and staff.")
    async def topic(self, info: Info, id: strawberry.ID) -> TopicDetail | None:
        actor = info.context.actor
        try:
            view = await service.get_topic_for(actor, parse_uuid(id))
        except DomainError as error:
            if error.code != ErrorCode.NOT_FOUND:
                raise
            return None
        page = await service.page_of(view)
        poll = None
        if page.poll is not None:
            result = await service.poll_result(actor, page.poll)
            poll = TopicPoll(id=_id(page.poll.id), title=page.poll.title, state=page.poll.state,
                             closes_at=page.poll.closes_at, result=PollResult.of(result) if result else None)
        return TopicDetail(topic=await _topic(view.topic), comments=[TopicComment.of(c) for c in page.comments],
                           supported_by_my_household=page.supported, poll=poll)

    @strawberry.field(description="A community's deliberation settings. Needs DELIBERATION_MANAGE.")
    async def deliberation_settings(self, info: Info, community_id: strawberry.ID) -> DeliberationSettings:
        settings = await service.get_settings_for(info.context.actor, community_id=parse_uuid(community_id))
        return DeliberationSettings(supporters_needed=settings.supporters_needed)


@strawberry.type
class DeliberationMutations:
    @strawberry.mutation(description="Open a topic (an agenda item at once). Needs DELIBERATION_MANAGE.")
    async def topic_open(self, info: Info, community_id: strawberry.ID, input: TopicInput) -> TopicPayload:
        return await _payload(service.open_topic(info.context.actor, community_id=parse_uuid(community_id),
                                                 draft=input.draft()))

    @strawberry.mutation(description="Propose a topic, for my household (its first supporter); needs a verified "
                         "home in the community. Acting for someone: the DELIBERATION scope.")
    async def topic_propose(self, info: Info, community_id: strawberry.ID, input: TopicInput) -> TopicPayload:
        return await _payload(service.propose(info.context.actor, community_id=parse_uuid(community_id),
                                              draft=input.draft()))

    @strawberry.mutation(description="附议 a proposal, once per household; at the community's number of households "
                         "it becomes an agenda item.")
    async def topic_support(self, info: Info, id: strawberry.ID) -> TopicPayload:
        return await _payload(service.support(info.context.actor, topic_id=parse_uuid(id)))

    @strawberry.mutation(description="Comment on a topic, or reply to a comment (one level of replies).")
    async def topic_comment(self, info: Info, id: strawberry.ID, body: str,
                            parent_id: strawberry.ID | None = None) -> TopicCommentPayload:
        made, errors = await attempt(service.comment(
            info.context.actor, topic_id=parse_uuid(id), body=body,
            parent_id=parse_uuid(parent_id) if parent_id is not None else None))
        if made is not None:
            await made.fetch_related("author")
        return TopicCommentPayload(comment=TopicComment.of(made) if made else None, errors=errors)

    @strawberry.mutation(description="The committee's official response. Needs DELIBERATION_MANAGE.")
    async def topic_respond(self, info: Info, id: strawberry.ID, body: str) -> TopicPayload:
        return await _payload(service.respond(info.context.actor, topic_id=parse_uuid(id), body=body))

    @strawberry.mutation(description="Link a poll of the topic's community; its result shows on the topic. Needs "
                         "DELIBERATION_MANAGE.")
    async def topic_link_poll(self, info: Info, id: strawberry.ID, poll_id: strawberry.ID) -> TopicPayload:
        return await _payload(service.link_poll(info.context.actor, topic_id=parse_uuid(id),
                                                poll_id=parse_uuid(poll_id)))

    @strawberry.mutation(description="Close a topic. Needs DELIBERATION_MANAGE.")
    async def topic_close(self, info: Info, id: strawberry.ID) -> TopicPayload:
        return await _payload(service.close_topic(info.context.actor, topic_id=parse_uuid(id)))

    @strawberry.mutation(description="How many households make a proposal an agenda item (for new proposals). "
                         "Needs DELIBERATION_MANAGE.")
    async def deliberation_settings_update(self, info: Info, community_id: strawberry.ID,
                                           supporters_needed: int) -> DeliberationSettingsPayload:
        settings, errors = await attempt(service.update_settings(
            info.context.actor, community_id=parse_uuid(community_id), supporters_needed=supporters_needed))
        return DeliberationSettingsPayload(
            settings=DeliberationSettings(supporters_needed=settings.supporters_needed) if settings else None,
            errors=errors)
