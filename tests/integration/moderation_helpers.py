"""A kind of content of the tests' own for moderation ("TEST_NOTE": notes held in memory, hidden and
shown through the kinds registry as a real kind is), and reported content arranged through the service
(reporting itself is tested through the API in test_moderation.py)."""

import uuid
from dataclasses import dataclass

from backend.core.actor import Actor
from backend.moderation import kinds, service
from backend.moderation.models import ModeratedItem, Reason

KIND = "TEST_NOTE"


@dataclass
class Note:
    community_id: uuid.UUID
    author_id: uuid.UUID
    text: str
    hidden: bool = False
    flips: int = 0  # how often moderation hid or showed it


NOTES: dict[uuid.UUID, Note] = {}


async def _resolve(target_id: uuid.UUID) -> kinds.Target | None:
    note = NOTES.get(target_id)
    return kinds.Target(note.community_id, note.author_id, note.text) if note else None


async def _set_hidden(tx, target_id: uuid.UUID, hidden: bool) -> None:
    NOTES[target_id].hidden = hidden
    NOTES[target_id].flips += 1


kinds.register(KIND, _resolve, _set_hidden)


def write_note(community_id: uuid.UUID, author_id: uuid.UUID, text: str = "楼下那家店卖假货，大家别去") -> uuid.UUID:
    note_id = uuid.uuid4()
    NOTES[note_id] = Note(community_id, author_id, text)
    return note_id


async def reported(note_id: uuid.UUID, reporters, reason: Reason = Reason.SPAM) -> ModeratedItem:
    for person in reporters:
        await service.report(Actor(person_id=person.id), kind=KIND, target_id=note_id, reason=reason)
    return await ModeratedItem.get(kind=KIND, target_id=note_id)
