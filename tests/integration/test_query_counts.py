"""Query counts pinned: every list operation of the contract sends as many SQL statements for fifty
rows as for one (batch loads, never a query per row).

A list operation is a client query whose answer holds a connection or a list of objects; they are
read from graphql_schema/operations, so a new one without a pin here fails. Operations that take
`first` run at `first: 1` and `first: 50` on the same data; the others run on one row and on
several (a small and a large community, building, search, household or notice of this module's
own making). A connection's totalCount is one statement more (the capped count).
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from uuid import UUID

import httpx
import pytest
from graphql import (
    GraphQLObjectType,
    OperationDefinitionNode,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    build_schema,
    get_named_type,
    get_nullable_type,
    is_list_type,
    parse,
    visit,
)

from backend.accounts.models import AuthSession
from backend.api.contract import SCHEMA_FILE, client_operations
from backend.audit.models import AuditEntry
from backend.cases import service as case_service
from backend.cases import setup as case_setup
from backend.cases.models import Case, Party, StreetSupervisor
from backend.consult import service as consult
from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.outbox import DeadLetter
from backend.core.platform import PlatformMember, PlatformRole
from backend.deliberation import service as deliberation
from backend.ledger.models import Ledger
from backend.market.models import Listing, ListingCategory
from backend.media.models import Upload
from backend.moderation import service as moderation
from backend.notices import service as notices
from backend.notices.models import Notice
from backend.points import catalogue as points_catalogue
from backend.points import redemptions as points_redemptions
from backend.privacy.models import AccessLog
from backend.proxies.models import Proxy
from backend.registry.models import (
    ApplicationStatus,
    Channel,
    Community,
    Membership,
    PersonRoom,
    ResidenceApplication,
    ResidentRole,
    Role,
    Street,
)
from backend.timebank import offers as timebank_offers
from backend.timebank import service as timebank
from backend.timebank.places import PlaceInput
from backend.volunteering import certificates as volunteer_certificates
from backend.volunteering import review as volunteer_review
from backend.volunteering import service as volunteering
from backend.volunteering import signups as volunteer_signups
from backend.volunteering.models import VolunteerSignup
from backend.voting import ballots
from backend.voting import service as voting
from backend.voting.models import BallotChannel, ElectorateEntry, ElectorateKind, PollKind
from tests.integration import (
    case_helpers,
    moderation_helpers,
    points_helpers,
    services_world,
)
from tests.integration.conftest import Api, build_community, build_person
from tests.integration.market_helpers import published_listing
from tests.integration.service_report_helpers import PIN_MONTH, pin_world
from tests.integration.timebank_helpers import ELDER_ID, earn, with_id_number


class _Lists(Visitor):
    """Collects the fields that return a connection or a list of objects."""

    def __init__(self, types: TypeInfo) -> None:
        super().__init__()
        self.types, self.found = types, []

    def enter_field(self, node, *_):
        field_type = self.types.get_type()
        named = get_named_type(field_type)
        if named.name.endswith("Connection") or (
                is_list_type(get_nullable_type(field_type)) and isinstance(named, GraphQLObjectType)):
            self.found.append(node.name.value)


def list_operations() -> set[tuple[str, str]]:
    schema = build_schema(SCHEMA_FILE.read_text())
    found = set()
    for client in ("mini_program", "admin"):
        for name, text in client_operations(client).items():
            document = parse(text)
            operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
            lists = _Lists(TypeInfo(schema))
            visit(document, TypeInfoVisitor(lists.types, lists))
            if operation.operation.value == "query" and lists.found:
                found.add((client, name))
    return found


@dataclass(frozen=True)
class Pin:
    """Run as `who`, once with each of `variables(world)` (one row, then many); `rows` picks the
    list out of the answer (None for a list whose length is fixed, e.g. one entry per channel);
    `statements` is the pinned count, the same for both runs."""

    who: str | tuple[str, str]  # one person, or one for the single row and one for the many
    variables: Callable[[SimpleNamespace], tuple[dict, dict]]
    rows: Callable[[dict], list] | None
    statements: int


def pages(**fixed) -> Callable[[SimpleNamespace], tuple[dict, dict]]:
    """`first: 1` and `first: 50`; a fixed value given as a lambda reads the world."""
    def variables(world):
        values = {k: v(world) if callable(v) else v for k, v in fixed.items()}
        return values | {"first": 1}, values | {"first": 50}
    return variables


def small_and_large(key: str, pick: Callable[[SimpleNamespace], str]) -> Callable:
    return lambda world: ({key: pick(world.small)}, {key: pick(world.large)})


def community_id(place) -> str:
    return str(place.community.id)


def this_week() -> dict:
    """The statistics' period round today (Asia/Shanghai), holding the world's cases."""
    today = clock.now().astimezone(case_service.SHANGHAI).date()
    return {"from": (today - timedelta(days=3)).isoformat(), "to": (today + timedelta(days=4)).isoformat()}


def one_day() -> dict:
    """A market statistics period of today alone (Asia/Shanghai)."""
    today = clock.now().astimezone(case_service.SHANGHAI).date().isoformat()
    return {"since": today, "until": today}


def first_building(place) -> str:
    return str(place.buildings[0].id)


PINS: dict[tuple[str, str], Pin] = {
    # Compiled on PostgreSQL (backend/api/compiled): one statement builds the whole answer.
    ("mini_program", "Feed"): Pin("resident", pages(), lambda d: d["feed"]["latest"]["nodes"], 1),
    ("mini_program", "Inbox"): Pin("resident", pages(), lambda d: d["viewer"]["inbox"]["nodes"], 1),
    ("mini_program", "History"): Pin(("principal_of_one", "principal_of_many"), lambda w: ({}, {}),
                                     lambda d: d["viewer"]["history"]["nodes"], 2),
    ("mini_program", "DirectoryCommunities"): Pin(
        "resident", lambda w: ({"search": w.small.community.name}, {"search": w.token}),
        lambda d: d["directoryCommunities"], 1),
    ("mini_program", "DirectoryBuildings"): Pin(
        "resident", small_and_large("communityId", community_id), lambda d: d["directoryBuildings"], 1),
    ("mini_program", "DirectoryRooms"): Pin(
        "resident", small_and_large("buildingId", first_building), lambda d: d["directoryRooms"], 1),
    ("mini_program", "Household"): Pin(("one_home", "two_homes"), lambda w: ({}, {}),
                                       lambda d: d["viewer"]["residences"], 4),
    ("mini_program", "Proxies"): Pin(("one_home", "two_homes"), lambda w: ({}, {}),
                                     lambda d: d["viewer"]["proxies"], 5),
    ("mini_program", "Sessions"): Pin(("signed_in_once", "signed_in_four_times"), lambda w: ({}, {}),
                                      lambda d: d["viewer"]["sessions"], 2),
    ("mini_program", "Viewer"): Pin(("one_home", "two_homes"), lambda w: ({}, {}),
                                    lambda d: d["viewer"]["memberships"], 4),
    ("mini_program", "NotificationSettings"): Pin("resident", lambda w: ({}, {}), None, 3),
    # And the streets one supervises (the menu's 街道督办) and the providers one works for (服务商 pages).
    ("admin", "Viewer"): Pin(("one_home", "two_homes"), lambda w: ({}, {}), lambda d: d["viewer"]["memberships"], 6),
    ("mini_program", "Notice"): Pin("resident", lambda w: ({"id": w.notice_ids[1]}, {"id": w.notice_ids[2]}),
                                    lambda d: d["notice"]["attachments"], 1),
    ("admin", "Notice"): Pin("staff", lambda w: ({"id": w.notice_ids[1]}, {"id": w.notice_ids[2]}),
                             lambda d: d["notice"]["attachments"], 2),
    ("admin", "NoticeReach"): Pin("staff", lambda w: ({"id": w.small_notice_id}, {"id": w.notice_ids[0]}),
                                  lambda d: d["noticeReach"]["byBuilding"], 9),
    ("admin", "AccessLog"): Pin("staff", pages(communityId=lambda w: community_id(w.large)),
                                lambda d: d["accessLog"]["nodes"], 2),
    ("admin", "AuditLog"): Pin("staff", pages(communityId=lambda w: community_id(w.large)),
                               lambda d: d["auditLog"]["nodes"], 2),
    ("admin", "DeadLetters"): Pin("staff", pages(), lambda d: d["deadLetters"]["nodes"], 2),
    ("admin", "NoticeNotReached"): Pin("staff", pages(id=lambda w: w.notice_ids[0]),
                                       lambda d: d["noticeNotReached"]["nodes"], 4),
    ("admin", "NoticesInReach"): Pin("staff", pages(communityId=lambda w: community_id(w.large)),
                                     lambda d: d["noticesInReach"]["nodes"], 1),
    ("admin", "Notices"): Pin("staff", pages(communityId=lambda w: community_id(w.large)),
                              lambda d: d["notices"]["nodes"], 2),
    ("admin", "RegistryBuildings"): Pin(
        "staff", small_and_large("communityId", community_id), lambda d: d["registryBuildings"], 1),
    ("admin", "RegistryEstates"): Pin(
        "staff", small_and_large("communityId", community_id), lambda d: d["registryEstates"], 1),
    ("admin", "RegistryGrids"): Pin(
        "staff", small_and_large("communityId", community_id), lambda d: d["registryGrids"], 1),
    ("admin", "RegistryRooms"): Pin(
        "staff", small_and_large("buildingId", first_building), lambda d: d["registryRooms"], 3),
    ("admin", "WorkbenchNotices"): Pin("staff", small_and_large("communityId", community_id),
                                       lambda d: d["workbench"]["notices"]["thisWeek"], 5),
    ("admin", "RegistryResidents"): Pin("staff", pages(communityId=lambda w: community_id(w.large)),
                                        lambda d: d["registryResidents"]["nodes"], 2),
    ("admin", "Polls"): Pin("staff", pages(communityId=lambda w: community_id(w.large)),
                            lambda d: d["polls"]["nodes"], 1),
    ("admin", "PollElectorate"): Pin("staff", pages(id=lambda w: w.poll_ids[1]),
                                     lambda d: d["pollElectorate"]["nodes"], 3),
    ("admin", "Poll"): Pin("staff", lambda w: ({"id": w.poll_ids[0]}, {"id": w.poll_ids[1]}),
                           lambda d: d["poll"]["items"], 1),
    ("admin", "PollTurnout"): Pin("staff", lambda w: ({"id": w.poll_ids[0]}, {"id": w.poll_ids[1]}),
                                  lambda d: d["pollTurnout"]["byChannel"], 2),
    ("mini_program", "PollsForMe"): Pin("resident", pages(), lambda d: d["pollsForMe"]["nodes"], 5),
    ("mini_program", "Poll"): Pin("resident", lambda w: ({"id": w.poll_ids[0]}, {"id": w.poll_ids[1]}),
                                  lambda d: d["poll"]["items"], 6),
    ("mini_program", "PollTurnout"): Pin("resident", lambda w: ({"id": w.poll_ids[0]}, {"id": w.poll_ids[1]}),
                                         lambda d: d["pollTurnout"]["byChannel"], 3),
    ("admin", "Cases"): Pin("staff", pages(communityId=lambda w: community_id(w.large)),
                            lambda d: d["cases"]["nodes"], 2),
    ("mini_program", "MyCases"): Pin("resident", pages(), lambda d: d["myCases"]["nodes"], 1),
    ("mini_program", "CasesNearby"): Pin("resident", pages(communityId=lambda w: community_id(w.large)),
                                         lambda d: d["casesNearby"]["nodes"], 3),
    ("admin", "Case"): Pin("staff", lambda w: ({"id": w.case_ids[0]}, {"id": w.case_ids[1]}),
                           lambda d: d["case"]["events"], 9),  # with its resident, for staff
    ("mini_program", "Case"): Pin("resident", lambda w: ({"id": w.case_ids[0]}, {"id": w.case_ids[1]}),
                                  lambda d: d["case"]["entries"], 7),
    ("admin", "CaseStats"): Pin("staff", lambda w: ({"communityId": community_id(w.small), **this_week()},
                                                    {"communityId": community_id(w.large), **this_week()}),
                                lambda d: d["caseStats"]["byCategory"], 5),
    ("admin", "MarketStats"): Pin("staff", lambda w: ({"communityId": community_id(w.small), **one_day()},
                                                      {"communityId": community_id(w.large)}),  # 30 days
                                  lambda d: d["marketStats"]["daily"], 8),
    ("admin", "CaseCategories"): Pin("staff", small_and_large("communityId", community_id),
                                     lambda d: d["caseCategories"], 1),
    ("mini_program", "CaseCategories"): Pin(("small_resident", "resident"),
                                            small_and_large("communityId", community_id),
                                            lambda d: d["caseCategories"], 2),  # and the membership
    ("admin", "CaseCommonAreas"): Pin("staff", small_and_large("communityId", community_id),
                                      lambda d: d["caseCommonAreas"], 1),
    ("mini_program", "CaseCommonAreas"): Pin(("small_resident", "resident"),
                                             small_and_large("communityId", community_id),
                                             lambda d: d["caseCommonAreas"], 2),
    ("admin", "CaseCounts"): Pin("staff", small_and_large("communityId", community_id),
                                 lambda d: d["caseCounts"]["byState"], 2),  # grouped by state, and the overdue
    ("admin", "CaseHandlers"): Pin("staff", small_and_large("communityId", community_id),
                                   lambda d: d["caseHandlers"], 1),
    ("admin", "CaseReplyTemplates"): Pin("staff", lambda w: ({"categoryId": w.category_ids[0]},
                                                             {"categoryId": w.category_ids[1]}),
                                         lambda d: d["caseReplyTemplates"], 2),
    ("admin", "Streets"): Pin("operator", lambda w: ({}, {}), None, 2),  # every street of every test: no fixed rows
    ("admin", "StreetSupervisors"): Pin("operator", lambda w: ({"streetId": w.street_ids[0]},
                                                               {"streetId": w.street_ids[1]}),
                                        lambda d: d["streetSupervisors"], 3),
    ("admin", "StreetCases"): Pin("supervisor", pages(streetId=lambda w: w.street_ids[1]),
                                  lambda d: d["streetCases"]["nodes"], 3),
    ("admin", "StreetCase"): Pin("supervisor", lambda w: ({"id": w.case_ids[0]}, {"id": w.case_ids[1]}),
                                 lambda d: d["streetCase"]["entries"], 7),
    ("admin", "ModerationQueue"): Pin("staff", pages(communityId=lambda w: community_id(w.large)),
                                      lambda d: d["moderationQueue"]["nodes"], 3),
    ("admin", "ModerationLog"): Pin("staff", pages(communityId=lambda w: community_id(w.large)),
                                    lambda d: d["moderationLog"]["nodes"], 2),
    ("admin", "ModerationItem"): Pin("staff", lambda w: ({"id": w.moderated_ids[0]}, {"id": w.moderated_ids[1]}),
                                     lambda d: d["moderationItem"]["reports"], 5),
    ("mini_program", "MyModeratedContent"): Pin("resident", pages(), lambda d: d["myModeratedContent"]["nodes"], 2),
    ("admin", "LedgerAccounts"): Pin("staff", pages(communityId=lambda w: community_id(w.large)),
                                     lambda d: d["ledgerAccounts"]["nodes"], 3),
    ("admin", "LedgerTransfers"): Pin("staff", pages(communityId=lambda w: community_id(w.large)),
                                      lambda d: d["ledgerTransfers"]["nodes"], 4),
    ("admin", "LedgerHolds"): Pin("staff", pages(communityId=lambda w: community_id(w.large)),
                                  lambda d: d["ledgerHolds"]["nodes"], 5),
    ("admin", "LedgerStatement"): Pin("staff", lambda w: ({"accountId": w.account_ids[0]},
                                                          {"accountId": w.account_ids[1]}),
                                      lambda d: d["ledgerStatement"]["lines"], 7),
    ("admin", "FraudAlerts"): Pin("staff", pages(communityId=lambda w: community_id(w.large)),
                                  lambda d: d["fraudAlerts"]["nodes"], 2),
    ("mini_program", "MyWalletEntries"): Pin("resident", pages(communityId=lambda w: community_id(w.large),
                                                               ledger="TIME"),
                                             lambda d: d["myWallet"]["entries"]["nodes"], 6),
    ("admin", "Topics"): Pin("staff", pages(communityId=lambda w: community_id(w.large)),
                             lambda d: d["topics"]["nodes"], 2),
    ("mini_program", "Topics"): Pin("resident", pages(communityId=lambda w: community_id(w.large)),
                                    lambda d: d["topics"]["nodes"], 2),
    ("admin", "Topic"): Pin("staff", lambda w: ({"id": w.topic_ids[0]}, {"id": w.topic_ids[1]}),
                            lambda d: d["topic"]["comments"], 4),
    ("mini_program", "Topic"): Pin("resident", lambda w: ({"id": w.topic_ids[0]}, {"id": w.topic_ids[1]}),
                                   lambda d: d["topic"]["comments"], 8),
    ("admin", "ResidenceApplications"): Pin("staff", pages(communityId=lambda w: community_id(w.large)),
                                            lambda d: d["residenceApplications"]["nodes"], 1),
    ("mini_program", "MyQuestions"): Pin("resident", pages(), lambda d: d["myQuestions"]["nodes"], 1),
    ("mini_program", "Faq"): Pin("resident", pages(communityId=lambda w: community_id(w.large)),
                                 lambda d: d["faq"]["nodes"], 2),  # and the membership
    ("admin", "Questions"): Pin("staff", pages(communityId=lambda w: community_id(w.large)),
                                lambda d: d["questions"]["nodes"], 2),
    # The index's candidates, then the questions they are.
    ("mini_program", "QuestionSuggestions"): Pin(("small_resident", "resident"), lambda w: suggest(w),
                                                 lambda d: d["questionSuggestions"], 3),  # and the membership
    ("admin", "QuestionSuggestions"): Pin("staff", lambda w: suggest(w), lambda d: d["questionSuggestions"], 2),
    ("mini_program", "TimebankRequests"): Pin("tb_kin", pages(communityId=lambda w: community_id(w.large)),
                                              lambda d: d["timebankRequests"]["nodes"], 3),
    ("admin", "TimebankRequests"): Pin("staff", pages(communityId=lambda w: community_id(w.large)),
                                       lambda d: d["timebankRequests"]["nodes"], 2),
    ("mini_program", "TimebankRequest"): Pin("tb_elder", lambda w: ({"id": w.tb_booked[0]}, {"id": w.tb_booked[1]}),
                                             lambda d: d["timebankRequest"]["events"], 5),
    ("admin", "TimebankRequest"): Pin("staff", lambda w: ({"id": w.tb_booked[0]}, {"id": w.tb_booked[1]}),
                                      lambda d: d["timebankRequest"]["events"], 5),
    ("mini_program", "TimebankOffers"): Pin("tb_kin", pages(communityId=lambda w: community_id(w.large)),
                                            lambda d: d["timebankOffers"]["nodes"], 3),
    ("admin", "TimebankOffers"): Pin("staff", pages(communityId=lambda w: community_id(w.large)),
                                     lambda d: d["timebankOffers"]["nodes"], 2),
    ("mini_program", "TimebankMatches"): Pin(("tb_small_elder", "tb_elder"),
                                             lambda w: ({"requestId": w.tb_small_open}, {"requestId": w.tb_open}),
                                             lambda d: d["timebankMatches"], 2),
    ("admin", "TimebankMatches"): Pin("staff", lambda w: ({"requestId": w.tb_small_open}, {"requestId": w.tb_open}),
                                      lambda d: d["timebankMatches"], 2),
    ("mini_program", "TimebankFamily"): Pin(("tb_kin", "tb_elder"),  # one relative, then three
                                            lambda w: ({"communityId": community_id(w.large)},) * 2,
                                            lambda d: d["timebankFamily"], 4),
    ("admin", "VolunteerTeams"): Pin("staff", pages(communityId=lambda w: community_id(w.large)),
                                     lambda d: d["volunteerTeams"]["nodes"], 3),
    ("admin", "VolunteerActivities"): Pin("staff", pages(communityId=lambda w: community_id(w.large)),
                                          lambda d: d["volunteerActivities"]["nodes"], 2),
    ("mini_program", "VolunteerActivities"): Pin("resident", pages(communityId=lambda w: community_id(w.large)),
                                                 lambda d: d["volunteerActivities"]["nodes"], 3),
    ("admin", "VolunteerRoster"): Pin("staff", pages(activityId=lambda w: w.volunteer_activity_ids[0]),
                                      lambda d: d["volunteerRoster"]["nodes"], 4),
    ("admin", "VolunteerApprovals"): Pin("staff", pages(communityId=lambda w: community_id(w.large)),
                                         lambda d: d["volunteerApprovals"]["nodes"], 3),
    ("mini_program", "MySignups"): Pin("resident", pages(), lambda d: d["mySignups"]["nodes"], 2),
    ("mini_program", "MyVolunteerCertificates"): Pin("resident", pages(),
                                                     lambda d: d["myVolunteerCertificates"]["nodes"], 2),
    ("admin", "Rewards"): Pin("staff", pages(communityId=lambda w: community_id(w.large)),
                              lambda d: d["rewards"]["nodes"], 2),
    ("mini_program", "Rewards"): Pin("resident", pages(communityId=lambda w: community_id(w.large)),
                                     lambda d: d["rewards"]["nodes"], 4),
    ("admin", "Redemptions"): Pin("staff", pages(communityId=lambda w: community_id(w.large)),
                                  lambda d: d["redemptions"]["nodes"], 2),
    ("mini_program", "RedemptionsMine"): Pin("resident", pages(), lambda d: d["myRedemptions"]["nodes"], 1),
    # The rules made with the defaults if missing (an insert that skips those there), then read.
    ("admin", "PointsRules"): Pin("staff", small_and_large("communityId", community_id), None, 2),
    # A listing as its page shows it: the row and who may see it, its photos, badge and favourite, the
    # seller's record (ratings, handovers and no-shows), my entry, the entry count and the draw's
    # entries, the rooms shown and the reservation, each one query whatever the photos.
    ("mini_program", "Listing"): Pin("resident", lambda w: ({"id": w.listing_ids[0]}, {"id": w.listing_ids[1]}),
                                     lambda d: d["listing"]["photos"], 12),
    ("mini_program", "MyListings"): Pin("resident", pages(), lambda d: d["myListings"]["nodes"], 2),
    ("mini_program", "MarketHomes"): Pin(("one_home", "two_homes"), lambda w: (
        {"communityId": community_id(w.large)}, {"communityId": community_id(w.large)}),
        lambda d: d["marketHomes"], 2),
    ("mini_program", "MarketBuildings"): Pin("staff", small_and_large("communityId", community_id),
                                             lambda d: d["marketBuildings"], 2),
    ("admin", "MarketListings"): Pin("staff", pages(communityId=lambda w: community_id(w.large)),
                                     lambda d: d["marketListings"]["nodes"], 4),
    ("admin", "ListingEvents"): Pin("staff", lambda w: ({"listingId": w.listing_ids[0]},
                                                        {"listingId": w.listing_ids[1]}),
                                    lambda d: d["listingEvents"], 2),
    # The reported listing in 内容审核: the row, then it with its places and seller, then its photos.
    ("admin", "ListingStaffPreview"): Pin("staff", lambda w: ({"id": w.listing_ids[0]}, {"id": w.listing_ids[1]}),
                                          lambda d: d["listing"]["photos"], 3),
    # The redemption, its reward and its person.
    ("admin", "RedemptionByPickupCode"): Pin("staff", lambda w: (
        {"communityId": community_id(w.large), "pickupCode": w.pickup_codes[0]},
        {"communityId": community_id(w.large), "pickupCode": w.pickup_codes[1]}), None, 3),
    # The membership, the page, its rows, photos, badges, totalCount (the first statements sign in).
    ("mini_program", "MarketSearch"): Pin("resident", pages(communityId=lambda w: community_id(w.large),
                                                            query="自行车", sort="NEAREST"),
                                          lambda d: d["marketSearch"]["nodes"], 6),
    # Deals: the member check, the page and its count, then the listings' photos, badges and rooms and
    # the ratings, one query each.
    ("mini_program", "MyReservations"): Pin("market_buyer", pages(communityId=lambda w: community_id(w.large),
                                                                  role="BUYER"),
                                            lambda d: d["myReservations"]["nodes"], 7),
    ("admin", "ListingReservations"): Pin("staff", lambda w: ({"listingId": w.deal_listings[0]},
                                                              {"listingId": w.deal_listings[1]}),
                                          lambda d: d["listingReservations"], 2),
    ("mini_program", "MarketFavourites"): Pin("market_fan", pages(), lambda d: d["marketFavourites"]["nodes"], 4),
    ("mini_program", "SavedSearches"): Pin(("market_saver", "market_fan"), lambda w: ({}, {}),
                                           lambda d: d["savedSearches"], 1),
    # The membership, the page, its total, unread counts, last messages, the listings' photos.
    ("mini_program", "MarketConversations"): Pin("resident", pages(communityId=lambda w: community_id(w.large)),
                                                 lambda d: d["marketConversations"]["nodes"], 6),
    # The conversation, membership, messages, marking read, unread count, the listing's photos and room.
    ("mini_program", "MarketConversation"): Pin("resident", lambda w: ({"id": w.conversation_ids[0]},
                                                                       {"id": w.conversation_ids[1]}),
                                                lambda d: d["marketConversation"]["messages"], 7),
    # Reports and reconciliation (service_report_helpers.pin_world).
    ("admin", "ServiceReportsProviderStatement"): Pin(
        "provider_admin", lambda w: tuple({"providerId": p, **PIN_MONTH} for p in w.report_providers),
        lambda d: d["providerStatement"]["lines"], 4),  # provider, membership, orders, lines
    ("admin", "ServiceReportsCommissionRevenue"): Pin(
        "operator", lambda w: ({"from": "2024-02-07", "to": "2024-02-07"}, PIN_MONTH),
        lambda d: d["commissionRevenue"]["rows"], 3),  # operator, GROUP BY, names
    ("admin", "ServiceReportsSubsidyClaims"): Pin(
        "staff", lambda w: tuple({"communityId": community_id(p), "month": PIN_MONTH["from"][:7]}
                                 for p in (w.small, w.large)), lambda d: d["subsidyClaims"]["rows"], 4),
    ("admin", "ServiceReportsReconciliationRuns"): Pin("operator", pages(gateway="SANDBOX"),
                                                       lambda d: d["reconciliationRuns"]["nodes"], 4),
    ("admin", "ServiceReportsReconciliationDifferences"): Pin(
        "operator", lambda w: tuple({"runId": r} for r in w.report_runs),
        lambda d: d["reconciliationDifferences"]["nodes"], 4),
    # Paid services — providers, catalogue, policies, commission rules
    # The operator's check, the page, its total, then the providers' communities and members.
    ("admin", "ServiceProviders"): Pin("operator", pages(), lambda d: d["serviceProviders"]["nodes"], 5),
    ("admin", "ServiceProvider"): Pin("operator", lambda w: ({"id": w.services_ids["one"]},
                                                             {"id": w.services_ids["many"]}),
                                      lambda d: d["serviceProvider"]["communities"], 5),
    # The admin's own provider: the provider, the caller's roles at it, its members.
    ("mini_program", "ProviderMembers"): Pin(("sp_admin_one", "sp_admin_many"), lambda w: (
        {"id": w.services_ids["one"]}, {"id": w.services_ids["many"]}), lambda d: d["serviceProvider"]["members"], 3),
    ("admin", "MyProviders"): Pin(("sp_admin_one", "sp_admin_many"), lambda w: ({}, {}),
                                  lambda d: d["myProviders"], 4),
    ("mini_program", "MyProviders"): Pin(("sp_admin_one", "sp_admin_many"), lambda w: ({}, {}),
                                         lambda d: d["myProviders"], 2),
    ("admin", "ProviderSlots"): Pin(("sp_admin_one", "sp_admin_many"), lambda w: (
        {"providerId": w.services_ids["one"], "from": services_world.days_ahead(1).isoformat(), "days": 7},
        {"providerId": w.services_ids["many"], "from": services_world.days_ahead(1).isoformat(), "days": 7}),
        lambda d: d["providerSlots"], 3),
    ("mini_program", "ProviderSlots"): Pin(("sp_admin_one", "sp_admin_many"), lambda w: (
        {"providerId": w.services_ids["one"], "from": services_world.days_ahead(1).isoformat(), "days": 7},
        {"providerId": w.services_ids["many"], "from": services_world.days_ahead(1).isoformat(), "days": 7}),
        lambda d: d["providerSlots"], 3),
    ("admin", "ProviderServices"): Pin(("sp_admin_one", "sp_admin_many"), lambda w: (
        {"providerId": w.services_ids["one"], "first": 50}, {"providerId": w.services_ids["many"], "first": 50}),
        lambda d: d["providerServices"]["nodes"], 3),  # provider, membership, the page with its providers
    ("admin", "ProviderMenus"): Pin(("sp_admin_one", "sp_admin_many"), lambda w: (
        {"providerId": w.services_ids["one"], "from": services_world.days_ahead(0).isoformat(), "days": 7},
        {"providerId": w.services_ids["many"], "from": services_world.days_ahead(0).isoformat(), "days": 7}),
        lambda d: d["providerMenus"], 4),
    ("mini_program", "ProviderMenus"): Pin(("sp_admin_one", "sp_admin_many"), lambda w: (
        {"providerId": w.services_ids["one"], "from": services_world.days_ahead(0).isoformat(), "days": 7},
        {"providerId": w.services_ids["many"], "from": services_world.days_ahead(0).isoformat(), "days": 7}),
        lambda d: d["providerMenus"], 4),
    ("mini_program", "CommunityServices"): Pin("resident", pages(communityId=lambda w: community_id(w.large)),
                                               lambda d: d["communityServices"]["nodes"], 3),
    ("mini_program", "ServiceSlots"): Pin("resident", lambda w: (
        {"serviceId": w.services_ids["services"][0], "from": services_world.days_ahead(0).isoformat(), "days": 7},
        {"serviceId": w.services_ids["services"][1], "from": services_world.days_ahead(0).isoformat(), "days": 7}),
        lambda d: d["serviceSlots"], 4),
    ("mini_program", "MealMenus"): Pin("resident", lambda w: (
        {"communityId": community_id(w.large), "day": services_world.days_ahead(2).isoformat()},
        {"communityId": community_id(w.large), "day": services_world.days_ahead(3).isoformat()}),
        lambda d: d["mealMenus"], 3),
    ("admin", "CommissionRules"): Pin("operator", pages(), lambda d: d["commissionRules"]["nodes"], 2),
    ("admin", "ServiceCategoryPolicies"): Pin("staff", small_and_large("communityId", community_id), None, 1),
    ("admin", "SubsidyPolicies"): Pin("staff", small_and_large("communityId", community_id),
                                      lambda d: d["subsidyPolicies"], 1),
    ("admin", "SubsidyGrants"): Pin("staff", pages(communityId=lambda w: community_id(w.large)),
                                    lambda d: d["subsidyGrants"]["nodes"], 2),
}


def suggest(world) -> tuple[dict, dict]:
    """The small community has one question like it published, the large one five and more."""
    text = "什么时候恢复供水"
    return {"communityId": community_id(world.small), "text": text}, {"communityId": community_id(world.large),
                                                                      "text": text}


@pytest.fixture(scope="module")
async def world(app):
    """Two communities of this module's own: a small one (one of everything) and a large one
    (2 estates × 2 buildings × 3 rooms, 2 grids), a resident in every room, three notices published
    to the large one, and three of every kind of log row."""
    token = f"查{uuid.uuid4().hex[:6]}"
    small = await build_community(name=f"{token}小")
    large = await build_community(estates=2, buildings=2, rooms=3, grids=2, name=f"{token}大")
    await Community.create(name=f"{token}另", code=f"c-{uuid.uuid4().hex[:10]}")
    staff = await build_person(large.community.id, [Role.COMMITTEE_STAFF])
    await Membership.create(person=staff, community=small.community, role=Role.COMMITTEE_STAFF)
    for place in (small, large):
        place.residents = [await build_person(place.community.id, [Role.RESIDENT], room=room) for room in place.rooms]
    resident = large.residents[0]

    world = SimpleNamespace(token=token, small=small, large=large, notice_ids=[])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test") as http:
        console = Api(http, client="admin")
        await console.sign_in(staff.handle)
        for i in range(3):
            created = await console.op("NoticeCreate", communityId=str(large.community.id), input={
                "title": f"通知{i}", "bodyHtml": "<p>内容</p>", "category": "物业",
                "audience": [{"kind": "COMMUNITY"}]})
            notice_id = created["data"]["noticeCreate"]["notice"]["id"]
            await console.op("NoticePublish", id=notice_id)
            await notices.fan_out(UUID(notice_id))  # what the worker's fan-out job runs
            world.notice_ids.append(notice_id)
        created = await console.op("NoticeCreate", communityId=str(small.community.id), input={
            "title": "小区通知", "bodyHtml": "<p>内容</p>", "category": "物业", "audience": [{"kind": "COMMUNITY"}]})
        world.small_notice_id = created["data"]["noticeCreate"]["notice"]["id"]
        await console.op("NoticePublish", id=world.small_notice_id)
        await notices.fan_out(UUID(world.small_notice_id))
    for notice_id, files in ((world.notice_ids[1], 1), (world.notice_ids[2], 3)):
        await Notice.filter(id=notice_id).update(attachments=[
            {"uploadId": str(uuid.uuid4()), "name": f"附件{i}.pdf", "size": 1024, "contentType": "application/pdf"}
            for i in range(files)])

    for i in range(3):
        applicant = await build_person(large.community.id, [])
        await ResidenceApplication.create(community=large.community, person=applicant, room=large.rooms[i + 1],
                                          role=ResidentRole.TENANT, status=ApplicationStatus.PENDING)
        await AccessLog.create(community=large.community, viewer=staff, subject=large.residents[i],
                               field="phone", reason="核实住户信息")
        await DeadLetter.create(task_name="notify.push", key=f"{token}-{i}", kwargs={}, error="boom", attempts=5,
                                community=large.community)
    # One home, one membership and one proxy; then two of each.
    one_home = large.residents[3]
    two_homes = await build_person(large.community.id, [Role.RESIDENT], room=large.rooms[4])
    await PersonRoom.create(community=large.community, person=two_homes, room=large.rooms[5],
                            household=large.households[5], role=ResidentRole.CO_RESIDENT, since=clock.now(),
                            channel=Channel.SEED)
    await Membership.create(person=two_homes, community=small.community, role=Role.RESIDENT)
    for principal, agents in ((one_home, large.residents[6:7]), (two_homes, large.residents[7:9])):
        for agent in agents:
            await Proxy.create(community=large.community, principal=principal, agent=agent, scopes=["REGISTRY"],
                               evidence="委托书", valid_until=clock.now() + timedelta(days=30), granted_by=staff)

    # Signed in only by the test itself, and three times more on other devices.
    signed_in_once, signed_in_four_times = large.residents[9], large.residents[10]
    for device in range(3):
        await AuthSession.create(person=signed_in_four_times, method="sms", user_agent=f"设备{device}",
                                 last_used_at=clock.now())
    principal_of_one, principal_of_many = large.residents[1], large.residents[2]
    for principal, entries in ((principal_of_one, 1), (principal_of_many, 3)):
        for _ in range(entries):
            await AuditEntry.create(community=large.community, actor=resident, acting_for=principal,
                                    action="residence.apply", target_type="room", target_id=str(large.rooms[0].id))
    await _polls(world, staff)
    await _cases(world, staff)
    operator, supervisor = await _streets(world)
    await _questions(world, staff)
    await _moderated(world, staff)
    await _topics(world, staff)
    await _timebank(world)
    await _volunteering(world, staff)
    await _points(world, staff)
    await _market_search(world)
    await _market(world)
    await _market_saved(world)  # after _market_search: the fan keeps its listings
    await _market_deals(world)  # after _market_saved: one more of the market's people
    await _market_chat(world)
    await pin_world(world, build_person)
    await services_world.build(world, staff)
    await _wallets(world)  # last: the wallet's newest entries are its own transfers between people
    world.handles = {**world.timebank_handles, "operator": operator.handle, "supervisor": supervisor.handle,
                     "staff": staff.handle,
                     "resident": resident.handle, "one_home": one_home.handle,
                     "two_homes": two_homes.handle, "signed_in_once": signed_in_once.handle,
                     "signed_in_four_times": signed_in_four_times.handle,
                     "principal_of_one": principal_of_one.handle, "principal_of_many": principal_of_many.handle,
                     "small_resident": small.residents[0].handle, **world.market_handles,
                     **world.report_handles}
    world.handles |= world.services_handles
    return world


async def _polls(world, staff) -> None:
    """Two open polls in the large community: one motion with online ballots only, three motions with
    online and paper ballots."""
    committee = Actor(person_id=staff.id, roles={world.large.community.id: frozenset({Role.COMMITTEE_STAFF})})
    photo = await Upload.create(owner=staff, kind="vote_evidence", content_type="image/jpeg", size=1,
                                sha256=uuid.uuid4().hex * 2)
    world.poll_ids = []
    for motions in (1, 3):
        poll = await voting.create_poll(committee, community_id=world.large.community.id, draft=voting.PollDraft(
            title=f"表决{motions}", kind=PollKind.MOTIONS, items=[{"label": f"议题{i}"} for i in range(motions)],
            electorate=ElectorateKind.HOUSEHOLD, scope={"kind": "COMMUNITY"},
            closes_at=clock.now() + timedelta(days=7)))
        await voting.open_poll(committee, poll_id=poll.id)
        ballot = ballots.BallotInput(motions={f"i{i + 1}": "YES" for i in range(motions)})
        await ballots.cast(Actor(person_id=world.large.residents[0].id), poll_id=poll.id, entry_id=None,
                           ballot=ballot)
        if motions > 1:
            entry = await ElectorateEntry.get(poll_id=poll.id, voters__person_id=world.large.residents[1].id)
            await ballots.enter_paper_ballot(committee, poll_id=poll.id, entry_id=entry.id, channel=BallotChannel.PAPER,
                                             ballot=ballot, evidence_upload_id=photo.id, reason="纸质选票")
        world.poll_ids.append(str(poll.id))


async def _cases(world, staff) -> None:
    """In the large community: three categories (one with a reply template, one with three), two
    common areas, two cases of the resident (one accepted with one reply, one taken through three
    transitions with three replies) and two of a neighbour about a common area, and two property staff
    (handlers beside the committee); in the small one, one category, one common area and one case."""
    small, large = world.small.community.id, world.large.community.id
    world.category_ids = []
    for community, names in ((small, ["报修"]), (large, ["报修", "物业服务", "其他"])):
        committee = case_helpers.committee_actor(staff.id, community)
        made = [await case_setup.create_category(committee, community_id=community, draft=case_setup.CategoryDraft(
            name=name, party=Party.COMMITTEE, accept_hours=4, resolve_hours=24)) for name in names]
        for area in names[:2] if community == large else names[:1]:
            place = await case_setup.create_area(committee, community_id=community, name=f"{area}区域", grid_id=None)
        if community == small:  # one case there: the statistics' single row
            await case_helpers.raise_for(world.small.residents[0].id, small, made[0], room_id=world.small.rooms[0].id)
    for _ in range(2):
        await build_person(large, [Role.PROPERTY_STAFF])
    for category, templates in ((made[0], 1), (made[1], 3)):
        for i in range(templates):
            await case_setup.create_template(committee, category_id=category.id, title=f"模板{i}",
                                             body="您好，已处理。")
        world.category_ids.append(str(category.id))
    resident = world.large.residents[0]
    world.case_ids = []
    for steps in (1, 3):
        case = await case_helpers.raise_for(resident.id, large, made[0], room_id=world.large.rooms[0].id)
        await case_service.accept_case(committee, case_id=case.id)
        for i in range(steps):
            await case_service.reply(committee, case_id=case.id, body=f"回复{i}")
        if steps > 1:
            await case_service.start_case(committee, case_id=case.id)
            await case_service.resolve_case(committee, case_id=case.id, note="已处理完毕")
        world.case_ids.append(str(case.id))
    # A neighbour's (one no other pin counts the history or homes of), about a common area: nearby for the resident.
    for text in ("路灯不亮", "垃圾未清运"):
        await case_service.raise_case(Actor(person_id=world.large.residents[11].id), community_id=large,
                                      draft=case_service.CaseDraft(category_id=made[0].id, text=text, photo_ids=[],
                                                                   place=case_service.Place(area_id=place.id)))


async def _streets(world) -> tuple:
    """A street of each community: the small one's with one supervisor, the large one's with three,
    its cases escalated; the operator who manages them."""
    operator = await build_person(world.large.community.id, [])
    await PlatformMember.create(person=operator, role=PlatformRole.OPERATOR)
    world.street_ids, supervisors = [], []
    for place, count in ((world.small, 1), (world.large, 3)):
        street = await Street.create(name=f"{world.token}街道{count}", code=f"s-{uuid.uuid4().hex[:10]}")
        await Community.filter(id=place.community.id).update(street_id=street.id)
        for _ in range(count):
            supervisors.append(await build_person(place.community.id, []))
            await StreetSupervisor.create(street=street, person=supervisors[-1])
        world.street_ids.append(str(street.id))
    await Case.filter(community_id=world.large.community.id).update(escalated_at=clock.now())
    return operator, supervisors[-1]


async def _questions(world, staff) -> None:
    """Three questions of the resident in the large community; published like 什么时候恢复供水: one in
    the small community, six in the large."""
    for place, published in ((world.small, 1), (world.large, 6)):
        committee = case_helpers.committee_actor(staff.id, place.community.id)
        asker = Actor(person_id=place.residents[0].id)
        for i in range(max(published, 3)):
            question = await consult.ask(asker, community_id=place.community.id, text=f"第{i}片区停水什么时候恢复")
            if i < published:
                await consult.answer_question(committee, question_id=question.id, answer="今晚恢复供水", publish=True)


async def _moderated(world, staff) -> None:
    """Three notes of the resident in the large community: one reported once, two hidden by three
    reporters each, one of those appealed and restored (the log holds them all). The reporters are
    neighbours of their own, whose audit history no other pin counts."""
    resident = world.large.residents[0]
    others = [await build_person(world.large.community.id, [Role.RESIDENT], room=world.large.rooms[4])
              for _ in range(3)]
    committee = case_helpers.committee_actor(staff.id, world.large.community.id)
    world.moderated_ids = []
    for reporters in (others[:1], others, others):
        note_id = moderation_helpers.write_note(world.large.community.id, resident.id)
        world.moderated_ids.append(str((await moderation_helpers.reported(note_id, reporters)).id))
    appeal = await moderation.appeal(Actor(person_id=resident.id), item_id=UUID(world.moderated_ids[2]),
                                     text="我没有违规，请恢复")
    await moderation.decide_appeal(committee, appeal_id=appeal.id, decision=moderation.AppealDecision.RESTORE,
                                   reason="核实无误")


async def _topics(world, staff) -> None:
    """In the large community: two topics of the committee, each linked to a poll, one with a comment and
    one with three (one a reply), and a resident's proposal."""
    large = world.large.community.id
    committee = case_helpers.committee_actor(staff.id, large)
    world.topic_ids = []
    for n, poll_id in ((1, world.poll_ids[0]), (3, world.poll_ids[1])):
        topic = await deliberation.open_topic(committee, community_id=large, draft=deliberation.TopicDraft(
            title=f"议题{n}", body="请大家讨论这件事。"))
        await deliberation.link_poll(committee, topic_id=topic.id, poll_id=UUID(poll_id))
        parent = None
        for i in range(n):
            author = Actor(person_id=world.large.residents[i].id)
            made = await deliberation.comment(author, topic_id=topic.id, body=f"评论{i}",
                                              parent_id=parent.id if parent else None)
            parent = parent or made
        world.topic_ids.append(str(topic.id))
    await deliberation.propose(Actor(person_id=world.large.residents[11].id), community_id=large,
                               draft=deliberation.TopicDraft(title="居民提议", body="建议增设充电桩。"))


