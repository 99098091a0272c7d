"""Notices: the resident's feed and reading; the committee's drafting, publishing and reach report."""

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from backend.api.errors import UserError, attempt
from backend.api.ids import parse_uuid
from backend.api.pagination import Counted, PageInfo
from backend.api.people import OkPayload
from backend.core.errors import DomainError, ErrorCode
from backend.notices import service
from backend.notices.models import AudienceKind as AudienceKindEnum
from backend.notices.models import Importance as ImportanceEnum
from backend.notices.models import Notice as NoticeModel
from backend.notices.models import NoticeState as NoticeStateEnum
from backend.registry.models import Building as BuildingModel
from backend.registry.service import address_of

NoticeState = strawberry.enum(NoticeStateEnum, name="NoticeState")
Importance = strawberry.enum(ImportanceEnum, name="Importance")
AudienceKind = strawberry.enum(AudienceKindEnum, name="AudienceKind")


@strawberry.input(description="Anyone matching any target is in the audience.")
class AudienceTargetInput:
    kind: AudienceKind
    ids: list[strawberry.ID] | None = None
    roles: list[str] | None = None


@strawberry.input
class NoticeInput:
    title: str
    body_html: str = strawberry.field(description="Rich text; scripts, styles and event handlers are removed.")
    category: str
    importance: Importance = ImportanceEnum.NORMAL
    pinned: bool = False
    must_acknowledge: bool = False
    audience: list[AudienceTargetInput] | None = None
    expires_at: datetime | None = None
    attachments: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Upload ids (kind notice_attachment) of PDF, Word, Excel or PowerPoint files; "
        "at most 10. Left out: unchanged.")
    reminder_hours: list[int] | None = strawberry.field(
        default=None, description="Remind those who have not read it this many hours after publication "
        "(at most 3, each 1–168; default 24).")

    def draft(self) -> service.NoticeDraft:
        targets = None if self.audience is None else [
            {"kind": t.kind.value, "ids": [str(i) for i in t.ids or []], "roles": list(t.roles or [])}
            for t in self.audience
        ]
        return service.NoticeDraft(title=self.title, body_html=self.body_html, category=self.category,
                                   importance=self.importance, pinned=self.pinned,
                                   must_acknowledge=self.must_acknowledge, audience=targets,
                                   expires_at=self.expires_at, reminder_hours=self.reminder_hours,
                                   attachment_ids=None if self.attachments is None
                                   else [parse_uuid(i) for i in self.attachments])


@strawberry.type
class Attachment:
    name: str
    size: int
    content_type: str
    url: str = strawberry.field(description="GET it with the bearer token (and X-Acting-For when acting for "
                                "someone): the notice's audience and its staff only.")


@strawberry.type
class Notice:
    id: strawberry.ID
    title: str
    body_html: str
    category: str
    pinned: bool
    importance: Importance
    must_acknowledge: bool
    state: NoticeState
    publish_at: datetime | None
    published_at: datetime | None
    expires_at: datetime | None
    revision: int
    audience: JSON
    audience_size: int
    reminder_hours: list[int]
    attachments: list[Attachment]
    read_at: datetime | None = strawberry.field(description="When I read it (null for staff views).")
    acknowledged_at: datetime | None

    @classmethod
    def of(cls, n: NoticeModel, read_at: datetime | None = None, acknowledged_at: datetime | None = None):
        return cls(id=strawberry.ID(str(n.id)), title=n.title, body_html=n.body_html, category=n.category,
                   pinned=n.pinned, importance=n.importance, must_acknowledge=n.must_acknowledge, state=n.state,
                   publish_at=n.publish_at, published_at=n.published_at, expires_at=n.expires_at,
                   revision=n.revision, audience=n.audience, audience_size=n.audience_size,
                   reminder_hours=n.reminder_hours, read_at=read_at,
                   attachments=[Attachment(name=a["name"], size=a["size"], content_type=a["contentType"],
                                           url=f"/media/notices/{n.id}/attachments/{a['uploadId']}")
                                for a in n.attachments],
                   acknowledged_at=acknowledged_at)


