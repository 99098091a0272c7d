"""Notices reach exactly their audience, and the committee can see who was not reached."""

import io
import uuid
from datetime import timedelta

import pytest
from PIL import Image

from backend.core.clock import clock
from backend.core.outbox import OutboxMessage
from backend.core.settings import get_settings, use_settings
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


@pytest.fixture
async def place(make_community, make_person):
    """A community of the test's own (2 buildings of 5 rooms) with its committee member, so the
    residents a test counts are the ones it made."""
    made = await make_community(buildings=2, rooms=5)
    made.committee = await make_person(made.community.id, ["COMMITTEE_STAFF"])
    return made


async def test_a_notice_to_one_building_reaches_exactly_its_residents(console, api, place, make_person,
                                                                      start_worker):
    building, elsewhere = place.buildings
    people = {room.id: await make_person(place.community.id, ["RESIDENT"], room=room) for room in place.rooms}
    await console.sign_in(place.committee.handle)
    created = (await console.query(CREATE, c=str(place.community.id),
                                   input=notice_input(str(building.id), mustAcknowledge=True)))["data"]
    notice_id = created["noticeCreate"]["notice"]["id"]
    assert (await console.query(PUBLISH, id=notice_id))["data"]["noticePublish"]["notice"]["state"] == "PUBLISHED"

    residents = {people[room.id].id for room in place.rooms_of[building.id]}
    start_worker()  # the fan-out is a job: outbox -> worker
    await eventually(lambda: Notice.filter(id=notice_id, audience_size=len(residents)).exists())
    inboxes = set(await InboxMessage.filter(delivery_key__startswith=f"notice:{notice_id}:")
                  .values_list("person_id", flat=True))
    receipts = set(await NoticeRecipient.filter(notice_id=notice_id).values_list("person_id", flat=True))
    assert inboxes == receipts == residents and len(residents) == 5

    # One resident of the building reads and acknowledges; someone in the other building cannot.
    reader = people[place.rooms_of[building.id][0].id]
    outsider = people[place.rooms_of[elsewhere.id][0].id]
    for person, expected in ((reader, []), (outsider, ["NOT_FOUND"])):
        await api.sign_in(person.handle)
        acked = await api.query("mutation($id: ID!) { noticeAcknowledge(id: $id) { errors { code } } }", id=notice_id)
        assert [e["code"] for e in acked["data"]["noticeAcknowledge"]["errors"]] == expected

    reach = (await console.query(REACH, id=notice_id))["data"]["noticeReach"]
    assert reach == {"audience": 5, "delivered": 5, "read": 1, "acknowledged": 1, "households": 5,
                     "householdsReached": 1, "householdsReachedOffline": 0,
                     "byBuilding": [{"buildingName": "1栋", "audience": 5, "read": 1}]}
    missing = (await console.query(NOT_REACHED, id=notice_id))["data"]["noticeNotReached"]
    reader_household = str((await PersonRoom.get(person=reader)).household_id)
    assert len(missing["nodes"]) == 4 and reader_household not in {n["householdId"] for n in missing["nodes"]}

    # Nobody answered at one household: the committee records the visit instead.
    visited = missing["nodes"][0]["householdId"]
    done = await console.query("""mutation($id: ID!, $h: ID!) { noticeReachedOffline(id: $id, householdId: $h,
      note: "已电话告知") { ok } }""", id=notice_id, h=visited)
    assert done["data"]["noticeReachedOffline"]["ok"] is True
    after = (await console.query(NOT_REACHED, id=notice_id))["data"]["noticeNotReached"]["nodes"]
    assert len(after) == 3
    assert (await console.query(REACH, id=notice_id))["data"]["noticeReach"]["householdsReachedOffline"] == 1


async def test_phone_links_survive_and_uploaded_images_are_kept_at_absolute_urls(console, demo_community,
                                                                                building):
    """A resident taps the number to call; the mini-program loads the image without knowing our host."""
    await console.sign_in("committee")
    uploaded = await console.http.post("/uploads", params={"kind": "notice_image"},
                                       headers={"authorization": f"Bearer {console.token}"},
                                       files={"file": ("a.png", _png(), "image/png")})
    display = uploaded.json()["display"]
    assert display.startswith(get_settings().public_base_url + "/media/public/")
    path = display.removeprefix(get_settings().public_base_url)
    html = (f'<p>报修请拨 <a href="tel:12345">12345</a>，<a href="javascript:call()">别点</a></p>'
            f'<p><img src="{path}" alt=""></p>')
    created = (await console.query(CREATE, c=str(demo_community.id),
                                   input={**notice_input(str(building.id)), "bodyHtml": html}))["data"]
    body = created["noticeCreate"]["notice"]["bodyHtml"]
    assert '<a href="tel:12345" rel="noopener noreferrer nofollow">12345</a>' in body
    assert "javascript" not in body and "别点" in body
    assert f'<img src="{display}" alt="">' in body
    assert (await console.http.get(display)).headers["content-type"] == "image/webp"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "teal").save(out, "PNG")
    return out.getvalue()


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
    title = f"外社区通知{uuid.uuid4().hex[:6]}"
    refused = (await console.query(CREATE, c=str(demo_community.id),
                                   input={**notice_input(str(foreign.id)), "title": title}))["data"]
    assert refused["noticeCreate"]["errors"][0]["field"] == "audience"
    assert not await Notice.filter(title=title).exists()


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


