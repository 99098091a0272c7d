"""Helpers' offers (提供帮助): skills, kinds of help, where, weekly windows; and the ranked offers
that suit a request (timebankMatches)."""

from dataclasses import dataclass
from uuid import UUID

from tortoise.expressions import Q

from backend.audit import service as audit
from backend.core.actor import Actor, ProxyScope
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate
from backend.core.permissions import Permission, has
from backend.timebank.matching import Can, Score, Want, score
from backend.timebank.models import OfferState, RequestKind, TimebankOffer
from backend.timebank.models import RequestState as S
from backend.timebank.places import PlaceInput, locate, require_member, words
from backend.timebank.service import get_request_for

MAX_WINDOWS = 14
MAX_MATCHES = 20
MATCH_POOL = 200  # open offers scored per request: a community has far fewer helpers


@dataclass
class Window:
    weekday: int  # 0 Monday … 6 Sunday
    start: int  # minute of the day, Asia/Shanghai
    end: int


@dataclass
class OfferDraft:
    skills: list[str]
    kinds: list[RequestKind]
    place: PlaceInput
    availability: list[Window]
    note: str = ""


def _windows(windows: list[Window]) -> list[dict]:
    if len(windows) > MAX_WINDOWS:
        raise DomainError(ErrorCode.INVALID_INPUT, f"可服务时间最多 {MAX_WINDOWS} 段", field="availability")
    for w in windows:
        if not (0 <= w.weekday <= 6 and 0 <= w.start < w.end <= 24 * 60):
            raise DomainError(ErrorCode.INVALID_INPUT, "可服务时间须为周一到周日中的一段，开始早于结束",
                              field="availability")
    return [{"weekday": w.weekday, "start": w.start, "end": w.end} for w in windows]


async def create_offer(actor: Actor, *, community_id: UUID, draft: OfferDraft) -> TimebankOffer:
    helper_id = actor.subject(ProxyScope.TIMEBANK)
    await require_member(helper_id, community_id)
    skills = words(draft.skills, "skills", "技能")
    kinds = list(dict.fromkeys(RequestKind(k) for k in draft.kinds))
    if not skills and not kinds:
        raise DomainError(ErrorCode.INVALID_INPUT, "请至少填写一项技能或选择一种帮助类型", field="skills")
    availability = _windows(draft.availability)
    note = (draft.note or "").strip()
    if len(note) > 200:
        raise DomainError(ErrorCode.INVALID_INPUT, "备注不超过 200 个字", field="note")
    place = await locate(community_id, draft.place, required=False)
    async with transaction() as tx:
        offer = await TimebankOffer.create(
            community_id=community_id, helper_id=helper_id, skills=skills, kinds=[str(k) for k in kinds],
            estate_id=place.estate_id, building_id=place.building_id, place_name=place.name,
            availability=availability, note=note, using_db=tx)
        await audit.record(tx, actor, "timebank.offer_create", "timebank_offer", offer.id, community_id=community_id,
                           after={"skills": skills, "kinds": [str(k) for k in kinds]})
    return offer


async def withdraw_offer(actor: Actor, *, offer_id: UUID) -> TimebankOffer:
    me = actor.subject(ProxyScope.TIMEBANK)
    async with transaction() as tx:
        offer = await TimebankOffer.filter(id=offer_id, helper_id=me).select_for_update().using_db(tx).first()
        if offer is None:
            raise DomainError(ErrorCode.NOT_FOUND, "找不到该帮助意向")
        if offer.state == OfferState.WITHDRAWN:
            raise DomainError(ErrorCode.INVALID_INPUT, "该帮助意向已撤回")
        offer.state = OfferState.WITHDRAWN
        await offer.save(using_db=tx, update_fields=["state"])
        await audit.record(tx, actor, "timebank.offer_withdraw", "timebank_offer", offer.id,
                           community_id=offer.community_id)
    return offer


async def list_offers(actor: Actor, *, community_id: UUID, state: OfferState | None, search: str | None,
                      mine: bool, first: int, after: str | None) -> Page[TimebankOffer]:
    """Newest first. Members see the open offers (with `mine`: their own, withdrawn too); staff with
    TIMEBANK_MANAGE every offer."""
    query = TimebankOffer.filter(community_id=community_id)
    if mine:
        me = actor.subject(ProxyScope.TIMEBANK)
        await require_member(me, community_id)
        query = query.filter(helper_id=me)
    elif actor.is_proxy or not has(actor, Permission.TIMEBANK_MANAGE, community_id):
        await require_member(actor.subject(ProxyScope.TIMEBANK), community_id)
        state = OfferState.OPEN
    if state is not None:
        query = query.filter(state=state)
    if search:
        text = search.strip()[:32]
        query = query.filter(Q(helper__display_name__icontains=text) | Q(place_name__icontains=text)
                             | Q(note__icontains=text))
    return await paginate(query.select_related("helper"), first=first, after=after, newest_first=True)


def _can(offer: TimebankOffer) -> Can:
    return Can(skills=frozenset(offer.skills), kinds=frozenset(offer.kinds), estate_id=offer.estate_id,
               building_id=offer.building_id,
               availability=tuple((w["weekday"], w["start"], w["end"]) for w in offer.availability))


async def matches(actor: Actor, *, request_id: UUID) -> list[tuple[TimebankOffer, Score]]:
    """The open offers of others that suit an open request, best first: for its requester (or their
    proxy) choosing a helper, and for staff."""
    view = await get_request_for(actor, request_id)
    if not (view.mine or view.as_staff):
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该互助需求")
    request = view.request
    if request.state != S.OPEN:
        return []
    want = Want(kind=str(request.kind), skills=frozenset(request.skills), starts_at=request.starts_at,
                minutes=request.minutes, estate_id=request.estate_id, building_id=request.building_id)
    offers = await TimebankOffer.filter(community_id=request.community_id, state=OfferState.OPEN) \
        .exclude(helper_id=request.requester_id).select_related("helper").order_by("-id").limit(MATCH_POOL)
    ranked = sorted(((o, score(want, _can(o))) for o in offers), key=lambda pair: (-pair[1].total, pair[0].id))
    return ranked[:MAX_MATCHES]
