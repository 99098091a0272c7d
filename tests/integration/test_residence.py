"""Becoming a verified resident: apply -> staff approve or reject; invitations; moving out."""

import asyncio
from datetime import timedelta

from backend.core.clock import clock
from backend.registry.models import PersonRoom, ResidenceApplication

APPLY = """mutation($c: ID!, $room: String!, $role: ResidentRole!) {
  residenceApply(communityId: $c, roomCode: $room, role: $role) {
    application { id status room { code } } errors { code field message } } }"""
APPROVE = "mutation($id: ID!) { residenceApprove(id: $id) { application { status } errors { code message } } }"
REJECT = """mutation($id: ID!, $r: String!) { residenceReject(id: $id, reason: $r) {
  application { status reason } errors { code field message } } }"""
QUEUE = """query($c: ID!) { residenceApplications(communityId: $c, status: PENDING, first: 50) {
  nodes { id person { displayName } room { code } } } }"""
RESIDENCES = "{ viewer { residences { id address room { code } members { person { displayName } role } } } }"
INVITE = """mutation($role: ResidentRole!) {
  householdInviteCreate(role: $role) { code expiresAt errors { code message } } }"""
ACCEPT = "mutation($code: String!) { householdInviteAccept(code: $code) { residenceId errors { code field message } } }"


async def _apply(api, community_id, *, room: str, role="TENANT") -> dict:
    return (await api.query(APPLY, c=community_id, room=room, role=role))["data"]["residenceApply"]


async def test_application_is_approved_from_the_queue_and_the_resident_moves_in(api, console, make_community,
                                                                                make_person):
    place = await make_community(rooms=2)  # its own queue: other tests' applications wait elsewhere
    committee = await make_person(place.community.id, ["COMMITTEE_STAFF"])
    newcomer = await make_person(place.community.id, [])
    await api.sign_in(newcomer.handle)
    room = place.rooms[1].code
    applied = await _apply(api, str(place.community.id), room=room)
    assert applied["errors"] == [] and applied["application"]["status"] == "PENDING"

    await console.sign_in(committee.handle)
    queue = (await console.query(QUEUE, c=str(place.community.id)))["data"]["residenceApplications"]["nodes"]
    assert [(n["id"], n["room"]["code"]) for n in queue] == [(applied["application"]["id"], room)]
    approved = (await console.query(APPROVE, id=applied["application"]["id"]))["data"]["residenceApprove"]
    assert approved == {"application": {"status": "APPROVED"}, "errors": []}

    residences = (await api.query(RESIDENCES))["data"]["viewer"]["residences"]
    assert [r["room"]["code"] for r in residences] == [room]
    viewer = (await api.op("Viewer"))["data"]["viewer"]
    assert "RESIDENT" in {m["role"] for m in viewer["memberships"]}
    inbox = (await api.query("{ viewer { inbox(first: 5) { nodes { kind } } } }"))
    assert inbox["data"]["viewer"]["inbox"] is not None


async def test_rejection_needs_a_reason_and_changes_nothing_without_one(api, console, demo_community, make_person):
    newcomer = await make_person(demo_community.id, [])
    await api.sign_in(newcomer.handle)
    application_id = (await _apply(api, str(demo_community.id), room="CZ-3-2-502"))["application"]["id"]
    await console.sign_in("committee")
    empty = (await console.query(REJECT, id=application_id, r=" "))["data"]["residenceReject"]
    assert empty["errors"][0]["field"] == "reason"
    assert (await ResidenceApplication.get(id=application_id)).status == "PENDING"
    rejected = (await console.query(REJECT, id=application_id, r="房产证姓名不符"))["data"]["residenceReject"]
    assert rejected["application"] == {"status": "REJECTED", "reason": "房产证姓名不符"}


async def test_two_staff_approving_at_once_decide_once(api, console, demo_community, make_person):
    newcomer = await make_person(demo_community.id, [])
    await api.sign_in(newcomer.handle)
    application_id = (await _apply(api, str(demo_community.id), room="CZ-3-2-503"))["application"]["id"]
    await console.sign_in("committee")
    results = await asyncio.gather(*(console.query(APPROVE, id=application_id) for _ in range(4)))
    outcomes = [r["data"]["residenceApprove"] for r in results]
    assert sum(1 for o in outcomes if not o["errors"]) == 1
    assert await PersonRoom.filter(person_id=newcomer.id, until=None).count() == 1


