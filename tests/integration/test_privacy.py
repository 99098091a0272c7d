"""Personal data: encrypted at rest, masked in the API, unmasked only with permission and a reason
(and then logged), downloadable by its owner, and erasable."""

import json
import uuid
from datetime import timedelta

from tortoise import connections

from backend.core import crypto
from backend.core.clock import clock
from backend.privacy.models import AccessLog
from backend.registry.models import Room

ROOMS = """query($b: ID!) { registryRooms(buildingId: $b) { room { code } residents {
  resident { id displayName phone idNumber } } } }"""
BUILDINGS = "query($c: ID!) { registryBuildings(communityId: $c) { id name estateName } }"
UNMASK = """mutation($p: ID!, $f: PersonalField!, $r: String!) {
  personalDataUnmask(personId: $p, field: $f, reason: $r) { value errors { code field } } }"""


async def _resident(make_person, demo_community, room_code="YG-2-1-101"):
    phone, id_number = f"188{uuid.uuid4().int % 10**8:08d}", "11010519491231002X"
    person = await make_person(demo_community.id, ["RESIDENT"], room=await Room.get(code=room_code), phone=phone)
    person.id_number_encrypted = crypto.encrypt(id_number)
    await person.save()
    return person, phone, id_number


async def test_phone_and_id_numbers_are_unreadable_in_the_database(make_person, demo_community):
    person, phone, id_number = await _resident(make_person, demo_community)
    [row] = await connections.get("default").execute_query_dict(
        "SELECT phone_encrypted, id_number_encrypted, phone_lookup FROM person WHERE id = $1", [person.id])
    for column in row.values():
        assert phone not in column and id_number not in column and phone[-4:] not in column


async def test_staff_see_masked_data_and_unmasking_is_logged(console, make_person, demo_community):
    person, phone, id_number = await _resident(make_person, demo_community)
    await console.sign_in("committee")
    buildings = (await console.query(BUILDINGS, c=str(demo_community.id)))["data"]["registryBuildings"]
    building = next(b for b in buildings if b["estateName"] == "阳光花园" and b["name"] == "2栋")
    rooms = (await console.query(ROOMS, b=building["id"]))["data"]["registryRooms"]
    shown = next(r["resident"] for room in rooms for r in room["residents"] if r["resident"]["id"] == str(person.id))
    assert shown["phone"] == f"{phone[:3]}****{phone[-4:]}"
    assert shown["idNumber"] == "110***********002X"

    no_reason = (await console.query(UNMASK, p=str(person.id), f="PHONE", r=""))["data"]["personalDataUnmask"]
    assert no_reason["errors"][0]["field"] == "reason" and no_reason["value"] is None
    assert not await AccessLog.filter(subject_id=person.id).exists()
    full = (await console.query(UNMASK, p=str(person.id), f="ID_NUMBER", r="核实低保申请材料"))["data"]
    assert full["personalDataUnmask"] == {"value": id_number, "errors": []}
    log = (await console.query("""query($c: ID!) { accessLog(communityId: $c, first: 5) { nodes {
      viewer { displayName } subject { id } field reason } } }""", c=str(demo_community.id)))["data"]
    assert log["accessLog"]["nodes"][0] == {
        "viewer": {"displayName": "居委会 周主任"}, "subject": {"id": str(person.id)},
        "field": "id_number", "reason": "核实低保申请材料",
    }