async def _timebank(world) -> None:
    """In the large community: an elder with three relatives by proxy (one relative has only him), three
    open requests of his, one booked (one event) and one booked and confirmed (two), three open
    offers of helpers; in the small one, an elder's open request and one offer."""
    large = world.large.community.id
    place = PlaceInput(building_id=world.large.buildings[0].id)
    elder = await with_id_number(await build_person(large, [Role.RESIDENT]), ELDER_ID)
    kin = [await build_person(large, [Role.RESIDENT]) for _ in range(3)]
    for agent in kin:
        await Proxy.create(community_id=large, principal=elder, agent=agent, scopes=["TIMEBANK"], evidence="委托书",
                           valid_until=clock.now() + timedelta(days=30), granted_by=elder)
    await earn(elder, large, 480, "query-counts")

    async def ask(person, community_id, title: str) -> UUID:
        return (await timebank.create_request(Actor(person_id=person.id), community_id=community_id,
                                              draft=timebank.RequestDraft(
            kind="COMPANY", title=title, description="", place=place if community_id == large else PlaceInput(
                text="小区门口"), starts_at=clock.now() + timedelta(days=1), minutes=30, skills=["陪聊"]))).id

    world.tb_booked = []
    for confirmed in (False, True):
        request_id = await ask(elder, large, "陪老人聊天")
        await timebank.book_request(Actor(person_id=(await build_person(large, [Role.RESIDENT])).id),
                                    request_id=request_id)
        if confirmed:
            await timebank.confirm_request(Actor(person_id=elder.id), request_id=request_id)
        world.tb_booked.append(str(request_id))
    world.tb_open = str(await ask(elder, large, "陪老人散步"))
    for _ in range(2):
        await ask(elder, large, "陪老人下棋")
    for community_id in (large, large, large, world.small.community.id):
        helper = await build_person(community_id, [Role.RESIDENT])
        await timebank_offers.create_offer(Actor(person_id=helper.id), community_id=community_id,
                                           draft=timebank_offers.OfferDraft(
            skills=["陪聊"], kinds=["COMPANY"], place=PlaceInput(), availability=[timebank_offers.Window(0, 0, 600)]))
    small_elder = await with_id_number(await build_person(world.small.community.id, [Role.RESIDENT]), ELDER_ID)
    await earn(small_elder, world.small.community.id, 60, "query-counts")
    world.tb_small_open = str(await ask(small_elder, world.small.community.id, "陪老人聊天"))
    world.timebank_handles = {"tb_elder": elder.handle, "tb_kin": kin[0].handle, "tb_small_elder": small_elder.handle}


