"""What a person wrote in the 议事厅 as personal data (backend/privacy asks): their proposals, comments
and supports are exported; on erasure their comments and the bodies of their proposals are wiped.
Titles, states and support counts stay: an agenda item is the community's record."""

from uuid import UUID

from backend.core.text import ERASED_TEXT
from backend.deliberation.models import Topic, TopicComment, TopicSupport

MAX_EXPORTED = 1000


async def export_deliberation(person_id: UUID) -> dict:
    topics = await Topic.filter(author_id=person_id).order_by("id").limit(MAX_EXPORTED)
    comments = await TopicComment.filter(author_id=person_id).order_by("id").limit(MAX_EXPORTED)
    supported = await TopicSupport.filter(person_id=person_id).order_by("id").limit(MAX_EXPORTED) \
        .values_list("topic_id", flat=True)
    return {
        "topics": [{"id": str(t.id), "title": t.title, "body": t.body, "state": t.state,
                    "createdAt": t.created_at.isoformat()} for t in topics],
        "topicComments": [{"topic": str(c.topic_id), "body": c.body, "at": c.created_at.isoformat()}
                          for c in comments],
        "topicsSupported": [str(t) for t in supported],
    }


async def erase_deliberation(tx, person_id: UUID) -> None:
    await TopicComment.filter(author_id=person_id).using_db(tx).update(body=ERASED_TEXT)
    await Topic.filter(author_id=person_id).using_db(tx).update(body=ERASED_TEXT)
