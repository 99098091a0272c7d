"""Compiled operations answer exactly what the general (strawberry) path answers: the Feed, the
unread count and the Inbox, for random notices, read states, expiry, paging, acting-for and bad
input (first 0 or 51, forged cursors, acting for someone who never granted it); and the direct
BallotCast, for ballots accepted and refused."""

import uuid
from datetime import timedelta

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.app import create_app
from backend.core.clock import clock
from backend.core.settings import get_settings, use_settings
from backend.notices.models import Notice, NoticeRecipient
from backend.notify.models import InboxMessage
from backend.proxies.models import Proxy
from backend.voting.models import BallotContent
from tests.integration.conftest import Api, build_community, build_person
from tests.integration.voting_helpers import build_place, open_poll

NOTICE = st.fixed_dictionaries({
    "state": st.sampled_from(["PUBLISHED", "PUBLISHED", "ARCHIVED", "DRAFT"]),
    "pinned": st.booleans(), "must_acknowledge": st.booleans(),
    "importance": st.sampled_from(["NORMAL", "IMPORTANT", "URGENT"]),
    "expires": st.sampled_from([None, -1, 1]), "read": st.booleans(), "acknowledged": st.booleans(),
    "whole_second": st.booleans(),
})
FIRST = st.one_of(st.integers(1, 50), st.sampled_from([0, 51, 3]))
AFTER = st.sampled_from(["none", "next", "forged", "padded"])
ACTING = st.sampled_from(["self", "proxy_with_notice", "proxy_without_notice", "stranger"])


@pytest.fixture
async def general(app):
    """The same endpoint with compilation off: the reference answer."""
    original = get_settings()
    reference = create_app(original.model_copy(update={"compiled_operations": False}))
    use_settings(original)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(reference), base_url="http://test") as http:
        yield Api(http)


async def _world(notices: list[dict], acting: str):
    place = await build_community()
    principal = await build_person(place.community.id, ["RESIDENT"])
    author = await build_person(place.community.id, ["RESIDENT"])
    now = clock.now()
    for spec in notices:
        at = now - timedelta(minutes=len(notices))
        at = at.replace(microsecond=0) if spec["whole_second"] else at
        notice = await Notice.create(
            community=place.community, author=author, title=f"通知{uuid.uuid4().hex[:4]}", body_html="<p>x</p>",
            category="物业", pinned=spec["pinned"], importance=spec["importance"],
            must_acknowledge=spec["must_acknowledge"], audience=[], state=spec["state"],
            published_at=at if spec["state"] != "DRAFT" else None,
            expires_at=None if spec["expires"] is None else now + timedelta(days=spec["expires"]))
        await NoticeRecipient.create(notice=notice, person=principal, read_at=at if spec["read"] else None,
                                     acknowledged_at=at if spec["acknowledged"] else None)
        await InboxMessage.create(person=principal, kind="notice", title=notice.title, body="正文",
                                  delivery_key=uuid.uuid4().hex, read_at=at if spec["read"] else None)
    caller, acting_for = principal, None
    if acting != "self":
        caller = await build_person(place.community.id, ["RESIDENT"])
        acting_for = str(principal.id)
        if acting != "stranger":
            await Proxy.create(community=place.community, principal=principal, agent=caller,
                               scopes=["NOTICE"] if acting == "proxy_with_notice" else ["ORDER"],
                               evidence="same household", valid_until=now + timedelta(days=1), granted_by=principal)
    return caller, acting_for


