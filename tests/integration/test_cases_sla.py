"""SLA clocks on the injectable clock: a reminder before the deadline, escalation to the street after
it, nothing while the case waits for its resident (its deadline moves on by the time waited), and
auto-confirmation after the community's silent days. The sweeps are what the scheduler runs."""

import uuid
from datetime import timedelta

import pytest

from backend.cases import sla
from backend.cases.models import Case, CaseConfirmation, StreetSupervisor
from backend.core.clock import clock
from backend.notify.models import InboxMessage
from backend.registry.models import Street
from tests.integration.case_helpers import categories
from tests.integration.neighbourhood import build_neighbourhood

REMINDER, ESCALATION = "诉求即将超时，请尽快处理", "诉求超时，已升级至街道督办"


@pytest.fixture
async def place(app, make_person):
    place = await build_neighbourhood(make_person)
    place.categories = await categories(place.committee.id, place.community.id)  # 报修: accept 4 h, resolve 24 h
    street = await Street.create(name="幸福街道", code=f"s-{uuid.uuid4().hex[:8]}")
    place.community.street = street
    await place.community.save()
    place.supervisor = await make_person(place.community.id, [])
    await StreetSupervisor.create(street=street, person=place.supervisor)
    return place


async def titles(person, case_id: str) -> list[str]:
    """What the person was told about this case (notifications carry the case in their body)."""
    return await InboxMessage.filter(person_id=person.id, body=f"case:{case_id}").order_by("id") \
        .values_list("title", flat=True)


async def at(hours: float, start, api, handle: str) -> None:
    """Move the clock to `hours` after `start`, run the sweep, and sign in afresh (tokens expire)."""
    clock.advance(start + timedelta(hours=hours) - clock.now())
    await sla.sweep_deadlines()
    await api.sign_in(handle)


async def raise_case(api, place) -> str:
    await api.sign_in(place.b.resident.handle)
    response = await api.op("CaseRaise", communityId=str(place.community.id), input={
        "categoryId": str(place.categories["报修"].id), "text": "水管漏水", "place": {"roomId": str(place.b.room.id)}})
    return response["data"]["caseRaise"]["case"]["id"]


async def test_a_reminder_before_the_deadline_then_escalation_to_the_street_after_it(api, console, place):
    start = clock.now()
    case_id = await raise_case(api, place)
    worker = place.b.worker.handle

    await at(1, start, console, worker)
    assert REMINDER not in await titles(place.b.worker, case_id)
    await at(2.5, start, console, worker)  # 2 h before the 4 h to accept
    await sla.sweep_deadlines()  # a doubled tick adds nothing
    assert (await titles(place.b.worker, case_id)).count(REMINDER) == 1
    assert ESCALATION not in await titles(place.supervisor, case_id)
    listed = await console.op("Cases", communityId=str(place.community.id), filter={"overdue": True}, first=50)
    assert listed["data"]["cases"]["nodes"] == []

    await at(4.5, start, console, worker)
    await sla.sweep_deadlines()
    assert (await titles(place.supervisor, case_id)).count(ESCALATION) == 1
    assert ESCALATION in await titles(place.committee, case_id)
    listed = (await console.op("Cases", communityId=str(place.community.id), filter={"overdue": True},
                               first=50))["data"]["cases"]
    assert [(c["id"], c["overdue"], c["escalatedAt"] is not None) for c in listed["nodes"]] == [(case_id, True, True)]

    # Accepted late: the resolve clock (24 h from raising) gets its own reminder and escalation.
    await console.op("CaseAccept", id=case_id)
    await at(22.5, start, console, worker)
    assert (await titles(place.b.worker, case_id)).count(REMINDER) == 2
    await at(24.5, start, console, worker)
    assert (await titles(place.supervisor, case_id)).count(ESCALATION) == 2


async def test_no_reminder_nor_escalation_while_waiting_for_the_resident_and_the_clock_resumes_on_the_answer(
        api, console, place):
    start = clock.now()
    case_id = await raise_case(api, place)
    worker = place.b.worker.handle
    await console.sign_in(worker)
    await console.op("CaseAccept", id=case_id)
    asked = await console.op("CaseAsk", id=case_id, question="请问漏水的是厨房还是卫生间？")
    assert asked["data"]["caseAsk"]["errors"] == []

    await at(30, start, console, worker)  # well past the 24 h to resolve, but paused
    case = (await console.op("Case", id=case_id))["data"]["case"]["case"]
    assert (case["waitingForResident"], case["overdue"]) == (True, False)
    assert REMINDER not in await titles(place.b.worker, case_id)
    assert ESCALATION not in await titles(place.supervisor, case_id)

    await api.sign_in(place.b.resident.handle)
    answered = await api.op("CaseAnswer", id=case_id, body="卫生间")
    assert answered["data"]["caseAnswer"]["errors"] == []
    assert "居民已补充信息" in await titles(place.b.worker, case_id)
    resumed = await Case.get(id=case_id)
    assert resumed.paused_at is None
    # The 24 h to resolve, later by the 30 h waited (give or take the real moments between the steps).
    assert abs(resumed.resolve_due_at - start - timedelta(hours=54)) < timedelta(minutes=10)

    await at(51, start, console, worker)
    assert REMINDER not in await titles(place.b.worker, case_id)
    await at(52.5, start, console, worker)
    assert REMINDER in await titles(place.b.worker, case_id)
    assert ESCALATION not in await titles(place.supervisor, case_id)
    await at(54.5, start, console, worker)
    assert ESCALATION in await titles(place.supervisor, case_id)


async def test_a_resolved_case_is_auto_confirmed_after_the_communitys_silent_days(api, console, place):
    case_id = await raise_case(api, place)
    await console.sign_in(place.committee.handle)
    updated = await console.op("CaseSettingsUpdate", communityId=str(place.community.id), autoConfirmDays=3,
                               remindBeforeHours=2)
    assert updated["data"]["caseSettingsUpdate"]["errors"] == []
    await console.op("CaseAccept", id=case_id)
    await console.op("CaseResolve", id=case_id, note="已更换阀门")
    resolved_at = clock.now()

    clock.advance(timedelta(days=2, hours=23))
    await sla.auto_confirm()
    assert (await Case.get(id=case_id)).confirmed_at is None
    clock.advance(resolved_at + timedelta(days=3, minutes=1) - clock.now())
    await sla.auto_confirm()
    await sla.auto_confirm()
    confirmations = await CaseConfirmation.filter(case_id=case_id).values_list("outcome", "rating")
    assert confirmations == [("AUTO", None)]

    await api.sign_in(place.b.resident.handle)
    late = await api.op("CaseConfirm", id=case_id, input={"outcome": "RESOLVED", "rating": 5})
    assert late["data"]["caseConfirm"]["errors"][0]["message"] == "您已经评价过这条诉求"
