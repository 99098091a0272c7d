"""Registry jobs: none run here yet; the residence decision's notification (keyed
`residence:<application id>:decided`) belongs to the application's community."""

from uuid import UUID

from backend.core.jobs import community_of_keys
from backend.registry.models import ResidenceApplication


@community_of_keys("residence")
async def residence_community(application_id: UUID) -> UUID | None:
    return await ResidenceApplication.filter(id=application_id).first().values_list("community_id", flat=True)
