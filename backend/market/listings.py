"""Listings of the flea market: drafting and editing, publishing (prohibited items, the daily limit),
renewing and withdrawing, the seller's own list, the staff lookup with each listing's history, and
the places a seller may offer for pickup (a verified home, or a building of the community).

Everything a seller does is for `actor.subject(ProxyScope.MARKET)`: a relative with that scope
lists for the elder, and the listing is the elder's."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from backend.audit import service as audit
from backend.core import outbox
from backend.core.actor import Actor, ProxyScope
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate
from backend.market import access, prohibited, ratelimits
from backend.market.models import (
    LISTING_DAYS,
    MAX_PHOTOS,
    GiveawayMode,
    Listing,
    ListingCategory,
    ListingCondition,
    ListingEvent,
    ListingKind,
    ListingPhoto,
    ListingState,
)
from backend.market.settings import settings_of
from backend.market.states import LISTING_STATES
from backend.market.views import LISTING_RELATED
from backend.media.models import Upload
from backend.people.models import Person
from backend.registry.models import Building, PersonRoom, Room
from backend.registry.service import address_of

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the day of the daily publication limit
MAX_PRICE_FEN = 99_999_900  # ¥999,999
DRAW_AHEAD = (timedelta(hours=1), timedelta(days=14))  # a lottery is drawn 1 h to 14 days after it is set
EDITABLE = (ListingState.DRAFT, ListingState.PUBLISHED, ListingState.EXPIRED)
PUBLISHED_TOPIC = "market.listing_published"  # the search index and saved searches (backend/market/search*.py)


@dataclass
class ListingDraft:
    community_id: UUID
    kind: ListingKind
    category: ListingCategory
    title: str
    condition: ListingCondition | None = None
    description: str | None = None
    price_fen: int | None = None
    giveaway_mode: GiveawayMode | None = None
    draw_at: datetime | None = None
    room_id: UUID | None = None
    building_id: UUID | None = None
    photo_ids: list[UUID] | None = None  # None: a new listing has none, an edit keeps them

    def __post_init__(self) -> None:  # callers may name the kinds by their values ("SELL")
        self.kind, self.category = ListingKind(self.kind), ListingCategory(self.category)
        self.condition = self.condition and ListingCondition(self.condition)
        self.giveaway_mode = self.giveaway_mode and GiveawayMode(self.giveaway_mode)


def _invalid(message: str, field: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, message, field=field)


def _check_draw_at(draw_at: datetime, now: datetime) -> None:
    if draw_at.tzinfo is None:
        raise _invalid("开奖时间须带时区", "drawAt")
    if not now + DRAW_AHEAD[0] <= draw_at <= now + DRAW_AHEAD[1]:
        raise _invalid("开奖时间须在 1 小时之后、14 天之内", "drawAt")


def _check(draft: ListingDraft) -> None:
    """The rules of the draft by itself, before anything is read or written."""
    title = draft.title.strip()
    if not 2 <= len(title) <= 40:
        raise _invalid("标题须为 2–40 个字", "title")
    if len(draft.description or "") > 1000:
        raise _invalid("描述最多 1000 个字", "description")
    price, kind = draft.price_fen, draft.kind
    if kind is ListingKind.SELL and price is None:
        raise _invalid("请填写价格（免费赠送请选择“赠送”）", "priceFen")
    if price is not None and kind in (ListingKind.FREE, ListingKind.SWAP):
        raise _invalid("赠送的闲置不能标价" if kind is ListingKind.FREE else "交换的闲置不能标价", "priceFen")
    if price is not None and price < 0:
        raise _invalid("价格不能为负数", "priceFen")
    if price is not None and price > MAX_PRICE_FEN:
        raise _invalid("价格最高 999999 元", "priceFen")
    if kind is ListingKind.FREE and draft.giveaway_mode is None:
        raise _invalid("请选择赠送方式：先到先得或到点抽签", "giveawayMode")
    if kind is not ListingKind.FREE and draft.giveaway_mode is not None:
        raise _invalid("只有赠送的闲置才有赠送方式", "giveawayMode")
    if draft.giveaway_mode is GiveawayMode.LOTTERY:
        if draft.draw_at is None:
            raise _invalid("抽签赠送须设定开奖时间", "drawAt")
        _check_draw_at(draft.draw_at, clock.now())
    elif draft.draw_at is not None:
        raise _invalid("只有抽签赠送才有开奖时间", "drawAt")
    if kind is not ListingKind.WANTED and draft.condition is None:
        raise _invalid("请选择新旧程度", "condition")
    photos = draft.photo_ids or []
    if len(photos) > MAX_PHOTOS:
        raise _invalid(f"最多上传 {MAX_PHOTOS} 张照片", "photoIds")
    if len(set(photos)) != len(photos):
        raise _invalid("同一张照片只能添加一次", "photoIds")


async def _place(tx, me: UUID, draft: ListingDraft) -> tuple[UUID, UUID, UUID | None]:
    """(estate, building, room) of the pickup place: one of my verified homes in the community, or
    a building of it."""
    if draft.room_id is not None:
        home = await PersonRoom.filter(person_id=me, community_id=draft.community_id, room_id=draft.room_id,
                                       until=None).using_db(tx).exists()
        room = await Room.filter(id=draft.room_id).select_related("unit__building").using_db(tx).first()
        if not home or room is None:
            raise DomainError(ErrorCode.NOT_FOUND, "只能选择您已认证的住址作为取货地点", field="roomId")
        return room.unit.building.estate_id, room.unit.building_id, room.id
    if draft.building_id is None:
        raise _invalid("请选择取货地点（您的住址或所在楼栋）", "buildingId")
    building = await Building.filter(id=draft.building_id, community_id=draft.community_id).using_db(tx).first()
    if building is None:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该楼栋", field="buildingId")
    return building.estate_id, building.id, None


async def _check_photos(tx, actor: Actor, photo_ids: list[UUID]) -> None:
    """Photos the caller uploaded as listing photos (a proxy uploads them for their principal)."""
    found = await Upload.filter(id__in=photo_ids, owner_id=actor.person_id, kind="listing_photo"
                                ).using_db(tx).count()
    if found != len(photo_ids):
        raise DomainError(ErrorCode.NOT_FOUND, "找不到上传的照片，请重新上传", field="photoIds")


async def _mine(actor: Actor, listing_id: UUID, tx) -> Listing:
    """My listing, locked; those who may only look at it (neighbours, staff) are refused."""
    listing = await access.get_listing_for(actor, listing_id, tx=tx, lock=True)
    if listing.seller_id != access.viewer(actor):
        raise DomainError(ErrorCode.FORBIDDEN, "只有发布者本人可以修改、发布或下架", field="id")
    return listing


async def _loaded(listing_id: UUID) -> Listing:
    return await Listing.filter(id=listing_id).select_related(*LISTING_RELATED).get()


async def save_listing(actor: Actor, *, listing_id: UUID | None, draft: ListingDraft) -> Listing:
    """Create a draft (no id), or edit a draft, published or expired listing of mine. An edit of a
    published or expired listing is checked for prohibited items again; a published one keeps its
    kind and draw time (neighbours may have entered its lottery)."""
    _check(draft)
    async with transaction() as tx:
        me = await access.require_member(actor, draft.community_id, tx=tx)
        listing = None
        if listing_id is not None:
            listing = await _mine(actor, listing_id, tx)
            if listing.community_id != draft.community_id:
                raise _invalid("闲置不能换到另一个社区", "communityId")
            if listing.state not in EDITABLE:
                raise _invalid(f"{LISTING_STATES.state_names[listing.state]}的闲置不能修改", "id")
            if listing.state is ListingState.PUBLISHED and (draft.kind, draft.giveaway_mode, draft.draw_at) != (
                    listing.kind, listing.giveaway_mode, listing.draw_at):
                raise _invalid("已发布的闲置不能更改类型、赠送方式或开奖时间，请下架后重新发布", "kind")
            if listing.state is not ListingState.DRAFT:  # shown now, or again at its renewal
                prohibited.check(draft.title, draft.description or "")
        estate_id, building_id, room_id = await _place(tx, me, draft)
        if draft.photo_ids:
            await _check_photos(tx, actor, draft.photo_ids)
        if listing is None:
            limit = ratelimits.NEW_LISTINGS
            await ratelimits.check("drafts", me, limit, f"发布太频繁：每小时最多新建 {limit[0]} 条闲置，请稍后再试",
                                   "title")
        values = dict(kind=draft.kind, category=draft.category, condition=draft.condition, title=draft.title.strip(),
                      description=(draft.description or "").strip(), price_fen=draft.price_fen,
                      giveaway_mode=draft.giveaway_mode, draw_at=draft.draw_at, estate_id=estate_id,
                      building_id=building_id, room_id=room_id)
        if listing is None:
            listing = await Listing.create(community_id=draft.community_id, seller_id=me, state=ListingState.DRAFT,
                                           **values, using_db=tx)
        else:
            listing.update_from_dict(values)
            await listing.save(using_db=tx)
        if draft.photo_ids is not None:
            await ListingPhoto.filter(listing_id=listing.id).using_db(tx).delete()
            await ListingPhoto.bulk_create([ListingPhoto(listing_id=listing.id, upload_id=upload_id, position=i)
                                            for i, upload_id in enumerate(draft.photo_ids)], using_db=tx)
        await audit.record(tx, actor, "market.listing_save", "listing", listing.id, community_id=listing.community_id,
                           after={"title": listing.title, "state": listing.state})
    return await _loaded(listing.id)


async def _check_daily_limit(tx, me: UUID, community_id: UUID, now: datetime) -> None:
    """At most `daily_listings` publications a person a day (Asia/Shanghai) in a community. The
    person's row is locked first, so two publications at once are counted one after the other."""
    await Person.filter(id=me).select_for_update().using_db(tx).first()
    limit = (await settings_of(community_id, tx=tx)).daily_listings
    day_start = now.astimezone(SHANGHAI).replace(hour=0, minute=0, second=0, microsecond=0)
    published = await Listing.filter(seller_id=me, community_id=community_id,
                                     published_at__gte=day_start).using_db(tx).count()
    if published >= limit:
        raise DomainError(ErrorCode.INVALID_INPUT, f"每人每天最多发布 {limit} 条闲置，请明天再发布", field="id")


