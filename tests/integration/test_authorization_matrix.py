"""The authorization matrix, derived from the schema: every Query, Mutation and Subscription field
that takes an ID (as an argument or inside an input type) has a case here, tried by five outsiders —
a resident of another household, staff of another community, the grid worker of another grid, a
proxy acting for the target without the scope (granted only ORDER, through X-Acting-For) and an
anonymous caller. None gets the target's data, and nothing changes. A new ID-taking field without a
case fails `test_every_id_taking_field_has_a_case`.

The target is grid 乙 of a community built for the test (tests/integration/neighbourhood.py): its
resident, household, building, room, residence, pending application, proxy, session and inbox
message, a notice published to its building and a draft."""

import asyncio
import uuid
from datetime import timedelta
from types import SimpleNamespace

import httpx
import pytest
from graphql import GraphQLInputObjectType, get_named_type
from httpx_ws import aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport

from backend.accounts.models import AuthSession
from backend.api.schema import build_schema
from backend.audit.models import AuditEntry
from backend.cases import service as case_service
from backend.cases import setup as case_setup
from backend.cases.models import (
    Case,
    CaseCategory,
    CaseConfirmation,
    CaseEntry,
    CaseFollower,
    CaseReplyTemplate,
    CaseSettings,
    CommonArea,
    StreetSupervisor,
)
from backend.consult import service as consult
from backend.consult.models import Question
from backend.core import crypto
from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.progress import StaffJob
from backend.core.settings import get_settings
from backend.deliberation import moderated
from backend.deliberation import service as deliberation
from backend.deliberation.models import DeliberationSettings, Topic, TopicComment, TopicSupport
from backend.ledger.models import Account
from backend.market import handover as market_handover
from backend.market import listings as market_listings
from backend.market import reservations as market_reservations
from backend.market.models import (
    Conversation,
    Favourite,
    Listing,
    ListingCategory,
    ListingEvent,
    ListingPhoto,
    ListingState,
    LotteryEntry,
    MarketSettings,
    Message,
    Rating,
    Reservation,
    SavedSearch,
)
from backend.media.models import Upload
from backend.moderation import service as moderation
from backend.moderation.models import ModeratedItem, ModerationAppeal, ModerationLogEntry, ModerationReport
from backend.notices import service as notices
from backend.notices.models import Notice, NoticeOfflineReach, NoticeRecipient
from backend.notify.models import InboxMessage
from backend.payments.models import ReconciliationDifference
from backend.people.models import Person
from backend.points import catalogue as points_catalogue
from backend.points import redemptions as points_redemptions
from backend.points.models import PointsRule, Redemption, Reward
from backend.privacy.models import AccessLog
from backend.proxies.models import Proxy
from backend.registry.models import (
    Building,
    Community,
    GridWorker,
    PersonRoom,
    ResidenceApplication,
    Street,
)
from backend.timebank import offers as timebank_offers
from backend.timebank import service as timebank
from backend.timebank.models import HoursDonation, TimebankOffer, TimebankRequest
from backend.timebank.places import PlaceInput
from backend.volunteering import attendance as volunteer_attendance
from backend.volunteering import service as volunteering
from backend.volunteering import signups as volunteer_signups
from backend.volunteering.models import (
    VolunteerActivity,
    VolunteerCertificate,
    VolunteerSignup,
    VolunteerTeam,
    VolunteerTeamCoordinator,
)
from backend.voting import ballots
from backend.voting import service as voting
from backend.voting.models import BallotContent, BallotParticipation, Poll, VoteAuthorisation
from backend.wallets.fraud_models import FraudAlert
from backend.wallets.models import WalletPolicy
from tests.integration import case_helpers, moderation_helpers, points_helpers, services_matrix
from tests.integration.conftest import Api, build_person
from tests.integration.market_helpers import published_listing
from tests.integration.neighbourhood import build_neighbourhood
from tests.integration.service_report_helpers import matrix_rows as report_rows
from tests.integration.test_wallet_views import earn as earn_into
from tests.integration.timebank_helpers import earn

DENIED = {"NOT_FOUND", "UNAUTHENTICATED", "FORBIDDEN", "PROXY_INVALID"}
OUTSIDERS = ["neighbour", "foreign_staff", "other_grid_worker", "proxy_without_scope", "anonymous"]
POLL_INPUT = ("{title: \"改写投票\", kind: SINGLE, items: [{label: \"甲\"}, {label: \"乙\"}], electorate: HOUSEHOLD, "
              "scope: {kind: BUILDING, ids: [$b]}, closesAt: \"2099-01-01T00:00:00+00:00\"}")
CASE_INPUT = "{categoryId: $c, text: \"改写诉求\", place: {roomId: $r}, photos: [$u]}"
NOTICE_INPUT = ("{title: \"改写通知\", bodyHtml: \"<p>改</p>\", category: \"安全\", "
                "audience: [{kind: BUILDING, ids: [$b]}], attachments: [$u]}")



ACTIVITY_INPUT = ("{title: \"改写活动\", startsAt: \"2099-01-01T08:00:00+08:00\", "
                  "endsAt: \"2099-01-01T10:00:00+08:00\", placeText: \"活动室\", capacity: 5}")


def _this_week() -> dict:
    """A period round today (Asia/Shanghai) that holds the target's cases."""
    today = clock.now().astimezone(case_service.SHANGHAI).date()
    return {"f": (today - timedelta(days=3)).isoformat(), "t": (today + timedelta(days=4)).isoformat()}


