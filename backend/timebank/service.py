"""Time-bank requests: raised by the requester or their proxy (TIMEBANK scope), booked by a helper
(or the requester picks an offer), which holds the requester's minutes for the helper; confirmed by
the requester or their proxy, which posts the hold; cancelled before the service, which voids it.

Who reaches a request: its requester (or their proxy) and its helper; the community's members while
it is open; staff holding TIMEBANK_MANAGE. Out of reach is not-found."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from tortoise.expressions import Q

from backend.audit import service as audit
from backend.core.actor import Actor, ProxyScope
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate
from backend.core.permissions import Permission, has, require
from backend.core.text import required_text
from backend.ledger.models import Ledger, Pending, TransferFlags
from backend.ledger.results import ResultCode, TransferSpec
from backend.ledger.service import create_transfers
from backend.notify import service as notify
from backend.people.models import Person
from backend.timebank.eligibility import require_withdrawal_age
from backend.timebank.family import same_household
from backend.timebank.matching import SHANGHAI
from backend.timebank.models import OfferState, RequestKind, TimebankOffer, TimebankRequest
from backend.timebank.models import RequestState as S
from backend.timebank.places import PlaceInput, locate, require_member, words
from backend.timebank.states import REQUEST_STATES
from backend.wallets.accounts import balance, person_account, transfer_id
from backend.wallets.codes import TIMEBANK_SERVICE
from backend.wallets.policy import policy_of

MIN_MINUTES, MAX_MINUTES = 15, 480
HELPER_DAILY_CAP = 8 * 60  # minutes one helper earns through the time bank per day (Asia/Shanghai)
MAX_AHEAD = timedelta(days=90)


def _not_found() -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, "找不到该互助需求")


@dataclass
class RequestDraft:
    kind: RequestKind
    title: str
    description: str
    place: PlaceInput
    starts_at: datetime
    minutes: int
    skills: list[str]


@dataclass
class RequestView:
    request: TimebankRequest
    as_staff: bool
    mine: bool  # I am (or act for) its requester
    helping: bool  # I am its helper


def reference(request_id: UUID) -> str:
    return f"timebank:{request_id}"


def hold_id(request_id: UUID) -> UUID:
    return transfer_id(f"timebank:{request_id}:hold")


# --- Reach ---------------------------------------------------------------------------------------

async def _load(request_id: UUID, *, tx=None, lock: bool = False) -> TimebankRequest:
    query = TimebankRequest.filter(id=request_id)
    if lock:
        query = query.select_for_update()
    request = await query.using_db(tx).first()
    if request is None:
        raise _not_found()
    return request


async def get_request_for(actor: Actor, request_id: UUID, *, tx=None, lock: bool = False) -> RequestView:
    request = await _load(request_id, tx=tx, lock=lock)
    me = actor.subject(ProxyScope.TIMEBANK)
    mine, helping = request.requester_id == me, request.helper_id == me
    if mine or helping:
        return RequestView(request, as_staff=False, mine=mine, helping=helping)
    if not actor.is_proxy and has(actor, Permission.TIMEBANK_MANAGE, request.community_id):
        return RequestView(request, as_staff=True, mine=False, helping=False)
    if request.state == S.OPEN and await _is_member(me, request.community_id, tx=tx):
        return RequestView(request, as_staff=False, mine=False, helping=False)
    raise _not_found()


async def _is_member(person_id: UUID, community_id: UUID, *, tx=None) -> bool:
    from backend.registry.models import Membership

    return await Membership.filter(person_id=person_id, community_id=community_id).using_db(tx).exists()


# --- Raising -------------------------------------------------------------------------------------

async def create_request(actor: Actor, *, community_id: UUID, draft: RequestDraft) -> TimebankRequest:
    """For oneself, or (TIMEBANK scope) for the principal, who must be of the withdrawal age."""
    requester_id = actor.subject(ProxyScope.TIMEBANK)
    await require_member(requester_id, community_id)
    title = required_text(draft.title, "title", "需求标题", low=2, high=40)
    description = (draft.description or "").strip()
    if len(description) > 500:
        raise DomainError(ErrorCode.INVALID_INPUT, "需求说明不超过 500 个字", field="description")
    if not isinstance(draft.minutes, int) or not MIN_MINUTES <= draft.minutes <= MAX_MINUTES:
        raise DomainError(ErrorCode.INVALID_INPUT, f"服务时长须在 {MIN_MINUTES} 到 {MAX_MINUTES} 分钟之间",
                          field="minutes")
    now = clock.now()
    if draft.starts_at.tzinfo is None or not now < draft.starts_at <= now + MAX_AHEAD:
        raise DomainError(ErrorCode.INVALID_INPUT, "服务时间须在现在到 90 天之内", field="startsAt")
    skills = words(draft.skills, "skills", "所需技能")
    place = await locate(community_id, draft.place, required=True)
    requester = await Person.get(id=requester_id)
    policy = await policy_of(community_id)
    require_withdrawal_age(requester, withdrawal_age=policy.withdrawal_age, day=draft.starts_at.astimezone(SHANGHAI)
                           .date())
    account = await person_account(Ledger.TIME, person_id=requester_id, community_id=community_id)
    if balance(account) < draft.minutes:
        raise DomainError(ErrorCode.INVALID_INPUT, _short_of(draft.minutes, balance(account)), field="minutes")
    async with transaction() as tx:
        request = await TimebankRequest.create(
            community_id=community_id, requester_id=requester_id, created_by_id=actor.person_id, kind=draft.kind,
            title=title, description=description, estate_id=place.estate_id, building_id=place.building_id,
            place_name=place.name, starts_at=draft.starts_at, minutes=draft.minutes, skills=skills, using_db=tx)
        await audit.record(tx, actor, "timebank.request_create", "timebank_request", request.id,
                           community_id=community_id, after={"title": title, "minutes": draft.minutes})
    return request


def _short_of(needed: int, available: int) -> str:
    return f"时间余额不足：本次需要 {needed} 分钟，可用 {max(0, available)} 分钟"


# --- Booking -------------------------------------------------------------------------------------

async def book_request(actor: Actor, *, request_id: UUID, offer_id: UUID | None = None) -> TimebankRequest:
    """A helper books an open request for themselves; or, with `offer_id`, its requester (or their
    proxy) picks a helper's offer. The requester's minutes are held for the helper in the same
    transaction: when the ledger refuses, nothing is booked. The request row is locked first, so of
    many helpers at once exactly one books."""
    me = actor.subject(ProxyScope.TIMEBANK)
    async with transaction() as tx:
        request = await _load(request_id, tx=tx, lock=True)
        offer = None
        if offer_id is None:
            helper_id = me
            if request.requester_id == me:
                raise DomainError(ErrorCode.INVALID_INPUT, "不能预约自己发布的需求")
            if not await _is_member(me, request.community_id, tx=tx):
                raise _not_found()
            if request.state != S.OPEN and request.helper_id != me:
                # Out of the board once taken: to others it is gone, as the list shows.
                raise DomainError(ErrorCode.NOT_FOUND, "该需求已被他人预约或已结束")
        else:
            if request.requester_id != me:
                raise _not_found()
            offer = await TimebankOffer.filter(id=offer_id, community_id=request.community_id,
                                               state=OfferState.OPEN).using_db(tx).first()
            if offer is None:
                raise DomainError(ErrorCode.NOT_FOUND, "找不到该帮助意向，可能已撤回", field="offerId")
            helper_id = offer.helper_id
            if helper_id == me:
                raise DomainError(ErrorCode.INVALID_INPUT, "不能选择自己提供的帮助", field="offerId")
        if request.state == S.OPEN and clock.now() >= request.starts_at:
            raise DomainError(ErrorCode.INVALID_INPUT, "该需求的服务时间已过，不能再预约")
        await REQUEST_STATES.move(tx, request, S.BOOKED, actor=actor)
        if await same_household(request.requester_id, helper_id, community_id=request.community_id, tx=tx):
            raise DomainError(ErrorCode.FORBIDDEN, "同住家人之间不能通过时间银行互换时长（可以直接赠与时长）")
        requester = await Person.get(id=request.requester_id).using_db(tx)
        policy = await policy_of(request.community_id, tx=tx)
        require_withdrawal_age(requester, withdrawal_age=policy.withdrawal_age,
                               day=request.starts_at.astimezone(SHANGHAI).date())
        payer = await person_account(Ledger.TIME, person_id=request.requester_id, community_id=request.community_id,
                                     tx=tx)
        payee = await person_account(Ledger.TIME, person_id=helper_id, community_id=request.community_id, tx=tx)
        hold = hold_id(request.id)
        results = await create_transfers([TransferSpec(
            id=hold, ledger=Ledger.TIME, code=TIMEBANK_SERVICE, debit_account_id=payer.id,
            credit_account_id=payee.id, amount=request.minutes, reference=reference(request.id),
            flags=TransferFlags.PENDING)], tx=tx)
        if results[0].code == ResultCode.OVERDRAFT:
            raise DomainError(ErrorCode.TRANSFER_REJECTED, _short_of(request.minutes, balance(payer)))
        if results[0].code == ResultCode.LIMIT_EXCEEDED:
            raise DomainError(ErrorCode.TRANSFER_REJECTED, "帮助者的时间存储已达上限，暂不能接单")
        if not results[0].ok:
            raise DomainError(ErrorCode.TRANSFER_REJECTED, results[0].message)
        # Checked after the hold locked the helper's account, so two bookings of one helper at once
        # see each other.
        await _require_daily_room(tx, helper_id=helper_id, request=request)
        request.helper_id, request.offer_id, request.hold_id, request.booked_at = \
            helper_id, offer.id if offer else None, hold, clock.now()
        await request.save(using_db=tx, update_fields=["helper_id", "offer_id", "hold_id", "booked_at"])
        await audit.record(tx, actor, "timebank.request_book", "timebank_request", request.id,
                           community_id=request.community_id, after={"helper": str(helper_id)})
        await notify.deliver_many(tx, person_ids=[request.requester_id if helper_id == me else helper_id],
                                  kind="timebank", title="互助需求已预约",
                                  body=f"“{request.title}”已预约，服务时间 {_local(request.starts_at)}",
                                  key_prefix=f"timebank:{request.id}:booked")
    return request


async def _require_daily_room(tx, *, helper_id: UUID, request: TimebankRequest) -> None:
    day = request.starts_at.astimezone(SHANGHAI).replace(hour=0, minute=0, second=0, microsecond=0)
    minutes = await TimebankRequest.filter(
        helper_id=helper_id, state__in=[S.BOOKED, S.COMPLETED], starts_at__gte=day,
        starts_at__lt=day + timedelta(days=1)).exclude(id=request.id).using_db(tx).values_list("minutes", flat=True)
    if sum(minutes) + request.minutes > HELPER_DAILY_CAP:
        raise DomainError(ErrorCode.INVALID_INPUT, f"每人每天通过时间银行获得的时长不超过 "
                          f"{HELPER_DAILY_CAP // 60} 小时，当天已预约 {sum(minutes)} 分钟")


def _local(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%m月%d日 %H:%M")


# --- Completion and cancellation -----------------------------------------------------------------

async def confirm_request(actor: Actor, *, request_id: UUID) -> TimebankRequest:
    """The requester (or their proxy) confirms the service was done: the held minutes go to the helper."""
    async with transaction() as tx:
        view = await get_request_for(actor, request_id, tx=tx, lock=True)
        request = view.request
        if view.helping:
            raise DomainError(ErrorCode.FORBIDDEN, "帮助者不能确认自己提供的服务，请由需求人确认")
        if not view.mine:
            raise DomainError(ErrorCode.FORBIDDEN, "只有需求人或其代办人可以确认完成")
        await REQUEST_STATES.move(tx, request, S.COMPLETED, actor=actor)
        results = await create_transfers([TransferSpec(
            id=transfer_id(f"timebank:{request.id}:post"), ledger=Ledger.TIME, code=TIMEBANK_SERVICE,
            reference=reference(request.id), flags=TransferFlags.POST_PENDING, pending_id=request.hold_id)], tx=tx)
        if not results[0].ok:
            raise DomainError(ErrorCode.TRANSFER_REJECTED, results[0].message)
        request.completed_at = clock.now()
        await request.save(using_db=tx, update_fields=["completed_at"])
        await audit.record(tx, actor, "timebank.request_confirm", "timebank_request", request.id,
                           community_id=request.community_id, after={"minutes": request.minutes})
        await notify.deliver_many(tx, person_ids=[request.helper_id], kind="timebank", title="互助服务已确认",
                                  body=f"“{request.title}”已确认完成，{request.minutes} 分钟已计入您的时间账户",
                                  key_prefix=f"timebank:{request.id}:completed")
    return request


async def cancel_request(actor: Actor, *, request_id: UUID, reason: str) -> TimebankRequest:
    """Before the service starts: the requester, their proxy or the helper; staff with
    TIMEBANK_MANAGE until it is completed (a dispute). A held booking is released."""
    reason = required_text(reason, "reason", "取消原因", low=2, high=200)
    async with transaction() as tx:
        view = await get_request_for(actor, request_id, tx=tx, lock=True)
        request = view.request
        if not (view.mine or view.helping or view.as_staff):
            raise DomainError(ErrorCode.FORBIDDEN, "只有需求人、帮助者或居委会可以取消")
        if view.as_staff:
            require(actor, Permission.TIMEBANK_MANAGE, request.community_id)
        was_booked = request.state == S.BOOKED
        await REQUEST_STATES.move(tx, request, S.CANCELLED, actor=actor, reason=reason)
        if not view.as_staff and clock.now() >= request.starts_at:
            raise DomainError(ErrorCode.INVALID_INPUT, "服务开始后不能自行取消，如有问题请联系居委会")
        if was_booked:
            results = await create_transfers([TransferSpec(
                id=transfer_id(f"timebank:{request.id}:void"), ledger=Ledger.TIME, code=TIMEBANK_SERVICE,
                reference=reference(request.id), flags=TransferFlags.VOID_PENDING, pending_id=request.hold_id)],
                tx=tx)
            if not results[0].ok and results[0].code != ResultCode.PENDING_EXPIRED:
                raise DomainError(ErrorCode.TRANSFER_REJECTED, results[0].message)
        request.cancelled_at, request.cancel_reason = clock.now(), reason
        await request.save(using_db=tx, update_fields=["cancelled_at", "cancel_reason"])
        await audit.record(tx, actor, "timebank.request_cancel", "timebank_request", request.id,
                           community_id=request.community_id, after={"reason": reason})
        others = {request.requester_id, request.helper_id} - {actor.subject(ProxyScope.TIMEBANK), None}
        if others:
            await notify.deliver_many(tx, person_ids=sorted(others), kind="timebank", title="互助需求已取消",
                                      body=f"“{request.title}”已取消：{reason}",
                                      key_prefix=f"timebank:{request.id}:cancelled")
    return request


# --- Lists and history ---------------------------------------------------------------------------

@dataclass
class RequestFilter:
    state: S | None = None
    kind: RequestKind | None = None
    search: str | None = None
    mine: bool = False  # the ones I asked for (or my principal did) or help with


async def list_requests(actor: Actor, *, community_id: UUID, where: RequestFilter, first: int,
                        after: str | None) -> Page[TimebankRequest]:
    """Newest first. Staff (TIMEBANK_MANAGE) see every request; members the open ones, and with
    `mine` their own and those they help with."""
    query = TimebankRequest.filter(community_id=community_id)
    if where.mine:
        me = actor.subject(ProxyScope.TIMEBANK)
        await require_member(me, community_id)
        query = query.filter(Q(requester_id=me) | Q(helper_id=me))
    elif not actor.is_proxy and has(actor, Permission.TIMEBANK_MANAGE, community_id):
        pass
    else:
        await require_member(actor.subject(ProxyScope.TIMEBANK), community_id)
        query = query.filter(state=S.OPEN)
    if where.state is not None:
        query = query.filter(state=where.state)
    if where.kind is not None:
        query = query.filter(kind=where.kind)
    if where.search:
        text = where.search.strip()[:32]
        query = query.filter(Q(title__icontains=text) | Q(place_name__icontains=text)
                             | Q(requester__display_name__icontains=text))
    return await paginate(query.select_related("requester", "helper"), first=first, after=after, newest_first=True)


@dataclass
class History:
    events: list
    hold_state: str | None  # PENDING, POSTED, VOIDED, EXPIRED (None: never booked)


async def history(view: RequestView) -> History:
    events = await view.request.events.all().order_by("id").select_related("actor", "acting_for")
    hold = None
    if view.request.hold_id is not None:
        hold = await Pending.filter(id=view.request.hold_id).first().values_list("state", flat=True)
    return History(events, str(hold) if hold else None)
