"""A person's policy questions as personal data (backend/privacy asks): exported with their answers;
on erasure, the text of those not in the FAQ is wiped. A published question stays: the FAQ is the
community's and never shows who asked."""

from uuid import UUID

from backend.consult.models import Question
from backend.core.text import ERASED_TEXT

MAX_EXPORTED = 1000


async def export_questions(person_id: UUID) -> dict:
    questions = await Question.filter(asker_id=person_id).order_by("id").limit(MAX_EXPORTED)
    return {"questions": [{"id": str(q.id), "text": q.text, "state": q.state, "answer": q.answer,
                           "inFaq": q.published_at is not None, "askedAt": q.created_at.isoformat()}
                          for q in questions]}


async def erase_questions(tx, person_id: UUID) -> None:
    await Question.filter(asker_id=person_id, published_at=None).using_db(tx).update(text=ERASED_TEXT)