# field -> (document, variables from the target's ids). The document asks for the personal data a
# leak would show.
CASES = {
    # Query
    "community": ("query($x: ID!) { community(id: $x) { name buildings(first: 50) { nodes { name } } } }",
                  lambda t: {"x": t["community"]}),
    "registryEstates": ("query($x: ID!) { registryEstates(communityId: $x) { id name } }",
                        lambda t: {"x": t["community"]}),
    "registryBuildings": ("query($x: ID!, $e: ID) { registryBuildings(communityId: $x, estateId: $e) { id name } }",
                          lambda t: {"x": t["community"], "e": t["estate"]}),
    "registryRooms": ("query($x: ID!) { registryRooms(buildingId: $x) { room { code } "
                      "residents { resident { displayName phone idNumber } } } }", lambda t: {"x": t["building"]}),
    # Not idNumber: every resident of the neighbourhood has the same one, so the other grid's shows its tail.
    "registryResidents": ("query($x: ID!) { registryResidents(communityId: $x) { totalCount nodes { address "
                          "resident { displayName phone } } } }", lambda t: {"x": t["community"]}),
    "resident": ("query($x: ID!) { resident(id: $x) { displayName phone idNumber } }", lambda t: {"x": t["person"]}),
    "directoryBuildings": ("query($x: ID!) { directoryBuildings(communityId: $x) { id name } }",
                           lambda t: {"x": t["community"]}),
    "directoryRooms": ("query($x: ID!) { directoryRooms(buildingId: $x) { room { code } } }",
                       lambda t: {"x": t["building"]}),
    "registryGrids": ("query($x: ID!) { registryGrids(communityId: $x) { id name } }", lambda t: {"x": t["community"]}),
    "residenceApplications": ("query($x: ID!) { residenceApplications(communityId: $x) { nodes { "
                              "person { displayName } address } } }", lambda t: {"x": t["community"]}),
    "auditLog": ("query($x: ID!) { auditLog(communityId: $x) { nodes { action actor { displayName } } } }",
                 lambda t: {"x": t["community"]}),
    "accessLog": ("query($x: ID!) { accessLog(communityId: $x) { nodes { reason subject { displayName } } } }",
                  lambda t: {"x": t["community"]}),
    "notice": ("query($x: ID!) { notice(id: $x) { title bodyHtml } }", lambda t: {"x": t["notice"]}),
    "workbench": ("query($x: ID!) { workbench(communityId: $x) { identity { residentsVerified } notices { "
                  "thisWeek { notice { title } audience } unreachedByGrid { gridName households } } "
                  "cases { open overdueNow month { cases } } } }",
                  lambda t: {"x": t["community"]}),
    "notices": ("query($x: ID!) { notices(communityId: $x) { nodes { title } } }", lambda t: {"x": t["community"]}),
    "noticesInReach": ("query($x: ID!) { noticesInReach(communityId: $x) { nodes { title } } }",
                       lambda t: {"x": t["community"]}),
    "noticeReach": ("query($x: ID!) { noticeReach(id: $x) { audience byBuilding { buildingId } } }",
                    lambda t: {"x": t["notice"]}),
    "noticeNotReached": ("query($x: ID!) { noticeNotReached(id: $x) { nodes { householdId address residents } } }",
                         lambda t: {"x": t["notice"]}),
    # Mutation
    "sessionRevoke": ("mutation($x: ID!) { sessionRevoke(id: $x) { ok errors { code } } }",
                      lambda t: {"x": t["session"]}),
    "personalDataUnmask": ("mutation($x: ID!) { personalDataUnmask(personId: $x, field: PHONE, reason: \"核实信息\") "
                           "{ value errors { code } } }", lambda t: {"x": t["person"]}),
    "registryImportStart": ("mutation($x: ID!, $u: ID!) { registryImportStart(communityId: $x, uploadId: $u) "
                            "{ job { id } errors { code } } }",
                            lambda t: {"x": t["community"], "u": t["import_upload"]}),
    "staffJob": ("query($x: ID!) { staffJob(id: $x) { state result } }", lambda t: {"x": t["staff_job"]}),
    "registryImport": ("mutation($x: ID!, $u: ID!) { registryImport(communityId: $x, uploadId: $u, dryRun: false) "
                       "{ report { totalRows } errors { code } } }",
                       lambda t: {"x": t["community"], "u": t["import_upload"]}),
    "residenceApply": ("mutation($x: ID!, $r: String!, $u: ID) { residenceApply(communityId: $x, roomCode: $r, "
                       "role: TENANT, proofUploadId: $u) { application { id } errors { code } } }",
                       lambda t: {"x": t["community"], "r": t["room_code"], "u": t["proof_upload"]}),
    "residenceApprove": ("mutation($x: ID!) { residenceApprove(id: $x) { application { person { displayName } } "
                         "errors { code } } }", lambda t: {"x": t["application"]}),
    "residenceReject": ("mutation($x: ID!) { residenceReject(id: $x, reason: \"不符合条件\") { "
                        "application { person { displayName } } errors { code } } }",
                        lambda t: {"x": t["application"]}),
    "residenceMoveOut": ("mutation($x: ID!) { residenceMoveOut(id: $x) { residenceId errors { code } } }",
                         lambda t: {"x": t["residence"]}),
    "proxyGrant": ("mutation($x: ID!, $v: DateTime!) { proxyGrant(agentId: $x, scopes: [VOTE], validUntil: $v) "
                   "{ proxy { id } errors { code } } }", lambda t: {"x": t["person"], "v": t["valid_until"]}),
    "proxyRecord": ("mutation($x: ID!, $p: ID!, $a: ID!, $v: DateTime!) { proxyRecord(communityId: $x, "
                    "principalId: $p, agentId: $a, scopes: [VOTE], evidence: \"委托书\", validUntil: $v) "
                    "{ proxy { id } errors { code } } }",
                    lambda t: {"x": t["community"], "p": t["person"], "a": t["family"], "v": t["valid_until"]}),
    "proxyRevoke": ("mutation($x: ID!) { proxyRevoke(id: $x) { proxy { principal { displayName } } errors { code } } }",
                    lambda t: {"x": t["proxy"]}),
    "residentUpdate": ("mutation($x: ID!) { residentUpdate(id: $x, displayName: \"改名\") { resident { displayName } "
                       "errors { code } } }", lambda t: {"x": t["person"]}),
    "gridAssignBuilding": ("mutation($x: ID!, $g: ID!) { gridAssignBuilding(buildingId: $x, gridId: $g) "
                           "{ ok errors { code } } }", lambda t: {"x": t["building"], "g": t["other_grid"]}),
    "gridAssignWorker": ("mutation($x: ID!, $p: ID!) { gridAssignWorker(gridId: $x, personId: $p) "
                         "{ ok errors { code } } }", lambda t: {"x": t["grid"], "p": t["other_worker"]}),
    "noticeCreate": (f"mutation($x: ID!, $b: ID!, $u: ID!) {{ noticeCreate(communityId: $x, input: {NOTICE_INPUT}) "
                     "{ notice { id } errors { code } } }",
                     lambda t: {"x": t["community"], "b": t["building"], "u": t["attachment"]}),
    "noticeUpdate": (f"mutation($x: ID!, $b: ID!, $u: ID!) {{ noticeUpdate(id: $x, input: {NOTICE_INPUT}) "
                     "{ notice { title } errors { code } } }",
                     lambda t: {"x": t["draft"], "b": t["building"], "u": t["attachment"]}),
    "noticePublish": ("mutation($x: ID!) { noticePublish(id: $x) { notice { title } errors { code } } }",
                      lambda t: {"x": t["draft"]}),
    "noticeUnschedule": ("mutation($x: ID!) { noticeUnschedule(id: $x) { notice { title } errors { code } } }",
                         lambda t: {"x": t["draft"]}),
    "noticeArchive": ("mutation($x: ID!) { noticeArchive(id: $x) { notice { title } errors { code } } }",
                      lambda t: {"x": t["notice"]}),
    "noticeRead": ("mutation($x: ID!) { noticeRead(id: $x) { ok errors { code } } }", lambda t: {"x": t["notice"]}),
    "noticeAcknowledge": ("mutation($x: ID!) { noticeAcknowledge(id: $x) { ok errors { code } } }",
                          lambda t: {"x": t["notice"]}),
    "noticeReachedOffline": ("mutation($x: ID!, $h: ID!) { noticeReachedOffline(id: $x, householdId: $h) "
                             "{ ok errors { code } } }", lambda t: {"x": t["notice"], "h": t["household"]}),
    "inboxMessageRead": ("mutation($x: ID!) { inboxMessageRead(id: $x) { ok errors { code } } }",
                         lambda t: {"x": t["inbox_message"]}),
    # Voting
    "poll": ("query($x: ID!) { poll(id: $x) { title myEntries { entryId label } } }", lambda t: {"x": t["poll"]}),
    "polls": ("query($x: ID!) { polls(communityId: $x) { nodes { title } } }", lambda t: {"x": t["community"]}),
    "pollElectorate": ("query($x: ID!) { pollElectorate(id: $x) { nodes { id label } } }",
                       lambda t: {"x": t["poll"]}),
    "pollElectoratePreview": ("query($x: ID!, $b: ID!) { pollElectoratePreview(communityId: $x, electorate: HOUSEHOLD, "
                              "scope: {kind: BUILDING, ids: [$b]}) { entries areaDm2 } }",
                              lambda t: {"x": t["community"], "b": t["building"]}),
    "pollTurnout": ("query($x: ID!) { pollTurnout(id: $x) { entries participated } }", lambda t: {"x": t["poll"]}),
    "pollLog": ("query($x: ID!) { pollLog(id: $x) }", lambda t: {"x": t["poll"]}),
    "pollLogCheck": ("query($x: ID!) { pollLogCheck(id: $x) { ok lines } }", lambda t: {"x": t["poll"]}),
    "ballotReceipt": ("query($x: ID!, $r: String!) { ballotReceipt(pollId: $x, receiptCode: $r) { answer } }",
                      lambda t: {"x": t["poll"], "r": t["receipt"]}),
    "livePollTurnout": ("subscription($x: ID!) { livePollTurnout(id: $x) { entries participated } }",
                        lambda t: {"x": t["poll"]}),
    "pollCreate": (f"mutation($x: ID!, $b: ID!) {{ pollCreate(communityId: $x, input: {POLL_INPUT}) "
                   "{ poll { id } errors { code } } }", lambda t: {"x": t["community"], "b": t["building"]}),
    "pollUpdate": (f"mutation($x: ID!, $b: ID!) {{ pollUpdate(id: $x, input: {POLL_INPUT}) "
                   "{ poll { title } errors { code } } }", lambda t: {"x": t["draft_poll"], "b": t["building"]}),
    "pollTighten": ("mutation($x: ID!) { pollTighten(id: $x, secrecy: SECRET) { poll { title } errors { code } } }",
                    lambda t: {"x": t["poll"]}),
    "pollSchedule": ("mutation($x: ID!) { pollSchedule(id: $x) { poll { title } errors { code } } }",
                     lambda t: {"x": t["draft_poll"]}),
    "pollUnschedule": ("mutation($x: ID!) { pollUnschedule(id: $x) { poll { title } errors { code } } }",
                       lambda t: {"x": t["draft_poll"]}),
    "pollOpen": ("mutation($x: ID!) { pollOpen(id: $x) { poll { title } errors { code } } }",
                 lambda t: {"x": t["draft_poll"]}),
    "pollClose": ("mutation($x: ID!) { pollClose(id: $x) { poll { title } errors { code } } }",
                  lambda t: {"x": t["poll"]}),
    "pollPublish": ("mutation($x: ID!) { pollPublish(id: $x) { poll { title } errors { code } } }",
                    lambda t: {"x": t["poll"]}),
    "pollResultNoticeDraft": ("mutation($x: ID!) { pollResultNoticeDraft(id: $x) { notice { id bodyHtml } "
                              "errors { code } } }", lambda t: {"x": t["poll"]}),
    "ballotCast": ("mutation($x: ID!, $e: ID!) { ballotCast(pollId: $x, entryId: $e, ballot: {choices: [\"i2\"]}) "
                   "{ receiptCode errors { code } } }", lambda t: {"x": t["poll"], "e": t["entry"]}),
    "ballotPaperEnter": ("mutation($x: ID!, $e: ID!, $u: ID!) { ballotPaperEnter(pollId: $x, entryId: $e, "
                         "channel: PAPER, ballot: {choices: [\"i2\"]}, evidenceUploadId: $u, reason: \"纸质选票\") "
                         "{ receiptCode errors { code } } }",
                         lambda t: {"x": t["poll"], "e": t["entry"], "u": t["vote_evidence"]}),
    "voteAuthorisationRecord": ("mutation($x: ID!, $e: ID!, $p: ID!, $a: ID!, $u: ID!) { voteAuthorisationRecord("
                                "pollId: $x, entryId: $e, principalId: $p, agentId: $a, evidenceUploadId: $u) "
                                "{ authorisationId errors { code } } }",
                                lambda t: {"x": t["poll"], "e": t["entry"], "p": t["person"], "a": t["family"],
                                           "u": t["vote_evidence"]}),
    # Cases
    "cases": ("query($x: ID!) { cases(communityId: $x) { nodes { text placeName } } }",
              lambda t: {"x": t["community"]}),
    "casesNearby": ("query($x: ID!) { casesNearby(communityId: $x) { nodes { text placeName } } }",
                    lambda t: {"x": t["community"]}),
    "caseCounts": ("query($x: ID!) { caseCounts(communityId: $x) { byState { state count } overdue } }",
                   lambda t: {"x": t["community"]}),
    "caseHandlers": ("query($x: ID!) { caseHandlers(communityId: $x) { id displayName } }",
                     lambda t: {"x": t["community"]}),
    "case": ("query($x: ID!) { case(id: $x) { case { text } entries { body } } }", lambda t: {"x": t["case"]}),
    "caseCategories": ("query($x: ID!) { caseCategories(communityId: $x) { id name } }",
                       lambda t: {"x": t["community"]}),
    "caseCommonAreas": ("query($x: ID!) { caseCommonAreas(communityId: $x) { id name } }",
                        lambda t: {"x": t["community"]}),
    "caseReplyTemplates": ("query($x: ID!) { caseReplyTemplates(categoryId: $x) { title body } }",
                           lambda t: {"x": t["case_category"]}),
    "caseSettings": ("query($x: ID!) { caseSettings(communityId: $x) { autoConfirmDays } }",
                     lambda t: {"x": t["community"]}),
    "caseStats": ("query($x: ID!, $f: Date!, $t: Date!) { caseStats(communityId: $x, from: $f, to: $t) { "
                  "total { cases resolveMet meanRating } byHandler { name cases } } }",
                  lambda t: {"x": t["community"], **_this_week()}),
    "marketStats": ("query($x: ID!) { marketStats(communityId: $x) { published reports activeSellers "
                    "byCategory { category count } } }", lambda t: {"x": t["community"]}),
    "caseRaise": (f"mutation($x: ID!, $c: ID!, $r: ID!, $u: ID!) {{ caseRaise(communityId: $x, input: {CASE_INPUT}) "
                  "{ case { id } errors { code } } }",
                  lambda t: {"x": t["community"], "c": t["case_category"], "r": t["room"], "u": t["case_photo"]}),
    "caseRaiseFor": ("mutation($x: ID!, $p: ID!, $c: ID!, $r: ID!, $u: ID!) { caseRaiseFor(communityId: $x, "
                     f"residentId: $p, channel: PHONE, input: {CASE_INPUT}) {{ case {{ id }} errors {{ code }} }} }}",
                     lambda t: {"x": t["community"], "p": t["person"], "c": t["case_category"], "r": t["room"],
                                "u": t["case_photo"]}),
    "caseFollow": ("mutation($x: ID!) { caseFollow(id: $x) { ok errors { code } } }", lambda t: {"x": t["case"]}),
    "caseAccept": ("mutation($x: ID!) { caseAccept(id: $x) { case { text } errors { code } } }",
                   lambda t: {"x": t["case"]}),
    "caseStart": ("mutation($x: ID!) { caseStart(id: $x) { case { text } errors { code } } }",
                  lambda t: {"x": t["case"]}),
    "caseResolve": ("mutation($x: ID!) { caseResolve(id: $x, note: \"已处理\") { case { text } errors { code } } }",
                    lambda t: {"x": t["case"]}),
    "caseClose": ("mutation($x: ID!) { caseClose(id: $x, outcome: CLOSED_NOT_FIXED, note: \"关闭\") { case { text } "
                  "errors { code } } }", lambda t: {"x": t["case"]}),
    "caseRefer": ("mutation($x: ID!) { caseRefer(id: $x, to: \"供电公司\", note: \"转办\") { case { text } "
                  "errors { code } } }", lambda t: {"x": t["case"]}),
    "caseMerge": ("mutation($x: ID!, $y: ID!) { caseMerge(id: $x, intoId: $y, reason: \"重复\") { case { text } "
                  "errors { code } } }", lambda t: {"x": t["case"], "y": t["other_case"]}),
    "caseAssign": ("mutation($x: ID!, $h: ID!) { caseAssign(id: $x, handlerId: $h, reason: \"改派\") "
                   "{ case { text } errors { code } } }", lambda t: {"x": t["case"], "h": t["case_handler"]}),
    "caseReply": ("mutation($x: ID!, $m: ID!) { caseReply(id: $x, templateId: $m) { entry { body } errors { code } } }",
                  lambda t: {"x": t["case"], "m": t["case_template"]}),
    "caseNote": ("mutation($x: ID!) { caseNote(id: $x, body: \"备注\") { entry { body } errors { code } } }",
                 lambda t: {"x": t["case"]}),
    "caseAsk": ("mutation($x: ID!) { caseAsk(id: $x, question: \"请补充照片\") { entry { body } errors { code } } }",
                lambda t: {"x": t["case"]}),
    "caseAnswer": ("mutation($x: ID!) { caseAnswer(id: $x, body: \"补充\") { entry { body } errors { code } } }",
                   lambda t: {"x": t["case"]}),
    "caseUrge": ("mutation($x: ID!) { caseUrge(id: $x) { case { text } errors { code } } }",
                 lambda t: {"x": t["case"]}),
    "caseConfirm": ("mutation($x: ID!) { caseConfirm(id: $x, input: {outcome: NOT_RESOLVED, rating: 1, "
                    "reason: \"没修好\"}) { case { text } errors { code } } }", lambda t: {"x": t["resolved_case"]}),
    "caseCategoryCreate": ("mutation($x: ID!) { caseCategoryCreate(communityId: $x, input: {name: \"新分类\", "
                           "party: GRID, acceptHours: 1, resolveHours: 2}) { category { id } errors { code } } }",
                           lambda t: {"x": t["community"]}),
    "caseCategoryUpdate": ("mutation($x: ID!) { caseCategoryUpdate(id: $x, input: {name: \"改名\", party: GRID, "
                           "acceptHours: 1, resolveHours: 2}) { category { name } errors { code } } }",
                           lambda t: {"x": t["case_category"]}),
    "caseReplyTemplateCreate": ("mutation($x: ID!) { caseReplyTemplateCreate(categoryId: $x, title: \"模板\", "
                                "body: \"模板内容\") { template { id } errors { code } } }",
                                lambda t: {"x": t["case_category"]}),
    "caseReplyTemplateDelete": ("mutation($x: ID!) { caseReplyTemplateDelete(id: $x) { ok errors { code } } }",
                                lambda t: {"x": t["case_template"]}),
    "caseCommonAreaCreate": ("mutation($x: ID!, $g: ID!) { caseCommonAreaCreate(communityId: $x, name: \"北门\", "
                             "gridId: $g) { area { id } errors { code } } }",
                             lambda t: {"x": t["community"], "g": t["grid"]}),
    "topics": ("query($x: ID!) { topics(communityId: $x) { nodes { id title body } } }",
               lambda t: {"x": t["community"]}),
    "topic": ("query($x: ID!) { topic(id: $x) { topic { title body } comments { body } } }",
              lambda t: {"x": t["topic"]}),
    "deliberationSettings": ("query($x: ID!) { deliberationSettings(communityId: $x) { supportersNeeded } }",
                             lambda t: {"x": t["community"]}),
    "topicOpen": ("mutation($x: ID!) { topicOpen(communityId: $x, input: {title: \"新议题\", "
                  "body: \"请大家讨论。。\"}) { topic { id } errors { code } } }", lambda t: {"x": t["community"]}),
    "topicPropose": ("mutation($x: ID!) { topicPropose(communityId: $x, input: {title: \"新提议\", "
                     "body: \"建议增设充电桩\"}) { topic { title } errors { code } } }",
                     lambda t: {"x": t["community"]}),
    "topicSupport": ("mutation($x: ID!) { topicSupport(id: $x) { topic { title } errors { code } } }",
                     lambda t: {"x": t["topic"]}),
    "topicComment": ("mutation($x: ID!, $y: ID!) { topicComment(id: $x, body: \"回复\", parentId: $y) "
                     "{ comment { body } errors { code } } }", lambda t: {"x": t["topic"], "y": t["topic_comment"]}),
    "topicRespond": ("mutation($x: ID!) { topicRespond(id: $x, body: \"官方回应\") { topic { title } "
                     "errors { code } } }", lambda t: {"x": t["topic"]}),
    "topicLinkPoll": ("mutation($x: ID!, $y: ID!) { topicLinkPoll(id: $x, pollId: $y) { topic { title } "
                      "errors { code } } }", lambda t: {"x": t["topic"], "y": t["poll"]}),
    "topicClose": ("mutation($x: ID!) { topicClose(id: $x) { topic { title } errors { code } } }",
                   lambda t: {"x": t["topic"]}),
    "deliberationSettingsUpdate": ("mutation($x: ID!) { deliberationSettingsUpdate(communityId: $x, "
                                   "supportersNeeded: 3) { settings { supportersNeeded } errors { code } } }",
                                   lambda t: {"x": t["community"]}),
    "caseSettingsUpdate": ("mutation($x: ID!) { caseSettingsUpdate(communityId: $x, autoConfirmDays: 1, "
                           "remindBeforeHours: 1) { settings { autoConfirmDays } errors { code } } }",
                           lambda t: {"x": t["community"]}),
    # The street's cases: the target supervises the target community's street.
    "streetSupervisors": ("query($x: ID!) { streetSupervisors(streetId: $x) { displayName phone } }",
                          lambda t: {"x": t["street"]}),
    "streetSupervisorAdd": ("mutation($x: ID!, $p: String!) { streetSupervisorAdd(streetId: $x, phone: $p) { "
                            "supervisor { displayName } errors { code } } }",
                            lambda t: {"x": t["street"], "p": t["family_phone"]}),
    "streetSupervisorRemove": ("mutation($x: ID!) { streetSupervisorRemove(id: $x) { ok errors { code } } }",
                               lambda t: {"x": t["street_supervisor"]}),
    "streetCases": ("query($x: ID!) { streetCases(streetId: $x) { nodes { communityName case { text } } } }",
                    lambda t: {"x": t["street"]}),
    "streetCase": ("query($x: ID!) { streetCase(id: $x) { case { text } entries { body } } }",
                   lambda t: {"x": t["case"]}),
    "streetCaseUrge": ("mutation($x: ID!) { streetCaseUrge(id: $x, note: \"请尽快处理\") { entry { body } "
                       "errors { code } } }", lambda t: {"x": t["case"]}),
    # Policy Q&A
    "questions": ("query($x: ID!) { questions(communityId: $x) { nodes { text answer askerName } } }",
                  lambda t: {"x": t["community"]}),
    "faq": ("query($x: ID!) { faq(communityId: $x) { nodes { id text answer } } }", lambda t: {"x": t["community"]}),
    "questionSuggestions": ("query($x: ID!, $s: String!) { questionSuggestions(communityId: $x, text: $s) "
                            "{ id text answer } }", lambda t: {"x": t["community"], "s": t["question_text"]}),
    "questionAsk": ("mutation($x: ID!) { questionAsk(communityId: $x, text: \"请问停车费怎么交\") { question { id } "
                    "errors { code } } }", lambda t: {"x": t["community"]}),
    "questionAnswer": ("mutation($x: ID!) { questionAnswer(id: $x, answer: \"改写答复\", publish: true) "
                       "{ question { text } errors { code } } }", lambda t: {"x": t["question"]}),
    "questionUnpublish": ("mutation($x: ID!) { questionUnpublish(id: $x) { question { text } errors { code } } }",
                          lambda t: {"x": t["published_question"]}),
    # The target's note, hidden pending review, and their appeal. A hidden note is not found for anyone
    # but its author, so even a verified neighbour's report is refused.
    "contentReport": ("mutation($x: ID!) { contentReport(kind: \"TEST_NOTE\", targetId: $x, reason: SPAM) "
                      "{ ok errors { code } } }", lambda t: {"x": t["note"]}),
    "moderationAppeal": ("mutation($x: ID!) { moderationAppeal(itemId: $x, text: \"我没有违规，请恢复\") "
                         "{ appeal { text } errors { code } } }", lambda t: {"x": t["moderated_item"]}),
    "moderationQueue": ("query($x: ID!) { moderationQueue(communityId: $x) { nodes { original authorName } } }",
                        lambda t: {"x": t["community"]}),
    "moderationItem": ("query($x: ID!) { moderationItem(id: $x) { item { original } log { reason } } }",
                       lambda t: {"x": t["moderated_item"]}),
    "moderationLog": ("query($x: ID!) { moderationLog(communityId: $x) { nodes { actorName reason } } }",
                      lambda t: {"x": t["community"]}),
    "moderationDecide": ("mutation($x: ID!) { moderationDecide(id: $x, decision: RESTORE, reason: \"恢复\") "
                         "{ item { original } errors { code } } }", lambda t: {"x": t["moderated_item"]}),
    "moderationAppealDecide": ("mutation($x: ID!) { moderationAppealDecide(id: $x, decision: RESTORE, "
                               "reason: \"恢复\") { appeal { text } errors { code } } }",
                               lambda t: {"x": t["moderation_appeal"]}),
    # Time bank: the target's request (booked by a helper) and their withdrawn offer; members may ask
    # for and offer help of their own (refused here on their own terms: no hours, no skills), and read
    # the open board, their own account and family, and the community's policy.
    "timebankRequests": ("query($x: ID!) { timebankRequests(communityId: $x) { nodes { id title requesterName } } }",
                         lambda t: {"x": t["community"]}),
    "timebankRequest": ("query($x: ID!) { timebankRequest(id: $x) { request { title requesterName } holdState } }",
                        lambda t: {"x": t["timebank_request"]}),
    "timebankOffers": ("query($x: ID!) { timebankOffers(communityId: $x) { nodes { id helperName note } } }",
                       lambda t: {"x": t["community"]}),
    "timebankMatches": ("query($x: ID!) { timebankMatches(requestId: $x) { offer { helperName note } } }",
                        lambda t: {"x": t["timebank_request"]}),
    "timebankAccount": ("query($x: ID!) { timebankAccount(communityId: $x) { minutes heldMinutes } }",
                        lambda t: {"x": t["community"]}),
    "timebankFamily": ("query($x: ID!) { timebankFamily(communityId: $x) { id displayName } }",
                       lambda t: {"x": t["community"]}),
    "walletPolicy": ("query($x: ID!) { walletPolicy(communityId: $x) { hoursCap } }", lambda t: {"x": t["community"]}),
    "walletPolicyUpdate": ("mutation($x: ID!) { walletPolicyUpdate(communityId: $x, input: {hoursCap: 60}) "
                           "{ policy { hoursCap } errors { code } } }", lambda t: {"x": t["community"]}),
    "timebankRequestCreate": ("mutation($x: ID!, $b: ID!, $s: DateTime!) { timebankRequestCreate(communityId: $x, "
                              "input: {kind: CLINIC, title: \"改写需求\", place: {buildingId: $b}, startsAt: $s, "
                              "minutes: 60}) { request { id } errors { code } } }",
                              lambda t: {"x": t["community"], "b": t["building"],
                                         "s": (clock.now() + timedelta(days=1)).isoformat()}),
    "timebankRequestBook": ("mutation($x: ID!) { timebankRequestBook(id: $x) { request { title } errors { code } } }",
                            lambda t: {"x": t["timebank_request"]}),
    "timebankRequestConfirm": ("mutation($x: ID!) { timebankRequestConfirm(id: $x) { request { title } "
                               "errors { code } } }", lambda t: {"x": t["timebank_request"]}),
    "timebankRequestCancel": ("mutation($x: ID!) { timebankRequestCancel(id: $x, reason: \"不需要了\") "
                              "{ request { title } errors { code } } }", lambda t: {"x": t["timebank_request"]}),
    "timebankOfferCreate": ("mutation($x: ID!, $b: ID!) { timebankOfferCreate(communityId: $x, input: "
                            "{place: {buildingId: $b}}) { offer { id } errors { code } } }",
                            lambda t: {"x": t["community"], "b": t["building"]}),
    "timebankOfferWithdraw": ("mutation($x: ID!) { timebankOfferWithdraw(id: $x) { offer { note } errors { code } } }",
                              lambda t: {"x": t["timebank_offer"]}),
    "hoursDonate": ("mutation($x: ID!, $p: ID!) { hoursDonate(communityId: $x, minutes: 30, toPersonId: $p) "
                    "{ donation { id } errors { code } } }", lambda t: {"x": t["community"], "p": t["person"]}),
    # The target's hours account with a transfer, and a fraud alert about them.
    "ledgerAccounts": ("query($x: ID!) { ledgerAccounts(communityId: $x) { nodes { ownerName balance } } }",
                       lambda t: {"x": t["community"]}),
    "ledgerAccount": ("query($x: ID!) { ledgerAccount(id: $x) { ownerName balance } }",
                      lambda t: {"x": t["hours_account"]}),
    "ledgerTransfers": ("query($x: ID!) { ledgerTransfers(communityId: $x) { nodes { creditName reference } } }",
                        lambda t: {"x": t["community"]}),
    "ledgerHolds": ("query($x: ID!) { ledgerHolds(communityId: $x) { nodes { debitName reference } } }",
                    lambda t: {"x": t["community"]}),
    "ledgerStatement": ("query($x: ID!) { ledgerStatement(accountId: $x) { ownerName lines { reference } } }",
                        lambda t: {"x": t["hours_account"]}),
    "fraudAlerts": ("query($x: ID!) { fraudAlerts(communityId: $x) { nodes { detail } } }",
                    lambda t: {"x": t["community"]}),
    "fraudAlertDismiss": ("mutation($x: ID!) { fraudAlertDismiss(id: $x, note: \"无问题\") { alert { detail } "
                          "errors { code } } }", lambda t: {"x": t["fraud_alert"]}),
    "myWallet": ("query($x: ID!) { myWallet(communityId: $x) { hours entries(ledger: TIME) { nodes { label } } } }",
                 lambda t: {"x": t["community"]}),
    # Points: the community's mall, the target's pending redemption (its pickup code is the target's).
    "rewards": ("query($x: ID!) { rewards(communityId: $x, includeArchived: true) { nodes { id name } } }",
                lambda t: {"x": t["community"]}),
    "reward": ("query($x: ID!) { reward(id: $x) { name stock } }", lambda t: {"x": t["reward"]}),
    "pointsBalance": ("query($x: ID!) { pointsBalance(communityId: $x) { points held } }",
                      lambda t: {"x": t["community"]}),
    "redemptions": ("query($x: ID!) { redemptions(communityId: $x) { nodes { id personName rewardName } } }",
                    lambda t: {"x": t["community"]}),
    "redemptionByPickupCode": ("query($x: ID!, $c: String!) { redemptionByPickupCode(communityId: $x, "
                               "pickupCode: $c) { redemption { id personName } errors { code } } }",
                               lambda t: {"x": t["community"], "c": t["pickup_code"]}),
    "pointsRules": ("query($x: ID!) { pointsRules(communityId: $x) { kind points } }", lambda t: {"x": t["community"]}),
    "rewardCreate": ("mutation($x: ID!) { rewardCreate(communityId: $x, input: {name: \"改写奖品\", cost: 1, "
                     "stock: 9}) { reward { id } errors { code } } }", lambda t: {"x": t["community"]}),
    "rewardUpdate": ("mutation($x: ID!) { rewardUpdate(id: $x, input: {name: \"改写奖品\", cost: 1, stock: 9}) "
                     "{ reward { id } errors { code } } }", lambda t: {"x": t["reward"]}),
    "rewardArchive": ("mutation($x: ID!) { rewardArchive(id: $x) { reward { id } errors { code } } }",
                      lambda t: {"x": t["reward"]}),
    "rewardRedeem": ("mutation($x: ID!) { rewardRedeem(rewardId: $x) { redemption { id pickupCode } "
                     "errors { code } } }",
                     lambda t: {"x": t["reward"]}),
    "redemptionCollect": ("mutation($x: ID!, $c: String!) { redemptionCollect(communityId: $x, pickupCode: $c) "
                          "{ redemption { id } errors { code } } }",
                          lambda t: {"x": t["community"], "c": t["pickup_code"]}),
    "redemptionCancel": ("mutation($x: ID!) { redemptionCancel(id: $x) { redemption { id } errors { code } } }",
                         lambda t: {"x": t["redemption"]}),
    "pointsRuleUpdate": ("mutation($x: ID!) { pointsRuleUpdate(communityId: $x, kind: POLL_VOTED, points: 99, "
                         "active: true) { rule { points } errors { code } } }", lambda t: {"x": t["community"]}),
    # Volunteering: the committee's team and draft activity, and the target's sign-up on a published one.
    "volunteerTeams": ("query($x: ID!) { volunteerTeams(communityId: $x) { nodes { id name } } }",
                       lambda t: {"x": t["community"]}),
    "volunteerActivities": ("query($x: ID!) { volunteerActivities(communityId: $x) { nodes { id title } } }",
                            lambda t: {"x": t["community"]}),
    "volunteerActivity": ("query($x: ID!) { volunteerActivity(id: $x) { title teamName } }",
                          lambda t: {"x": t["volunteer_draft"]}),
    "volunteerRoster": ("query($x: ID!) { volunteerRoster(activityId: $x) { nodes { id personName } } }",
                        lambda t: {"x": t["volunteer_activity"]}),
    "volunteerCheckinCode": ("query($x: ID!) { volunteerCheckinCode(activityId: $x, purpose: CHECK_IN) { token } }",
                             lambda t: {"x": t["volunteer_activity"]}),
    "volunteerApprovals": ("query($x: ID!) { volunteerApprovals(communityId: $x) { nodes { id personName } } }",
                           lambda t: {"x": t["community"]}),
    "volunteerTeamCreate": ("mutation($x: ID!) { volunteerTeamCreate(communityId: $x, name: \"改写队伍\") "
                            "{ team { id } errors { code } } }", lambda t: {"x": t["community"]}),
    "volunteerTeamUpdate": ("mutation($x: ID!) { volunteerTeamUpdate(id: $x, name: \"改写队伍\") "
                            "{ team { name } errors { code } } }", lambda t: {"x": t["volunteer_team"]}),
    "volunteerTeamCoordinatorAdd": ("mutation($x: ID!, $p: ID!) { volunteerTeamCoordinatorAdd(teamId: $x, "
                                    "personId: $p) { team { name } errors { code } } }",
                                    lambda t: {"x": t["volunteer_team"], "p": t["person"]}),
    "volunteerTeamCoordinatorRemove": ("mutation($x: ID!, $p: ID!) { volunteerTeamCoordinatorRemove(teamId: $x, "
                                       "personId: $p) { team { name } errors { code } } }",
                                       lambda t: {"x": t["volunteer_team"], "p": t["volunteer_coordinator"]}),
    "volunteerActivityCreate": ("mutation($x: ID!) { volunteerActivityCreate(teamId: $x, input: "
                                + ACTIVITY_INPUT + ") "
                                "{ activity { id } errors { code } } }", lambda t: {"x": t["volunteer_team"]}),
    "volunteerActivityUpdate": ("mutation($x: ID!) { volunteerActivityUpdate(id: $x, input: " + ACTIVITY_INPUT + ") "
                                "{ activity { title } errors { code } } }", lambda t: {"x": t["volunteer_draft"]}),
    "volunteerActivityPublish": ("mutation($x: ID!) { volunteerActivityPublish(id: $x) { activity { title } "
                                 "errors { code } } }", lambda t: {"x": t["volunteer_draft"]}),
    "volunteerActivityCancel": ("mutation($x: ID!) { volunteerActivityCancel(id: $x, reason: \"取消活动\") "
                                "{ activity { title } errors { code } } }", lambda t: {"x": t["volunteer_activity"]}),
    "volunteerSignup": ("mutation($x: ID!) { volunteerSignup(activityId: $x) { signup { id } errors { code } } }",
                        lambda t: {"x": t["volunteer_draft"]}),
    "volunteerSignupCancel": ("mutation($x: ID!) { volunteerSignupCancel(signupId: $x) { signup { id } "
                              "errors { code } } }", lambda t: {"x": t["volunteer_signup"]}),
    "volunteerCheckIn": ("mutation($x: ID!, $k: String!) { volunteerCheckIn(token: $k, activityId: $x) "
                         "{ signup { id } errors { code } } }",
                         lambda t: {"x": t["volunteer_activity"], "k": fresh_code(t, "CHECK_IN")}),
    "volunteerCheckOut": ("mutation($x: ID!, $k: String!) { volunteerCheckOut(token: $k, activityId: $x) "
                          "{ signup { id } errors { code } } }",
                          lambda t: {"x": t["volunteer_activity"], "k": fresh_code(t, "CHECK_OUT")}),
    "volunteerHoursApprove": ("mutation($x: ID!) { volunteerHoursApprove(signupId: $x, minutes: 30) "
                              "{ signup { id } errors { code } } }", lambda t: {"x": t["volunteer_signup"]}),
    "volunteerHoursReject": ("mutation($x: ID!) { volunteerHoursReject(signupId: $x, reason: \"不符合\") "
                             "{ signup { id } errors { code } } }", lambda t: {"x": t["volunteer_signup"]}),
    "volunteerNoShowMark": ("mutation($x: ID!) { volunteerNoShowMark(signupId: $x) { signup { id } "
                            "errors { code } } }", lambda t: {"x": t["volunteer_signup"]}),
    "volunteerCertificateIssue": ("mutation($x: ID!) { volunteerCertificateIssue(communityId: $x) "
                                  "{ certificate { id } errors { code } } }", lambda t: {"x": t["community"]}),
    "marketSearch": ("query($x: ID!) { marketSearch(communityId: $x, query: \"乙区\") { totalCount "
                     "nodes { title sellerName pickupRoom } } }", lambda t: {"x": t["community"]}),
    # The market's listings: the target's draft (theirs alone) and published listing.
    "listing": ("query($x: ID!) { listing(id: $x) { title pickupRoom } }", lambda t: {"x": t["listing_draft"]}),
    "marketHomes": ("query($x: ID!) { marketHomes(communityId: $x) { roomId label } }",
                    lambda t: {"x": t["community"]}),
    "marketBuildings": ("query($x: ID!) { marketBuildings(communityId: $x) { id label } }",
                        lambda t: {"x": t["community"]}),
    "marketListings": ("query($x: ID!) { marketListings(communityId: $x) { nodes { title sellerName } } }",
                       lambda t: {"x": t["community"]}),
    "listingEvents": ("query($x: ID!) { listingEvents(listingId: $x) { actorName reason } }",
                      lambda t: {"x": t["listing"]}),
    "marketSettings": ("query($x: ID!) { marketSettings(communityId: $x) { dailyListings } }",
                       lambda t: {"x": t["community"]}),
    "listingSave": ("mutation($x: ID!, $c: ID!, $b: ID!) { listingSave(input: {id: $x, communityId: $c, kind: SELL, "
                    "category: BOOKS, condition: GOOD, title: \"改写闲置\", priceFen: 1, buildingId: $b}) "
                    "{ listing { title } errors { code } } }",
                    lambda t: {"x": t["listing_draft"], "c": t["community"], "b": t["building"]}),
    "listingPublish": ("mutation($x: ID!) { listingPublish(id: $x) { listing { title } errors { code } } }",
                       lambda t: {"x": t["listing_draft"]}),
    "listingRenew": ("mutation($x: ID!) { listingRenew(id: $x) { listing { title } errors { code } } }",
                     lambda t: {"x": t["listing"]}),
    "listingWithdraw": ("mutation($x: ID!) { listingWithdraw(id: $x) { listing { title } errors { code } } }",
                        lambda t: {"x": t["listing"]}),
    "marketSettingsUpdate": ("mutation($x: ID!) { marketSettingsUpdate(communityId: $x, weeklyGiveawayWins: 9, "
                             "dailyListings: 9) { settings { dailyListings } errors { code } } }",
                             lambda t: {"x": t["community"]}),
    # Favourites and saved searches: the target's draft listing, the target's own saved search.
    "listingFavourite": ("mutation($x: ID!) { listingFavourite(listingId: $x, favourite: true) { listing { title } "
                         "errors { code } } }", lambda t: {"x": t["listing_draft"]}),
    "savedSearchCreate": ("mutation($x: ID!) { savedSearchCreate(input: {communityId: $x, query: \"台灯\"}) "
                          "{ savedSearch { query } errors { code } } }", lambda t: {"x": t["community"]}),
    "savedSearchDelete": ("mutation($x: ID!) { savedSearchDelete(id: $x) { ok errors { code } } }",
                          lambda t: {"x": t["saved_search"]}),
    # Deals: the target's active reservation of a neighbour's listing, and a handed-over one.
    "myReservations": ("query($x: ID!) { myReservations(communityId: $x, role: BUYER) { totalCount nodes { "
                       "buyerName handoverCode listing { title pickupRoom } } } }", lambda t: {"x": t["community"]}),
    "listingReservations": ("query($x: ID!) { listingReservations(listingId: $x) { buyerName endReason } }",
                            lambda t: {"x": t["reserved_listing"]}),
    "listingReserve": ("mutation($x: ID!) { listingReserve(listingId: $x) { reservation { handoverCode } "
                       "errors { code } } }", lambda t: {"x": t["listing_draft"]}),
    "reservationCancel": ("mutation($x: ID!) { reservationCancel(reservationId: $x, reason: \"不要了\") { "
                          "reservation { buyerName } errors { code } } }", lambda t: {"x": t["reservation"]}),
    "reservationNoShow": ("mutation($x: ID!) { reservationNoShow(reservationId: $x) { reservation { buyerName } "
                          "errors { code } } }", lambda t: {"x": t["reservation"]}),
    "handoverConfirm": ("mutation($x: ID!, $k: String!) { handoverConfirm(reservationId: $x, code: $k) { "
                        "reservation { buyerName } errors { code } } }",
                        lambda t: {"x": t["reservation"], "k": t["handover_code"]}),
    "marketRate": ("mutation($x: ID!) { marketRate(reservationId: $x, stars: 1) { reservation { buyerName "
                   "theirRating { comment } } errors { code } } }", lambda t: {"x": t["handed_over"]}),
    # The lottery (the target's draft) and messages (the target's conversation about their listing).
    "lotteryEnter": ("mutation($x: ID!) { lotteryEnter(listingId: $x) { entered entryCount errors { code } } }",
                     lambda t: {"x": t["listing_draft"]}),
    "lotteryLeave": ("mutation($x: ID!) { lotteryLeave(listingId: $x) { entered entryCount errors { code } } }",
                     lambda t: {"x": t["listing_draft"]}),
    "marketConversations": ("query($x: ID!) { marketConversations(communityId: $x) { nodes { otherName lastMessage "
                            "listing { title } } } }", lambda t: {"x": t["community"]}),
    "marketConversation": ("query($x: ID!) { marketConversation(id: $x) { conversation { otherName } "
                           "messages { body senderName } } }", lambda t: {"x": t["conversation"]}),
    "marketMessageSend": ("mutation($x: ID!) { marketMessageSend(input: {conversationId: $x, body: \"还在吗\"}) "
                          "{ message { body } errors { code } } }", lambda t: {"x": t["conversation"]}),
    "marketMessages": ("subscription($x: ID!) { marketMessages(conversationId: $x) { body senderName } }",
                       lambda t: {"x": t["conversation"]}),
    # Reports and reconciliation (the target's provider, its settled order, a difference about it).
    "providerStatement": ("query($x: ID!) { providerStatement(providerId: $x) { providerName lines { items amount } "
                          "totals { share } } }", lambda t: {"x": t["provider"]}),
    "serviceRevenuePanel": ("query($x: ID!) { serviceRevenuePanel(communityId: $x) { gmv commission subsidy } }",
                            lambda t: {"x": t["community"]}),
    "subsidyClaims": ("query($x: ID!) { subsidyClaims(communityId: $x, month: \"2026-01\") { rows { maskedName } "
                      "subsidy } }", lambda t: {"x": t["community"]}),
    "reconciliationDifferences": ("query($x: ID!) { reconciliationDifferences(runId: $x) { nodes { reference "
                                  "orderId ours theirs } } }", lambda t: {"x": t["reconciliation_run"]}),
    "reconciliationDifferenceResolve": ("mutation($x: ID!) { reconciliationDifferenceResolve(differenceId: $x, "
                                        "note: \"已核实\") { difference { reference } errors { code } } }",
                                        lambda t: {"x": t["reconciliation_difference"]}),
    # Paid-service orders (the target's family member's order; its slot is full)
    **{name: (f"mutation($x: ID!) {{ {name}(orderId: $x) {{ order {{ note }} errors {{ code }} }} }}",
              lambda t: {"x": t["service_order"]})
       for name in ("serviceOrderPay", "serviceOrderSandboxPay", "serviceOrderDepart", "serviceOrderStart",
                    "serviceOrderComplete", "serviceOrderConfirm", "serviceOrderCancel", "serviceOrderNoShow")},
    "serviceOrderQuote": ("query($s: ID!, $l: ID!) { serviceOrderQuote(serviceId: $s, slotId: $l, quantity: 2) "
                          "{ amountFen } }", lambda t: {"s": t["service"], "l": t["service_slot"]}),
    "serviceOrder": ("query($x: ID!) { serviceOrder(id: $x) { note worker { name } } }",
                     lambda t: {"x": t["service_order"]}),
    "providerOrders": ("query($x: ID!) { providerOrders(providerId: $x) { nodes { note } } }",
                       lambda t: {"x": t["service_provider"]}),
    "communityServiceOrders": ("query($x: ID!) { communityServiceOrders(communityId: $x) { nodes { note } } }",
                               lambda t: {"x": t["community"]}),
    "serviceOrderBook": ("mutation($s: ID!, $l: ID!, $r: ID) { serviceOrderBook(serviceId: $s, slotId: $l, "
                         "quantity: 2, roomId: $r) { order { note } errors { code } } }",
                         lambda t: {"s": t["service"], "l": t["service_slot"], "r": t["room"]}),
    "serviceOrderAccept": ("mutation($x: ID!, $w: ID) { serviceOrderAccept(orderId: $x, workerId: $w) "
                           "{ order { note } errors { code } } }",
                           lambda t: {"x": t["service_order"], "w": t["family"]}),
    "serviceOrderDecline": ("mutation($x: ID!) { serviceOrderDecline(orderId: $x, reason: \"没空\") "
                            "{ order { note } errors { code } } }", lambda t: {"x": t["service_order"]}),
    "serviceOrderCheckIn": ("mutation($x: ID!, $u: ID!) { serviceOrderCheckIn(orderId: $x, photoUploadId: $u) "
                            "{ order { note } errors { code } } }",
                            lambda t: {"x": t["service_order"], "u": t["proof_upload"]}),
    "serviceOrderDispute": ("mutation($x: ID!) { serviceOrderDispute(orderId: $x, reason: \"不满意\") "
                            "{ order { note } errors { code } } }", lambda t: {"x": t["service_order"]}),
    "serviceOrderDisputeResolve": ("mutation($x: ID!) { serviceOrderDisputeResolve(orderId: $x, outcome: REFUND, "
                                   "note: \"全退\") { order { note } errors { code } } }",
                                   lambda t: {"x": t["service_order"]}),
    "serviceOrderRate": ("mutation($x: ID!) { serviceOrderRate(orderId: $x, stars: 1) { order { note } "
                         "errors { code } } }", lambda t: {"x": t["service_order"]}),
    "serviceOrderUpdated": ("subscription($x: ID!) { serviceOrderUpdated(orderId: $x) { note } }",
                            lambda t: {"x": t["service_order"]}),
    # Meals: a member's own eligibility; their order asks for too many portions, so nothing is written
    "mealEligibility": ("query($x: ID!) { mealEligibility(communityId: $x) { eligible funder reason } }",
                        lambda t: {"x": t["community"]}),
    "mealOrderPlace": ("mutation($m: ID!, $d: ID!) { mealOrderPlace(menuId: $m, dishes: [{dishId: $d, quantity: 6}], "
                       "fulfilment: PICKUP) { order { note } errors { code } } }",
                       lambda t: {"m": t["sp_menu"], "d": t["sp_dish"]}),
    **services_matrix.CASES,
}

