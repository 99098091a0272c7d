"""The time bank (时间银行): requests for help paid with stored minutes, helpers' offers and their
ranking, hours given to family or the pool, one's time account; and the community's wallet policy.
Who may do what is the service's (backend/timebank, backend/wallets/policy.py)."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from backend.api.errors import UserError, attempt
from backend.api.ids import parse_uuid
from backend.api.pagination import Counted, PageInfo
from backend.api.people import PersonBrief
from backend.core.errors import DomainError, ErrorCode
from backend.timebank import donations, family, offers, rules, service
from backend.timebank.models import OfferState as OfferStateEnum
from backend.timebank.models import RequestKind as RequestKindEnum
from backend.timebank.models import RequestState as RequestStateEnum
from backend.timebank.places import PlaceInput
from backend.wallets.policy import update_policy

TimebankKind = strawberry.enum(RequestKindEnum, name="TimebankKind",
                               description="COMPANY 陪伴, SHOPPING 代购, CLINIC 陪诊, ERRAND 跑腿, OTHER 其他.")
TimebankRequestState = strawberry.enum(RequestStateEnum, name="TimebankRequestState")
TimebankOfferState = strawberry.enum(OfferStateEnum, name="TimebankOfferState")


def _id(value) -> strawberry.ID | None:
    return strawberry.ID(str(value)) if value is not None else None


def _name(person) -> str | None:
    return person.display_name if person is not None else None


def _opt(value):
    return parse_uuid(value) if value is not None else None


@strawberry.type
class TimebankRequest:
    id: strawberry.ID
    kind: TimebankKind
    title: str
    description: str
    place_name: str
    starts_at: datetime
    minutes: int
    skills: list[str]
    state: TimebankRequestState
    requester_name: str
    helper_name: str | None
    booked_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str | None
    created_at: datetime

    @classmethod
    def of(cls, r) -> "TimebankRequest":
        """`r` with its requester and helper loaded."""
        return cls(id=_id(r.id), kind=r.kind, title=r.title, description=r.description, place_name=r.place_name,
                   starts_at=r.starts_at, minutes=r.minutes, skills=list(r.skills), state=r.state,
                   requester_name=r.requester.display_name, helper_name=_name(r.helper), booked_at=r.booked_at,
                   completed_at=r.completed_at, cancelled_at=r.cancelled_at, cancel_reason=r.cancel_reason,
                   created_at=r.created_at)


async def _request(r) -> TimebankRequest:
    await r.fetch_related("requester", "helper")
    return TimebankRequest.of(r)


@strawberry.type(description="A change of state: who, for whom (代办), when and why.")
class TimebankEvent:
    from_state: TimebankRequestState
    to_state: TimebankRequestState
    actor_name: str | None
    acting_for_name: str | None
    reason: str | None
    at: datetime


@strawberry.type
class TimebankRequestDetail:
    request: TimebankRequest
    mine: bool = strawberry.field(description="I am (or, acting with the TIMEBANK scope, my principal is) its "
                                  "requester: mine to confirm or cancel.")
    helping: bool = strawberry.field(description="I am its helper.")
    as_staff: bool
    hold_state: str | None = strawberry.field(description="The held minutes: PENDING, POSTED, VOIDED or EXPIRED; "
                                              "null before booking.")
    events: list[TimebankEvent]


@strawberry.type
class TimebankRequestConnection(Counted):
    nodes: list[TimebankRequest]
    page_info: PageInfo


@strawberry.type(description="A weekly window, Asia/Shanghai: weekday 0 (Monday) to 6, minutes of the day.")
class TimebankWindow:
    weekday: int
    start: int
    end: int


@strawberry.input
class TimebankWindowInput:
    weekday: int
    start: int
    end: int


@strawberry.type
class TimebankOffer:
    id: strawberry.ID
    helper_name: str
    skills: list[str]
    kinds: list[TimebankKind]
    place_name: str
    availability: list[TimebankWindow]
    note: str
    state: TimebankOfferState
    created_at: datetime

    @classmethod
    def of(cls, o) -> "TimebankOffer":
        return cls(id=_id(o.id), helper_name=o.helper.display_name, skills=list(o.skills),
                   kinds=[RequestKindEnum(k) for k in o.kinds], place_name=o.place_name,
                   availability=[TimebankWindow(**w) for w in o.availability], note=o.note, state=o.state,
                   created_at=o.created_at)


@strawberry.type
class TimebankOfferConnection(Counted):
    nodes: list[TimebankOffer]
    page_info: PageInfo


@strawberry.type(description="An offer ranked for a request: shared skills, availability, nearness and kind.")
class TimebankMatch:
    offer: TimebankOffer
    score: int
    shared_skills: list[str]
    available: bool = strawberry.field(description="A weekly window of the helper holds the whole service.")
    nearby: bool = strawberry.field(description="The same building, or the same estate.")


@strawberry.type(description="My (or my principal's) hours in a community, in minutes.")
class TimebankAccount:
    minutes: int = strawberry.field(description="What may be spent or given now.")
    held_minutes: int = strawberry.field(description="Held for bookings not yet confirmed.")
    incoming_minutes: int = strawberry.field(description="Held for me by others' bookings of my help.")
    cap: int | None
    headroom: int | None = strawberry.field(description="How much more may be received before the cap.")
    pool_minutes: int = strawberry.field(description="The community's mutual-aid pool (互助池).")
    withdrawal_age: int
    eligible: bool = strawberry.field(description="Of the withdrawal age by the registry's ID number.")
    eligibility_note: str | None


@strawberry.type
class HoursDonation:
    id: strawberry.ID
    minutes: int
    to_pool: bool
    recipient_name: str | None
    created_at: datetime


@strawberry.type(description="A community's rules for hours and points (时间银行与积分规则).")
class WalletPolicy:
    hours_cap: int = strawberry.field(description="Minutes a person may store; earnings beyond go to the pool.")
    withdrawal_age: int
    hours_valid_days: int = strawberry.field(description="0: never expire.")
    expiry_notice_days: int
    points_daily_cap: int
    points_valid_days: int = strawberry.field(description="0: never expire.")

    @classmethod
    def of(cls, p) -> "WalletPolicy":
        return cls(hours_cap=p.hours_cap, withdrawal_age=p.withdrawal_age, hours_valid_days=p.hours_valid_days,
                   expiry_notice_days=p.expiry_notice_days, points_daily_cap=p.points_daily_cap,
                   points_valid_days=p.points_valid_days)


@strawberry.input
class WalletPolicyInput:
    hours_cap: int | None = None
    withdrawal_age: int | None = None
    hours_valid_days: int | None = None
    expiry_notice_days: int | None = None
    points_daily_cap: int | None = None
    points_valid_days: int | None = None


@strawberry.input(description="Where: a building or an estate of the registry, and/or a place written out "
                  "(at most 100 characters).")
class TimebankPlaceInput:
    estate_id: strawberry.ID | None = None
    building_id: strawberry.ID | None = None
    text: str | None = None

    def parse(self) -> PlaceInput:
        return PlaceInput(estate_id=_opt(self.estate_id), building_id=_opt(self.building_id), text=self.text)


@strawberry.input
class TimebankRequestInput:
    kind: TimebankKind
    title: str = strawberry.field(description="2–40 characters.")
    place: TimebankPlaceInput
    starts_at: datetime
    minutes: int = strawberry.field(description="15–480.")
    description: str = ""
    skills: list[str] = strawberry.field(default_factory=list, description="At most 10, 16 characters each.")

    def draft(self) -> service.RequestDraft:
        return service.RequestDraft(kind=self.kind, title=self.title, description=self.description,
                                    place=self.place.parse(), starts_at=self.starts_at, minutes=self.minutes,
                                    skills=list(self.skills))


@strawberry.input
class TimebankOfferInput:
    skills: list[str] = strawberry.field(default_factory=list)
    kinds: list[TimebankKind] = strawberry.field(default_factory=list)
    place: TimebankPlaceInput | None = None
    availability: list[TimebankWindowInput] = strawberry.field(default_factory=list)
    note: str = ""

    def draft(self) -> offers.OfferDraft:
        return offers.OfferDraft(skills=list(self.skills), kinds=list(self.kinds),
                                 place=(self.place or TimebankPlaceInput()).parse(), note=self.note,
                                 availability=[offers.Window(w.weekday, w.start, w.end) for w in self.availability])


@strawberry.type
class TimebankRequestPayload:
    request: TimebankRequest | None
    errors: list[UserError]


@strawberry.type
class TimebankOfferPayload:
    offer: TimebankOffer | None
    errors: list[UserError]


@strawberry.type
class HoursDonationPayload:
    donation: HoursDonation | None
    errors: list[UserError]


@strawberry.type
class WalletPolicyPayload:
    policy: WalletPolicy | None
    errors: list[UserError]


async def _request_payload(call) -> TimebankRequestPayload:
    request, errors = await attempt(call)
    return TimebankRequestPayload(request=await _request(request) if request else None, errors=errors)


async def _offer_payload(call) -> TimebankOfferPayload:
    offer, errors = await attempt(call)
    if offer is not None:
        await offer.fetch_related("helper")
    return TimebankOfferPayload(offer=TimebankOffer.of(offer) if offer else None, errors=errors)


def _event(e) -> TimebankEvent:
    return TimebankEvent(from_state=e.from_state, to_state=e.to_state, actor_name=_name(e.actor),
                         acting_for_name=_name(e.acting_for), reason=e.reason, at=e.created_at)


@strawberry.type
class TimebankQueries:
    @strawberry.field(description="A community's time-bank requests, newest first; first ≤ 50. Members see the "
                      "open ones (with `mine`: the ones they asked for or help with, acting with the TIMEBANK scope "
                      "for their principal); staff with TIMEBANK_MANAGE every request. `search`: title, place or "
                      "requester (at most 32 characters).")
    async def timebank_requests(self, info: Info, community_id: strawberry.ID,
                                state: TimebankRequestState | None = None, kind: TimebankKind | None = None,
                                search: str | None = None, mine: bool = False, first: int = 20,
                                after: str | None = None) -> TimebankRequestConnection:
        page = await service.list_requests(
            info.context.actor, community_id=parse_uuid(community_id),
            where=service.RequestFilter(state=state, kind=kind, search=search, mine=mine), first=first, after=after)
        return TimebankRequestConnection(nodes=[TimebankRequest.of(r) for r in page.items],
                                         page_info=PageInfo.of(page), page=page)

    @strawberry.field(description="A request with its history and the state of its held minutes: for its requester "
                      "(or their proxy), its helper, members while it is open, staff with TIMEBANK_MANAGE.")
    async def timebank_request(self, info: Info, id: strawberry.ID) -> TimebankRequestDetail | None:
        try:
            view = await service.get_request_for(info.context.actor, parse_uuid(id))
        except DomainError as error:
            if error.code != ErrorCode.NOT_FOUND:
                raise
            return None
        line = await service.history(view)
        return TimebankRequestDetail(request=await _request(view.request), mine=view.mine, helping=view.helping,
                                     as_staff=view.as_staff, hold_state=line.hold_state,
                                     events=[_event(e) for e in line.events])

    @strawberry.field(description="Helpers' offers of a community, newest first; first ≤ 50. Members see the open "
                      "ones (with `mine`: their own); staff with TIMEBANK_MANAGE every offer.")
    async def timebank_offers(self, info: Info, community_id: strawberry.ID, state: TimebankOfferState | None = None,
                              search: str | None = None, mine: bool = False, first: int = 20,
                              after: str | None = None) -> TimebankOfferConnection:
        page = await offers.list_offers(info.context.actor, community_id=parse_uuid(community_id), state=state,
                                        search=search, mine=mine, first=first, after=after)
        return TimebankOfferConnection(nodes=[TimebankOffer.of(o) for o in page.items], page_info=PageInfo.of(page),
                                       page=page)

    @strawberry.field(description="Open offers that suit an open request, best first (at most 20): for its "
                      "requester (or their proxy) and staff with TIMEBANK_MANAGE.")
    async def timebank_matches(self, info: Info, request_id: strawberry.ID) -> list[TimebankMatch]:
        ranked = await offers.matches(info.context.actor, request_id=parse_uuid(request_id))
        return [TimebankMatch(offer=TimebankOffer.of(o), score=s.total, shared_skills=list(s.shared_skills),
                              available=s.available, nearby=s.nearby) for o, s in ranked]

    @strawberry.field(description="My (or, acting with the TIMEBANK scope, my principal's) hours in a community.")
    async def timebank_account(self, info: Info, community_id: strawberry.ID) -> TimebankAccount:
        a = await donations.time_account(info.context.actor, community_id=parse_uuid(community_id))
        return TimebankAccount(minutes=a.minutes, held_minutes=a.held_minutes, incoming_minutes=a.incoming_minutes,
                               cap=a.cap, headroom=a.headroom, pool_minutes=a.pool_minutes,
                               withdrawal_age=a.withdrawal_age, eligible=a.eligible,
                               eligibility_note=a.eligibility_note)

    @strawberry.field(description="Whom I (or my principal) may give hours to: my household and my proxy relations.")
    async def timebank_family(self, info: Info, community_id: strawberry.ID) -> list[PersonBrief]:
        return [PersonBrief.of(p) for p in await family.family_of(info.context.actor,
                                                                  community_id=parse_uuid(community_id))]

    @strawberry.field(description="The community's hours and points rules; for its members and staff.")
    async def wallet_policy(self, info: Info, community_id: strawberry.ID) -> WalletPolicy:
        return WalletPolicy.of(await rules.read_policy(info.context.actor, community_id=parse_uuid(community_id)))


@strawberry.type
class TimebankMutations:
    @strawberry.mutation(description="Ask for help, for oneself or (TIMEBANK scope) for one's principal, who must be "
                         "of the withdrawal age and hold the minutes.")
    async def timebank_request_create(self, info: Info, community_id: strawberry.ID,
                                      input: TimebankRequestInput) -> TimebankRequestPayload:
        return await _request_payload(service.create_request(
            info.context.actor, community_id=parse_uuid(community_id), draft=input.draft()))

    @strawberry.mutation(description="Book an open request as its helper; or, with `offerId`, its requester picks a "
                         "helper's offer. Holds the requester's minutes for the helper.")
    async def timebank_request_book(self, info: Info, id: strawberry.ID,
                                    offer_id: strawberry.ID | None = None) -> TimebankRequestPayload:
        return await _request_payload(service.book_request(info.context.actor, request_id=parse_uuid(id),
                                                           offer_id=_opt(offer_id)))

    @strawberry.mutation(description="The requester (or their proxy) confirms the help was given: the held minutes "
                         "go to the helper. The helper cannot confirm their own service.")
    async def timebank_request_confirm(self, info: Info, id: strawberry.ID) -> TimebankRequestPayload:
        return await _request_payload(service.confirm_request(info.context.actor, request_id=parse_uuid(id)))

    @strawberry.mutation(description="Cancel with a reason before the service starts (requester, proxy or helper), "
                         "or as staff with TIMEBANK_MANAGE until it is completed; held minutes are released.")
    async def timebank_request_cancel(self, info: Info, id: strawberry.ID, reason: str) -> TimebankRequestPayload:
        return await _request_payload(service.cancel_request(info.context.actor, request_id=parse_uuid(id),
                                                             reason=reason))

    @strawberry.mutation(description="Offer help: skills, kinds, place and weekly windows.")
    async def timebank_offer_create(self, info: Info, community_id: strawberry.ID,
                                    input: TimebankOfferInput) -> TimebankOfferPayload:
        return await _offer_payload(offers.create_offer(info.context.actor, community_id=parse_uuid(community_id),
                                                        draft=input.draft()))

    @strawberry.mutation(description="Withdraw one's own offer.")
    async def timebank_offer_withdraw(self, info: Info, id: strawberry.ID) -> TimebankOfferPayload:
        return await _offer_payload(offers.withdraw_offer(info.context.actor, offer_id=parse_uuid(id)))

    @strawberry.mutation(description="Give minutes to a family member (same household or a proxy relation) or to "
                         "the community pool; refused beyond the recipient's storage cap.")
    async def hours_donate(self, info: Info, community_id: strawberry.ID, minutes: int,
                           to_person_id: strawberry.ID | None = None, to_pool: bool = False) -> HoursDonationPayload:
        donation, errors = await attempt(donations.donate_hours(
            info.context.actor, community_id=parse_uuid(community_id), minutes=minutes,
            to_person_id=_opt(to_person_id), to_pool=to_pool))
        if donation is None:
            return HoursDonationPayload(donation=None, errors=errors)
        await donation.fetch_related("recipient")
        return HoursDonationPayload(donation=HoursDonation(
            id=_id(donation.id), minutes=donation.minutes, to_pool=donation.recipient_id is None,
            recipient_name=_name(donation.recipient), created_at=donation.created_at), errors=[])

    @strawberry.mutation(description="Change the community's hours and points rules. Needs TIMEBANK_MANAGE.")
    async def wallet_policy_update(self, info: Info, community_id: strawberry.ID,
                                   input: WalletPolicyInput) -> WalletPolicyPayload:
        policy, errors = await attempt(update_policy(
            info.context.actor, community_id=parse_uuid(community_id), hours_cap=input.hours_cap,
            withdrawal_age=input.withdrawal_age, hours_valid_days=input.hours_valid_days,
            expiry_notice_days=input.expiry_notice_days, points_daily_cap=input.points_daily_cap,
            points_valid_days=input.points_valid_days))
        return WalletPolicyPayload(policy=WalletPolicy.of(policy) if policy else None, errors=errors)

