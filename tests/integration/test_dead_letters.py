"""失败任务 are scoped: a community's staff see the failed jobs of their own community only (their
payloads name its residents), the platform operator sees every one, including the platform's own
jobs, and a resident sees none."""

import uuid

from backend.core.jobs import record_dead_letter
from backend.core.platform import PlatformMember, PlatformRole
from backend.registry.models import Community

DEAD_LETTERS = "{ deadLetters(first: 50) { nodes { task key communityName } } }"
CREATE = """mutation($c: ID!, $input: NoticeInput!) { noticeCreate(communityId: $c, input: $input) {
  notice { id } errors { code message } } }"""


async def _community_with_a_failed_fan_out(api, make_person, name: str):
    """A community, its committee member, and a notice of theirs whose fan-out used up its retries
    (recorded as the job middleware records it)."""
    community = await Community.create(name=name, code=f"dl-{uuid.uuid4().hex[:8]}")
    staff = await make_person(community.id, ["COMMITTEE_STAFF"])
    await api.sign_in(staff.handle)
    created = await api.query(CREATE, c=str(community.id), input={
        "title": "停电通知", "bodyHtml": "<p>周日停电</p>", "category": "物业",
        "audience": [{"kind": "COMMUNITY", "ids": [str(community.id)]}]})
    notice_id = created["data"]["noticeCreate"]["notice"]["id"]
    key = f"notice:{notice_id}:fan_out"
    await record_dead_letter("notices.fan_out", {"key": key, "notice_id": notice_id},
                             RuntimeError("database unavailable"), 5)
    return community, staff, key


async def _visible(api, handle: str, keys: set[str]) -> dict[str, str | None]:
    await api.sign_in(handle)
    nodes = (await api.query(DEAD_LETTERS))["data"]["deadLetters"]["nodes"]
    return {n["key"]: n["communityName"] for n in nodes if n["key"] in keys}


async def test_staff_see_their_own_communitys_dead_letters_and_the_operator_sees_all(api, make_person):
    a, staff_a, key_a = await _community_with_a_failed_fan_out(api, make_person, "东风社区")
    b, staff_b, key_b = await _community_with_a_failed_fan_out(api, make_person, "西湖社区")
    platform_key = f"security:{uuid.uuid4()}:alert"  # a staff security alert: no community
    await record_dead_letter("notify.inbox", {"key": platform_key}, RuntimeError("boom"), 5)
    keys = {key_a, key_b, platform_key}

    assert await _visible(api, staff_a.handle, keys) == {key_a: "东风社区"}
    assert await _visible(api, staff_b.handle, keys) == {key_b: "西湖社区"}

    operator = await make_person(a.id, [])  # a membership-free person made operator
    await PlatformMember.create(person=operator, role=PlatformRole.OPERATOR)
    assert await _visible(api, operator.handle, keys) == {key_a: "东风社区", key_b: "西湖社区", platform_key: None}

    resident = await make_person(a.id, ["RESIDENT"])
    await api.sign_in(resident.handle)
    refused = await api.query(DEAD_LETTERS)
    assert refused["data"] is None and refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
