"""Messages between a seller and a neighbour through the mini-program's operations: the first message
opens the conversation, the seller answers in it, the live subscription hears the other party only
after the commit, a third neighbour can neither subscribe, read nor write; phone numbers are hidden;
a closed listing takes no messages; pages of messages and the conversation list with unread counts;
one push per conversation per ten minutes; the rate limit; bad input refused with nothing written."""

import asyncio
import contextlib
from datetime import timedelta

import httpx
import pytest
from graphql import get_named_type
from httpx_ws import aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport

from backend.api.schema import build_schema
from backend.audit.models import AuditEntry
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.ids import uuid7
from backend.core.outbox import OutboxMessage
from backend.core.settings import get_settings
from backend.market import chat
from backend.market.models import Conversation, Listing, Message
from backend.proxies.models import Proxy
from tests.integration.conftest import eventually
from tests.integration.market_helpers import published_listing
from tests.integration.test_subscriptions import _subscribers

LIVE = "subscription($c: ID!) { marketMessages(conversationId: $c) { body mine senderName } }"


@pytest.fixture
async def place(make_community, make_person):
    """A community of the test's own: a seller at home with a bike on sale, a buyer and a third neighbour."""
    made = await make_community(rooms=3)
    made.seller, made.buyer, made.third = [await make_person(made.community.id, ["RESIDENT"], room=room)
                                           for room in made.rooms]
    made.bike = await published_listing(made.seller, made.rooms[0])
    return made


async def send(api, person, body: str, *, listing=None, conversation: str | None = None) -> dict:
    await api.sign_in(person.handle)
    given = {"listingId": str(listing.id)} if listing is not None else {"conversationId": conversation}
    return (await api.op("MarketMessageSend", input={**given, "body": body}))["data"]["marketMessageSend"]


async def opened(api, place, body: str = "还在吗？周六可以来拿吗") -> str:
    sent = await send(api, place.buyer, body, listing=place.bike)
    assert sent["errors"] == [], sent
    return sent["message"]["conversationId"]


async def conversation(api, person, conversation_id: str, **variables) -> dict | None:
    await api.sign_in(person.handle)
    return (await api.op("MarketConversation", id=conversation_id, **variables))["data"]["marketConversation"]


@contextlib.asynccontextmanager
async def live(app, api, person, conversation_id: str):
    """`person`'s marketMessages subscription; yields the function awaiting its next message."""
    tokens = await api.sign_in(person.handle)
    async with (
        httpx.AsyncClient(transport=ASGIWebSocketTransport(app), base_url="http://test") as client,
        aconnect_ws("/graphql", client, subprotocols=["graphql-transport-ws"]) as ws,
    ):
        await ws.send_json({"type": "connection_init", "payload": {"authorization": f"Bearer {tokens['accessToken']}"}})
        assert (await ws.receive_json())["type"] == "connection_ack"
        await ws.send_json({"id": "m", "type": "subscribe", "payload": {"query": LIVE,
                                                                       "variables": {"c": conversation_id}}})

        async def next_message(wait_s: float = 20) -> dict:
            return await asyncio.wait_for(ws.receive_json(), timeout=wait_s)

        yield next_message


async def test_the_first_message_opens_a_conversation_the_seller_answers_live_after_the_commit(app, api, place):
    conversation_id = await opened(api, place)
    async with live(app, api, place.seller, conversation_id) as next_message:
        await eventually(lambda: _subscribers(chat.channel(conversation_id)))
        async with transaction():  # the request joins this transaction: nothing is told before it commits
            sent = await send(api, place.buyer, "我下午 3 点到", listing=place.bike)  # the same conversation
            assert sent["message"]["conversationId"] == conversation_id
            with pytest.raises(TimeoutError):
                await next_message(wait_s=1)
        heard = await next_message()
        assert heard["payload"]["data"]["marketMessages"] == {"body": "我下午 3 点到", "mine": False,
                                                              "senderName": place.buyer.display_name}
        answer = await send(api, place.seller, "好的，楼下见", conversation=conversation_id)
        assert answer["message"]["mine"] is True
        assert (await next_message())["payload"]["data"]["marketMessages"]["mine"] is True  # the seller's own
    assert await Conversation.filter(listing_id=place.bike.id).count() == 1

    page = await conversation(api, place.buyer, conversation_id)
    assert [(m["body"], m["mine"]) for m in page["messages"]] == [
        ("还在吗？周六可以来拿吗", True), ("我下午 3 点到", True), ("好的，楼下见", False)]
    assert page["conversation"]["otherName"] == place.seller.display_name and page["hasEarlier"] is False