async def _wallets(world) -> None:
    """In the large community: the resident earns hours three times and holds some for two neighbours
    (whose accounts show one line, and several); two fraud alerts."""
    from backend.ledger.models import TransferFlags
    from backend.wallets import codes
    from backend.wallets.fraud_models import FraudAlert
    from tests.integration.test_wallet_views import earn, hours_of, move

    large, resident = world.large, world.large.residents[0]
    await hours_of(large, resident)  # the community's first account: a page of one names a person
    for i in range(3):
        await earn(large, resident, 60, f"{world.token}:earn:{i}")
    payer = await hours_of(large, resident)
    one, many = large.residents[1], large.residents[2]
    await move(f"{world.token}:one", Ledger.TIME, codes.TIMEBANK_SERVICE, payer, await hours_of(large, one), 10)
    for i in range(2):
        await move(f"{world.token}:hold:{i}", Ledger.TIME, codes.TIMEBANK_SERVICE, payer, await hours_of(large, many),
                   10, flags=TransferFlags.PENDING)
    for i in range(3):
        await earn(large, many, 5, f"{world.token}:many:{i}")
    world.account_ids = [str((await hours_of(large, one)).id), str((await hours_of(large, many)).id)]
    for i in range(2):
        await FraudAlert.create(community=large.community, kind="VELOCITY", key=f"{world.token}:alert:{i}",
                                detail="单日频繁入账")


