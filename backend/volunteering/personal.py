"""A person's volunteering as personal data (backend/privacy asks): their sign-ups with attendance
and approved hours, and their certificates, exported; on erasure the name kept in their certificates
is wiped (the sign-ups stay: the ledger's hours and points refer to them)."""

from uuid import UUID

from backend.volunteering.models import VolunteerCertificate, VolunteerSignup

MAX_EXPORTED = 1000
ERASED_NAME = "已注销用户"


def _at(value) -> str | None:
    return value.isoformat() if value else None


async def export_volunteering(person_id: UUID) -> dict:
    signups = await VolunteerSignup.filter(person_id=person_id).select_related("activity").order_by("id"
                                                                                              ).limit(MAX_EXPORTED)
    certificates = await VolunteerCertificate.filter(person_id=person_id).order_by("id").limit(MAX_EXPORTED)
    return {
        "volunteerSignups": [{"activity": s.activity.title, "state": s.state, "checkedInAt": _at(s.checked_in_at),
                              "checkedOutAt": _at(s.checked_out_at), "approvedMinutes": s.approved_minutes,
                              "points": s.points, "signedUpAt": s.created_at.isoformat()} for s in signups],
        "volunteerCertificates": [{"code": c.code, "totalMinutes": c.total_minutes, "issuedAt": c.issued_at.isoformat(),
                                   "records": c.records} for c in certificates],
    }


async def erase_volunteering(tx, person_id: UUID) -> None:
    await VolunteerCertificate.filter(person_id=person_id).using_db(tx).update(person_name=ERASED_NAME)
