"""Staff jobs (an import, a large export) and their progress, polled by the console while they run."""

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from backend.api.errors import UserError
from backend.api.ids import parse_uuid
from backend.core import progress
from backend.core.progress import JobState as JobStateEnum

JobState = strawberry.enum(JobStateEnum, name="JobState")


@strawberry.type
class StaffJob:
    id: strawberry.ID
    kind: str
    state: JobState
    total: int = strawberry.field(description="Units of work (rows); 0 until known.")
    done: int
    result: JSON | None = strawberry.field(description="When DONE, what it came to (an import: its report, "
                                           "as ImportReport).")
    error: str | None = strawberry.field(description="When FAILED, why, in Chinese.")

    @classmethod
    def of(cls, job: progress.StaffJob) -> "StaffJob":
        return cls(id=strawberry.ID(str(job.id)), kind=job.kind, state=job.state, total=job.total, done=job.done,
                   result=job.result, error=job.error)


@strawberry.type
class StaffJobPayload:
    job: StaffJob | None
    errors: list[UserError]


@strawberry.type
class StaffJobQueries:
    @strawberry.field(description="A job I started, with its progress (not-found for anyone else's).")
    async def staff_job(self, info: Info, id: strawberry.ID) -> StaffJob:
        return StaffJob.of(await progress.get_own_job(info.context.actor, parse_uuid(id)))
