"""Moderation (举报与审核): residents report content and appeal the hiding of their own; moderators
(MODERATE) work the queue, decide with a reason and rule on appeals. Who may do what is the
service's (backend/moderation)."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from backend.api.errors import UserError, attempt
from backend.api.ids import parse_uuid
from backend.api.pagination import Counted, PageInfo
from backend.api.people import OkPayload
from backend.core.errors import DomainError, ErrorCode
from backend.moderation import service
from backend.moderation.models import AppealState as AppealStateEnum
from backend.moderation.models import ItemState as ItemStateEnum
from backend.moderation.models import LogAction as LogActionEnum
from backend.moderation.models import Reason as ReasonEnum

ModerationState = strawberry.enum(ItemStateEnum, name="ModerationState")
ModerationReason = strawberry.enum(ReasonEnum, name="ModerationReason",
                                   description="广告, 辱骂, 诈骗, 泄露隐私, 违法违规, 其他 (with a note).")
ModerationAction = strawberry.enum(LogActionEnum, name="ModerationAction")
ModerationAppealState = strawberry.enum(AppealStateEnum, name="ModerationAppealState")
ModerationDecision = strawberry.enum(service.Decision, name="ModerationDecision")
ModerationAppealDecision = strawberry.enum(service.AppealDecision, name="ModerationAppealDecision")


def _id(value) -> strawberry.ID | None:
    return strawberry.ID(str(value)) if value is not None else None


def _name(person) -> str | None:
    return person.display_name if person is not None else None


@strawberry.type
class ModerationAppeal:
    id: strawberry.ID
    text: str
    state: ModerationAppealState
    reason: str | None = strawberry.field(description="The ruling's reason.")
    decided_at: datetime | None
    at: datetime

    @classmethod
    def of(cls, a) -> "ModerationAppeal":
        return cls(id=_id(a.id), text=a.text, state=a.state, reason=a.reason, decided_at=a.decided_at,
                   at=a.created_at)


@strawberry.type
class ModeratedItem:
    id: strawberry.ID
    kind: str = strawberry.field(description="TOPIC, COMMENT (and later LISTING).")
    target_id: strawberry.ID
    state: ModerationState
    original: str = strawberry.field(description="The content as it was at the first report.")
    reports: int = strawberry.field(description="Distinct reporters.")
    hidden_at: datetime | None
    decided_at: datetime | None
    created_at: datetime
    _model: strawberry.Private[object]

    @classmethod
    def of(cls, i) -> "ModeratedItem":
        return cls(id=_id(i.id), kind=i.kind, target_id=_id(i.target_id), state=i.state, original=i.original,
                   reports=i.reports, hidden_at=i.hidden_at, decided_at=i.decided_at, created_at=i.created_at,
                   _model=i)

    @strawberry.field(description="The author's appeal, if any.")
    async def appeal(self, info: Info) -> ModerationAppeal | None:
        found = await info.context.loader("moderation_appeals", service.appeals_of).load(self._model.id)
        return ModerationAppeal.of(found) if found else None


@strawberry.type
class ModeratedItemConnection(Counted):
    nodes: list[ModeratedItem]
    page_info: PageInfo


@strawberry.type(description="A moderated item in the queue, with its author (for moderators).")
class ModerationQueueItem(ModeratedItem):
    author_name: str

    @classmethod
    def of(cls, i) -> "ModerationQueueItem":
        return cls(id=_id(i.id), kind=i.kind, target_id=_id(i.target_id), state=i.state, original=i.original,
                   reports=i.reports, hidden_at=i.hidden_at, decided_at=i.decided_at, created_at=i.created_at,
                   _model=i, author_name=i.author.display_name)


@strawberry.type
class ModerationQueueConnection(Counted):
    nodes: list[ModerationQueueItem]
    page_info: PageInfo


@strawberry.type
class ModerationReport:
    reason: ModerationReason
    note: str
    reporter_name: str
    at: datetime


@strawberry.type
class ModerationReasonCount:
    reason: ModerationReason
    count: int


@strawberry.type(description="A line of the moderator log: who (null: automatic), when, what, why.")
class ModerationLogEntry:
    id: strawberry.ID
    item_id: strawberry.ID
    kind: str
    action: ModerationAction
    actor_name: str | None
    reason: str
    at: datetime

    @classmethod
    def of(cls, e) -> "ModerationLogEntry":
        return cls(id=_id(e.id), item_id=_id(e.item_id), kind=e.item.kind, action=e.action,
                   actor_name=_name(e.actor), reason=e.reason, at=e.created_at)


@strawberry.type
class ModerationLogConnection(Counted):
    nodes: list[ModerationLogEntry]
    page_info: PageInfo


@strawberry.type
class ModerationItemDetail:
    item: ModerationQueueItem
    reports: list[ModerationReport]
    reports_by_reason: list[ModerationReasonCount]
    log: list[ModerationLogEntry]


@strawberry.type
class ModeratedItemPayload:
    item: ModerationQueueItem | None
    errors: list[UserError]


@strawberry.type
class ModerationAppealPayload:
    appeal: ModerationAppeal | None
    errors: list[UserError]


async def _appeal_payload(call) -> ModerationAppealPayload:
    appeal, errors = await attempt(call)
    return ModerationAppealPayload(appeal=ModerationAppeal.of(appeal) if appeal else None, errors=errors)


@strawberry.type
class ModerationQueries:
    @strawberry.field(description="A community's reported content, by state, oldest first; first ≤ 50. Needs "
                      "MODERATE.")
    async def moderation_queue(self, info: Info, community_id: strawberry.ID, state: ModerationState | None = None,
                               first: int = 20, after: str | None = None) -> ModerationQueueConnection:
        page = await service.queue(info.context.actor, community_id=parse_uuid(community_id), state=state,
                                   first=first, after=after)
        return ModerationQueueConnection(nodes=[ModerationQueueItem.of(i) for i in page.items],
                                         page_info=PageInfo.of(page), page=page)

    @strawberry.field(description="A reported item: the original, its reports by reason, its log. Needs MODERATE.")
    async def moderation_item(self, info: Info, id: strawberry.ID) -> ModerationItemDetail | None:
        try:
            detail = await service.item_detail(info.context.actor, item_id=parse_uuid(id))
        except DomainError as error:
            if error.code != ErrorCode.NOT_FOUND:
                raise
            return None
        counts: dict = {}
        for r in detail.reports:
            counts[r.reason] = counts.get(r.reason, 0) + 1
        return ModerationItemDetail(
            item=ModerationQueueItem.of(detail.item),
            reports=[ModerationReport(reason=r.reason, note=r.note, reporter_name=r.reporter.display_name,
                                      at=r.created_at) for r in detail.reports],
            reports_by_reason=[ModerationReasonCount(reason=k, count=v) for k, v in counts.items()],
            log=[ModerationLogEntry.of(e) for e in detail.log],
        )

    @strawberry.field(description="A community's moderator log, newest first; first ≤ 50. Needs MODERATE.")
    async def moderation_log(self, info: Info, community_id: strawberry.ID, first: int = 20,
                             after: str | None = None) -> ModerationLogConnection:
        page = await service.log(info.context.actor, community_id=parse_uuid(community_id), first=first,
                                 after=after)
        return ModerationLogConnection(nodes=[ModerationLogEntry.of(e) for e in page.items],
                                       page_info=PageInfo.of(page), page=page)

    @strawberry.field(description="My content that was hidden (hidden, removed or restored since), with my "
                      "appeals, newest first; first ≤ 50.")
    async def my_moderated_content(self, info: Info, first: int = 20,
                                   after: str | None = None) -> ModeratedItemConnection:
        page = await service.my_content(info.context.actor, first=first, after=after)
        return ModeratedItemConnection(nodes=[ModeratedItem.of(i) for i in page.items], page_info=PageInfo.of(page),
                                       page=page)


@strawberry.type
class ModerationMutations:
    @strawberry.mutation(description="Report content (a kind and its id) with a reason; OTHER needs a note. Verified "
                         "residents of its community only, once per content; the third reporter hides it pending "
                         "review.")
    async def content_report(self, info: Info, kind: str, target_id: strawberry.ID, reason: ModerationReason,
                             note: str = "") -> OkPayload:
        _, errors = await attempt(service.report(info.context.actor, kind=kind, target_id=parse_uuid(target_id),
                                                 reason=reason, note=note))
        return OkPayload.of(errors)

    @strawberry.mutation(description="Appeal, once, against the hiding or removal of my content.")
    async def moderation_appeal(self, info: Info, item_id: strawberry.ID, text: str) -> ModerationAppealPayload:
        return await _appeal_payload(service.appeal(info.context.actor, item_id=parse_uuid(item_id), text=text))

    @strawberry.mutation(description="Hide (pending review), remove or restore reported content, with a reason. "
                         "Needs MODERATE.")
    async def moderation_decide(self, info: Info, id: strawberry.ID, decision: ModerationDecision,
                                reason: str) -> ModeratedItemPayload:
        item, errors = await attempt(service.decide(info.context.actor, item_id=parse_uuid(id), decision=decision,
                                                    reason=reason))
        if item is not None:
            await item.fetch_related("author")
        return ModeratedItemPayload(item=ModerationQueueItem.of(item) if item else None, errors=errors)

    @strawberry.mutation(description="Rule on an appeal: restore the content or keep it down, with a reason. Needs "
                         "MODERATE, by another moderator than the one who decided.")
    async def moderation_appeal_decide(self, info: Info, id: strawberry.ID, decision: ModerationAppealDecision,
                                       reason: str) -> ModerationAppealPayload:
        return await _appeal_payload(service.decide_appeal(info.context.actor, appeal_id=parse_uuid(id),
                                                           decision=decision, reason=reason))
