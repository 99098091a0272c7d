"""Notices reach exactly their audience, and the committee can see who was not reached."""

import logging
import uuid
from datetime import timedelta

import pytest

from backend.core.clock import clock
from backend.notices import service
from backend.notices.models import Notice, NoticeRecipient
from backend.notify.models import InboxMessage
from backend.registry.models import Building, Estate, PersonRoom
from tests.integration.conftest import eventually
from tests.integration.test_registry_import import workbook

CREATE = """mutation($c: ID!, $input: NoticeInput!) { noticeCreate(communityId: $c, input: $input) {
  notice { id state bodyHtml audience } errors { code field message } } }"""
PUBLISH = "mutation($id: ID!, $at: DateTime) { noticePublish(id: $id, at: $at) { notice { state } errors { code } } }"
REACH = """query($id: ID!) { noticeReach(id: $id) { audience delivered read acknowledged households
  householdsReached householdsReachedOffline byBuilding { buildingName audience read } } }"""
NOT_REACHED = """query($id: ID!) { noticeNotReached(id: $id, first: 50) { nodes { householdId address residents }
  pageInfo { hasNextPage } } }"""
FEED = """query($first: Int!) { feed(first: $first) { unreadCount pinned { id }
  latest { nodes { id title readAt } } } }"""


def notice_input(building_id: str, **extra) -> dict:
    return {"title": "停水通知", "bodyHtml": "<p>明天 9:00–12:00 停水</p>", "category": "物业",
            "audience": [{"kind": "BUILDING", "ids": [building_id]}], **extra}


@pytest.fixture
async def building(demo_community):
    return await Building.get(community=demo_community, name="2栋", estate__name="翠竹苑")


async def test_a_notice_to_one_building_reaches_exactly_its_residents(console, api, demo_community, building,
                                                                      start_worker):
    await console.sign_in("committee")
    created = (await console.query(CREATE, c=str(demo_community.id),
                                   input=notice_input(str(building.id), mustAcknowledge=True)))["data"]
    notice_id = created["noticeCreate"]["notice"]["id"]
    assert (await console.query(PUBLISH, id=notice_id))["data"]["noticePublish"]["notice"]["state"] == "PUBLISHED"

    residents = set(await PersonRoom.filter(room__unit__building_id=building.id, until=None)
                    .values_list("person_id", flat=True))
    start_worker()  # the fan-out is a job: outbox -> worker
    await eventually(lambda: InboxMessage.filter(delivery_key__startswith=f"notice:{notice_id}:").count(), 30)
    await eventually(lambda: Notice.filter(id=notice_id, audience_size=len(residents)).exists(), 30)
    inboxes = set(await InboxMessage.filter(delivery_key__startswith=f"notice:{notice_id}:")
                  .values_list("person_id", flat=True))
    receipts = set(await NoticeRecipient.filter(notice_id=notice_id).values_list("person_id", flat=True))
    assert inboxes == receipts == residents and len(residents) == 50

    # One resident of the building reads and acknowledges; someone elsewhere cannot.
    reader = await PersonRoom.filter(room__unit__building_id=building.id, until=None).first()
    outsider = await PersonRoom.exclude(room__unit__building_id=building.id).filter(until=None).first()
    for person_id, expected in ((reader.person_id, []), (outsider.person_id, ["NOT_FOUND"])):
        await _sign_in_as(api, person_id)
        acked = await api.query("mutation($id: ID!) { noticeAcknowledge(id: $id) { errors { code } } }", id=notice_id)
        assert [e["code"] for e in acked["data"]["noticeAcknowledge"]["errors"]] == expected

    reach = (await console.query(REACH, id=notice_id))["data"]["noticeReach"]
    assert reach == {"audience": 50, "delivered": 50, "read": 1, "acknowledged": 1, "households": 50,
                     "householdsReached": 1, "householdsReachedOffline": 0,
                     "byBuilding": [{"buildingName": "2栋", "audience": 50, "read": 1}]}
    missing = (await console.query(NOT_REACHED, id=notice_id))["data"]["noticeNotReached"]
    assert len(missing["nodes"]) == 49 and reader.household_id not in {n["householdId"] for n in missing["nodes"]}

    # The grid worker of 翠竹苑's grid... is not the demo one: the committee marks a visit instead.
    visited = missing["nodes"][0]["householdId"]
    done = await console.query("""mutation($id: ID!, $h: ID!) { noticeReachedOffline(id: $id, householdId: $h,
      note: "已电话告知") { ok } }""", id=notice_id, h=visited)
    assert done["data"]["noticeReachedOffline"]["ok"] is True
    after = (await console.query(NOT_REACHED, id=notice_id))["data"]["noticeNotReached"]["nodes"]
    assert len(after) == 48
    assert (await console.query(REACH, id=notice_id))["data"]["noticeReach"]["householdsReachedOffline"] == 1