async def publish_listing(actor: Actor, *, listing_id: UUID) -> Listing:
    """A draft goes on the market for LISTING_DAYS days; the search index and the saved searches
    hear of it through the outbox."""
    async with transaction() as tx:
        listing = await _mine(actor, listing_id, tx)
        me = await access.require_member(actor, listing.community_id, tx=tx)
        if listing.state is not ListingState.DRAFT:
            raise _invalid(f"{LISTING_STATES.state_names[listing.state]}的闲置不能发布", "id")
        prohibited.check(listing.title, listing.description)
        now = clock.now()
        if listing.giveaway_mode is GiveawayMode.LOTTERY:
            _check_draw_at(listing.draw_at, now)
        await _check_daily_limit(tx, me, listing.community_id, now)
        listing.published_at, listing.expires_at, listing.renewal_reminded_at = \
            now, now + timedelta(days=LISTING_DAYS), None
        await LISTING_STATES.move(tx, listing, ListingState.PUBLISHED, actor=actor)
        await outbox.add(tx, PUBLISHED_TOPIC, key=f"market:published:{listing.id}:{now.isoformat()}",
                         listing_id=str(listing.id))
        await audit.record(tx, actor, "market.listing_publish", "listing", listing.id,
                           community_id=listing.community_id, after={"title": listing.title})
    return await _loaded(listing.id)


