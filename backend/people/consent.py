"""Whether a person agreed to the current privacy notice; recording it is privacy.record_consent."""

from uuid import UUID

from backend.people.models import Consent

PRIVACY_NOTICE_VERSION = "2026-11"


async def has_consented(person_id: UUID) -> bool:
    return await Consent.filter(person_id=person_id, document="privacy_notice", version=PRIVACY_NOTICE_VERSION).exists()