async def test_grid_worker_sees_only_their_grid_and_cannot_unmask(console, make_person, demo_community):
    person, _, _ = await _resident(make_person, demo_community, room_code="YG-1-2-201")
    await console.sign_in("grid")
    buildings = (await console.query(BUILDINGS, c=str(demo_community.id)))["data"]["registryBuildings"]
    assert {b["estateName"] for b in buildings} == {"阳光花园"}  # their grid: the first estate only
    await console.sign_in("committee")
    all_buildings = (await console.query(BUILDINGS, c=str(demo_community.id)))["data"]["registryBuildings"]
    other = next(b for b in all_buildings if b["estateName"] == "翠竹苑")
    await console.sign_in("grid")
    hidden = await console.query(ROOMS, b=other["id"])
    assert hidden["data"] is None and hidden["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    refused = (await console.query(UNMASK, p=str(person.id), f="PHONE", r="上门走访"))["data"]["personalDataUnmask"]
    assert refused["errors"][0]["code"] == "FORBIDDEN" and refused["value"] is None


async def test_i_can_download_my_data(api, make_community, make_person):
    place = await make_community()
    phone = f"186{uuid.uuid4().int % 10**8:08d}"
    me = await make_person(place.community.id, ["RESIDENT"], room=place.rooms[0], phone=phone)
    await api.sign_in(me.handle)
    data = (await api.query("{ myDataExport }"))["data"]["myDataExport"]
    exported = data if isinstance(data, dict) else json.loads(data)
    assert exported["person"]["phone"] == phone  # my own data, unmasked for me
    assert [r["room"] for r in exported["residences"]] == [place.rooms[0].code]


async def test_erasing_me_wipes_personal_data_and_ends_every_sign_in(api, make_person, demo_community):
    person, phone, _ = await _resident(make_person, demo_community, room_code="YG-3-1-101")
    await api.sign_in(person.handle)
    issued = (await api.op("PrivacyEraseCodeRequest"))["data"]["privacyEraseCodeRequest"]
    assert issued["errors"] == [] and len(issued["code"]) == 6
    erased = (await api.op("PrivacyEraseMe", code=issued["code"]))["data"]["privacyEraseMe"]
    assert erased == {"ok": True, "errors": []}
    again = await api.op("Viewer")
    assert again["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    await person.refresh_from_db()
    assert person.display_name == "已注销用户" and person.phone_encrypted is None and person.id_number_encrypted is None
    assert person.anonymized_at is not None


async def _still_there(api, person) -> None:
    viewer = (await api.op("Viewer"))["data"]["viewer"]
    await person.refresh_from_db()
    assert viewer["displayName"] == person.display_name != "已注销用户" and person.phone_encrypted is not None


async def test_erasure_without_the_right_code_in_time_erases_nothing(api, make_person, demo_community):
    person, _, _ = await _resident(make_person, demo_community, room_code="YG-3-1-102")
    await api.sign_in(person.handle)
    unasked = (await api.op("PrivacyEraseMe", code="123456"))["data"]["privacyEraseMe"]
    assert unasked["ok"] is False and unasked["errors"][0]["field"] == "code"
    await _still_there(api, person)

    code = (await api.op("PrivacyEraseCodeRequest"))["data"]["privacyEraseCodeRequest"]["code"]
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    refused = (await api.op("PrivacyEraseMe", code=wrong))["data"]["privacyEraseMe"]
    assert refused["errors"][0]["message"] == "确认码不正确"
    clock.advance(timedelta(minutes=11))
    late = (await api.op("PrivacyEraseMe", code=code))["data"]["privacyEraseMe"]
    assert late["errors"][0]["message"] == "确认码已过期，请重新获取"
    await _still_there(api, person)


async def test_a_committee_member_hands_the_role_over_before_erasing(api, make_person, demo_community):
    member = await make_person(demo_community.id, ["COMMITTEE_STAFF"])
    await api.sign_in(member.handle)
    refused = (await api.op("PrivacyEraseCodeRequest"))["data"]["privacyEraseCodeRequest"]
    assert refused["code"] is None and refused["errors"][0]["code"] == "FORBIDDEN"
    assert "阳光社区居委会工作人员" in refused["errors"][0]["message"]
    erase = (await api.op("PrivacyEraseMe", code="000000"))["data"]["privacyEraseMe"]
    assert erase["errors"][0]["code"] == "FORBIDDEN"
    await member.refresh_from_db()
    assert member.anonymized_at is None
