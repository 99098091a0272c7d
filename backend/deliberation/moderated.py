"""What moderation needs of the 议事厅, without this package knowing of moderation (it registers these
two in its own wiring): the reported content (its community, author and text), and hiding it.

Kinds: "TOPIC" (a topic or proposal: its title and body) and "COMMENT" (a comment or reply)."""

from typing import NamedTuple
from uuid import UUID

from backend.core.clock import clock
from backend.core.errors import DomainError, ErrorCode
from backend.deliberation.models import Topic, TopicComment

KINDS = ("TOPIC", "COMMENT")


class Target(NamedTuple):
    community_id: UUID
    author_person_id: UUID
    text: str


def _model(kind: str):
    if kind not in KINDS:
        raise ValueError(f"not a deliberation kind: {kind}")
    return Topic if kind == "TOPIC" else TopicComment


async def target(kind: str, target_id: UUID) -> Target:
    """The content reported; not-found (in Chinese) when there is none."""
    if _model(kind) is Topic:
        topic = await Topic.filter(id=target_id).first()
        if topic is not None:
            return Target(topic.community_id, topic.author_id, f"{topic.title}\n{topic.body}")
    else:
        found = await TopicComment.filter(id=target_id).select_related("topic").first()
        if found is not None:
            return Target(found.topic.community_id, found.author_id, found.body)
    raise DomainError(ErrorCode.NOT_FOUND, "找不到该内容")


async def set_hidden(tx, kind: str, target_id: UUID, hidden: bool) -> None:
    """Hide the content from everyone but its author and staff, or show it again, in the caller's
    transaction (the original is never changed)."""
    await _model(kind).filter(id=target_id).using_db(tx).update(hidden_at=clock.now() if hidden else None)
