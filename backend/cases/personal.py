"""A person's cases as personal data (backend/privacy asks): what they raised or had raised for them,
what they wrote on cases, and, on erasure, the same made anonymous. The cases stay, for the
community's record and its statistics; what the person wrote and the photos they gave do not."""

from uuid import UUID

from tortoise.expressions import Q

from backend.cases.models import Case, CaseConfirmation, CaseEntry, CaseEvent, CaseFollower, EntryKind, StreetSupervisor

MAX_EXPORTED = 1000  # cases, and entries, in one export
ERASED_TEXT = "（内容已随用户注销删除）"
# What a resident writes on a case; the handlers' entries on it are theirs.
RESIDENT_KINDS = (EntryKind.ANSWER, EntryKind.URGE, EntryKind.CONFIRM)


def _mine(person_id: UUID) -> Q:
    return Q(resident_id=person_id) | Q(raised_by_id=person_id)


def _written_by(person_id: UUID) -> Q:
    """By the person for themselves, or by a proxy for them (what they wrote as someone's proxy is
    that principal's)."""
    return Q(acting_for_id=person_id) | Q(author_id=person_id, acting_for_id=None)


async def export_cases(person_id: UUID) -> dict:
    cases = await Case.filter(_mine(person_id)).select_related("category").order_by("id").limit(MAX_EXPORTED)
    entries = await CaseEntry.filter(_written_by(person_id), internal=False) \
        .order_by("id").limit(MAX_EXPORTED)
    confirmations = await CaseConfirmation.filter(person_id=person_id).order_by("id").limit(MAX_EXPORTED)
    return {
        "cases": [{"id": str(c.id), "category": c.category.name, "text": c.text, "place": c.place_name,
                   "state": c.state, "channel": c.channel, "photos": c.photos,
                   "forMe": c.resident_id == person_id, "raisedByMe": c.raised_by_id == person_id,
                   "createdAt": c.created_at.isoformat()} for c in cases],
        "caseEntries": [{"case": str(e.case_id), "kind": e.kind, "body": e.body, "at": e.created_at.isoformat()}
                        for e in entries],
        "caseConfirmations": [{"case": str(c.case_id), "round": c.round, "outcome": c.outcome, "rating": c.rating,
                               "comment": c.comment, "at": c.created_at.isoformat()} for c in confirmations],
        "casesFollowed": [str(c) for c in await CaseFollower.filter(person_id=person_id).order_by("id")
                          .limit(MAX_EXPORTED).values_list("case_id", flat=True)],
        "streetsSupervised": [str(s) for s in await StreetSupervisor.filter(person_id=person_id)
                              .values_list("street_id", flat=True)],
    }


async def erase_cases(tx, person_id: UUID) -> None:
    """The text and photos of the cases raised for the person, what they wrote on any case and their
    confirmations' comments and reopening reasons are wiped; they follow nothing any more. States, times, places and
    ratings stay: the cases still count in the community's figures, of nobody in particular. A
    street supervisor stops being one."""
    await Case.filter(resident_id=person_id).using_db(tx).update(text=ERASED_TEXT, photos=[])
    await CaseEntry.filter(_written_by(person_id), kind__in=list(RESIDENT_KINDS)).using_db(tx).update(body=ERASED_TEXT)
    # The reason they gave when they reopened a case.
    own = await Case.filter(resident_id=person_id).using_db(tx).values_list("id", flat=True)
    await CaseEvent.filter(Q(acting_for_id=person_id) | Q(actor_id=person_id, acting_for_id=None), case_id__in=own,
                           reason__isnull=False).using_db(tx).update(reason=ERASED_TEXT)
    await CaseConfirmation.filter(person_id=person_id).using_db(tx).update(comment="")
    await CaseFollower.filter(person_id=person_id).using_db(tx).delete()
    await StreetSupervisor.filter(person_id=person_id).using_db(tx).delete()