async def _both(api: Api, general: Api, name: str, **variables) -> dict:
    compiled_answer = await api.op(name, **variables)
    general_answer = await general.op(name, **variables)
    assert compiled_answer == general_answer, (name, variables)
    return compiled_answer


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(notices=st.lists(NOTICE, max_size=12), first=FIRST, after=AFTER, acting=ACTING)
async def test_compiled_answers_equal_the_general_path(api, general, notices, first, after, acting):
    caller, acting_for = await _world(notices, acting)
    tokens = await api.sign_in(caller.handle)
    general.token = tokens["accessToken"]
    for client in (api, general):
        client.http.headers.pop("x-acting-for", None)
        if acting_for:
            client.http.headers["x-acting-for"] = acting_for
    await _both(api, general, "FeedUnreadCount")
    for name, connection in (("Feed", lambda d: d["feed"]), ("Inbox", lambda d: (d["viewer"] or {}).get("inbox"))):
        page = await _both(api, general, name, first=first)
        cursor = None
        if after == "next" and page.get("data") and connection(page["data"]):
            found = connection(page["data"])
            cursor = (found.get("latest") or found)["pageInfo"]["endCursor"]
        elif after == "forged":
            cursor = "not-a-cursor!"
        elif after == "padded":
            cursor = "AAAAAAAAAAAAAAAAAAAAAA=="
        if cursor is not None:
            await _both(api, general, name, first=first, after=cursor)


async def test_a_compiled_feed_is_one_sql_statement(api, sql_statements):
    """Counted: every statement the app sends through tortoise's asyncpg client while the request
    runs (authentication's own queries included)."""
    caller, _ = await _world([{"state": "PUBLISHED", "pinned": p, "must_acknowledge": False, "importance": "NORMAL",
                               "expires": None, "read": False, "acknowledged": False, "whole_second": False}
                              for p in (True, False, False)], "self")
    await api.sign_in(caller.handle)
    with sql_statements() as statements:
        answer = await api.op("Feed", first=20)
    assert len(answer["data"]["feed"]["pinned"]) == 1 and len(answer["data"]["feed"]["latest"]["nodes"]) == 2
    data_statements = [s for s in statements if "notice_recipient" in s]
    assert len(data_statements) == 1, statements


def _cast_shape(answer: dict) -> dict:
    """A BallotCast answer with its random receipt code and per-voter entry reduced to their presence."""
    payload = (answer.get("data") or {}).get("ballotCast")
    if not payload:
        return answer
    return {**answer, "data": {"ballotCast": {**payload, "receiptCode": bool(payload["receiptCode"]),
                                              "entryId": bool(payload["entryId"])}}}


async def test_a_direct_ballot_cast_answers_as_the_general_path(api, general, console):
    """Two owners in the same situation, one through each path: a first ballot, its retry, a wrong
    option, a motions ballot on a choice poll, a malformed poll id, someone outside the electorate,
    and a closed poll — every answer alike, and each accepted ballot stored as it was cast."""
    place = await build_place(rooms=4, buildings=2)
    poll = await open_poll(console, place)
    other = await open_poll(console, place)
    stranger = await build_person(place.community.id, ["RESIDENT"])
    for mine, theirs in ((place.owners[0], place.owners[1]), (place.owners[2], place.owners[3])):
        for client, person in ((api, mine), (general, theirs)):
            await client.sign_in(person.handle)
        cases = [dict(pollId=poll["id"], ballot={"choices": ["i2"]}),  # a first ballot, then its retry
                 dict(pollId=poll["id"], ballot={"choices": ["i2"]}),
                 dict(pollId=other["id"], ballot={"choices": ["i9"]}),
                 dict(pollId=other["id"], ballot={"motions": [{"key": "i1", "answer": "YES"}]}),
                 dict(pollId="not-an-id", ballot={"choices": ["i1"]})]
        for variables in cases:
            compiled_answer, general_answer = (await api.op("BallotCast", **variables),
                                               await general.op("BallotCast", **variables))
            assert _cast_shape(compiled_answer) == _cast_shape(general_answer), variables
    for client in (api, general):
        await client.sign_in(stranger.handle)
    await _both(api, general, "BallotCast", pollId=poll["id"], ballot={"choices": ["i1"]})
    await console.op("PollClose", id=other["id"])
    for client, person in ((api, place.owners[4]), (general, place.owners[5])):
        await client.sign_in(person.handle)
    await _both(api, general, "BallotCast", pollId=other["id"], ballot={"choices": ["i1"]})
    stored = await BallotContent.filter(poll_id=poll["id"]).values_list("answer", flat=True)
    assert stored == [{"choices": ["i2"]}] * 4
