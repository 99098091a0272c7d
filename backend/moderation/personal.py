"""A person's part in moderation as personal data (backend/privacy asks): the reports they made and
their appeals are exported; on erasure, their notes and appeal texts are wiped, and so are the kept
originals of their content unless a moderator removed it (the record of a violation stays)."""

from uuid import UUID

from backend.core.text import ERASED_TEXT
from backend.moderation.models import ItemState, ModeratedItem, ModerationAppeal, ModerationReport

MAX_EXPORTED = 1000


async def export_moderation(person_id: UUID) -> dict:
    reports = await ModerationReport.filter(reporter_id=person_id).select_related("item").order_by("id") \
        .limit(MAX_EXPORTED)
    appeals = await ModerationAppeal.filter(author_id=person_id).order_by("id").limit(MAX_EXPORTED)
    return {
        "reports": [{"kind": r.item.kind, "target": str(r.item.target_id), "reason": r.reason, "note": r.note,
                     "at": r.created_at.isoformat()} for r in reports],
        "appeals": [{"text": a.text, "state": a.state, "at": a.created_at.isoformat()} for a in appeals],
    }


async def erase_moderation(tx, person_id: UUID) -> None:
    await ModerationReport.filter(reporter_id=person_id).exclude(note="").using_db(tx).update(note=ERASED_TEXT)
    await ModerationAppeal.filter(author_id=person_id).using_db(tx).update(text=ERASED_TEXT)
    await ModeratedItem.filter(author_id=person_id).exclude(state=ItemState.REMOVED).using_db(tx) \
        .update(original=ERASED_TEXT)