def _of_item(item: service.FeedItem) -> Notice:
    return Notice.of(item.notice, item.read_at, item.acknowledged_at)


@strawberry.type
class NoticeConnection(Counted):
    nodes: list[Notice]
    page_info: PageInfo


@strawberry.type
class Feed:
    pinned: list[Notice]
    latest: NoticeConnection
    unread_count: int


@strawberry.type
class BuildingReach:
    building_id: strawberry.ID | None
    building_name: str | None
    audience: int
    read: int
    acknowledged: int


@strawberry.type
class NoticeReach:
    audience: int
    delivered: int
    read: int
    acknowledged: int
    households: int
    households_reached: int
    households_reached_offline: int
    by_building: list[BuildingReach]


@strawberry.type
class NotReachedHousehold:
    household_id: strawberry.ID
    address: str
    residents: list[str]


@strawberry.type
class NotReachedConnection(Counted):
    nodes: list[NotReachedHousehold]
    page_info: PageInfo


@strawberry.type
class NoticePayload:
    notice: Notice | None
    errors: list[UserError]


async def _payload(call) -> NoticePayload:
    notice, errors = await attempt(call)
    return NoticePayload(notice=Notice.of(notice) if notice else None, errors=errors)


@strawberry.type
class NoticeQueries:
    @strawberry.field(description="My home feed: pinned notices, the latest (first ≤ 50) and my unread count.")
    async def feed(self, info: Info, first: int = 20, after: str | None = None) -> Feed:
        result = await service.feed(info.context.actor, first=first, after=after)
        return Feed(pinned=[_of_item(i) for i in result.pinned], unread_count=result.unread,
                    latest=NoticeConnection(nodes=[_of_item(i) for i in result.latest.items],
                                            page_info=PageInfo.of(result.latest), page=result.latest))

    @strawberry.field(description="A notice I received, or (NOTICE_REACH) one of my community's.")
    async def notice(self, info: Info, id: strawberry.ID) -> Notice | None:
        try:
            notice, receipt = await service.get_notice_for(info.context.actor, parse_uuid(id))
        except DomainError as error:
            if error.code != ErrorCode.NOT_FOUND:  # e.g. a proxy without NOTICE: say why
                raise
            return None
        return Notice.of(notice, receipt.read_at if receipt else None, receipt.acknowledged_at if receipt else None)

    @strawberry.field(description="A community's notices, newest first, by state and a part of the title. Needs "
                      "NOTICE_PUBLISH.")
    async def notices(self, info: Info, community_id: strawberry.ID, state: NoticeState | None = None,
                      title: str | None = None, first: int = 20, after: str | None = None) -> NoticeConnection:
        page = await service.list_notices(info.context.actor, community_id=parse_uuid(community_id), state=state,
                                          title=title, first=first, after=after)
        return NoticeConnection(nodes=[Notice.of(n) for n in page.items], page_info=PageInfo.of(page), page=page)

    @strawberry.field(description="Published and archived notices whose audience lives in my reach (a grid worker: "
                      "their grids), newest first, for their reach reports. Needs NOTICE_REACH.")
    async def notices_in_reach(self, info: Info, community_id: strawberry.ID, first: int = 20,
                               after: str | None = None) -> NoticeConnection:
        page = await service.list_notices_in_reach(info.context.actor, community_id=parse_uuid(community_id),
                                                   first=first, after=after)
        return NoticeConnection(nodes=[Notice.of(n) for n in page.items], page_info=PageInfo.of(page), page=page)

    @strawberry.field(description="Who was reached, by building (a grid worker: their grids'). Needs NOTICE_REACH.")
    async def notice_reach(self, info: Info, id: strawberry.ID) -> NoticeReach:
        reach = await service.reach_report(info.context.actor, notice_id=parse_uuid(id))
        names = {b.id: b.name for b in await BuildingModel.filter(
            id__in=[r.building_id for r in reach.by_building if r.building_id]).select_related("estate")}
        return NoticeReach(
            audience=reach.audience, delivered=reach.delivered, read=reach.read, acknowledged=reach.acknowledged,
            households=reach.households, households_reached=reach.households_reached,
            households_reached_offline=reach.households_reached_offline,
            by_building=[BuildingReach(building_id=strawberry.ID(str(r.building_id)) if r.building_id else None,
                                       building_name=names.get(r.building_id), audience=r.audience, read=r.read,
                                       acknowledged=r.acknowledged) for r in reach.by_building],
        )

    @strawberry.field(description="未触达名单: households nobody in which has read it, by estate, building, unit and "
                      "room. Needs NOTICE_REACH.")
    async def notice_not_reached(self, info: Info, id: strawberry.ID, first: int = 20,
                                 after: str | None = None) -> NotReachedConnection:
        page = await service.not_reached(info.context.actor, notice_id=parse_uuid(id), first=first, after=after)
        residents = await service.household_heads([h.id for h in page.items])
        return NotReachedConnection(nodes=[
            NotReachedHousehold(household_id=strawberry.ID(str(h.id)), residents=residents[h.id],
                                address=address_of(h.room))
            for h in page.items
        ], page_info=PageInfo.of(page), page=page)


