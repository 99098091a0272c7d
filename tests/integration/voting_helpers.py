"""What the voting tests share: a community of their own with homes and owners, and polls built
through the console's operations."""

import uuid
from datetime import timedelta
from types import SimpleNamespace

from backend.core.actor import Actor
from backend.core.clock import clock
from backend.media.models import Upload
from backend.people.models import Person
from tests.integration.conftest import Api, build_community, build_person


async def build_place(rooms: int = 3, buildings: int = 2) -> SimpleNamespace:
    """`buildings` × `rooms` homes, each with an owner (and a head of household), and a committee member."""
    place = await build_community(buildings=buildings, rooms=rooms)
    place.committee = await build_person(place.community.id, ["COMMITTEE_STAFF"])
    place.owners = [await build_person(place.community.id, ["RESIDENT"], room=room) for room in place.rooms]
    return place


def poll_input(place, **extra) -> dict:
    return {"title": "是否更换电梯", "kind": "SINGLE", "items": [{"label": "同意"}, {"label": "反对"}],
            "electorate": "HOUSEHOLD", "scope": {"kind": "COMMUNITY"},
            "closesAt": (clock.now() + timedelta(days=7)).isoformat(), **extra}


async def open_poll(console: Api, place, **extra) -> dict:
    """A poll opened now; returns it as the console sees it."""
    await console.sign_in(place.committee.handle)
    created = await console.op("PollCreate", communityId=str(place.community.id), input=poll_input(place, **extra))
    assert created["data"]["pollCreate"]["errors"] == [], created
    opened = await console.op("PollOpen", id=created["data"]["pollCreate"]["poll"]["id"])
    assert opened["data"]["pollOpen"]["errors"] == [], opened
    return opened["data"]["pollOpen"]["poll"]


async def cast(api: Api, person: Person, poll_id: str, choices: list[str] | None = None, **extra) -> dict:
    await api.sign_in(person.handle)
    response = await api.op("BallotCast", pollId=poll_id, ballot={"choices": choices or ["i1"]}, **extra)
    return response["data"]["ballotCast"]


async def evidence(owner: Person) -> str:
    """A vote_evidence upload of `owner` (the media pipeline itself is tested in test_media)."""
    upload = await Upload.create(owner=owner, kind="vote_evidence", content_type="image/jpeg", size=1,
                                 sha256=uuid.uuid4().hex * 2, filename="选票.jpg")
    return str(upload.id)


def resident(person: Person) -> Actor:
    return Actor(person_id=person.id)
