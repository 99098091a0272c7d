"""Cases (诉求/工单): residents raise, follow, answer, urge and confirm; handlers accept, reply, note,
ask, resolve, close, refer, merge and reassign; staff set up categories, templates, common areas and
settings. Who may do what is the service's (backend/cases)."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from backend.api.errors import UserError, attempt
from backend.api.ids import parse_uuid
from backend.api.pagination import Counted, PageInfo
from backend.api.people import OkPayload
from backend.cases import service, setup
from backend.cases.models import Case as CaseModel
from backend.cases.models import CaseCategory as CategoryModel
from backend.cases.models import CaseState as CaseStateEnum
from backend.cases.models import EntryKind as EntryKindEnum
from backend.cases.models import Outcome as OutcomeEnum
from backend.cases.models import Party as PartyEnum
from backend.cases.models import RaiseChannel as RaiseChannelEnum
from backend.core.errors import DomainError, ErrorCode
from backend.core.settings import get_settings
from backend.media.signing import signed_url

CaseState = strawberry.enum(CaseStateEnum, name="CaseState")
CaseParty = strawberry.enum(PartyEnum, name="CaseParty", description="Who handles a category's cases.")
CaseChannel = strawberry.enum(RaiseChannelEnum, name="CaseChannel")
CaseEntryKind = strawberry.enum(EntryKindEnum, name="CaseEntryKind")
CaseOutcome = strawberry.enum(OutcomeEnum, name="CaseOutcome")


def _id(value) -> strawberry.ID | None:
    return strawberry.ID(str(value)) if value is not None else None


def _name(person) -> str | None:
    return person.display_name if person is not None else None


@strawberry.type
class CaseCategory:
    id: strawberry.ID
    name: str
    party: CaseParty
    accept_hours: int
    resolve_hours: int
    active: bool

    @classmethod
    def of(cls, c: CategoryModel) -> "CaseCategory":
        return cls(id=_id(c.id), name=c.name, party=c.party, accept_hours=c.accept_hours,
                   resolve_hours=c.resolve_hours, active=c.active)


@strawberry.type
class Case:
    id: strawberry.ID
    state: CaseState
    category: CaseCategory
    text: str
    place_name: str
    channel: CaseChannel
    party: CaseParty
    handler_name: str | None
    photos: list[str] = strawberry.field(description="Signed links to the photos, valid for a while.")
    accept_due_at: datetime
    resolve_due_at: datetime
    due_at: datetime | None = strawberry.field(description="The deadline running now (to accept, then to resolve).")
    overdue: bool
    waiting_for_resident: bool = strawberry.field(description="Staff asked the resident; the SLA clock is paused.")
    escalated_at: datetime | None
    accepted_at: datetime | None
    resolved_at: datetime | None
    resolution: str | None
    referred_to: str | None
    merged_into_id: strawberry.ID | None
    confirmed_at: datetime | None
    urged_today: bool
    created_at: datetime

    @classmethod
    def of(cls, c: CaseModel) -> "Case":
        settings = get_settings()
        return cls(
            id=_id(c.id), state=c.state, category=CaseCategory.of(c.category), text=c.text, place_name=c.place_name,
            channel=c.channel, party=c.party, handler_name=_name(c.handler),
            photos=[signed_url(settings, p) for p in c.photos], accept_due_at=c.accept_due_at,
            resolve_due_at=c.resolve_due_at, due_at=service.live_deadline(c), overdue=service.is_overdue(c),
            waiting_for_resident=c.paused_at is not None, escalated_at=c.escalated_at, accepted_at=c.accepted_at,
            resolved_at=c.resolved_at, resolution=c.resolution, referred_to=c.referred_to,
            merged_into_id=_id(c.merged_into_id), confirmed_at=c.confirmed_at,
            urged_today=c.urged_on == service.today(),
            created_at=c.created_at,
        )


async def _case(c: CaseModel) -> Case:
    await c.fetch_related("category", "handler")
    return Case.of(c)


@strawberry.type
class CaseConnection(Counted):
    nodes: list[Case]
    page_info: PageInfo


@strawberry.type(description="A change of state: who, for whom, when and why.")
class CaseEvent:
    from_state: CaseState
    to_state: CaseState
    actor_name: str | None = strawberry.field(description="Null: the system.")
    acting_for_name: str | None
    reason: str | None
    at: datetime


@strawberry.type
class CaseEntry:
    id: strawberry.ID
    kind: CaseEntryKind
    internal: bool = strawberry.field(description="Staff only; residents never get these.")
    body: str
    author_name: str | None
    acting_for_name: str | None
    at: datetime


@strawberry.type
class CaseConfirmation:
    round: int
    outcome: CaseOutcome
    rating: int | None
    comment: str
    at: datetime


@strawberry.type
class CaseDetail:
    case: Case
    events: list[CaseEvent]
    entries: list[CaseEntry]
    confirmations: list[CaseConfirmation]
    followers: int
    mine: bool = strawberry.field(description="Raised by me (or, acting with the CASE scope, my principal): "
                                  "mine to answer and confirm. False for a follower and for staff.")


def _event(e) -> CaseEvent:
    return CaseEvent(from_state=e.from_state, to_state=e.to_state, actor_name=_name(e.actor),
                     acting_for_name=_name(e.acting_for), reason=e.reason, at=e.created_at)


def _entry(e) -> CaseEntry:
    return CaseEntry(id=_id(e.id), kind=e.kind, internal=e.internal, body=e.body, author_name=_name(e.author),
                     acting_for_name=_name(e.acting_for), at=e.created_at)


@strawberry.type
class CaseReplyTemplate:
    id: strawberry.ID
    title: str
    body: str


@strawberry.type
class CaseCommonArea:
    id: strawberry.ID
    name: str
    grid_id: strawberry.ID | None


@strawberry.type
class CaseSettings:
    auto_confirm_days: int
    remind_before_hours: int


@strawberry.input(description="Exactly one: a room, unit or building of the registry, or a common area.")
class CasePlaceInput:
    room_id: strawberry.ID | None = None
    unit_id: strawberry.ID | None = None
    building_id: strawberry.ID | None = None
    area_id: strawberry.ID | None = None


def _opt(value) -> object:
    return parse_uuid(value) if value is not None else None


@strawberry.input
class CaseInput:
    category_id: strawberry.ID
    text: str
    place: CasePlaceInput
    photos: list[strawberry.ID] = strawberry.field(default_factory=list,
                                                   description="Upload ids of kind case_photo; at most 9.")

    def draft(self) -> service.CaseDraft:
        place = service.Place(room_id=_opt(self.place.room_id), unit_id=_opt(self.place.unit_id),
                              building_id=_opt(self.place.building_id), area_id=_opt(self.place.area_id))
        return service.CaseDraft(category_id=parse_uuid(self.category_id), text=self.text, place=place,
                                 photo_ids=[parse_uuid(p) for p in self.photos])


@strawberry.input
class CaseCategoryInput:
    name: str
    party: CaseParty
    accept_hours: int
    resolve_hours: int
    active: bool = True

    def draft(self) -> setup.CategoryDraft:
        return setup.CategoryDraft(name=self.name, party=self.party, accept_hours=self.accept_hours,
                                   resolve_hours=self.resolve_hours, active=self.active)


@strawberry.input
class CaseConfirmInput:
    outcome: CaseOutcome
    rating: int = strawberry.field(description="1–5 stars.")
    comment: str = ""
    reason: str | None = strawberry.field(default=None, description="Required when PARTLY or NOT_RESOLVED.")


@strawberry.type
class CasePayload:
    case: Case | None
    errors: list[UserError]


@strawberry.type
class CaseEntryPayload:
    entry: CaseEntry | None
    errors: list[UserError]


@strawberry.type
class CaseCategoryPayload:
    category: CaseCategory | None
    errors: list[UserError]


@strawberry.type
class CaseReplyTemplatePayload:
    template: CaseReplyTemplate | None
    errors: list[UserError]


@strawberry.type
class CaseCommonAreaPayload:
    area: CaseCommonArea | None
    errors: list[UserError]


@strawberry.type
class CaseSettingsPayload:
    settings: CaseSettings | None
    errors: list[UserError]


async def _payload(call) -> CasePayload:
    case, errors = await attempt(call)
    return CasePayload(case=await _case(case) if case else None, errors=errors)


async def _entry_payload(call) -> CaseEntryPayload:
    entry, errors = await attempt(call)
    if entry is not None:
        await entry.fetch_related("author", "acting_for")
    return CaseEntryPayload(entry=_entry(entry) if entry else None, errors=errors)


def _area(a) -> CaseCommonArea:
    return CaseCommonArea(id=_id(a.id), name=a.name, grid_id=_id(a.grid_id))


def _settings(s) -> CaseSettings:
    return CaseSettings(auto_confirm_days=s.auto_confirm_days, remind_before_hours=s.remind_before_hours)


@strawberry.type
class CaseQueries:
    @strawberry.field(description="A community's cases in my reach (a grid worker: their grids'), newest first, by "
                      "state and by being overdue; first ≤ 50. Needs CASE_HANDLE.")
    async def cases(self, info: Info, community_id: strawberry.ID, state: CaseState | None = None,
                    overdue: bool | None = None, first: int = 20, after: str | None = None) -> CaseConnection:
        page = await service.list_cases(info.context.actor, community_id=parse_uuid(community_id), state=state,
                                        overdue=overdue, first=first, after=after)
        return CaseConnection(nodes=[Case.of(c) for c in page.items], page_info=PageInfo.of(page), page=page)

    @strawberry.field(description="The cases I raised (or, acting with the CASE scope, my principal did) and those "
                      "I follow, newest first; first ≤ 50.")
    async def my_cases(self, info: Info, first: int = 20, after: str | None = None) -> CaseConnection:
        page = await service.my_cases(info.context.actor, first=first, after=after)
        return CaseConnection(nodes=[Case.of(c) for c in page.items], page_info=PageInfo.of(page), page=page)

    @strawberry.field(description="Open cases of others about common places I could follow (我也遇到): the "
                      "community's common areas and the units and buildings I live in, of one category if given; "
                      "first ≤ 50.")
    async def cases_nearby(self, info: Info, community_id: strawberry.ID, first: int = 20,
                           after: str | None = None, category_id: strawberry.ID | None = None) -> CaseConnection:
        page = await service.cases_nearby(info.context.actor, community_id=parse_uuid(community_id), first=first,
                                          after=after, category_id=_opt(category_id))
        return CaseConnection(nodes=[Case.of(c) for c in page.items], page_info=PageInfo.of(page), page=page)

    @strawberry.field(description="A case with its timeline: mine or one I follow (public entries only), or one in "
                      "my reach as staff (CASE_HANDLE; internal notes too).")
    async def case(self, info: Info, id: strawberry.ID) -> CaseDetail | None:
        try:
            view = await service.get_case_for(info.context.actor, parse_uuid(id))
        except DomainError as error:
            if error.code != ErrorCode.NOT_FOUND:
                raise
            return None
        line = await service.timeline(view)
        return CaseDetail(
            case=await _case(view.case), followers=line.followers, mine=view.mine,
            events=[_event(e) for e in line.events],
            entries=[_entry(e) for e in line.entries],
            confirmations=[CaseConfirmation(round=c.round, outcome=c.outcome, rating=c.rating, comment=c.comment,
                                            at=c.created_at) for c in line.confirmations],
        )

    @strawberry.field(description="A community's case categories (active ones; staff with CASE_MANAGE: all), for "
                      "its members and staff.")
    async def case_categories(self, info: Info, community_id: strawberry.ID) -> list[CaseCategory]:
        return [CaseCategory.of(c) for c in await setup.list_categories(
            info.context.actor, community_id=parse_uuid(community_id))]

    @strawberry.field(description="A community's named common areas, for its members and staff.")
    async def case_common_areas(self, info: Info, community_id: strawberry.ID) -> list[CaseCommonArea]:
        return [_area(a) for a in await setup.list_areas(info.context.actor, community_id=parse_uuid(community_id))]

    @strawberry.field(description="A category's reply templates. Needs CASE_HANDLE.")
    async def case_reply_templates(self, info: Info, category_id: strawberry.ID) -> list[CaseReplyTemplate]:
        return [CaseReplyTemplate(id=_id(t.id), title=t.title, body=t.body) for t in await setup.list_templates(
            info.context.actor, category_id=parse_uuid(category_id))]

    @strawberry.field(description="A community's case settings. Needs CASE_MANAGE.")
    async def case_settings(self, info: Info, community_id: strawberry.ID) -> CaseSettings:
        return _settings(await setup.get_settings_for(info.context.actor, community_id=parse_uuid(community_id)))


@strawberry.type
class CaseMutations:
    @strawberry.mutation(description="Raise a case in the mini-program: for myself, or for my principal with the "
                         "CASE proxy scope. Text, up to 9 photos, a place of the community.")
    async def case_raise(self, info: Info, community_id: strawberry.ID, input: CaseInput) -> CasePayload:
        return await _payload(service.raise_case(info.context.actor, community_id=parse_uuid(community_id),
                                                 draft=input.draft()))

    @strawberry.mutation(description="Raise a case for a resident who phoned, was visited or walked in. Needs "
                         "CASE_HANDLE.")
    async def case_raise_for(self, info: Info, community_id: strawberry.ID, resident_id: strawberry.ID,
                             channel: CaseChannel, input: CaseInput) -> CasePayload:
        return await _payload(service.raise_case(info.context.actor, community_id=parse_uuid(community_id),
                                                 draft=input.draft(), channel=channel,
                                                 resident_id=parse_uuid(resident_id)))

    @strawberry.mutation(description="我也遇到: follow an open case about a common place of my community.")
    async def case_follow(self, info: Info, id: strawberry.ID) -> OkPayload:
        _, errors = await attempt(service.follow(info.context.actor, case_id=parse_uuid(id)))
        return OkPayload.of(errors)

    @strawberry.mutation(description="受理 (take it). Needs CASE_HANDLE.")
    async def case_accept(self, info: Info, id: strawberry.ID) -> CasePayload:
        return await _payload(service.accept_case(info.context.actor, case_id=parse_uuid(id)))

    @strawberry.mutation(description="Start work on it. Needs CASE_HANDLE.")
    async def case_start(self, info: Info, id: strawberry.ID) -> CasePayload:
        return await _payload(service.start_case(info.context.actor, case_id=parse_uuid(id)))

    @strawberry.mutation(description="办结 with the note the resident reads. Needs CASE_HANDLE.")
    async def case_resolve(self, info: Info, id: strawberry.ID, note: str) -> CasePayload:
        return await _payload(service.resolve_case(info.context.actor, case_id=parse_uuid(id), note=note))

    @strawberry.mutation(description="Close without a fix: CLOSED_NOT_FIXED or NOT_RESPONSIBLE, with a note. Needs "
                         "CASE_HANDLE.")
    async def case_close(self, info: Info, id: strawberry.ID, outcome: CaseState, note: str) -> CasePayload:
        return await _payload(service.close_case(info.context.actor, case_id=parse_uuid(id), outcome=outcome,
                                                 note=note))

    @strawberry.mutation(description="转办 to another body, with a note. Needs CASE_HANDLE.")
    async def case_refer(self, info: Info, id: strawberry.ID, to: str, note: str) -> CasePayload:
        return await _payload(service.refer_case(info.context.actor, case_id=parse_uuid(id), to=to, note=note))

    @strawberry.mutation(description="Merge a duplicate into an open case; its resident and followers follow the "
                         "survivor. Needs CASE_MANAGE.")
    async def case_merge(self, info: Info, id: strawberry.ID, into_id: strawberry.ID, reason: str) -> CasePayload:
        return await _payload(service.merge_case(info.context.actor, case_id=parse_uuid(id),
                                                 into_id=parse_uuid(into_id), reason=reason))

    @strawberry.mutation(description="Reassign to a handler of the case's community, with a reason. Needs "
                         "CASE_MANAGE.")
    async def case_assign(self, info: Info, id: strawberry.ID, handler_id: strawberry.ID, reason: str) -> CasePayload:
        return await _payload(service.assign_case(info.context.actor, case_id=parse_uuid(id),
                                                  handler_id=parse_uuid(handler_id), reason=reason))

    @strawberry.mutation(description="A public reply to the resident, written or from a template of the category "
                         "(the body may be left empty then). Needs CASE_HANDLE.")
    async def case_reply(self, info: Info, id: strawberry.ID, body: str = "",
                         template_id: strawberry.ID | None = None) -> CaseEntryPayload:
        return await _entry_payload(service.reply(info.context.actor, case_id=parse_uuid(id), body=body,
                                                  template_id=_opt(template_id)))

    @strawberry.mutation(description="An internal note; residents never see it. Needs CASE_HANDLE.")
    async def case_note(self, info: Info, id: strawberry.ID, body: str) -> CaseEntryPayload:
        return await _entry_payload(service.add_note(info.context.actor, case_id=parse_uuid(id), body=body))

    @strawberry.mutation(description="Ask the resident; the SLA clock pauses until they answer. Needs CASE_HANDLE.")
    async def case_ask(self, info: Info, id: strawberry.ID, question: str) -> CaseEntryPayload:
        return await _entry_payload(service.ask_resident(info.context.actor, case_id=parse_uuid(id),
                                                         question=question))

    @strawberry.mutation(description="The resident answers (resuming the SLA clock).")
    async def case_answer(self, info: Info, id: strawberry.ID, body: str) -> CaseEntryPayload:
        return await _entry_payload(service.answer(info.context.actor, case_id=parse_uuid(id), body=body))

    @strawberry.mutation(description="催办: at most once a day per case, by its resident or a follower.")
    async def case_urge(self, info: Info, id: strawberry.ID) -> CasePayload:
        return await _payload(service.urge(info.context.actor, case_id=parse_uuid(id)))

    @strawberry.mutation(description="The resident confirms a resolved case with a 1–5 rating; PARTLY or "
                         "NOT_RESOLVED (with a reason) reopens it.")
    async def case_confirm(self, info: Info, id: strawberry.ID, input: CaseConfirmInput) -> CasePayload:
        confirmation = service.Confirmation(outcome=input.outcome, rating=input.rating, comment=input.comment,
                                            reason=input.reason)
        return await _payload(service.confirm(info.context.actor, case_id=parse_uuid(id), confirmation=confirmation))

    @strawberry.mutation(description="A case category with its responsible party and SLAs. Needs CASE_MANAGE.")
    async def case_category_create(self, info: Info, community_id: strawberry.ID,
                                   input: CaseCategoryInput) -> CaseCategoryPayload:
        category, errors = await attempt(setup.create_category(
            info.context.actor, community_id=parse_uuid(community_id), draft=input.draft()))
        return CaseCategoryPayload(category=CaseCategory.of(category) if category else None, errors=errors)

    @strawberry.mutation(description="Change a category; new SLAs apply to new cases. Needs CASE_MANAGE.")
    async def case_category_update(self, info: Info, id: strawberry.ID,
                                   input: CaseCategoryInput) -> CaseCategoryPayload:
        category, errors = await attempt(setup.update_category(info.context.actor, category_id=parse_uuid(id),
                                                               draft=input.draft()))
        return CaseCategoryPayload(category=CaseCategory.of(category) if category else None, errors=errors)

    @strawberry.mutation(description="A reply template of a category. Needs CASE_MANAGE.")
    async def case_reply_template_create(self, info: Info, category_id: strawberry.ID, title: str,
                                         body: str) -> CaseReplyTemplatePayload:
        template, errors = await attempt(setup.create_template(info.context.actor, category_id=parse_uuid(category_id),
                                                               title=title, body=body))
        return CaseReplyTemplatePayload(
            template=CaseReplyTemplate(id=_id(template.id), title=template.title, body=template.body)
            if template else None, errors=errors)

    @strawberry.mutation(description="Delete a reply template. Needs CASE_MANAGE.")
    async def case_reply_template_delete(self, info: Info, id: strawberry.ID) -> OkPayload:
        _, errors = await attempt(setup.delete_template(info.context.actor, template_id=parse_uuid(id)))
        return OkPayload.of(errors)

    @strawberry.mutation(description="A named common area of the community (东门, 中心花园). Needs CASE_MANAGE.")
    async def case_common_area_create(self, info: Info, community_id: strawberry.ID, name: str,
                                      grid_id: strawberry.ID | None = None) -> CaseCommonAreaPayload:
        area, errors = await attempt(setup.create_area(info.context.actor, community_id=parse_uuid(community_id),
                                                       name=name, grid_id=_opt(grid_id)))
        return CaseCommonAreaPayload(area=_area(area) if area else None, errors=errors)

    @strawberry.mutation(description="Auto-confirmation days and the reminder lead time. Needs CASE_MANAGE.")
    async def case_settings_update(self, info: Info, community_id: strawberry.ID, auto_confirm_days: int,
                                   remind_before_hours: int) -> CaseSettingsPayload:
        settings, errors = await attempt(setup.update_settings(
            info.context.actor, community_id=parse_uuid(community_id), auto_confirm_days=auto_confirm_days,
            remind_before_hours=remind_before_hours))
        return CaseSettingsPayload(settings=_settings(settings) if settings else None, errors=errors)
