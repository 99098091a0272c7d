"""Long staff work (an import, a large export) runs as a job whose progress the console shows: the
worker moves the row along as it goes (each step its own small write, seen at once) and the console
polls it. Only the person who started a job sees it."""

from enum import StrEnum
from uuid import UUID

from tortoise import fields

from backend.core.actor import Actor
from backend.core.errors import DomainError, ErrorCode
from backend.core.models import Entity


class JobState(StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    DONE = "DONE"
    FAILED = "FAILED"


class StaffJob(Entity):
    """A job a staff member started and waits for: how far it is, and what it came to."""

    community = fields.ForeignKeyField("linli.Community", related_name="staff_jobs", on_delete=fields.CASCADE)
    owner = fields.ForeignKeyField("linli.Person", related_name="staff_jobs", on_delete=fields.CASCADE)
    kind = fields.CharField(max_length=32)  # registry_import
    state = fields.CharEnumField(JobState, max_length=16, default=JobState.QUEUED)
    total = fields.IntField(default=0)  # units of work (rows), 0 until known
    done = fields.IntField(default=0)
    result = fields.JSONField(null=True)  # what the job came to, as its domain reports it
    error = fields.CharField(max_length=200, null=True)  # in Chinese, for the staff member

    class Meta:
        table = "staff_job"


async def advance(job_id: UUID, *, done: int, total: int | None = None) -> None:
    changes = {"state": JobState.RUNNING, "done": done} | ({} if total is None else {"total": total})
    await StaffJob.filter(id=job_id).update(**changes)


async def finish(job_id: UUID, result: dict) -> None:
    await StaffJob.filter(id=job_id).update(state=JobState.DONE, result=result)


async def fail(job_id: UUID, message: str) -> None:
    await StaffJob.filter(id=job_id).update(state=JobState.FAILED, error=message[:200])


async def get_own_job(actor: Actor, job_id: UUID) -> StaffJob:
    job = await StaffJob.filter(id=job_id, owner_id=actor.require_person()).first()
    if job is None:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该任务")
    return job