async def renew_listing(actor: Actor, *, listing_id: UUID) -> Listing:
    """LISTING_DAYS more days from now: a published listing is extended, an expired one published
    again (the reminder may come once more before its new end)."""
    async with transaction() as tx:
        listing = await _mine(actor, listing_id, tx)
        await access.require_member(actor, listing.community_id, tx=tx)
        if listing.state not in (ListingState.PUBLISHED, ListingState.EXPIRED):
            raise _invalid(f"{LISTING_STATES.state_names[listing.state]}的闲置不能续期", "id")
        prohibited.check(listing.title, listing.description)  # the table may have grown since it was published
        listing.expires_at, listing.renewal_reminded_at = clock.now() + timedelta(days=LISTING_DAYS), None
        if listing.state is ListingState.EXPIRED:
            await LISTING_STATES.move(tx, listing, ListingState.PUBLISHED, actor=actor, reason="续期")
        else:
            await listing.save(using_db=tx, update_fields=["expires_at", "renewal_reminded_at", "updated_at"])
        await audit.record(tx, actor, "market.listing_renew", "listing", listing.id, community_id=listing.community_id,
                           after={"expiresAt": listing.expires_at.isoformat()})
    return await _loaded(listing.id)


async def withdraw_listing(actor: Actor, *, listing_id: UUID, reason: str | None) -> Listing:
    """The seller takes a draft, published or expired listing off the market (下架)."""
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > 200:
        raise _invalid("下架原因最多 200 个字", "reason")
    async with transaction() as tx:
        listing = await _mine(actor, listing_id, tx)
        if listing.state is ListingState.RESERVED:
            raise _invalid("已被预订，请先取消预订再下架", "id")
        await LISTING_STATES.move(tx, listing, ListingState.CLOSED, actor=actor, reason=reason)
        await audit.record(tx, actor, "market.listing_withdraw", "listing", listing.id,
                           community_id=listing.community_id, after={"reason": reason})
    return await _loaded(listing.id)


