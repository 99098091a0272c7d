"""Messages between a listing's seller and a neighbour (留言), for `actor.subject(ProxyScope.MARKET)`.

A conversation is one per listing and neighbour (the unique (listing, buyer) index): the neighbour's
first message, sent with the listing's id, opens it (or finds it), the seller answers in it. Only
those two read or write it. Bodies are 1–500 characters and anything like a mainland phone number
becomes [手机号已隐藏], so numbers are swapped at the handover, not in writing. Each message is
published on the conversation's channel after the commit (the live `marketMessages`), and the
recipient gets a push, at most one per conversation every ten minutes (no inbox message: the
conversation list's unread counts are the record)."""

import re
from dataclasses import dataclass
from functools import partial
from uuid import UUID

from tortoise.expressions import Q
from tortoise.functions import Count

from backend.audit import service as audit
from backend.core.actor import Actor, ProxyScope
from backend.core.bulk import insert_ignoring_conflicts
from backend.core.clock import clock
from backend.core.db import after_commit, transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.limits import MAX_PAGE_SIZE
from backend.core.pagination import Page, paginate_by
from backend.core.runtime import runtime
from backend.market import access, ratelimits
from backend.market.models import Conversation, Listing, ListingState, Message
from backend.market.views import LISTING_RELATED
from backend.notify import service as notify

MAX_BODY = 500
OPEN_STATES = (ListingState.PUBLISHED, ListingState.RESERVED, ListingState.HANDED_OVER)
PUSH_EVERY_S = 600  # one push per conversation per ten minutes
# A mainland mobile number, also written with +86 / 86 and spaces or dashes (138 1234 5678).
PHONE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)")
PHONE_HIDDEN = "[手机号已隐藏]"
CONVERSATION_RELATED = ("buyer", *(f"listing__{related}" for related in LISTING_RELATED))


def masked(body: str) -> str:
    return PHONE.sub(PHONE_HIDDEN, body)


def channel(conversation_id: UUID) -> str:
    return f"market:conversation:{conversation_id}"


def _not_found() -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, "找不到该会话", field="conversationId")


def _checked_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise DomainError(ErrorCode.INVALID_INPUT, "请输入留言内容", field="body")
    if len(body) > MAX_BODY:
        raise DomainError(ErrorCode.INVALID_INPUT, f"留言最多 {MAX_BODY} 个字", field="body")
    return masked(body)


def _check_open(listing: Listing) -> None:
    if listing.state not in OPEN_STATES or listing.hidden_at is not None:
        raise DomainError(ErrorCode.INVALID_INPUT, "该闲置已下架，不能再留言", field="body")


async def conversation_for(actor: Actor, conversation_id: UUID, *, tx=None) -> tuple[Conversation, UUID]:
    """The conversation with its listing, and me in it; not-found for anyone but its two parties (and
    for the neighbour once moderation hides the listing)."""
    me = actor.subject(ProxyScope.MARKET)
    query = Conversation.filter(id=conversation_id).select_related(*CONVERSATION_RELATED)
    conversation = await (query.using_db(tx) if tx else query).first()
    if conversation is None:
        raise _not_found()
    listing = conversation.listing
    if me not in (listing.seller_id, conversation.buyer_id) or (
            me != listing.seller_id and listing.hidden_at is not None):
        raise _not_found()
    if not await access.is_member(me, listing.community_id, tx=tx):
        raise _not_found()
    return conversation, me


async def _opened(tx, actor: Actor, listing_id: UUID) -> Conversation:
    """A neighbour's conversation about a listing, opened by their first message (or found)."""
    listing = await access.get_listing_for(actor, listing_id, tx=tx)
    me = await access.require_member(actor, listing.community_id, tx=tx)
    if listing.seller_id == me:
        raise DomainError(ErrorCode.INVALID_INPUT, "不能给自己发布的闲置留言", field="listingId")
    _check_open(listing)
    # One insert that skips the clash: two first messages at once share one conversation.
    await insert_ignoring_conflicts(tx, Conversation, [{"listing_id": listing.id, "buyer_id": me}])
    return await Conversation.filter(listing_id=listing.id, buyer_id=me).select_related(
        *CONVERSATION_RELATED).using_db(tx).get()