async def test_the_feed_costs_the_same_queries_for_1_and_50_items(api, console, place, make_person, sql_statements):
    reader = await make_person(place.community.id, ["RESIDENT"], room=place.rooms[0])
    household = str((await PersonRoom.get(person=reader)).household_id)
    await console.sign_in(place.committee.handle)
    for i in range(52):
        notice_id = (await console.query(CREATE, c=str(place.community.id), input={
            **notice_input(household), "title": f"通知 {i}", "pinned": i < 2,
            "audience": [{"kind": "HOUSEHOLD", "ids": [household]}],
        }))["data"]["noticeCreate"]["notice"]["id"]
        await console.query(PUBLISH, id=notice_id)
        await service.fan_out(notice_id)  # arrange directly; the job itself is tested above
    await api.sign_in(reader.handle)
    await api.query("{ viewer { id } }")  # the caller's roles cached, as on every request but the first

    async def queries_for(first: int) -> tuple[int, dict]:
        with sql_statements() as statements:
            result = (await api.query(FEED, first=first))["data"]["feed"]
        return len(statements), result

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
    await eventually(lambda: _equals(delivered, 2000))
    keys = await InboxMessage.filter(delivery_key__startswith=f"notice:{notice_id}:").values_list(
        "person_id", flat=True)
    assert len(keys) == len(set(keys)) == 2000
    assert await NoticeRecipient.filter(notice_id=notice_id).count() == 2000
    # Its last delivery is written before the job ends: let the worker acknowledge it, or killing the
    # worker at the end of this test would leave the job pending for whoever reads the stream next.
    await eventually(lambda: _acknowledged(f"notice:{notice_id}:fan_out"))


async def _acknowledged(job_key: str) -> bool:
    """No job with this key is delivered and not yet acknowledged in the job stream."""
    from redis.asyncio import Redis

    from backend.core.settings import get_settings

    settings = get_settings()
    stream, group = f"{settings.redis_prefix}jobs", f"{settings.redis_prefix}workers"
    redis = Redis.from_url(settings.redis_url)
    try:
        for pending in await redis.xpending_range(stream, group, "-", "+", 1000):
            for _, job in await redis.xrange(stream, pending["message_id"], pending["message_id"]):
                if job_key.encode() in job[b"data"]:
                    return False
    finally:
        await redis.aclose()
    return True


async def _equals(count, expected: int) -> bool:
    return await count() == expected