@strawberry.type
class NoticeMutations:
    @strawberry.mutation(description="Draft a notice. Needs NOTICE_PUBLISH; the audience must be in the community.")
    async def notice_create(self, info: Info, community_id: strawberry.ID, input: NoticeInput) -> NoticePayload:
        return await _payload(service.create_notice(info.context.actor, community_id=parse_uuid(community_id),
                                                    draft=input.draft()))

    @strawberry.mutation(description="Edit a notice; a published one needs a reason and becomes a new revision.")
    async def notice_update(self, info: Info, id: strawberry.ID, input: NoticeInput,
                            reason: str | None = None) -> NoticePayload:
        return await _payload(service.update_notice(info.context.actor, notice_id=parse_uuid(id),
                                                    draft=input.draft(), reason=reason))

    @strawberry.mutation(description="Publish now, or at `at` (scheduled). Needs NOTICE_PUBLISH.")
    async def notice_publish(self, info: Info, id: strawberry.ID, at: datetime | None = None) -> NoticePayload:
        return await _payload(service.publish_notice(info.context.actor, notice_id=parse_uuid(id), at=at))

    @strawberry.mutation(description="Take a scheduled notice back to draft. Needs NOTICE_PUBLISH.")
    async def notice_unschedule(self, info: Info, id: strawberry.ID) -> NoticePayload:
        return await _payload(service.unschedule_notice(info.context.actor, notice_id=parse_uuid(id)))

    @strawberry.mutation(description="Archive a published notice. Needs NOTICE_PUBLISH.")
    async def notice_archive(self, info: Info, id: strawberry.ID) -> NoticePayload:
        return await _payload(service.archive_notice(info.context.actor, notice_id=parse_uuid(id)))

    @strawberry.mutation(description="I read this notice.")
    async def notice_read(self, info: Info, id: strawberry.ID) -> OkPayload:
        _, errors = await attempt(service.mark_read(info.context.actor, notice_id=parse_uuid(id)))
        return OkPayload.of(errors)

    @strawberry.mutation(description="I acknowledge this notice (those that ask for it).")
    async def notice_acknowledge(self, info: Info, id: strawberry.ID) -> OkPayload:
        _, errors = await attempt(service.acknowledge(info.context.actor, notice_id=parse_uuid(id)))
        return OkPayload.of(errors)

    @strawberry.mutation(description="A grid worker reached this household offline. Needs NOTICE_REACH.")
    async def notice_reached_offline(self, info: Info, id: strawberry.ID, household_id: strawberry.ID,
                                     note: str = "") -> OkPayload:
        _, errors = await attempt(service.mark_reached_offline(
            info.context.actor, notice_id=parse_uuid(id), household_id=parse_uuid(household_id), note=note))
        return OkPayload.of(errors)



@strawberry.type
class NoticeSubscriptions:
    @strawberry.subscription(description="My unread notice count: now, then each time it changes.")
    async def unread_notice_count(self, info: Info) -> AsyncGenerator[int, None]:
        async for count in service.watch_unread(info.context.actor):
            yield count