async def listing_for_view(actor: Actor, *, listing_id: UUID) -> Listing:
    """The listing as `access.get_listing_for` lets the actor see it, loaded for showing."""
    listing = await access.get_listing_for(actor, listing_id)
    return await _loaded(listing.id)


async def my_listings(actor: Actor, *, state: ListingState | None, first: int, after: str | None) -> Page[Listing]:
    """Mine (my principal's under the MARKET scope), drafts included, newest first."""
    me = actor.subject(ProxyScope.MARKET)
    query = Listing.filter(seller_id=me).select_related(*LISTING_RELATED)
    if state is not None:
        query = query.filter(state=state)
    return await paginate(query, first=first, after=after, newest_first=True)


def _require_staff(actor: Actor, community_id: UUID) -> None:
    if not access.is_staff(actor, community_id):
        raise DomainError(ErrorCode.FORBIDDEN, "只有市场管理或内容审核人员可以查看", field="communityId")


async def staff_listings(actor: Actor, *, community_id: UUID, query: str | None, state: ListingState | None,
                         hidden: bool | None, first: int, after: str | None) -> Page[Listing]:
    """A community's listings for its staff (MARKET_MANAGE or MODERATE), hidden ones too, newest first.
    Drafts stay their sellers' own."""
    _require_staff(actor, community_id)
    rows = Listing.filter(community_id=community_id).exclude(state=ListingState.DRAFT
                                                             ).select_related(*LISTING_RELATED)
    if (query or "").strip():
        rows = rows.filter(title__icontains=query.strip())
    if state is not None:
        rows = rows.filter(state=state)
    if hidden is not None:
        rows = rows.filter(hidden_at__isnull=not hidden)
    return await paginate(rows, first=first, after=after, newest_first=True)


async def listing_events(actor: Actor, *, listing_id: UUID) -> list[ListingEvent]:
    """A listing's history for its community's staff, oldest first (with the actor of each move)."""
    listing = await access.get_listing_for(actor, listing_id)
    _require_staff(actor, listing.community_id)
    return await ListingEvent.filter(listing_id=listing.id).select_related("actor").order_by("created_at", "id")


@dataclass(frozen=True)
class Home:
    room_id: UUID
    building_id: UUID
    label: str  # 阳光花园 3栋 1单元 302


async def homes_of(actor: Actor, *, community_id: UUID) -> list[Home]:
    """My verified homes in the community: where I can offer pickup down to the room."""
    me = await access.require_member(actor, community_id)
    rows = await PersonRoom.filter(person_id=me, community_id=community_id, until=None).select_related(
        "room__unit__building__estate").order_by("created_at")
    return [Home(r.room_id, r.room.unit.building_id, address_of(r.room)) for r in rows]


@dataclass(frozen=True)
class PickupBuilding:
    id: UUID
    label: str  # 阳光花园 3栋


async def buildings_of(actor: Actor, *, community_id: UUID) -> list[PickupBuilding]:
    """The community's buildings, for members without a verified home."""
    await access.require_member(actor, community_id)
    rows = await Building.filter(community_id=community_id).select_related("estate").order_by("estate__name", "name")
    return [PickupBuilding(b.id, f"{b.estate.name} {b.name}") for b in rows]