async def _volunteering(world, staff) -> None:
    """In the large community: two teams, three published activities; on the first, three residents
    (the resident among them) checked out and waiting for review; the resident signed up for all
    three, one of theirs approved elsewhere, and two certificates of it."""
    large = world.large.community.id
    committee = case_helpers.committee_actor(staff.id, large)
    teams = [await volunteering.create_team(committee, community_id=large, name=f"志愿队{i}", description="")
             for i in range(2)]
    for team in teams:
        coordinator = await build_person(large, [Role.VOLUNTEER_COORDINATOR])
        await volunteering.add_coordinator(committee, team_id=team.id, person_id=coordinator.id)
    when = {"starts_at": clock.now() + timedelta(days=1), "ends_at": clock.now() + timedelta(days=1, hours=2),
            "capacity": 10, "skills": ["陪伴"], "points_per_hour": 10, "description": ""}
    world.volunteer_activity_ids = []
    for i, place in enumerate(({"building_id": world.large.buildings[0].id}, {"estate_id": world.large.estates[0].id},
                               {"place_text": "广场"})):
        activity = await volunteering.create_activity(committee, team_id=teams[i % 2].id, title=f"活动{i}", **when,
                                                      **place)
        await volunteering.publish_activity(committee, activity_id=activity.id)
        world.volunteer_activity_ids.append(str(activity.id))
    resident = world.large.residents[0]
    first = UUID(world.volunteer_activity_ids[0])
    signed = [await volunteer_signups.sign_up(Actor(person_id=person.id), activity_id=first)
              for person in world.large.residents[:3]]
    for activity_id in world.volunteer_activity_ids[1:]:
        signed.append(await volunteer_signups.sign_up(Actor(person_id=resident.id), activity_id=UUID(activity_id)))
    # Their attendance, arranged directly: scanning is tested in test_volunteering.
    for signup in signed:
        await VolunteerSignup.filter(id=signup.id).update(
            checked_in_at=when["starts_at"], checked_out_at=when["ends_at"], computed_minutes=120)
    await volunteer_review.approve(committee, signup_id=signed[-1].id, minutes=60)
    for _ in range(2):
        await volunteer_certificates.issue(Actor(person_id=resident.id), community_id=large)


