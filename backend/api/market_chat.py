"""Messages between a listing's seller and a neighbour (留言): sending, the conversation list, one
conversation's page (which marks it read) and the live messages (backend/market/chat.py)."""

from collections.abc import AsyncGenerator
from datetime import datetime
from uuid import UUID

import strawberry
from strawberry.types import Info

from backend.api.errors import UserError, attempt
from backend.api.ids import parse_uuid
from backend.api.market_types import Listing
from backend.api.pagination import Counted, PageInfo
from backend.core.errors import DomainError, ErrorCode
from backend.market import access, chat
from backend.market.models import Conversation as ConversationModel
from backend.market.models import Message as MessageModel


@strawberry.type
class MarketMessage:
    id: strawberry.ID
    conversation_id: strawberry.ID
    body: str = strawberry.field(description="Phone numbers in it read [手机号已隐藏].")
    mine: bool = strawberry.field(description="I (or my principal) sent it.")
    sender_name: str
    created_at: datetime

    @classmethod
    def of(cls, row: MessageModel, me: UUID | None) -> "MarketMessage":
        return cls(id=strawberry.ID(str(row.id)), conversation_id=strawberry.ID(str(row.conversation_id)),
                   body=row.body, mine=row.sender_id == me, sender_name=row.sender.display_name,
                   created_at=row.created_at)


@strawberry.type
class MarketMessagePayload:
    message: MarketMessage | None
    errors: list[UserError]


@strawberry.input(description="listingId for a neighbour's first message about a listing; conversationId after.")
class MarketMessageInput:
    listing_id: strawberry.ID | None = None
    conversation_id: strawberry.ID | None = None
    body: str = strawberry.field(description="1–500 characters.")


@strawberry.type
class MarketConversation:
    row: strawberry.Private[ConversationModel]
    me: strawberry.Private[UUID]
    id: strawberry.ID
    listing: Listing
    other_name: str = strawberry.field(description="The other party's display name.")
    last_message_at: datetime | None

    @classmethod
    def of(cls, row: ConversationModel, me: UUID) -> "MarketConversation":
        seller = row.listing.seller
        other = row.buyer if seller.id == me else seller
        return cls(row=row, me=me, id=strawberry.ID(str(row.id)), listing=Listing.of(row.listing, me),
                   other_name=other.display_name, last_message_at=row.last_message_at)

    async def _summary(self, info: Info) -> chat.Summary:
        me = self.me
        return await info.context.loader(f"market.conversations:{me}", lambda rows: chat.summaries(me, rows)
                                         ).load(self.row)

    @strawberry.field
    async def last_message(self, info: Info) -> str | None:
        return (await self._summary(info)).last_message

    @strawberry.field(description="The other's messages I have not read.")
    async def unread(self, info: Info) -> int:
        return (await self._summary(info)).unread


@strawberry.type
class MarketConversationConnection(Counted):
    nodes: list[MarketConversation]
    page_info: PageInfo


@strawberry.type
class MarketConversationPage:
    conversation: MarketConversation
    messages: list[MarketMessage] = strawberry.field(description="Oldest first.")
    has_earlier: bool = strawberry.field(description="Older messages: ask again with before = the first one's id.")


@strawberry.type
class MarketChatQueries:
    @strawberry.field(description="My conversations in the community, as buyer or seller, latest message first; "
                      "first ≤ 50.")
    async def market_conversations(self, info: Info, community_id: strawberry.ID, first: int = 20,
                                   after: str | None = None) -> MarketConversationConnection:
        page = await chat.my_conversations(info.context.actor, community_id=parse_uuid(community_id), first=first,
                                           after=after)
        me = access.viewer(info.context.actor)
        return MarketConversationConnection(nodes=[MarketConversation.of(row, me) for row in page.items],
                                            page_info=PageInfo.of(page), page=page)

    @strawberry.field(description="One of my conversations: its last messages (before the message `before`), "
                      "oldest first, last ≤ 50; marks the other's messages read. Null if not mine.")
    async def market_conversation(self, info: Info, id: strawberry.ID, before: str | None = None,
                                  last: int = 30) -> MarketConversationPage | None:
        try:
            page = await chat.read_conversation(info.context.actor, conversation_id=parse_uuid(id), before=before,
                                                last=last)
        except DomainError as error:
            if error.code != ErrorCode.NOT_FOUND:
                raise
            return None
        return MarketConversationPage(conversation=MarketConversation.of(page.conversation, page.me),
                                      messages=[MarketMessage.of(m, page.me) for m in page.messages],
                                      has_earlier=page.has_earlier)


@strawberry.type
class MarketChatMutations:
    @strawberry.mutation(description="Send a message: a neighbour's first about a listing with listingId (opens "
                         "the conversation), then with conversationId; the seller answers with conversationId. "
                         "Only while the listing is published, reserved or handed over.")
    async def market_message_send(self, info: Info, input: MarketMessageInput) -> MarketMessagePayload:
        row, errors = await attempt(chat.send(
            info.context.actor, body=input.body,
            listing_id=parse_uuid(input.listing_id) if input.listing_id is not None else None,
            conversation_id=parse_uuid(input.conversation_id) if input.conversation_id is not None else None))
        return MarketMessagePayload(message=MarketMessage.of(row, row.sender_id) if row else None, errors=errors)


@strawberry.type
class MarketChatSubscriptions:
    @strawberry.subscription(description="A conversation's new messages, after they commit: for its two parties.")
    async def market_messages(self, info: Info, conversation_id: strawberry.ID) -> AsyncGenerator[MarketMessage, None]:
        async for message, me in chat.watch(info.context.actor, conversation_id=parse_uuid(conversation_id)):
            yield MarketMessage.of(message, me)