# A resident's own things, which take no ID: what a proxy acting for the target reaches through
# X-Acting-For (the principal's id) without the scope for them.
ACTING_FOR_CASES = {
    "feed": ("{ feed { unreadCount latest { nodes { title } } } }", lambda t: {}),
    "viewer.inbox": ("{ viewer { inbox { nodes { title } } } }", lambda t: {}),
    "viewer.notificationSettings": ("{ viewer { notificationSettings { quietHours { startMinute } } } }",
                                    lambda t: {}),
    "viewer.residences": ("{ viewer { residences { address } } }", lambda t: {}),
    "myDataExport": ("{ myDataExport }", lambda t: {}),
    "unreadNoticeCount": ("subscription { unreadNoticeCount }", lambda t: {}),
    "pollsForMe": ("{ pollsForMe { nodes { title } } }", lambda t: {}),
    "myCases": ("{ myCases { nodes { text } } }", lambda t: {}),
    "myQuestions": ("{ myQuestions { nodes { text answer } } }", lambda t: {}),
    "myModeratedContent": ("{ myModeratedContent { nodes { original } } }", lambda t: {}),
    "myRedemptions": ("{ myRedemptions { nodes { id pickupCode } } }", lambda t: {}),
    "mySignups": ("{ mySignups { nodes { id activityTitle } } }", lambda t: {}),
    "myVolunteerCertificates": ("{ myVolunteerCertificates { nodes { code } } }", lambda t: {}),
    "marketFavourites": ("{ marketFavourites { nodes { title } } }", lambda t: {}),
    "savedSearches": ("{ savedSearches { query } }", lambda t: {}),
    "myListings": ("{ myListings { nodes { title pickupRoom } } }", lambda t: {}),
}