async def _market_search(world) -> None:
    """Three listings matching 自行车 in the large community, by sellers in different estates."""
    large = world.large
    for n, seller in enumerate((large.residents[0], large.residents[6], large.residents[11])):
        await published_listing(seller, large.rooms[large.residents.index(seller)], title=f"儿童自行车 {n}")


async def _points(world, staff) -> None:
    """Four rewards of the large community's mall; the resident redeems three of them."""
    large = world.large.community.id
    committee = case_helpers.committee_actor(staff.id, large)
    resident = world.large.residents[0]
    await points_helpers.grant(large, [resident.id], 100)
    world.pickup_codes = []
    for i in range(4):
        draft = points_catalogue.RewardDraft(name=f"奖品{i}", description="", cost=10, stock=5)
        reward = await points_catalogue.create_reward(committee, community_id=large, draft=draft)
        if i < 3:
            redemption = await points_redemptions.redeem(Actor(person_id=resident.id), reward_id=reward.id)
            world.pickup_codes.append(points_redemptions.pickup_code(redemption))


async def _market(world) -> None:
    """The resident's listings in the large community: one published with a photo (one event), one
    published with three photos and withdrawn (two events), and a draft."""
    from backend.market import listings

    resident, large = world.large.residents[0], world.large.community.id
    seller = Actor(person_id=resident.id)

    async def photo() -> UUID:
        key = uuid.uuid4().hex * 2
        return (await Upload.create(owner=resident, kind="listing_photo", content_type="image/webp", size=1,
                                    sha256=key, variants={"display": key, "thumbnail": key})).id

    world.listing_ids = []
    for photos, withdrawn in ((1, False), (3, True), (0, None)):
        draft = listings.ListingDraft(community_id=large, kind="SELL", category="BOOKS", condition="GOOD",
                                      title="旧书一套", price_fen=1000, room_id=world.large.rooms[0].id,
                                      photo_ids=[await photo() for _ in range(photos)])
        listing = await listings.save_listing(seller, listing_id=None, draft=draft)
        if withdrawn is not None:
            await listings.publish_listing(seller, listing_id=listing.id)
        if withdrawn:
            await listings.withdraw_listing(seller, listing_id=listing.id, reason=None)
        world.listing_ids.append(str(listing.id))


