"""Recording and searching the audit log."""

from datetime import datetime
from uuid import UUID

from tortoise.expressions import Q

from backend.audit.models import AuditEntry
from backend.core.actor import Actor
from backend.core.pagination import Page, paginate
from backend.core.permissions import Permission, require
from backend.people.models import Person


async def record(tx, actor: Actor, action: str, target_type: str, target_id, *, community_id: UUID | None,
                 before: dict | None = None, after: dict | None = None) -> None:
    """Write one entry in the caller's transaction, so it exists exactly when the change does."""
    await AuditEntry.create(
        community_id=community_id, actor_id=actor.require_person(), acting_for_id=actor.principal_on_record,
        action=action, target_type=target_type, target_id=str(target_id), before=before, after=after, using_db=tx,
    )


async def search(actor: Actor, *, community_id: UUID, action: str | None, actor_name: str | None,
                 first: int, after: str | None, since: datetime | None = None,
                 before: datetime | None = None) -> Page[AuditEntry]:
    """Newest first; `since` and `before` bound when it was done (from, and up to but excluding)."""
    require(actor, Permission.AUDIT_READ, community_id)
    query = AuditEntry.filter(community_id=community_id).select_related("actor", "acting_for")
    if action:
        query = query.filter(action__startswith=action[:64])
    if actor_name:
        query = query.filter(actor__display_name__icontains=actor_name[:64])
    if since is not None:
        query = query.filter(created_at__gte=since)
    if before is not None:
        query = query.filter(created_at__lt=before)
    return await paginate(query, first=first, after=after, newest_first=True)


async def history(actor: Actor, *, first: int, after: str | None) -> Page[AuditEntry]:
    """What was done by me or for me by a proxy — the principal's own record of 代办."""
    me = actor.require_person()
    query = AuditEntry.filter(Q(acting_for_id=me) | Q(actor_id=me, acting_for_id=None)).select_related(
        "actor", "acting_for"
    )
    return await paginate(query, first=first, after=after, newest_first=True)


# The before/after keys that hold a person's id (proxy.grant's agent, session.revoke's person, ...).
PERSON_KEYS = ("person", "agent", "principal")


async def people_named(entries: list[AuditEntry]) -> dict[str, Person]:
    """The people whose ids the entries' before/after hold, by id, in one query for the whole page."""
    ids = {str(record[key]) for e in entries for record in (e.before, e.after) if isinstance(record, dict)
           for key in PERSON_KEYS if record.get(key)}
    if not ids:
        return {}
    return {str(p.id): p for p in await Person.filter(id__in=list(ids))}