async def test_a_third_neighbour_cannot_subscribe_read_or_write(app, api, place):
    conversation_id = await opened(api, place)
    async with live(app, api, place.third, conversation_id) as next_message:
        refused = await next_message()
        assert refused["type"] in ("error", "next"), refused
        errors = refused["payload"] if refused["type"] == "error" else refused["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "NOT_FOUND", refused
    assert await conversation(api, place.third, conversation_id) is None
    written = await send(api, place.third, "我也想要", conversation=conversation_id)
    assert written["message"] is None and written["errors"][0]["code"] == "NOT_FOUND"
    assert await Message.filter(conversation_id=conversation_id).count() == 1
    await api.sign_in(place.third.handle)
    mine = await api.op("MarketConversations", communityId=str(place.community.id), first=20)
    assert mine["data"]["marketConversations"]["nodes"] == []


async def test_phone_numbers_are_hidden_and_no_market_type_has_a_phone(api, place):
    conversation_id = await opened(api, place, "我的电话 138 1234 5678，或者 +86-139-1234-5678，订单号 1381234567890")
    [stored] = await Message.filter(conversation_id=conversation_id).values_list("body", flat=True)
    assert stored == "我的电话 [手机号已隐藏]，或者 [手机号已隐藏]，订单号 1381234567890"
    schema = build_schema(get_settings())._schema
    market = [t for name, t in schema.type_map.items()
              if name.startswith(("Listing", "Market", "Lottery", "Reservation", "Seller")) and hasattr(t, "fields")]
    assert {t.name for t in market} >= {"Listing", "MarketMessage", "MarketConversation", "LotteryResult"}
    for t in market:
        assert not [f for f in t.fields if "phone" in f.lower()], t.name
        assert all(get_named_type(f.type).name != "PhoneNumber" for f in t.fields.values())


async def test_bad_messages_are_refused_and_nothing_is_written(api, place):
    conversation_id = await opened(api, place)
    for body, message in (("   ", "请输入留言内容"), ("字" * 501, "留言最多 500 个字")):
        answer = await send(api, place.buyer, body, conversation=conversation_id)
        assert answer["errors"][0]["message"] == message and answer["message"] is None
    assert (await send(api, place.buyer, "字" * 500, conversation=conversation_id))["errors"] == []
    own = await send(api, place.seller, "自己问自己", listing=place.bike)
    assert own["errors"][0]["message"] == "不能给自己发布的闲置留言"
    await api.sign_in(place.buyer.handle)
    neither = (await api.op("MarketMessageSend", input={"body": "你好"}))["data"]["marketMessageSend"]
    assert neither["errors"][0]["field"] == "conversationId"

    await Listing.filter(id=place.bike.id).update(state="CLOSED")
    for answer in (await send(api, place.buyer, "还卖吗", conversation=conversation_id),
                   await send(api, place.third, "还卖吗", listing=place.bike),
                   await send(api, place.seller, "已经卖了", conversation=conversation_id)):
        assert answer["errors"][0]["message"] == "该闲置已下架，不能再留言", answer
    assert await Message.filter(conversation__listing_id=place.bike.id).count() == 2
    assert await Conversation.filter(listing_id=place.bike.id).count() == 1


async def test_pages_of_messages_oldest_first_and_reading_clears_the_unread_count(api, place):
    conversation_id = await opened(api, place)
    start = clock.now()
    ids = sorted(uuid7() for _ in range(34))  # in the order written (ids made in one millisecond are not)
    for n, message_id in enumerate(ids):
        await Message.create(id=message_id, conversation_id=conversation_id, sender=place.seller, body=f"第{n}条",
                             created_at=start + timedelta(seconds=n + 1))
    await Conversation.filter(id=conversation_id).update(last_message_at=start + timedelta(seconds=34))

    await api.sign_in(place.buyer.handle)
    listed = (await api.op("MarketConversations", communityId=str(place.community.id), first=20)
              )["data"]["marketConversations"]
    assert [(n["unread"], n["lastMessage"], n["otherName"]) for n in listed["nodes"]] == [
        (34, "第33条", place.seller.display_name)]
    assert listed["totalCount"] == 1

    page = await conversation(api, place.buyer, conversation_id)
    assert [m["body"] for m in page["messages"]] == [f"第{n}条" for n in range(4, 34)]
    assert page["hasEarlier"] is True
    earlier = await conversation(api, place.buyer, conversation_id, before=page["messages"][0]["id"])
    assert [m["body"] for m in earlier["messages"]] == ["还在吗？周六可以来拿吗"] + [f"第{n}条" for n in range(4)]
    assert earlier["hasEarlier"] is False
    await api.sign_in(place.buyer.handle)
    too_many = await api.op("MarketConversation", id=conversation_id, last=51)
    assert too_many["errors"][0]["message"] == "每页条数须在 1 到 50 之间"

    listed = (await api.op("MarketConversations", communityId=str(place.community.id), first=20)
              )["data"]["marketConversations"]
    assert listed["nodes"][0]["unread"] == 0
    await api.sign_in(place.seller.handle)  # the seller has not read the buyer's
    listed = (await api.op("MarketConversations", communityId=str(place.community.id), first=20)
              )["data"]["marketConversations"]
    assert listed["nodes"][0]["unread"] == 1 and listed["nodes"][0]["otherName"] == place.buyer.display_name


async def test_conversations_are_listed_latest_first_and_paged(api, place):
    first_id = await opened(api, place)
    sent = await send(api, place.third, "自行车能便宜点吗", listing=place.bike)
    second_id = sent["message"]["conversationId"]
    await api.sign_in(place.seller.handle)
    page = (await api.op("MarketConversations", communityId=str(place.community.id), first=1)
            )["data"]["marketConversations"]
    assert [n["id"] for n in page["nodes"]] == [second_id] and page["pageInfo"]["hasNextPage"] is True
    rest = (await api.op("MarketConversations", communityId=str(place.community.id), first=1,
                         after=page["pageInfo"]["endCursor"]))["data"]["marketConversations"]
    assert [n["id"] for n in rest["nodes"]] == [first_id] and rest["pageInfo"]["hasNextPage"] is False
    assert (await send(api, place.seller, "可以", conversation=first_id))["errors"] == []
    await api.sign_in(place.seller.handle)
    again = (await api.op("MarketConversations", communityId=str(place.community.id), first=20)
             )["data"]["marketConversations"]
    assert [n["id"] for n in again["nodes"]] == [first_id, second_id]  # the latest message first


async def test_one_push_per_conversation_per_ten_minutes_and_the_rate_limit(api, place):
    conversation_id = await opened(api, place)

    async def pushes() -> int:
        return await OutboxMessage.filter(topic="notify.push", key__startswith=f"conversation:{conversation_id}:",
                                          payload__contains={"person_ids": [str(place.seller.id)]}).count()

    for _ in range(2):
        await send(api, place.buyer, "在吗", conversation=conversation_id)
    assert await pushes() == 1
    clock.advance(timedelta(minutes=11))
    await send(api, place.buyer, "在吗？", conversation=conversation_id)
    assert await pushes() == 2

    await api.sign_in(place.buyer.handle)
    answers = [(await api.op("MarketMessageSend", input={"conversationId": conversation_id, "body": f"{n}"})
                )["data"]["marketMessageSend"] for n in range(40)]
    limited = [a for a in answers if a["errors"]]
    assert limited and {a["errors"][0]["code"] for a in limited} == {"RATE_LIMITED"}
    assert await Message.filter(conversation_id=conversation_id).count() == 4 + 40 - len(limited)


async def test_racing_first_messages_share_one_conversation(api, place):
    token = (await api.sign_in(place.buyer.handle))["accessToken"]
    answers = await asyncio.gather(*(api.op("MarketMessageSend", token=token, input={
        "listingId": str(place.bike.id), "body": f"想要 {n}"}) for n in range(10)))
    assert all(a["data"]["marketMessageSend"]["errors"] == [] for a in answers)
    assert len({a["data"]["marketMessageSend"]["message"]["conversationId"] for a in answers}) == 1
    assert await Conversation.filter(listing_id=place.bike.id).count() == 1
    assert await Message.filter(conversation__listing_id=place.bike.id).count() == 10


async def test_a_relative_with_the_market_scope_writes_for_the_elder_and_it_is_in_their_history(api, place,
                                                                                               make_person):
    relative = await make_person(place.community.id, ["RESIDENT"])
    await Proxy.create(community=place.community, principal=place.buyer, agent=relative, scopes=["MARKET"],
                       evidence="同户家庭成员", valid_until=clock.now() + timedelta(days=30), granted_by=place.buyer)
    await api.sign_in(relative.handle)
    response = await api.http.post("/graphql", headers={"authorization": f"Bearer {api.token}",
                                                        "x-acting-for": str(place.buyer.id)},
                                   json={"query": """mutation($l: ID!) { marketMessageSend(input: {listingId: $l,
                                         body: "我替老人问一下"}) { message { mine senderName } errors { code } } }""",
                                         "variables": {"l": str(place.bike.id)}})
    sent = response.json()["data"]["marketMessageSend"]
    assert sent == {"message": {"mine": True, "senderName": place.buyer.display_name}, "errors": []}
    [entry] = await AuditEntry.filter(action="market.message_send", acting_for_id=place.buyer.id)
    assert entry.actor_id == relative.id and entry.after is None  # what was written stays between the two