async def _sign_in_as(api, person_id) -> None:
    from backend.people.models import Person

    person = await Person.get(id=person_id)
    if person.handle is None:
        person.handle = f"h{str(person_id).replace('-', '')[:20]}"
        await person.save(update_fields=["handle"])
    await api.sign_in(person.handle)


async def test_rich_text_loses_scripts_and_audiences_stay_in_the_community(console, demo_community, building,
                                                                          other_community):
    await console.sign_in("committee")
    html = ('<p onclick="steal()">通知<script>alert(1)</script><img src="x" onerror="steal()">'
            '<a href="javascript:x">链接</a></p>')
    created = (await console.query(CREATE, c=str(demo_community.id),
                                   input={**notice_input(str(building.id)), "bodyHtml": html}))["data"]
    body = created["noticeCreate"]["notice"]["bodyHtml"]
    for bad in ("script", "onclick", "onerror", "javascript"):
        assert bad not in body
    assert "通知" in body

    _, foreign_room = other_community
    foreign = await Building.get(id=(await foreign_room.unit).building_id)
    before = await Notice.all().count()
    refused = (await console.query(CREATE, c=str(demo_community.id), input=notice_input(str(foreign.id))))["data"]
    assert refused["noticeCreate"]["errors"][0]["field"] == "audience"
    assert await Notice.all().count() == before


async def test_a_published_notice_changes_only_with_a_reason_as_a_revision(console, demo_community, building):
    await console.sign_in("committee")
    notice_id = (await console.query(CREATE, c=str(demo_community.id), input=notice_input(str(building.id))))[
        "data"]["noticeCreate"]["notice"]["id"]
    await console.query(PUBLISH, id=notice_id)
    update = """mutation($id: ID!, $input: NoticeInput!, $r: String) {
      noticeUpdate(id: $id, input: $input, reason: $r) { notice { title revision } errors { field } } }"""
    edited = {**notice_input(str(building.id)), "title": "停水通知（更正）"}
    silent = (await console.query(update, id=notice_id, input=edited))["data"]["noticeUpdate"]
    assert silent["errors"] == [{"field": "reason"}]
    assert (await Notice.get(id=notice_id)).title == "停水通知"
    fixed = (await console.query(update, id=notice_id, input=edited, r="时间写错了"))["data"]["noticeUpdate"]
    assert fixed["notice"] == {"title": "停水通知（更正）", "revision": 2}


async def test_scheduled_notices_publish_when_due(console, demo_community, building):
    await console.sign_in("committee")
    notice_id = (await console.query(CREATE, c=str(demo_community.id), input=notice_input(str(building.id))))[
        "data"]["noticeCreate"]["notice"]["id"]
    at = (clock.now() + timedelta(hours=2)).isoformat()
    assert (await console.query(PUBLISH, id=notice_id, at=at))["data"]["noticePublish"]["notice"]["state"] == \
        "SCHEDULED"
    await service.publish_due()
    assert (await Notice.get(id=notice_id)).state == "SCHEDULED"
    clock.advance(timedelta(hours=2, minutes=1))
    assert await service.publish_due() >= 1
    assert (await Notice.get(id=notice_id)).state == "PUBLISHED"
    assert (await service.publish_due()) == 0  # a second sweep finds nothing to do