async def _market_saved(world) -> None:
    """In the large community: a fan of the three 自行车 listings with three saved searches, and a
    neighbour with one."""
    from backend.market import favourites, saved
    from backend.market.search import Filters

    large = world.large
    fan, saver = [await build_person(large.community.id, [Role.RESIDENT]) for _ in range(2)]
    for listing in await Listing.filter(community_id=large.community.id, title__startswith="儿童自行车"):
        await favourites.set_favourite(Actor(person_id=fan.id), listing_id=listing.id, favourite=True)
    for person, queries in ((fan, ("自行车", "书桌", "婴儿床")), (saver, ("台灯",))):
        for query in queries:
            await saved.create_saved_search(Actor(person_id=person.id), draft=saved.SavedSearchDraft(
                community_id=large.community.id, query=query, filters=Filters(max_price_fen=20000)))
    world.market_handles = {"market_fan": fan.handle, "market_saver": saver.handle}


async def _market_deals(world) -> None:
    """In the large community a buyer's three deals of three sellers' listings: one handed over and
    rated by both (its listing reserved once), one cancelled, one active (its listing reserved three
    times: twice given up before)."""
    from backend.market import handover, ratings, reservations

    large = world.large
    buyer, other = [await build_person(large.community.id, [Role.RESIDENT]) for _ in range(2)]
    sellers = [large.residents[i] for i in (8, 9, 10)]
    listings = [await published_listing(seller, large.rooms[large.residents.index(seller)], title="旧衣服一袋",
                                        category=ListingCategory.CLOTHING) for seller in sellers]

    async def reserve(person, listing):
        return await reservations.reserve_listing(Actor(person_id=person.id), listing_id=listing.id)

    handed = await reserve(buyer, listings[0])
    await handover.confirm_handover(Actor(person_id=sellers[0].id), reservation_id=handed.id,
                                    code=handover.code_for(buyer.id, handed))
    for person in (buyer, sellers[0]):
        await ratings.rate(Actor(person_id=person.id), reservation_id=handed.id, stars=5, comment="好")
    for person in (buyer, other):
        given_up = await reserve(person, listings[2])
        await reservations.cancel_reservation(Actor(person_id=person.id), reservation_id=given_up.id, reason=None)
    await reserve(buyer, listings[2])
    cancelled = await reserve(buyer, listings[1])
    await reservations.cancel_reservation(Actor(person_id=buyer.id), reservation_id=cancelled.id, reason=None)
    world.market_handles["market_buyer"] = buyer.handle
    world.deal_listings = [str(listings[0].id), str(listings[2].id)]


