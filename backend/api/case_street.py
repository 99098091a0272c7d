"""The street (街道) level of cases: the platform operator names each street's supervisors; a supervisor
reads the escalated and overdue cases of their street and presses the handlers (督办). Who may do
what is the service's (backend/cases/street.py)."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from backend.api.cases import Case, CaseEntry, CaseEntryPayload, CaseEvent, _case, _entry, _entry_payload, _event
from backend.api.errors import UserError, attempt
from backend.api.ids import parse_uuid
from backend.api.pagination import Counted, PageInfo
from backend.api.people import OkPayload
from backend.cases import street as service
from backend.core.errors import DomainError, ErrorCode
from backend.people import masking


@strawberry.type(description="街道: the level above the communities that overdue cases are escalated to.")
class Street:
    id: strawberry.ID
    name: str
    code: str

    @classmethod
    def of(cls, s) -> "Street":
        return cls(id=strawberry.ID(str(s.id)), name=s.name, code=s.code)


@strawberry.type(description="A person who receives a street's escalations and may press its cases (督办).")
class StreetSupervisor:
    id: strawberry.ID
    display_name: str
    phone: str | None = strawberry.field(description="Masked (138****1234).")
    since: datetime

    @classmethod
    def of(cls, s) -> "StreetSupervisor":
        return cls(id=strawberry.ID(str(s.id)), display_name=s.person.display_name,
                   phone=masking.masked_phone(s.person), since=s.created_at)


@strawberry.type(description="An escalated or overdue case as the street reads it.")
class StreetCase:
    case: Case
    community_name: str


@strawberry.type
class StreetCaseConnection(Counted):
    nodes: list[StreetCase]
    page_info: PageInfo


@strawberry.type(description="The resident's timeline of the case, with the escalations and the street's 督办.")
class StreetCaseDetail:
    case: Case
    community_name: str
    events: list[CaseEvent]
    entries: list[CaseEntry]


@strawberry.type
class StreetSupervisorPayload:
    supervisor: StreetSupervisor | None
    errors: list[UserError]


@strawberry.type
class CaseStreetQueries:
    @strawberry.field(description="Every street by name (at most 200), or those whose name or code holds `search`. "
                      "Needs PLATFORM_OPERATE.")
    async def streets(self, info: Info, search: str | None = None) -> list[Street]:
        return [Street.of(s) for s in await service.list_streets(info.context.actor, search=search)]

    @strawberry.field(description="A street's supervisors. Needs PLATFORM_OPERATE.")
    async def street_supervisors(self, info: Info, street_id: strawberry.ID) -> list[StreetSupervisor]:
        return [StreetSupervisor.of(s) for s in await service.list_supervisors(
            info.context.actor, street_id=parse_uuid(street_id))]

    @strawberry.field(description="The escalated or overdue cases of a street I supervise: overdue now first, then "
                      "the other open ones, then the ended ones; by text, place or category; first ≤ 50.")
    async def street_cases(self, info: Info, street_id: strawberry.ID, overdue_only: bool = False,
                           search: str | None = None, first: int = 20,
                           after: str | None = None) -> StreetCaseConnection:
        page = await service.list_street_cases(info.context.actor, street_id=parse_uuid(street_id),
                                               overdue_only=overdue_only, search=search, first=first, after=after)
        return StreetCaseConnection(nodes=[StreetCase(case=Case.of(c), community_name=c.community.name)
                                           for c in page.items], page_info=PageInfo.of(page), page=page)

    @strawberry.field(description="An escalated or overdue case of a street I supervise, read-only.")
    async def street_case(self, info: Info, id: strawberry.ID) -> StreetCaseDetail | None:
        try:
            case = await service.get_street_case(info.context.actor, parse_uuid(id))
        except DomainError as error:
            if error.code != ErrorCode.NOT_FOUND:
                raise
            return None
        events, entries = await service.street_timeline(case)
        return StreetCaseDetail(
            case=await _case(case), community_name=case.community.name,
            events=[_event(e) for e in events],
            entries=[_entry(e) for e in entries])


@strawberry.type
class CaseStreetMutations:
    @strawberry.mutation(description="Make the person with this phone a supervisor of the street. Needs "
                         "PLATFORM_OPERATE.")
    async def street_supervisor_add(self, info: Info, street_id: strawberry.ID, phone: str) -> StreetSupervisorPayload:
        supervisor, errors = await attempt(service.add_supervisor(info.context.actor, street_id=parse_uuid(street_id),
                                                                  phone=phone))
        return StreetSupervisorPayload(supervisor=StreetSupervisor.of(supervisor) if supervisor else None,
                                       errors=errors)

    @strawberry.mutation(description="End a person's supervision of a street. Needs PLATFORM_OPERATE.")
    async def street_supervisor_remove(self, info: Info, id: strawberry.ID) -> OkPayload:
        _, errors = await attempt(service.remove_supervisor(info.context.actor, supervisor_id=parse_uuid(id)))
        return OkPayload.of(errors)

    @strawberry.mutation(description="督办: a supervisor of the case's street presses its handlers with a note (an "
                         "internal entry of the timeline; the handler is notified).")
    async def street_case_urge(self, info: Info, id: strawberry.ID, note: str) -> CaseEntryPayload:
        return await _entry_payload(service.urge_case(info.context.actor, case_id=parse_uuid(id), note=note))
