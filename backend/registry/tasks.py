"""Registry jobs: the import of a workbook (keyed `import:<job id>`, the staff job's community); the
residence decision's notification (keyed `residence:<application id>:decided`) belongs to the
application's community."""

from uuid import UUID

from backend.core.jobs import broker, community_of_keys
from backend.core.progress import StaffJob
from backend.registry import importer
from backend.registry.models import ResidenceApplication


@community_of_keys("residence")
async def residence_community(application_id: UUID) -> UUID | None:
    return await ResidenceApplication.filter(id=application_id).first().values_list("community_id", flat=True)


@community_of_keys("import")
async def import_community(job_id: UUID) -> UUID | None:
    return await StaffJob.filter(id=job_id).first().values_list("community_id", flat=True)


@broker.task(task_name="registry.import")
async def run_import(*, key: str, job_id: str, upload_id: str, only_valid_rows: bool) -> None:
    await importer.run_import(UUID(job_id), UUID(upload_id), only_valid_rows)