# Who may get an answer, because it is theirs too: a community's name, buildings, estates and grids
# for its members and staff (a grid worker: their own grid's buildings); the address directory (no
# people in it) for everyone signed in; the notices reaching a grid worker's own grid, and the 工作台's
# figures of it. The answer
# still must not hold the target's data.
MEMBERS = {"neighbour", "other_grid_worker", "proxy_without_scope"}
SIGNED_IN = set(OUTSIDERS) - {"anonymous"}
ANSWERS = {
    "community": MEMBERS,
    "registryEstates": {"other_grid_worker"},
    "registryGrids": {"other_grid_worker"},
    "registryBuildings": {"other_grid_worker"},
    "registryResidents": {"other_grid_worker"},  # their own grid's residents; the target's are not leaked (checked)
    "noticesInReach": {"other_grid_worker"},
    "workbench": {"other_grid_worker"},  # their own grid's figures
    "cases": {"other_grid_worker"},  # their own grid's cases
    "caseCounts": {"other_grid_worker"},  # their own grid's
    "caseHandlers": {"other_grid_worker"},  # the community's staff, whom they hand cases to
    "caseStats": {"other_grid_worker"},  # their own grid's figures
    "casesNearby": MEMBERS,  # cases about their own common places; the target's are not leaked (checked)
    "caseCategories": MEMBERS,  # what residents pick from; no one's data
    "caseCommonAreas": MEMBERS,
    "caseReplyTemplates": {"other_grid_worker"},  # the community's handlers all reply with them
    "faq": MEMBERS,  # the community's published questions, never who asked; the target's others are not leaked
    "questionSuggestions": MEMBERS,
    "questionAsk": MEMBERS,  # their own question; none is written for the target (checked)
    "directoryBuildings": SIGNED_IN,
    "topics": {"neighbour", "other_grid_worker"},  # the community's topics; the target's hidden one is not listed
    "topicPropose": {"neighbour"},  # a proposal of their own household; the target's topics stay as they were
    "directoryRooms": SIGNED_IN,
    "timebankRequests": {"neighbour", "other_grid_worker"},  # the open board; the target's booked one is not on it
    "timebankOffers": {"neighbour", "other_grid_worker"},  # open offers; the target's withdrawn one is not listed
    "timebankAccount": {"neighbour", "other_grid_worker"},  # their own
    "timebankFamily": {"neighbour", "other_grid_worker"},  # their own
    "walletPolicy": MEMBERS,  # the community's rules, no one's data
    "timebankRequestCreate": {"neighbour", "other_grid_worker"},  # their own, refused (no hours)
    "timebankOfferCreate": {"neighbour", "other_grid_worker"},  # their own, refused (no skills)
    "myWallet": MEMBERS,  # their own wallet (a proxy without TIMEBANK: refused); never the target's
    "rewards": MEMBERS,  # the community's mall (staff of a grid too); no one's data
    "reward": MEMBERS,
    "pointsBalance": MEMBERS,  # their own points
    "rewardRedeem": MEMBERS,  # their own redemption (refused: no points); the target's are untouched (checked)
    "volunteerActivities": MEMBERS,  # the published ones; the draft's title is not listed (checked)
    "volunteerCertificateIssue": MEMBERS,  # their own (none: no approved records); nothing for the target
    "marketSearch": MEMBERS,  # the published listings; the target's hidden and draft ones are not found (checked)
    "marketHomes": MEMBERS,  # their own homes (none for the grid worker); never the target's
    "marketBuildings": MEMBERS,  # the community's buildings to offer pickup at, no one's data
    "savedSearchCreate": {"neighbour", "other_grid_worker"},  # a search of their own; the target's are untouched
    "myReservations": {"neighbour", "other_grid_worker"},  # their own deals (none); never the target's
    "marketConversations": {"neighbour", "other_grid_worker"},  # their own (none); never the target's
    # A provider's prices are for every member; their own booking is refused (the slot is full)
    "serviceOrderQuote": MEMBERS,
    "serviceOrderBook": MEMBERS,
    "mealEligibility": MEMBERS,
    "mealOrderPlace": MEMBERS,
    # What residents browse (the proxy holds ORDER, the scope for it); no one's data
    **dict.fromkeys(("communityServices", "serviceSlots", "mealMenus"), MEMBERS),
}
# The target's building and rooms, by name.
PUBLIC_ADDRESSES = {"directoryBuildings", "directoryRooms", "marketBuildings"}



