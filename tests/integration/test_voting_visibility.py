"""Before a poll closes (results AFTER_CLOSE, or SECRET), no operation shows how it is going: every
poll-related query and subscription of the schema (Poll.result included), asked by staff and by a
voter, answers the same for two polls that differ only in what was voted. Only turnout may show, and it
is the same."""

import re

import pytest
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, get_named_type

from backend.api.schema import build_schema
from backend.core.settings import get_settings
from tests.integration.test_authorization_matrix import Caller
from tests.integration.voting_helpers import build_place, cast, open_poll

RELATED = re.compile(r"poll|ballot", re.IGNORECASE)
# ballotReceipt shows one's own ballot to whoever holds its receipt code: not a tally, and
# different by design between the two polls.
OWN_BALLOT = {"ballotReceipt"}
ARGUMENTS = {"id": "{poll}", "pollId": "{poll}", "communityId": "{community}", "first": "50",
             "electorate": "HOUSEHOLD", "scope": "{kind: COMMUNITY}"}
# What differs between two polls made a moment apart: their ids and their times.
IDS_AND_TIMES = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
                           r"|\d{4}-\d\d-\d\dT[\d:.]+\+00:00")


def _canonical(value) -> str:
    """The answer with ids, times and cursors blanked and lists in a fixed order."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_canonical(v)}" for k, v in sorted(value.items()) if k != "endCursor") + "}"
    if isinstance(value, list):
        return "[" + ", ".join(sorted(_canonical(v) for v in value)) + "]"
    return IDS_AND_TIMES.sub("…", repr(value))


def _selection(graphql_type, depth: int = 0) -> str:
    """Every field without required arguments, down to scalars (three levels)."""
    named = get_named_type(graphql_type)
    if not isinstance(named, GraphQLObjectType):
        return ""
    fields = []
    for name, field in named.fields.items():
        if any(isinstance(a.type, GraphQLNonNull) for a in field.args.values()):
            continue
        inner = get_named_type(field.type)
        if isinstance(inner, GraphQLObjectType):
            if depth < 3:
                fields.append(f"{name} {{ {_selection(field.type, depth + 1)} }}")
        else:
            fields.append(name)
    return " ".join(fields)


def documents() -> dict[str, str]:
    schema = build_schema(get_settings())._schema
    found = {}
    for root, keyword in ((schema.query_type, "query"), (schema.subscription_type, "subscription")):
        for name, field in root.fields.items():
            if not RELATED.search(name) or name in OWN_BALLOT:
                continue
            args = ", ".join(f"{a}: {ARGUMENTS[a]}" for a in field.args if a in ARGUMENTS)
            assert all(a in ARGUMENTS for a, f in field.args.items() if isinstance(f.type, GraphQLNonNull)), name
            selection = _selection(field.type if not isinstance(field.type, GraphQLList) else field.type.of_type)
            body = f"{name}({args})" if args else name
            found[name] = f"{keyword} {{ {body} {{ {selection} }} }}" if selection else f"{keyword} {{ {body} }}"
    return found


def test_the_walk_covers_every_poll_query_and_subscription():
    walked = documents()
    assert {"poll", "polls", "pollsForMe", "pollElectorate", "pollTurnout", "livePollTurnout", "pollLog",
            "pollLogCheck"} <= walked.keys()
    assert "result { outcome passed quorumMet steps { text met }" in walked["poll"]  # and every field below


@pytest.mark.parametrize("mode", [{"results": "AFTER_CLOSE"}, {"secrecy": "SECRET", "results": "LIVE"}])
async def test_no_operation_shows_partial_results_before_close(app, api, console, mode):
    place = await build_place(rooms=3, buildings=1)
    polls = [await open_poll(console, place, **mode) for _ in range(2)]
    for poll, choice in zip(polls, ("i1", "i2"), strict=True):
        for owner in place.owners[:2]:
            assert (await cast(api, owner, poll["id"], [choice]))["errors"] == []
    answers = {}
    for who in (place.committee, place.owners[0]):
        token = (await api.sign_in(who.handle))["accessToken"]
        caller = Caller(app, api.http, token)
        for name, document in documents().items():
            seen = []
            for poll in polls:
                response = await caller.run(document.replace("{poll}", f'"{poll["id"]}"')
                                            .replace("{community}", f'"{place.community.id}"'), {})
                seen.append(_canonical(response))
            answers[who.handle, name] = seen
            assert seen[0] == seen[1], f"{name} as {who.display_name} differs by the votes cast: {seen}"
    # The walk asked real questions: the staff saw the turnout, and the voter their poll.
    assert "participated: 2" in answers[place.committee.handle, "pollTurnout"][0]
    assert "voted: True" in answers[place.owners[0].handle, "poll"][0]
    assert all("result: None" in answers[who.handle, "poll"][0] for who in (place.committee, place.owners[0]))
