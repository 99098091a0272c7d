"""The audit log, the access log, and a person's own history (including what proxies did)."""

from datetime import datetime

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from backend.api.ids import parse_uuid
from backend.api.pagination import Counted, PageInfo
from backend.api.people import PersonBrief
from backend.audit import labels
from backend.audit import service as audit
from backend.audit.models import AuditEntry as AuditEntryModel
from backend.core.pagination import Page
from backend.people.models import Person
from backend.privacy import service as privacy


@strawberry.type
class AuditEntry:
    id: strawberry.ID
    action: str
    action_label: str = strawberry.field(description="The action in Chinese, e.g. 发布通知.")
    target_type: str
    target_label: str = strawberry.field(description="What kind of thing it was done to, in Chinese, e.g. 通知.")
    target_id: str
    actor: PersonBrief
    acting_for: PersonBrief | None = strawberry.field(description="Set when the actor acted as a proxy (代办).")
    before: JSON | None
    after: JSON | None
    mentioned: list[PersonBrief] = strawberry.field(
        description="The people whose ids before/after hold (as person, agent or principal), to show their names.")
    created_at: datetime

    @classmethod
    def of(cls, e: AuditEntryModel, people: dict[str, Person]) -> "AuditEntry":
        mentioned = [people[str(record[key])] for record in (e.before, e.after) if isinstance(record, dict)
                     for key in audit.PERSON_KEYS if str(record.get(key)) in people]
        return cls(id=strawberry.ID(str(e.id)), action=e.action, action_label=labels.action_label(e.action),
                   target_type=e.target_type, target_label=labels.target_label(e.target_type), target_id=e.target_id,
                   actor=PersonBrief.of(e.actor), acting_for=PersonBrief.of(e.acting_for) if e.acting_for else None,
                   before=e.before, after=e.after, mentioned=[PersonBrief.of(p) for p in dict.fromkeys(mentioned)],
                   created_at=e.created_at)


@strawberry.type
class AuditConnection(Counted):
    nodes: list[AuditEntry]
    page_info: PageInfo

    @classmethod
    async def of(cls, page: Page[AuditEntryModel]) -> "AuditConnection":
        people = await audit.people_named(page.items)
        return cls(nodes=[AuditEntry.of(e, people) for e in page.items], page_info=PageInfo.of(page), page=page)


@strawberry.type
class AccessLogEntry:
    id: strawberry.ID
    viewer: PersonBrief
    subject: PersonBrief
    field: str
    reason: str
    created_at: datetime


@strawberry.type
class AccessLogConnection(Counted):
    nodes: list[AccessLogEntry]
    page_info: PageInfo


@strawberry.type
class AuditAction:
    action: str
    label: str


@strawberry.type
class AuditQueries:
    @strawberry.field(description="Every action the audit log records, with its Chinese name (for filters).")
    def audit_actions(self) -> list[AuditAction]:
        return [AuditAction(action=a, label=label) for a, label in labels.ACTION_LABELS.items()]

    @strawberry.field(description="Staff actions in a community, newest first: by action (its prefix), actor name, "
                      "and time (from `since`, before `before`). Needs AUDIT_READ.")
    async def audit_log(self, info: Info, community_id: strawberry.ID, action: str | None = None,
                        actor_name: str | None = None, since: datetime | None = None,
                        before: datetime | None = None, first: int = 20, after: str | None = None) -> AuditConnection:
        page = await audit.search(info.context.actor, community_id=parse_uuid(community_id), action=action,
                                  actor_name=actor_name, since=since, before=before, first=first, after=after)
        return await AuditConnection.of(page)

    @strawberry.field(description="Every unmasking of personal data, newest first. Needs AUDIT_READ.")
    async def access_log(self, info: Info, community_id: strawberry.ID, first: int = 20,
                         after: str | None = None) -> AccessLogConnection:
        page = await privacy.list_access_log(info.context.actor, community_id=parse_uuid(community_id),
                                             first=first, after=after)
        return AccessLogConnection(
            nodes=[AccessLogEntry(id=strawberry.ID(str(e.id)), viewer=PersonBrief.of(e.viewer),
                                  subject=PersonBrief.of(e.subject), field=e.field, reason=e.reason,
                                  created_at=e.created_at) for e in page.items],
            page_info=PageInfo.of(page), page=page,
        )