async def test_the_feed_costs_the_same_queries_for_1_and_50_items(api, console, demo_community, make_person, caplog):
    from backend.registry.models import Room

    room = await Room.get(code="CZ-1-1-501")
    reader = await make_person(demo_community.id, ["RESIDENT"], room=room)
    await console.sign_in("committee")
    for i in range(52):
        notice_id = (await console.query(CREATE, c=str(demo_community.id), input={
            **notice_input(str(room.id)), "title": f"通知 {i}", "pinned": i < 2,
            "audience": [{"kind": "HOUSEHOLD", "ids": [str((await PersonRoom.get(person=reader)).household_id)]}],
        }))["data"]["noticeCreate"]["notice"]["id"]
        await console.query(PUBLISH, id=notice_id)
        await service.fan_out(notice_id)  # arrange directly; the job itself is tested above
    await api.sign_in(reader.handle)

    async def queries_for(first: int) -> tuple[int, dict]:
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
            result = (await api.query(FEED, first=first))["data"]["feed"]
        return sum(1 for r in caplog.records if r.name == "tortoise.db_client"), result

    one, small = await queries_for(1)
    fifty, large = await queries_for(50)
    assert len(small["latest"]["nodes"]) == 1 and len(large["latest"]["nodes"]) == 50
    assert len(large["pinned"]) == 2 and large["unreadCount"] == 52
    assert one == fifty


async def test_killing_the_worker_mid_fan_out_still_delivers_each_notification_once(console, demo_community,
                                                                                    start_worker):
    """The fan-out job dies with its worker part-way; another worker takes the unacknowledged job
    over and finishes it. Nobody is missed and nobody gets two."""
    from tests.integration.test_registry_import import residents, upload

    estate = f"大楼小区{uuid.uuid4().hex[:6]}"
    await console.sign_in("committee")
    upload_id = await upload(console, workbook(residents(estate, 2000, seed=7)))
    imported = await console.query("""mutation($c: ID!, $u: ID!) { registryImport(communityId: $c, uploadId: $u,
      dryRun: false) { report { importedRows } } }""", c=str(demo_community.id), u=upload_id)
    assert imported["data"]["registryImport"]["report"]["importedRows"] == 2000
    estate_id = str((await Estate.get(community=demo_community, name=estate)).id)
    notice_id = (await console.query(CREATE, c=str(demo_community.id), input={
        **notice_input(estate_id), "audience": [{"kind": "ESTATE", "ids": [estate_id]}]}))["data"][
        "noticeCreate"]["notice"]["id"]
    await console.query(PUBLISH, id=notice_id)

    def delivered():
        return InboxMessage.filter(delivery_key__startswith=f"notice:{notice_id}:").count()

    worker = start_worker(fanout_batch=4, job_redeliver_after_s=2)
    await eventually(delivered, 60, interval=0.01)
    worker.kill()  # SIGKILL: no goodbye, the job stays unacknowledged in the stream
    at_kill = await delivered()
    assert 0 < at_kill < 2000, f"the kill came at {at_kill}: not in the middle"

    start_worker(job_redeliver_after_s=2)
    await eventually(lambda: _equals(delivered, 2000), 60)
    keys = await InboxMessage.filter(delivery_key__startswith=f"notice:{notice_id}:").values_list(
        "person_id", flat=True)
    assert len(keys) == len(set(keys)) == 2000
    assert await NoticeRecipient.filter(notice_id=notice_id).count() == 2000


async def _equals(count, expected: int) -> bool:
    return await count() == expected


async def test_reading_a_notice_reads_its_inbox_message_and_a_schedule_can_be_taken_back(
        api, console, demo_community, make_person):
    from backend.registry.models import Room

    reader = await make_person(demo_community.id, ["RESIDENT"], room=await Room.get(code="CZ-1-1-502"))
    household = str((await PersonRoom.get(person=reader)).household_id)
    await console.sign_in("committee")
    audience = {"audience": [{"kind": "HOUSEHOLD", "ids": [household]}]}
    first = (await console.query(CREATE, c=str(demo_community.id), input={**notice_input(household), **audience}))
    first_id = first["data"]["noticeCreate"]["notice"]["id"]
    await console.query(PUBLISH, id=first_id)
    await service.fan_out(first_id)

    later = (await console.query(CREATE, c=str(demo_community.id), input={**notice_input(household), **audience,
                                                                           "title": "定时通知"}))
    later_id = later["data"]["noticeCreate"]["notice"]["id"]
    await console.query(PUBLISH, id=later_id, at=(clock.now() + timedelta(days=1)).isoformat())
    back = await console.query("mutation($id: ID!) { noticeUnschedule(id: $id) { notice { state publishAt } } }",
                               id=later_id)
    assert back["data"]["noticeUnschedule"]["notice"] == {"state": "DRAFT", "publishAt": None}
    refused = (await console.query("mutation($id: ID!) { noticeUnschedule(id: $id) { errors { message } } }",
                                   id=later_id))["data"]["noticeUnschedule"]["errors"][0]["message"]
    assert refused == "草稿的通知不能撤回为草稿"

    await api.sign_in(reader.handle)
    inbox = "{ viewer { inbox(first: 5) { nodes { title readAt } } } }"
    assert (await api.query(inbox))["data"]["viewer"]["inbox"]["nodes"][0] == {"title": "停水通知", "readAt": None}
    await api.query("mutation($id: ID!) { noticeRead(id: $id) { ok } }", id=first_id)
    assert (await api.query(inbox))["data"]["viewer"]["inbox"]["nodes"][0]["readAt"] is not None


