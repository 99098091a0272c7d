"""The street (街道) level of cases through the API: the platform operator adds and removes a street's
supervisors by phone; an overdue case escalates on the injectable clock and its street's supervisor
(who holds no community role) finds it among the street's cases, overdue first, and not another
street's; their 督办 lands in the timeline as an internal entry and notifies the handler. Everyone
else gets not-found, and bad input changes nothing."""

import uuid
from datetime import timedelta

import pytest

from backend.audit.labels import ACTION_LABELS
from backend.audit.models import AuditEntry
from backend.cases import sla
from backend.cases.models import CaseEntry, StreetSupervisor
from backend.core.clock import clock
from backend.core.platform import PlatformMember, PlatformRole
from backend.notify.models import InboxMessage
from backend.registry.models import Street
from tests.integration.case_helpers import categories, raise_for
from tests.integration.neighbourhood import build_neighbourhood

ESCALATION, URGED = "诉求超时，已升级至街道督办", "街道督办：请尽快处理该诉求"


def _phone() -> str:
    return f"139{uuid.uuid4().int % 10**8:08d}"


@pytest.fixture
async def place(app, make_person, other_community):
    """A neighbourhood in 幸福街道 with its case categories; 明月社区 in another street with a case of
    its own; the platform operator; a person (no community role) to become a supervisor."""
    place = await build_neighbourhood(make_person)
    place.categories = await categories(place.committee.id, place.community.id)
    place.street = await Street.create(name="幸福街道", code=f"s-{uuid.uuid4().hex[:8]}")
    place.community.street = place.street
    await place.community.save()

    other, room = other_community
    place.other_street = await Street.create(name="明月街道", code=f"s-{uuid.uuid4().hex[:8]}")
    other.street = place.other_street
    await other.save()
    committee = await make_person(other.id, ["COMMITTEE_STAFF"])
    neighbour = await make_person(other.id, ["RESIDENT"], room=room)
    other_categories = await categories(committee.id, other.id)
    place.other_case = await raise_for(neighbour.id, other.id, other_categories["报修"], room_id=room.id,
                                       text="明月社区的电梯坏了")

    place.operator = await make_person(place.community.id, [])
    await PlatformMember.create(person=place.operator, role=PlatformRole.OPERATOR)
    place.supervisor_phone = _phone()
    place.supervisor = await make_person(place.community.id, [], phone=place.supervisor_phone)
    return place


async def add_supervisor(console, place, phone: str, street_id=None) -> dict:
    await console.sign_in(place.operator.handle)
    added = await console.op("StreetSupervisorAdd", streetId=street_id or str(place.street.id), phone=phone)
    return added["data"]["streetSupervisorAdd"]


async def raise_case(api, place, text="2栋水管漏水") -> str:
    await api.sign_in(place.b.resident.handle)
    response = await api.op("CaseRaise", communityId=str(place.community.id), input={
        "categoryId": str(place.categories["报修"].id), "text": text, "place": {"roomId": str(place.b.room.id)}})
    assert response["data"]["caseRaise"]["errors"] == [], response
    return response["data"]["caseRaise"]["case"]["id"]


async def past_the_accept_deadline(start) -> None:
    """4.5 h after raising: past the 4 h to accept of 报修; the sweeper escalates."""
    clock.advance(start + timedelta(hours=4.5) - clock.now())
    await sla.sweep_deadlines()


async def street_cases(console, street_id, **variables) -> dict:
    return await console.op("StreetCases", streetId=str(street_id), first=variables.pop("first", 20), **variables)


async def titles(person, case_id) -> list[str]:
    return await InboxMessage.filter(person_id=person.id, body=f"case:{case_id}").order_by("id") \
        .values_list("title", flat=True)