async def send(actor: Actor, *, listing_id: UUID | None, conversation_id: UUID | None, body: str) -> Message:
    body = _checked_body(body)
    if (listing_id is None) == (conversation_id is None):
        raise DomainError(ErrorCode.INVALID_INPUT, "请指定闲置（第一次留言）或会话", field="conversationId")
    async with transaction() as tx:
        if conversation_id is not None:
            conversation, _ = await conversation_for(actor, conversation_id, tx=tx)
            _check_open(conversation.listing)
        else:
            conversation = await _opened(tx, actor, listing_id)
        me = actor.subject(ProxyScope.MARKET)
        limit = ratelimits.MESSAGES
        await ratelimits.check("messages", me, limit, f"留言太频繁：每分钟最多 {limit[0]} 条，请稍后再试", "body")
        now = clock.now()
        message = await Message.create(conversation_id=conversation.id, sender_id=me, body=body, created_at=now,
                                       using_db=tx)
        await Conversation.filter(id=conversation.id).using_db(tx).update(last_message_at=now)
        listing = conversation.listing
        recipient = conversation.buyer_id if me == listing.seller_id else listing.seller_id
        bucket = int(now.timestamp()) // PUSH_EVERY_S
        await notify.queue_push(tx, person_ids=[recipient], kind="market.message", title=f"「{listing.title}」有新留言",
                                body=body[:60], key_prefix=f"conversation:{conversation.id}:{bucket}",
                                page=f"market/pages/chat/index?id={conversation.id}")
        if actor.is_proxy:  # the principal sees it in their history (not what was written)
            await audit.record(tx, actor, "market.message_send", "conversation", conversation.id,
                               community_id=listing.community_id)
        after_commit(tx, partial(runtime().pubsub.publish, channel(conversation.id), str(message.id)))
    return await Message.filter(id=message.id).select_related("sender").get()


async def watch(actor: Actor, *, conversation_id: UUID):
    """The conversation's new messages as they commit, for its two parties only (refused before
    subscribing), each with me as the subscriber."""
    conversation, me = await conversation_for(actor, conversation_id)
    async for message_id in runtime().pubsub.subscribe(channel(conversation.id)):
        message = await Message.filter(id=message_id, conversation_id=conversation.id).select_related(
            "sender").first()
        if message is not None:
            yield message, me


async def my_conversations(actor: Actor, *, community_id: UUID, first: int, after: str | None) -> Page[Conversation]:
    """Mine in the community, as the buyer or the seller, latest message first. A listing hidden by
    moderation leaves its neighbours' lists (its seller keeps the conversations)."""
    me = await access.require_member(actor, community_id)
    query = Conversation.filter(
        Q(listing__seller_id=me) | Q(buyer_id=me, listing__hidden_at=None), listing__community_id=community_id,
        last_message_at__isnull=False).select_related(*CONVERSATION_RELATED)
    return await paginate_by(query, ("last_message_at",), first=first, after=after, descending=True)


@dataclass
class Summary:
    last_message: str | None
    unread: int


async def summaries(me: UUID, conversations: list[Conversation]) -> list[Summary]:
    """Each conversation's last message and how many of the other's I have not read, in two statements."""
    ids = [c.id for c in conversations]
    unread = dict(await Message.filter(conversation_id__in=ids, read_at=None).exclude(sender_id=me).annotate(
        n=Count("id")).group_by("conversation_id").values_list("conversation_id", "n"))
    # A conversation's last message is the one written at its last_message_at (the same write).
    last = Q(*(Q(conversation_id=c.id, created_at=c.last_message_at) for c in conversations), join_type="OR")
    bodies = dict(await Message.filter(last).order_by("id").values_list("conversation_id", "body"))
    return [Summary(bodies.get(i), unread.get(i, 0)) for i in ids]


@dataclass
class ConversationPage:
    conversation: Conversation
    me: UUID
    messages: list[Message]  # oldest first
    has_earlier: bool


async def read_conversation(actor: Actor, *, conversation_id: UUID, before: str | None,
                            last: int) -> ConversationPage:
    """The last `last` messages (before the message whose id is `before`: the earliest one shown),
    oldest first; the other's messages in the conversation are marked read."""
    if not 1 <= last <= MAX_PAGE_SIZE:
        raise DomainError(ErrorCode.INVALID_INPUT, f"每页条数须在 1 到 {MAX_PAGE_SIZE} 之间", field="last")
    try:
        cursor = UUID(before) if before is not None else None
    except ValueError:
        raise DomainError(ErrorCode.INVALID_INPUT, "无效的分页游标", field="before") from None
    conversation, me = await conversation_for(actor, conversation_id)
    query = Message.filter(conversation_id=conversation.id).select_related("sender")
    if cursor is not None:
        query = query.filter(id__lt=cursor)
    rows = await query.order_by("-id").limit(last + 1)
    await Message.filter(conversation_id=conversation.id, read_at=None).exclude(sender_id=me).update(
        read_at=clock.now())
    return ConversationPage(conversation, me, list(reversed(rows[:last])), len(rows) > last)