async def test_those_who_have_not_read_are_reminded_once_at_each_reminder_time(api, console, demo_community,
                                                                               make_person):
    from backend.registry.models import Room

    room = await Room.get(code="CZ-1-2-101")
    reader = await make_person(demo_community.id, ["RESIDENT"], room=room)
    forgetful = await make_person(demo_community.id, ["RESIDENT"], room=room)
    household = str((await PersonRoom.get(person=reader)).household_id)
    await console.sign_in("committee")
    bad = (await console.query(CREATE, c=str(demo_community.id), input={
        **notice_input(household), "audience": [{"kind": "HOUSEHOLD", "ids": [household]}], "reminderHours": [0]}))
    assert bad["data"]["noticeCreate"]["errors"][0]["field"] == "reminderHours"
    created = (await console.query(CREATE, c=str(demo_community.id), input={
        **notice_input(household), "audience": [{"kind": "HOUSEHOLD", "ids": [household]}], "reminderHours": [2, 24]}))
    notice_id = created["data"]["noticeCreate"]["notice"]["id"]
    await console.query(PUBLISH, id=notice_id)
    await service.fan_out(notice_id)
    await api.sign_in(reader.handle)
    await api.query("mutation($id: ID!) { noticeRead(id: $id) { ok } }", id=notice_id)

    def reminded(person):
        return InboxMessage.filter(person_id=person.id, delivery_key__contains=f"notice:{notice_id}:remind:").count()

    await service.send_reminders()
    assert await reminded(forgetful) == 0  # nothing due yet
    clock.advance(timedelta(hours=2, minutes=1))
    await service.send_reminders()
    assert (await reminded(forgetful), await reminded(reader)) == (1, 0)
    await service.send_reminders()
    assert await reminded(forgetful) == 1  # a second sweep sends nothing more
    clock.advance(timedelta(hours=22))
    await service.send_reminders()
    assert await reminded(forgetful) == 2
    await console.sign_in("committee")  # a day later: a fresh sign-in
    reach = (await console.query(REACH, id=notice_id))["data"]["noticeReach"]
    assert reach["delivered"] == reach["audience"] == 3  # with the household's head; reminders don't count


async def test_the_not_reached_list_exports_to_excel_for_visits(console, api, demo_community, building):
    import io as _io

    from openpyxl import load_workbook

    await console.sign_in("committee")
    notice_id = (await console.query(CREATE, c=str(demo_community.id), input=notice_input(str(building.id))))[
        "data"]["noticeCreate"]["notice"]["id"]
    await console.query(PUBLISH, id=notice_id)
    await service.fan_out(notice_id)
    response = await console.http.get(f"/exports/notices/{notice_id}/not-reached.xlsx",
                                      headers={"authorization": f"Bearer {console.token}"})
    assert response.status_code == 200
    rows = list(load_workbook(_io.BytesIO(response.content), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("地址", "住户") and len(rows) == 51
    assert all(r[0].startswith("翠竹苑 2栋") for r in rows[1:])
    await api.sign_in("resident")
    refused = await api.http.get(f"/exports/notices/{notice_id}/not-reached.xlsx",
                                 headers={"authorization": f"Bearer {api.token}"})
    assert refused.status_code == 404