async def test_room_of_another_community_and_bad_role_are_user_errors(api, demo_community, other_community,
                                                                      make_person):
    _, foreign_room = other_community
    newcomer = await make_person(demo_community.id, [])
    await api.sign_in(newcomer.handle)
    foreign = await _apply(api, str(demo_community.id), room=foreign_room.code)
    assert foreign["errors"][0]["code"] == "NOT_FOUND" and foreign["errors"][0]["field"] == "roomCode"
    twice = [await _apply(api, str(demo_community.id), room="CZ-3-2-504") for _ in range(2)]
    assert twice[1]["errors"][0]["code"] == "INVALID_INPUT"
    assert await ResidenceApplication.filter(person_id=newcomer.id).count() == 1


async def test_property_staff_verify_but_grid_workers_cannot(api, console, demo_community, make_person):
    newcomer = await make_person(demo_community.id, [])
    await api.sign_in(newcomer.handle)
    # A room of the demo grid worker's own grid (阳光花园): in reach, but not theirs to verify.
    application_id = (await _apply(api, str(demo_community.id), room="YG-3-2-505"))["application"]["id"]
    await console.sign_in("grid")
    refused = (await console.query(APPROVE, id=application_id))["data"]["residenceApprove"]
    assert refused["errors"][0]["code"] == "FORBIDDEN"
    await console.sign_in("property")
    assert (await console.query(APPROVE, id=application_id))["data"]["residenceApprove"]["errors"] == []


async def test_head_of_household_invites_family_once(api, demo_community, make_person):
    await api.sign_in("resident")  # 张阿姨 heads her household
    invite = (await api.query(INVITE, role="CO_RESIDENT"))["data"]["householdInviteCreate"]
    assert invite["errors"] == [] and invite["code"]

    son = await make_person(demo_community.id, [])
    await api.sign_in(son.handle)
    joined = (await api.query(ACCEPT, code=invite["code"]))["data"]["householdInviteAccept"]
    assert joined["errors"] == [] and joined["residenceId"]
    members = (await api.query(RESIDENCES))["data"]["viewer"]["residences"][0]["members"]
    assert {"person": {"displayName": "张阿姨"}, "role": "OWNER"} in members

    daughter = await make_person(demo_community.id, [])
    await api.sign_in(daughter.handle)
    again = (await api.query(ACCEPT, code=invite["code"]))["data"]["householdInviteAccept"]
    assert again["errors"][0]["code"] == "INVALID_TOKEN" and "已被使用" in again["errors"][0]["message"]


async def test_expired_forged_and_non_head_invites_are_refused(api, demo_community, make_person):
    await api.sign_in("resident")
    code = (await api.query(INVITE, role="TENANT"))["data"]["householdInviteCreate"]["code"]
    stranger = await make_person(demo_community.id, [])
    await api.sign_in(stranger.handle)
    forged = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert (await api.query(ACCEPT, code=forged))["data"]["householdInviteAccept"]["errors"][0]["code"] == \
        "INVALID_TOKEN"
    clock.advance(timedelta(hours=73))
    await api.sign_in(stranger.handle)  # the access token did not survive three days either
    expired = (await api.query(ACCEPT, code=code))["data"]["householdInviteAccept"]["errors"][0]
    assert expired["code"] == "INVALID_TOKEN" and "过期" in expired["message"]
    assert await PersonRoom.filter(person_id=stranger.id).count() == 0
    not_head = (await api.query(INVITE, role="TENANT"))["data"]["householdInviteCreate"]
    assert not_head["errors"][0]["code"] == "FORBIDDEN"


async def test_moving_out_ends_the_link_and_keeps_history(api, demo_community, make_person):
    from backend.registry.models import Room

    room = await Room.get(code="CZ-1-1-201")
    tenant = await make_person(demo_community.id, ["RESIDENT"], room=room)
    await api.sign_in(tenant.handle)
    residence_id = (await api.query(RESIDENCES))["data"]["viewer"]["residences"][0]["id"]
    moved = await api.query("mutation($id: ID!) { residenceMoveOut(id: $id) { residenceId errors { code } } }",
                            id=residence_id)
    assert moved["data"]["residenceMoveOut"]["errors"] == []
    assert (await api.query(RESIDENCES))["data"]["viewer"]["residences"] == []
    link = await PersonRoom.get(id=residence_id)
    assert link.until is not None  # history kept
    viewer = (await api.op("Viewer"))["data"]["viewer"]
    assert viewer["memberships"] == []