async def test_the_operator_adds_a_supervisor_who_sees_the_escalated_cases_of_their_street_only(
        api, console, place):
    await console.sign_in(place.operator.handle)
    streets = (await console.op("Streets", search=place.street.code))["data"]["streets"]
    assert streets == [{"id": str(place.street.id), "name": "幸福街道", "code": place.street.code}]
    added = await add_supervisor(console, place, place.supervisor_phone)
    masked = f"{place.supervisor_phone[:3]}****{place.supervisor_phone[-4:]}"
    assert added["errors"] == []
    assert (added["supervisor"]["displayName"], added["supervisor"]["phone"]) == (place.supervisor.display_name,
                                                                                  masked)
    listed = (await console.op("StreetSupervisors", streetId=str(place.street.id)))["data"]["streetSupervisors"]
    assert [(s["id"], s["phone"]) for s in listed] == [(added["supervisor"]["id"], masked)]
    entry = await AuditEntry.filter(action="case.street_supervisor_add", target_id=str(place.street.id)).first()
    assert entry.actor_id == place.operator.id and ACTION_LABELS[entry.action] == "新增街道督办人员"

    start = clock.now()
    case_id = await raise_case(api, place)
    await console.sign_in(place.committee.handle)
    await console.op("CaseNote", id=case_id, body="内部：先联系物业")
    await past_the_accept_deadline(start)
    assert ESCALATION in await titles(place.supervisor, case_id)  # the supervisor added by the operator hears of it

    await console.sign_in(place.supervisor.handle)
    viewer = (await console.op("Viewer"))["data"]["viewer"]
    assert viewer["supervisedStreets"] == [{"id": str(place.street.id), "name": "幸福街道"}]
    assert viewer["permissions"] == []  # no community role
    page = (await street_cases(console, place.street.id))["data"]["streetCases"]
    assert [(n["case"]["id"], n["communityName"], n["case"]["overdue"]) for n in page["nodes"]] == [
        (case_id, "双网格社区", True)]
    assert page["totalCount"] == 1
    found = (await street_cases(console, place.street.id, search="水管"))["data"]["streetCases"]["nodes"]
    assert [n["case"]["id"] for n in found] == [case_id]
    assert (await street_cases(console, place.street.id, search="电梯"))["data"]["streetCases"]["nodes"] == []

    detail = (await console.op("StreetCase", id=case_id))["data"]["streetCase"]
    assert detail["case"]["text"] == "2栋水管漏水"
    kinds = [e["kind"] for e in detail["entries"]]
    assert "ESCALATE" in kinds and "NOTE" not in kinds and "ASSIGN" not in kinds  # not the handlers' own notes

    # Another street's escalated case: not in my list, not readable, not pressable.
    other = await street_cases(console, place.other_street.id)
    assert other["data"] is None and other["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert (await console.op("StreetCase", id=str(place.other_case.id)))["data"]["streetCase"] is None
    refused = (await console.op("StreetCaseUrge", id=str(place.other_case.id), note="请尽快处理"))["data"]
    assert refused["streetCaseUrge"]["errors"][0]["code"] == "NOT_FOUND"
    assert not await CaseEntry.filter(case_id=place.other_case.id, kind="SUPERVISE").exists()


async def test_overdue_cases_come_first_and_page_by_page(api, console, place):
    await add_supervisor(console, place, place.supervisor_phone)
    start = clock.now()
    accepted_late = await raise_case(api, place, text="楼道灯不亮")
    still_late = await raise_case(api, place, text="门禁坏了")
    await past_the_accept_deadline(start)
    await console.sign_in(place.b.worker.handle)
    await console.op("CaseAccept", id=accepted_late)  # escalated, but now within its 24 h to resolve
    fresh = await raise_case(api, place, text="刚提交的诉求")  # neither escalated nor overdue: not the street's

    await console.sign_in(place.supervisor.handle)
    first = (await street_cases(console, place.street.id, first=1))["data"]["streetCases"]
    assert [n["case"]["id"] for n in first["nodes"]] == [still_late]
    assert first["pageInfo"]["hasNextPage"] and first["totalCount"] == 2
    second = (await street_cases(console, place.street.id, first=1, after=first["pageInfo"]["endCursor"]))
    second = second["data"]["streetCases"]
    assert [(n["case"]["id"], n["case"]["overdue"]) for n in second["nodes"]] == [(accepted_late, False)]
    assert not second["pageInfo"]["hasNextPage"]
    late_only = (await street_cases(console, place.street.id, overdueOnly=True))["data"]["streetCases"]["nodes"]
    assert [n["case"]["id"] for n in late_only] == [still_late]
    assert (await console.op("StreetCase", id=fresh))["data"]["streetCase"] is None


async def test_the_supervisors_urge_is_an_internal_entry_that_notifies_the_handler(api, console, place):
    await add_supervisor(console, place, place.supervisor_phone)
    start = clock.now()
    case_id = await raise_case(api, place)
    await past_the_accept_deadline(start)
    await console.sign_in(place.supervisor.handle)

    empty = (await console.op("StreetCaseUrge", id=case_id, note=" "))["data"]["streetCaseUrge"]
    assert empty["entry"] is None
    assert empty["errors"] == [{"code": "INVALID_INPUT", "field": "note", "message": "请填写督办意见（2–500 个字）"}]
    assert not await CaseEntry.filter(case_id=case_id, kind="SUPERVISE").exists()

    urged = (await console.op("StreetCaseUrge", id=case_id, note="已超时，请今天内上门处理"))["data"]["streetCaseUrge"]
    assert urged["errors"] == []
    assert (urged["entry"]["kind"], urged["entry"]["internal"], urged["entry"]["authorName"]) == (
        "SUPERVISE", True, place.supervisor.display_name)
    assert URGED in await titles(place.b.worker, case_id)  # the grid's handler of 报修
    assert ACTION_LABELS["case.street_urge"] == "街道督办诉求"
    shown = (await console.op("StreetCase", id=case_id))["data"]["streetCase"]["entries"]
    assert "已超时，请今天内上门处理" in [e["body"] for e in shown]

    await console.sign_in(place.b.worker.handle)
    staff_view = (await console.op("Case", id=case_id))["data"]["case"]["entries"]
    assert ("SUPERVISE", True, "已超时，请今天内上门处理") in [(e["kind"], e["internal"], e["body"])
                                                       for e in staff_view]
    await api.sign_in(place.b.resident.handle)
    resident_view = (await api.op("Case", id=case_id))["data"]["case"]["entries"]
    assert "已超时，请今天内上门处理" not in [e["body"] for e in resident_view]

    await console.op("CaseAccept", id=case_id)
    await console.op("CaseResolve", id=case_id, note="已修好")
    await console.sign_in(place.supervisor.handle)
    ended = (await console.op("StreetCaseUrge", id=case_id, note="再次督办"))["data"]["streetCaseUrge"]
    assert ended["errors"][0]["message"] == "诉求已办结，无需督办"
    assert await CaseEntry.filter(case_id=case_id, kind="SUPERVISE").count() == 1


async def test_whoever_supervises_no_street_of_the_case_gets_not_found(api, console, place, make_person):
    added = await add_supervisor(console, place, place.supervisor_phone)
    start = clock.now()
    case_id = await raise_case(api, place)
    await past_the_accept_deadline(start)
    other_supervisor = await make_person(place.community.id, [])
    await StreetSupervisor.create(street=place.other_street, person=other_supervisor)

    for handle in (place.committee.handle, place.b.resident.handle, place.operator.handle, other_supervisor.handle):
        await console.sign_in(handle)
        listed = await street_cases(console, place.street.id)
        assert listed["data"] is None and listed["errors"][0]["extensions"]["code"] == "NOT_FOUND", handle
        assert (await console.op("StreetCase", id=case_id))["data"]["streetCase"] is None
        urged = (await console.op("StreetCaseUrge", id=case_id, note="请尽快处理"))["data"]["streetCaseUrge"]
        assert urged["errors"][0]["code"] == "NOT_FOUND"
    assert not await CaseEntry.filter(case_id=case_id, kind="SUPERVISE").exists()

    # Removed by the operator, the supervisor no longer reaches the street.
    await console.sign_in(place.operator.handle)
    removed = (await console.op("StreetSupervisorRemove", id=added["supervisor"]["id"]))["data"]
    assert removed["streetSupervisorRemove"] == {"ok": True, "errors": []}
    await console.sign_in(place.supervisor.handle)
    assert (await console.op("Viewer"))["data"]["viewer"]["supervisedStreets"] == []
    assert (await street_cases(console, place.street.id))["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_bad_input_to_the_supervisor_list_is_refused_in_chinese_and_changes_nothing(console, place):
    def rows():
        return StreetSupervisor.filter(street_id__in=[place.street.id, place.other_street.id]).count()

    unknown = await add_supervisor(console, place, _phone())
    assert unknown["supervisor"] is None
    assert unknown["errors"] == [{"code": "NOT_FOUND", "field": "phone",
                                  "message": "找不到使用该手机号的用户，请先让其登录一次"}]
    malformed = await add_supervisor(console, place, "12345")
    assert malformed["errors"] == [{"code": "INVALID_INPUT", "field": "phone", "message": "请填写 11 位手机号"}]
    nowhere = await add_supervisor(console, place, place.supervisor_phone, street_id=str(uuid.uuid4()))
    assert nowhere["errors"] == [{"code": "NOT_FOUND", "field": "streetId", "message": "找不到该街道"}]
    assert await rows() == 0

    first = await add_supervisor(console, place, place.supervisor_phone)
    assert first["errors"] == []
    twice = await add_supervisor(console, place, f"{place.supervisor_phone[:3]} {place.supervisor_phone[3:]}")
    assert twice["errors"] == [{"code": "INVALID_INPUT", "field": "phone", "message": "该用户已是本街道的督办人员"}]
    assert await rows() == 1

    await console.sign_in(place.committee.handle)  # community staff do not run the platform
    foreign = (await console.op("StreetSupervisorAdd", streetId=str(place.street.id), phone=_phone()))["data"]
    assert foreign["streetSupervisorAdd"]["errors"][0]["code"] == "FORBIDDEN"
    not_theirs = (await console.op("StreetSupervisorRemove", id=first["supervisor"]["id"]))["data"]
    assert not_theirs["streetSupervisorRemove"]["errors"][0]["code"] == "FORBIDDEN"
    assert await rows() == 1

    await console.sign_in(place.operator.handle)
    once = (await console.op("StreetSupervisorRemove", id=first["supervisor"]["id"]))["data"]
    assert once["streetSupervisorRemove"] == {"ok": True, "errors": []}
    again = (await console.op("StreetSupervisorRemove", id=first["supervisor"]["id"]))["data"]
    assert again["streetSupervisorRemove"] == {"ok": False, "errors": [
        {"code": "NOT_FOUND", "field": None, "message": "找不到该督办人员，可能已被移除"}]}
    assert await rows() == 0
    assert await AuditEntry.filter(action="case.street_supervisor_remove", target_id=str(place.street.id)).count() == 1