def _takes_id(graphql_type, seen: frozenset = frozenset()) -> bool:
    named = get_named_type(graphql_type)
    if named.name == "ID":
        return True
    if isinstance(named, GraphQLInputObjectType) and named.name not in seen:
        return any(_takes_id(f.type, seen | {named.name}) for f in named.fields.values())
    return False


def id_taking_fields() -> set[str]:
    schema = build_schema(get_settings())._schema
    roots = (schema.query_type, schema.mutation_type, schema.subscription_type)
    return {name for root in roots if root for name, field in root.fields.items()
            if any(_takes_id(arg.type) for arg in field.args.values())}


def test_every_id_taking_field_has_a_case():
    fields = id_taking_fields()
    assert fields - CASES.keys() == set(), "add these fields to CASES in the authorization matrix"
    assert CASES.keys() - fields == set(), "these CASES name no ID-taking field of the schema"


@pytest.fixture(scope="module")
async def target(app):
    """One target for the whole matrix: every case snapshots it before and after its outsider's
    request, so a case that changed something still fails alone, and building it once per case was
    most of the matrix's time."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test") as http:
        return await _build_target(Api(http), build_person)


async def _build_target(api: Api, make_person) -> dict:
    place = await build_neighbourhood(make_person)
    b, community = place.b, place.community
    family_phone = f"131{uuid.uuid4().int % 10**8:08d}"
    family = await make_person(community.id, ["RESIDENT"], room=b.room, phone=family_phone)
    proxy = await Proxy.create(community=community, principal=b.resident, agent=family, scopes=["VOTE"],
                               evidence="同户家庭成员", valid_until=clock.now() + timedelta(days=30),
                               granted_by=b.resident)
    secret = uuid.uuid4().hex[:6]
    await api.sign_in(place.committee.handle)
    created = await api.query("""mutation($c: ID!, $b: ID!, $t: String!) { noticeCreate(communityId: $c, input: {
      title: $t, bodyHtml: "<p>乙区周五停水</p>", category: "物业", mustAcknowledge: true,
      audience: [{kind: BUILDING, ids: [$b]}]}) { notice { id } } }""", c=str(community.id), b=str(b.building.id),
                              t=f"乙区停水 {secret}")
    notice_id = created["data"]["noticeCreate"]["notice"]["id"]
    await api.query("mutation($id: ID!) { noticePublish(id: $id) { notice { id } } }", id=notice_id)
    await notices.fan_out(notice_id)  # arranged directly: the job itself is tested in test_notices
    draft = await api.query("""mutation($c: ID!, $t: String!) { noticeCreate(communityId: $c, input: {
      title: $t, bodyHtml: "<p>草稿</p>", category: "物业", audience: [{kind: COMMUNITY}]}) { notice { id } } }""",
                            c=str(community.id), t=f"草稿通知 {secret}")
    polls = []
    for title in (f"乙区电梯投票 {secret}", f"乙区草稿投票 {secret}"):
        created = await api.query("""mutation($c: ID!, $b: ID!, $t: String!, $o: DateTime!, $at: DateTime!) {
          pollCreate(communityId: $c, input: {title: $t, kind: SINGLE, items: [{label: "同意"}, {label: "反对"}],
          electorate: HOUSEHOLD, scope: {kind: BUILDING, ids: [$b]}, opensAt: $o, closesAt: $at}) { poll { id } } }""",
                                  c=str(community.id), b=str(b.building.id), t=title,
                                  o=(clock.now() + timedelta(days=1)).isoformat(),
                                  at=(clock.now() + timedelta(days=7)).isoformat())
        polls.append(created["data"]["pollCreate"]["poll"]["id"])
    await voting.open_poll(Actor(person_id=place.committee.id, roles={community.id: frozenset({"COMMITTEE_STAFF"})}),
                           poll_id=uuid.UUID(polls[0]))
    ballot = await ballots.cast(Actor(person_id=b.resident.id), poll_id=uuid.UUID(polls[0]), entry_id=None,
                                ballot=ballots.BallotInput(choices=["i1"]))
    cases = await _cases(place, secret)
    street = await Street.create(name="乙区街道", code=f"s-{uuid.uuid4().hex[:8]}")
    await Community.filter(id=community.id).update(street_id=street.id)
    supervisor = await StreetSupervisor.create(street=street, person=b.resident)
    await Case.filter(id=cases["case"]).update(escalated_at=clock.now())
    questions = await _questions(place, secret)
    moderated = await _moderated(place, secret)
    topics = await _topics(place, secret)
    timebank_rows = await _timebank(place, secret, make_person)
    wallet = await _wallet(place, secret)
    points = await _points(place)
    volunteering = await _volunteering(place, secret)
    await _market_search(place, secret)
    market = await _market_listings(place, secret)
    market_saved = await _market_saved(place, secret)
    deals = await _market_deals(place, secret)
    market_chat = await _market_chat(place, family, market["listing"], secret)
    reports = await report_rows(place, make_person, secret)
    service_orders = await _service_orders(place, family, secret)
    services = await services_matrix.target(place, make_person, secret)
    await api.sign_in(b.resident.handle)  # gives the target a session to try to revoke

    def upload(owner: Person, kind: str):
        return Upload.create(owner=owner, kind=kind, content_type="application/octet-stream", size=1,
                             sha256=uuid.uuid4().hex * 2, filename="x")

    made = {
        "place": place, "community": str(community.id), "person": str(b.resident.id), "family": str(family.id),
        "estate": str(b.building.estate_id), "building": str(b.building.id), "grid": str(b.grid.id),
        "other_grid": str(place.a.grid.id), "other_worker": str(place.a.worker.id),
        "room_code": (await b.application.room).code, "household": str(b.household.id),
        "residence": str(b.residence.id), "application": str(b.application.id), "proxy": str(proxy.id),
        "session": str((await AuthSession.filter(person=b.resident).first()).id),
        "valid_until": (clock.now() + timedelta(days=30)).isoformat(),
        "notice": notice_id, "draft": draft["data"]["noticeCreate"]["notice"]["id"],
        "inbox_message": str((await InboxMessage.filter(person_id=b.resident.id).order_by("id").first()).id),
        "proof_upload": str((await upload(b.resident, "proof_photo")).id),
        "import_upload": str((await upload(place.committee, "registry_import")).id),
        "attachment": str((await upload(place.committee, "notice_attachment")).id),
        "staff_job": str((await StaffJob.create(community=community, owner=place.committee, kind="registry_import",
                                                result={"report": f"导入报告 {secret}"})).id),
        "vote_evidence": str((await upload(place.committee, "vote_evidence")).id),
        "poll": polls[0], "draft_poll": polls[1], "receipt": ballot.receipt_code,
        "entry": str(ballot.participation.entry_id),
        "secrets": [b.resident.display_name, b.phone, crypto.mask_phone(b.phone), "002X",
                    (await b.application.person).display_name, family.display_name, "乙区周五停水",
                    f"乙区停水 {secret}", f"草稿通知 {secret}", f"导入报告 {secret}", f"乙区电梯投票 {secret}",
                    f"乙区草稿投票 {secret}", f"乙区漏水 {secret}", f"内部备注 {secret}", questions["question_text"],
                    f"未公开答复 {secret}", f"乙区提议 {secret}", f"乙区评论 {secret}", f"乙区议论 {secret}",
                    f"申诉理由 {secret}", f"乙区陪诊 {secret}", f"乙区帮忙 {secret}",
                    f"volunteer:matrix:{secret}", f"乙区预警 {secret}",
                    f"乙区志愿队 {secret}", f"乙区志愿草稿 {secret}", f"乙区隐藏闲置 {secret}",
                    f"乙区闲置草稿 {secret}", f"旧书转让 {secret}", f"下架原因 {secret}", f"乙区订阅 {secret}",
                    f"乙区预订闲置 {secret}", f"乙区交接闲置 {secret}", f"乙区评价 {secret}",
                    f"乙区留言 {secret}", f"乙区服务备注 {secret}", *reports["report_secrets"]],
        "places": [str(b.building.id), str(b.household.id), str(b.residence.id), str(ballot.participation.entry_id),
                   cases["case"], cases["other_case"], cases["resolved_case"], questions["question"],
                   questions["unpublished_question"], topics["topic"], topics["topic_comment"],
                   timebank_rows["timebank_request"], timebank_rows["timebank_offer"], points["redemption"],
                   volunteering["volunteer_draft"], volunteering["volunteer_signup"], market["listing_draft"],
                   market["listing"], deals["reservation"], deals["handed_over"],
                   market_chat["conversation"], service_orders["service_order"]],
        "room": str(b.room.id), "case_photo": str((await upload(b.resident, "case_photo")).id), **cases, **questions,
        **topics, **moderated, **timebank_rows, **wallet, **points, **volunteering, **market, **market_saved, **deals,
        **market_chat, **reports, **service_orders,
        "street": str(street.id), "street_supervisor": str(supervisor.id), "family_phone": family_phone,
    }
    # The paid services' provider, catalogue and policies of the target's community
    made["secrets"] += services.pop("secrets")
    made["places"] += services.pop("places")
    return made | services


async def _cases(place, secret: str) -> dict:
    """Three cases of the target (at their room, at their building, and one resolved), with an internal
    note; a category of the community with a reply template."""
    b = place.b
    made = await case_helpers.categories(place.committee.id, place.community.id)
    category = made["报修"]
    committee = case_helpers.committee_actor(place.committee.id, place.community.id)
    template = await case_setup.create_template(committee, category_id=category.id, title="已派单",
                                                body="您好，已派单处理。")
    case = await case_helpers.raise_for(b.resident.id, place.community.id, category, room_id=b.room.id,
                                        text=f"乙区漏水 {secret}")
    await case_service.add_note(committee, case_id=case.id, body=f"内部备注 {secret}")
    other = await case_helpers.raise_for(b.resident.id, place.community.id, category, building_id=b.building.id,
                                         text=f"乙区漏水 {secret}")
    resolved = await case_helpers.raise_for(b.resident.id, place.community.id, category, room_id=b.room.id,
                                            text=f"乙区漏水 {secret}")
    await case_service.accept_case(committee, case_id=resolved.id)
    await case_service.resolve_case(committee, case_id=resolved.id, note="已修好")
    return {"case": str(case.id), "other_case": str(other.id), "resolved_case": str(resolved.id),
            "case_category": str(category.id), "case_template": str(template.id), "case_handler": str(b.worker.id)}


async def _questions(place, secret: str) -> dict:
    """The target's policy questions: one open, one answered but kept out of the FAQ, one published
    (its text and answer are the community's; who asked is not)."""
    b, community_id = place.b, place.community.id
    committee = case_helpers.committee_actor(place.committee.id, community_id)
    resident = Actor(person_id=b.resident.id)
    text = f"乙区咨询停车费 {secret}"
    open_question = await consult.ask(resident, community_id=community_id, text=text)
    unpublished = await consult.ask(resident, community_id=community_id, text=text)
    await consult.answer_question(committee, question_id=unpublished.id, answer=f"未公开答复 {secret}", publish=False)
    published = await consult.ask(resident, community_id=community_id, text="停水通知什么时候恢复")
    await consult.answer_question(committee, question_id=published.id, answer="今晚恢复供水", publish=True)
    return {"question": str(open_question.id), "unpublished_question": str(unpublished.id),
            "published_question": str(published.id), "question_text": text}


async def _moderated(place, secret: str) -> dict:
    """A note of the target, reported by the neighbour and hidden by the committee; the target's appeal."""
    note_id = moderation_helpers.write_note(place.community.id, place.b.resident.id, f"乙区议论 {secret}")
    item = await moderation_helpers.reported(note_id, [place.a.resident])
    committee = case_helpers.committee_actor(place.committee.id, place.community.id)
    await moderation.decide(committee, item_id=item.id, decision=moderation.Decision.HIDE, reason="待核实")
    appeal = await moderation.appeal(Actor(person_id=place.b.resident.id), item_id=item.id,
                                     text=f"申诉理由 {secret}")
    return {"note": str(note_id), "moderated_item": str(item.id), "moderation_appeal": str(appeal.id)}


async def _topics(place, secret: str) -> dict:
    """The target's proposal with their comment on it, hidden by moderation: only they and the committee
    see it, so every outsider (their neighbours too) gets not-found."""
    resident = Actor(person_id=place.b.resident.id)
    topic = await deliberation.propose(resident, community_id=place.community.id, draft=deliberation.TopicDraft(
        title=f"乙区提议 {secret}", body="乙区增设充电桩的提议"))
    comment = await deliberation.comment(resident, topic_id=topic.id, body=f"乙区评论 {secret}")
    async with transaction() as tx:
        await moderated.set_hidden(tx, "TOPIC", topic.id, True)
    return {"topic": str(topic.id), "topic_comment": str(comment.id)}


async def _timebank(place, secret: str, make_person) -> dict:
    """The target's request for help, booked by a helper (so off the open board), and their offer,
    withdrawn; the target has hours for it."""
    b, community_id = place.b, place.community.id
    await earn(b.resident, community_id, 200, "matrix")
    resident = Actor(person_id=b.resident.id)
    request = await timebank.create_request(resident, community_id=community_id, draft=timebank.RequestDraft(
        kind="CLINIC", title=f"乙区陪诊 {secret}", description="", place=PlaceInput(building_id=b.building.id),
        starts_at=clock.now() + timedelta(days=2), minutes=60, skills=[]))
    helper = await make_person(community_id, ["RESIDENT"])
    await timebank.book_request(Actor(person_id=helper.id), request_id=request.id)
    offer = await timebank_offers.create_offer(resident, community_id=community_id, draft=timebank_offers.OfferDraft(
        skills=["陪聊"], kinds=[], place=PlaceInput(), availability=[], note=f"乙区帮忙 {secret}"))
    await timebank_offers.withdraw_offer(resident, offer_id=offer.id)
    return {"timebank_request": str(request.id), "timebank_offer": str(offer.id)}


async def _wallet(place, secret: str) -> dict:
    """Hours credited to the target, and an alert naming them."""
    b = place.b
    made = SimpleNamespace(community=place.community)
    await earn_into(made, b.resident, 60, f"matrix:{secret}")
    account = await Account.get(owner_id=b.resident.id, code="hours")
    alert = await FraudAlert.create(community=place.community, kind="VELOCITY", key=f"matrix:{secret}",
                                    person_ids=[str(b.resident.id)], detail=f"乙区预警 {secret}")
    return {"hours_account": str(account.id), "fraud_alert": str(alert.id)}


async def _points(place) -> dict:
    """A reward of the community and the target's pending redemption of it (with points to spend)."""
    community_id, person_id = place.community.id, place.b.resident.id
    committee = case_helpers.committee_actor(place.committee.id, community_id)
    draft = points_catalogue.RewardDraft(name="环保购物袋", description="", cost=10, stock=5)
    prize = await points_catalogue.create_reward(committee, community_id=community_id, draft=draft)
    await points_helpers.grant(community_id, [person_id], 50)
    redemption = await points_redemptions.redeem(Actor(person_id=person_id), reward_id=prize.id)
    return {"reward": str(prize.id), "redemption": str(redemption.id),
            "pickup_code": points_redemptions.pickup_code(redemption)}


async def _market_search(place, secret: str) -> None:
    """Two listings of the target no search may find: one hidden by moderation, one still a draft."""
    hidden = await published_listing(place.b.resident, place.b.room, title=f"乙区隐藏闲置 {secret}")
    await Listing.filter(id=hidden.id).update(hidden_at=clock.now())
    draft = await published_listing(place.b.resident, place.b.room, title=f"乙区闲置草稿 {secret}")
    await Listing.filter(id=draft.id).update(state=ListingState.DRAFT, published_at=None)


async def _volunteering(place, secret: str) -> dict:
    """The committee's team (its coordinator is not the target), a draft activity and a published one
    the target signed up for (its check-in codes are made as each case runs: fresh_code)."""
    committee = case_helpers.committee_actor(place.committee.id, place.community.id)
    coordinator = await build_person(place.community.id, ["VOLUNTEER_COORDINATOR"])
    team = await volunteering.create_team(committee, community_id=place.community.id, name=f"乙区志愿队 {secret}",
                                          description="")
    await volunteering.add_coordinator(committee, team_id=team.id, person_id=coordinator.id)
    when = {"starts_at": clock.now() + timedelta(days=1), "ends_at": clock.now() + timedelta(days=1, hours=2),
            "capacity": 5, "skills": [], "points_per_hour": 10, "description": ""}
    draft = await volunteering.create_activity(committee, team_id=team.id, title=f"乙区志愿草稿 {secret}",
                                               place_text="活动室", **when)
    published = await volunteering.create_activity(committee, team_id=team.id, title="社区清洁", place_text="广场",
                                                   **when)
    await volunteering.publish_activity(committee, activity_id=published.id)
    signup = await volunteer_signups.sign_up(Actor(person_id=place.b.resident.id), activity_id=published.id)
    return {"volunteer_team": str(team.id), "volunteer_coordinator": str(coordinator.id),
            "volunteer_draft": str(draft.id), "volunteer_activity": str(published.id),
            "volunteer_signup": str(signup.id)}


def fresh_code(target: dict, purpose: str) -> str:
    """A check-in code of the target's activity made when the case runs (a code lives 60 s, the shared
    target much longer)."""
    return volunteer_attendance.signed_code(uuid.UUID(target["volunteer_activity"]), purpose)[0]


async def _market_listings(place, secret: str) -> dict:
    """The target's draft listing and a published one (its room shown to the seller only), renewed
    once with a reason on record."""
    seller = Actor(person_id=place.b.resident.id)

    def draft(title: str) -> market_listings.ListingDraft:
        return market_listings.ListingDraft(community_id=place.community.id, kind="SELL", category="BOOKS",
                                            condition="GOOD", title=title, price_fen=500, room_id=place.b.room.id)

    unpublished = await market_listings.save_listing(seller, listing_id=None, draft=draft(f"乙区闲置草稿 {secret}"))
    # Not titled 乙区: the marketSearch case searches 乙区 for the hidden and draft ones, and members may find this.
    listing = await market_listings.save_listing(seller, listing_id=None, draft=draft(f"旧书转让 {secret}"))
    await market_listings.publish_listing(seller, listing_id=listing.id)
    await ListingEvent.filter(listing_id=listing.id).update(reason=f"下架原因 {secret}")  # a reason to leak
    return {"listing_draft": str(unpublished.id), "listing": str(listing.id)}


async def _market_saved(place, secret: str) -> dict:
    """The target's saved search, and their favourite of a neighbour's listing (one no search finds)."""
    lamp = await published_listing(place.a.resident, place.a.room, title="甲区台灯", category=ListingCategory.OTHER)
    await Favourite.create(person=place.b.resident, listing=lamp)
    search = await SavedSearch.create(person=place.b.resident, community=place.community, query=f"乙区订阅 {secret}")
    return {"saved_search": str(search.id)}


async def _market_deals(place, secret: str) -> dict:
    """The target's deals with a seller of their community (no outsider): an active reservation
    (its code), and a handed-over one the seller rated."""
    seller = await build_person(place.community.id, ["RESIDENT"])
    buyer, selling = Actor(person_id=place.b.resident.id), Actor(person_id=seller.id)
    made = {}
    for key, title in (("reservation", f"乙区预订闲置 {secret}"), ("handed_over", f"乙区交接闲置 {secret}")):
        listing = await published_listing(seller, place.a.room, title=title, category=ListingCategory.OTHER)
        made[key] = await market_reservations.reserve_listing(buyer, listing_id=listing.id)
    code = market_handover.code_for(place.b.resident.id, made["reservation"])
    handed = made["handed_over"]
    await market_handover.confirm_handover(selling, reservation_id=handed.id,
                                           code=market_handover.code_for(place.b.resident.id, handed))
    await Rating.create(reservation=handed, rater=seller, ratee=place.b.resident, stars=2, comment=f"乙区评价 {secret}")
    return {"reservation": str(made["reservation"].id), "handed_over": str(handed.id), "handover_code": code,
            "reserved_listing": str(made["reservation"].listing_id)}


async def _market_chat(place, family, listing_id: str, secret: str) -> dict:
    """A relative of the target asks about the target's listing and the target answers: a conversation
    of two people, neither of them an outsider."""
    conversation = await Conversation.create(listing_id=listing_id, buyer=family, last_message_at=clock.now())
    for sender, body in ((family, "还在吗"), (place.b.resident, f"乙区留言 {secret}")):
        await Message.create(conversation=conversation, sender=sender, body=body)
    return {"conversation": str(conversation.id)}


# Paid-service orders
async def _service_orders(place, family, secret: str) -> dict:
    """A provider serving the community (its admin and worker no outsider) and the target's family
    member's paid order, which took the last place of its slot."""
    from backend.services import booking
    from tests.integration.services_helpers import verified_provider

    setup = await verified_provider(build_person, place.community, capacity=1)
    me = Actor(person_id=family.id)
    order = await booking.book(me, service_id=setup.service.id, slot_id=setup.slot.id, quantity=2,
                               note=f"乙区服务备注 {secret}")
    await booking.pay(me, order_id=order.id)
    await booking.sandbox_pay(me, order_id=order.id)
    return {"service_order": str(order.id), "service": str(setup.service.id), "service_slot": str(setup.slot.id),
            "service_provider": str(setup.provider.id)}


class Caller:
    """GraphQL over HTTP (and the websocket for subscriptions) as one outsider."""

    def __init__(self, app, http: httpx.AsyncClient, token: str | None = None, acting_for: str | None = None):
        self.app, self.http, self.token, self.acting_for = app, http, token, acting_for

    async def run(self, document: str, variables: dict) -> dict:
        if document.lstrip().startswith("subscription"):
            return await self._first_event(document, variables)
        headers = {"authorization": f"Bearer {self.token}"} if self.token else {}
        if self.acting_for:
            headers["x-acting-for"] = self.acting_for
        response = await self.http.post("/graphql", json={"query": document, "variables": variables}, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    async def _first_event(self, document: str, variables: dict) -> dict:
        params = {"authorization": f"Bearer {self.token}"} if self.token else {}
        if self.acting_for:
            params["actingFor"] = self.acting_for
        async with (
            asyncio.timeout(30),  # a socket that never answers (or never closes) fails the case
            httpx.AsyncClient(transport=ASGIWebSocketTransport(self.app), base_url="http://test") as client,
            aconnect_ws("/graphql", client, subprotocols=["graphql-transport-ws"]) as ws,
        ):
            await ws.send_json({"type": "connection_init", "payload": params})
            assert (await ws.receive_json())["type"] == "connection_ack"
            await ws.send_json({"id": "1", "type": "subscribe",
                                "payload": {"query": document, "variables": variables}})
            message = await ws.receive_json()
            if message["type"] == "next":
                await ws.send_json({"id": "1", "type": "complete"})  # done listening, as a client says
        return message["payload"] if message["type"] == "next" else {"data": None, "errors": message["payload"]}


@pytest.fixture(params=OUTSIDERS)
async def outsider(request, app, api, target, make_person):
    place = target["place"]
    acting_for = None
    if request.param == "neighbour":
        handle = place.a.resident.handle
    elif request.param == "foreign_staff":
        elsewhere = await Community.create(name="明月社区", code=f"other-{uuid.uuid4().hex[:8]}")
        handle = (await make_person(elsewhere.id, ["COMMITTEE_STAFF"])).handle
    elif request.param == "other_grid_worker":
        handle = place.a.worker.handle
    elif request.param == "proxy_without_scope":
        agent = await make_person(place.community.id, ["RESIDENT"])
        await Proxy.create(community=place.community, principal=place.b.resident, agent=agent, scopes=["ORDER"],
                           evidence="委托书 2026-001", valid_until=clock.now() + timedelta(days=30),
                           granted_by=place.committee)
        handle, acting_for = agent.handle, target["person"]
    else:
        return request.param, Caller(app, api.http)
    token = (await api.sign_in(handle))["accessToken"]
    return request.param, Caller(app, api.http, token, acting_for)


async def snapshot(target: dict) -> list:
    """Everything an outsider might change in the target's community, the target's own rows included."""
    community, person = target["community"], target["person"]

    def rows(model, *fields, **where):
        return model.filter(**where).order_by("id").values_list("id", *fields)

    return [
        await rows(ResidenceApplication, "status", community_id=community),
        await rows(PersonRoom, "until", community_id=community),
        await rows(Proxy, "revoked_at", "scopes", community_id=community),
        await rows(AuthSession, "revoked_at", person_id=person),
        await rows(Notice, "state", "title", "revision", "audience", community_id=community),
        await rows(NoticeRecipient, "read_at", "acknowledged_at", notice__community_id=community),
        await rows(NoticeOfflineReach, notice__community_id=community),
        await rows(Person, "display_name", "phone_lookup", id=person),
        await rows(Building, "grid_id", community_id=community),
        await rows(GridWorker, "grid_id", community_id=community),
        await rows(InboxMessage, "read_at", person_id=person),
        await rows(AccessLog, community_id=community),
        await rows(AuditEntry, community_id=community),
        await rows(StaffJob, "state", community_id=community),
        await rows(Poll, "state", "title", "secrecy", community_id=community),
        await rows(BallotParticipation, "channel", "cast_by_id", "changes", poll__community_id=community),
        await rows(BallotContent, "answer", poll__community_id=community),
        await rows(VoteAuthorisation, poll__community_id=community),
        await rows(Case, "state", "handler_id", "paused_at", "urged_on", "confirmed_at", "round",
                   community_id=community),
        await rows(CaseEntry, case__community_id=community),
        await rows(CaseFollower, case__community_id=community),
        await rows(CaseConfirmation, case__community_id=community),
        await rows(CaseCategory, "name", community_id=community),
        await rows(CaseReplyTemplate, "body", category__community_id=community),
        await rows(CommonArea, community_id=community),
        await rows(CaseSettings, "auto_confirm_days", community_id=community),
        await rows(StreetSupervisor, "person_id", street__communities__id=community),
        await rows(Question, "state", "answer", "published_at", asker_id=person),
        await rows(ModeratedItem, "state", "reports", "decided_by_id", community_id=community),
        await rows(ModerationReport, item__community_id=community),
        await rows(ModerationAppeal, "state", item__community_id=community),
        await rows(ModerationLogEntry, community_id=community),
        await rows(Topic, "state", "supporters", "response", "poll_id", "hidden_at", author_id=person),
        await rows(TopicComment, "body", topic__author_id=person),
        await rows(TopicSupport, topic__author_id=person),
        await rows(Topic, community_id=community, household_id=None),  # the committee's topics
        await rows(DeliberationSettings, "supporters_needed", community_id=community),
        await rows(TimebankRequest, "state", "helper_id", "cancel_reason", requester_id=person),
        await rows(TimebankOffer, "state", helper_id=person),
        await rows(HoursDonation, donor_id=person),
        await rows(HoursDonation, recipient_id=person),
        await rows(Account, "debits_pending", "debits_posted", "credits_pending", "credits_posted", owner_id=person),
        await rows(WalletPolicy, "hours_cap", community_id=community),
        await rows(FraudAlert, "state", "note", community_id=community),
        await rows(Reward, "name", "cost", "active", "archived_at", community_id=community),
        await rows(Redemption, "state", "code_key", person_id=person),
        await rows(PointsRule, "points", "active", community_id=community),
        await rows(VolunteerTeam, "name", community_id=community),
        await rows(VolunteerTeamCoordinator, "person_id", team__community_id=community),
        await rows(VolunteerActivity, "state", "title", "capacity", community_id=community),
        await rows(VolunteerSignup, "state", "checked_in_at", "checked_out_at", "approved_minutes",
                   community_id=community),
        await rows(VolunteerCertificate, community_id=community),
        await rows(Listing, "state", "title", "price_fen", "expires_at", "hidden_at", community_id=community),
        await rows(ListingPhoto, "upload_id", listing__community_id=community),
        await rows(ListingEvent, "to_state", listing__community_id=community),
        await rows(MarketSettings, "weekly_giveaway_wins", "daily_listings", community_id=community),
        await rows(Favourite, "listing_id", person_id=person),
        await rows(SavedSearch, "query", "filters", person_id=person),
        await rows(Reservation, "state", "wrong_codes", "locked_at", "ended_at", listing__community_id=community),
        await rows(Rating, "stars", "comment", reservation__listing__community_id=community),
        await rows(LotteryEntry, listing__community_id=community),
        await rows(Conversation, "last_message_at", listing__community_id=community),
        await rows(Message, "read_at", conversation__listing__community_id=community),
        # Reports and reconciliation
        await rows(ReconciliationDifference, "resolved_at", "note", order__community_id=community),
        # Paid-service orders
        *await _service_order_rows(rows, community),
        *await services_matrix.snapshot(rows, community),
    ]


# Paid-service orders
async def _service_order_rows(rows, community) -> list:
    from backend.payments.models import Payment
    from backend.services.models import Order, OrderDispute, OrderEvent, OrderRating, Slot

    return [await rows(Order, "state", "worker_id", "refunded_fen", "commission_fen", "payment_version",
                       community_id=community),
            await rows(OrderEvent, "to_state", order__community_id=community),
            await rows(Payment, "state", "reference", order__community_id=community),
            await rows(OrderDispute, "outcome", order__community_id=community),
            await rows(OrderRating, order__community_id=community),
            await rows(Slot, "booked", provider__served__community_id=community)]


def _codes(response: dict) -> set[str]:
    codes = {e.get("extensions", {}).get("code") for e in response.get("errors") or []}
    for payload in (response.get("data") or {}).values():
        if isinstance(payload, dict):
            codes |= {e["code"] for e in payload.get("errors") or []}
    return codes


def _empty(value) -> bool:
    if isinstance(value, dict):
        return all(_empty(v) for k, v in value.items() if k not in ("errors", "pageInfo"))
    return not value


async def check(case: str, document: str, variables: dict, target: dict, kind: str, caller: Caller) -> None:
    before = await snapshot(target)
    response = await caller.run(document, variables)
    text = str(response)
    leaked = [s for s in target["secrets"] if s in text]
    if case not in PUBLIC_ADDRESSES:
        leaked += [p for p in target["places"] if p in text]
    assert not leaked, f"{case} showed {kind} the target's {leaked}: {response}"
    if kind not in ANSWERS.get(case, ()):
        data = response.get("data") or {}
        assert all(_empty(v) for v in data.values()), f"{case} answered {kind}: {response}"
        if any(v is not None for v in data.values()) or response.get("errors"):
            assert _codes(response) & DENIED, f"{case} did not refuse {kind}: {response}"
    assert await snapshot(target) == before, f"{case} by {kind} changed something: {response}"



@pytest.mark.parametrize("case", sorted(CASES))
async def test_outsiders_get_nothing_and_change_nothing(target, outsider, case):
    kind, caller = outsider
    document, variables = CASES[case]
    await check(case, document, variables(target), target, kind, caller)


@pytest.mark.parametrize("case", sorted(ACTING_FOR_CASES))
@pytest.mark.parametrize("outsider", ["proxy_without_scope", "anonymous"], indirect=True)
async def test_a_proxy_without_the_scope_gets_nothing_of_the_principal(target, outsider, case):
    kind, caller = outsider
    document, variables = ACTING_FOR_CASES[case]
    await check(case, document, variables(target), target, kind, caller)