async def test_reading_a_notice_reads_its_inbox_message_and_a_schedule_can_be_taken_back(
        api, console, place, make_person):
    reader = await make_person(place.community.id, ["RESIDENT"], room=place.rooms[0])
    household = str((await PersonRoom.get(person=reader)).household_id)
    await console.sign_in(place.committee.handle)
    audience = {"audience": [{"kind": "HOUSEHOLD", "ids": [household]}]}
    first = (await console.query(CREATE, c=str(place.community.id), input={**notice_input(household), **audience}))
    first_id = first["data"]["noticeCreate"]["notice"]["id"]
    await console.query(PUBLISH, id=first_id)
    await service.fan_out(first_id)

    later = (await console.query(CREATE, c=str(place.community.id), input={**notice_input(household), **audience,
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


async def test_those_who_have_not_read_are_reminded_once_at_each_reminder_time(api, console, place, make_person):
    reader = await make_person(place.community.id, ["RESIDENT"], room=place.rooms[0])
    forgetful = await make_person(place.community.id, ["RESIDENT"], room=place.rooms[0])
    household = str((await PersonRoom.get(person=reader)).household_id)
    await console.sign_in(place.committee.handle)
    bad = (await console.query(CREATE, c=str(place.community.id), input={
        **notice_input(household), "audience": [{"kind": "HOUSEHOLD", "ids": [household]}], "reminderHours": [0]}))
    assert bad["data"]["noticeCreate"]["errors"][0]["field"] == "reminderHours"
    created = (await console.query(CREATE, c=str(place.community.id), input={
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
    await console.sign_in(place.committee.handle)  # a day later: a fresh sign-in
    reach = (await console.query(REACH, id=notice_id))["data"]["noticeReach"]
    assert reach["delivered"] == reach["audience"] == 2  # reminders don't count


async def test_the_not_reached_list_exports_to_excel_for_visits(console, api, place, make_person):
    import io as _io

    from openpyxl import load_workbook

    building = place.buildings[0]
    for room in place.rooms:
        await make_person(place.community.id, ["RESIDENT"], room=room)
    await console.sign_in(place.committee.handle)
    notice_id = (await console.query(CREATE, c=str(place.community.id), input=notice_input(str(building.id))))[
        "data"]["noticeCreate"]["notice"]["id"]
    await console.query(PUBLISH, id=notice_id)
    await service.fan_out(notice_id)
    response = await console.http.get(f"/exports/notices/{notice_id}/not-reached.xlsx",
                                      headers={"authorization": f"Bearer {console.token}"})
    assert response.status_code == 200
    rows = list(load_workbook(_io.BytesIO(response.content), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("地址", "住户") and len(rows) == 6  # the building's 5 households
    assert all(r[0].startswith("1号小区 1栋") for r in rows[1:])
    await api.sign_in("resident")
    refused = await api.http.get(f"/exports/notices/{notice_id}/not-reached.xlsx",
                                 headers={"authorization": f"Bearer {api.token}"})
    assert refused.status_code == 404


async def test_a_publication_time_in_the_past_is_refused_and_changes_nothing(console, demo_community, building):
    """Through the console's own NoticePublish operation. A minute of tolerance for clock skew: a
    time just past means now."""
    from backend.notices.models import NoticeEvent

    await console.sign_in("committee")

    async def draft() -> str:
        return (await console.query(CREATE, c=str(demo_community.id), input=notice_input(str(building.id))))[
            "data"]["noticeCreate"]["notice"]["id"]

    notice_id = await draft()
    refused = (await console.op("NoticePublish", id=notice_id,
                                at=(clock.now() - timedelta(hours=1)).isoformat()))["data"]["noticePublish"]
    assert refused["notice"] is None
    assert refused["errors"] == [{"code": "INVALID_INPUT", "field": "publishAt",
                                  "message": "发布时间已过，请选择将来的时间，或立即发布"}]
    notice = await Notice.get(id=notice_id)
    assert (notice.state, notice.publish_at, notice.published_at) == ("DRAFT", None, None)
    assert not await NoticeEvent.filter(notice_id=notice_id).exists()

    naive = await console.op("NoticePublish", id=notice_id, at="2030-01-01T09:00:00")  # which zone's nine?
    assert naive["data"]["noticePublish"]["errors"][0]["field"] == "publishAt"

    skewed = await console.op("NoticePublish", id=notice_id, at=(clock.now() - timedelta(seconds=30)).isoformat())
    assert skewed["data"]["noticePublish"]["notice"]["state"] == "PUBLISHED"
    now = await console.op("NoticePublish", id=await draft(), at=None)
    assert now["data"]["noticePublish"]["notice"]["state"] == "PUBLISHED"


async def test_a_fan_out_queues_its_pushes_only_once_every_inbox_message_is_in(console, place, make_person):
    building, _ = place.buildings
    residents = [(await make_person(place.community.id, ["RESIDENT"], room=room)).id
                 for room in place.rooms_of[building.id]]
    await console.sign_in(place.committee.handle)
    created = await console.query(CREATE, c=str(place.community.id), input=notice_input(str(building.id)))
    notice_id = created["data"]["noticeCreate"]["notice"]["id"]
    await console.query(PUBLISH, id=notice_id)
    dev = get_settings()
    use_settings(dev.model_copy(update={"fanout_batch": 2}))  # several inbox batches
    try:
        await service.fan_out(notice_id)
    finally:
        use_settings(dev)

    inbox = await InboxMessage.filter(delivery_key__startswith=f"notice:{notice_id}:").values_list("created_at",
                                                                                                   flat=True)
    pushes = await OutboxMessage.filter(topic="notify.push", key__startswith=f"notice:{notice_id}:push:") \
        .values_list("created_at", "payload")
    assert len(inbox) == len(residents) >= 3
    # Planning a push competes with inbox writes for the database: none is queued before the last.
    assert all(queued > max(inbox) for queued, _ in pushes)
    assert sorted(p for _, payload in pushes for p in payload["person_ids"]) == sorted(map(str, residents))