async def _market_chat(world) -> None:
    """Two neighbours ask about the resident's published listing: one message, then four."""
    from backend.market import chat

    large = world.large
    world.conversation_ids = []
    for buyer, messages in ((large.residents[1], 1), (large.residents[2], 4)):
        for n in range(messages):
            sent = await chat.send(Actor(person_id=buyer.id), listing_id=UUID(world.listing_ids[0]) if n == 0 else None,
                                   conversation_id=None if n == 0 else UUID(world.conversation_ids[-1]),
                                   body=f"还在吗 {n}")
            if n == 0:
                world.conversation_ids.append(str(sent.conversation_id))


def pinned_elsewhere() -> set[tuple[str, str]]:
    """Pins kept beside their domain's own world, in modules of their own."""
    pinned: set[tuple[str, str]] = set()
    # Paid-service orders
    from tests.integration.test_service_orders_query_counts import SERVICE_ORDER_PINS

    pinned |= SERVICE_ORDER_PINS.keys()
    return pinned


def test_every_list_operation_of_the_contract_is_pinned():
    pinned = PINS.keys() | pinned_elsewhere()
    missing = sorted(list_operations() - pinned)
    assert missing == [], f"list operations without a query-count pin in PINS: {missing}"
    assert sorted(pinned - list_operations()) == [], "pins for operations that are gone or return no list"


@pytest.mark.parametrize(("client", "name"), sorted(PINS))
async def test_a_list_operation_runs_as_many_statements_for_fifty_rows_as_for_one(api, world, sql_statements,
                                                                                 client, name):
    pin = PINS[(client, name)]
    people = (pin.who, pin.who) if isinstance(pin.who, str) else pin.who
    runs = []
    for who, variables in zip(people, pin.variables(world), strict=True):
        await api.sign_in(world.handles[who])
        await api.query("{ viewer { id } }")  # the caller's roles cached, as on every request but the first
        with sql_statements() as statements:
            response = await api.op(name, client=client, **variables)
        assert "errors" not in response, response
        runs.append((len(pin.rows(response["data"])) if pin.rows else None, statements))
    (few, few_sql), (many, many_sql) = runs
    if pin.rows:
        assert few == 1 and many > 1, f"the data must give one row, then many: got {few} and {many}"
    assert len(few_sql) == len(many_sql), f"{len(few_sql)} statements for 1 row, {len(many_sql)} for {many}: " \
        f"{many_sql}"
    assert len(many_sql) == pin.statements, f"pinned at {pin.statements} statements, now {len(many_sql)}: " \
        f"{many_sql} (update the pin when the change is meant)"
