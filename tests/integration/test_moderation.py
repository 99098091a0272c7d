"""Moderation through the API, on the tests' own kind of content (moderation_helpers: notes held in
memory, hidden and shown through the kinds registry): reports, auto-hide at the third distinct
verified reporter (race-safe), moderators' decisions in the log and the audit log, appeals to
another moderator, the author told of each; bad input refused in Chinese with nothing written. Then the
议事厅's own kinds end to end: a topic hidden at its third verified reporter (from everyone but its
author, and closed to comments) until a moderator restores it, and a hidden comment."""

import asyncio
import uuid

import pytest

from backend.audit.models import AuditEntry
from backend.core.actor import Actor
from backend.core.errors import DomainError
from backend.moderation import service
from backend.moderation.models import ModeratedItem, ModerationAppeal, ModerationLogEntry, ModerationReport, Reason
from backend.notify.models import InboxMessage
from tests.integration.conftest import build_person
from tests.integration.moderation_helpers import NOTES, write_note
from tests.integration.neighbourhood import build_neighbourhood


@pytest.fixture
async def place(app, make_person):
    place = await build_neighbourhood(make_person)
    # Verified residents (living in a room) to report, and a second moderator for appeals.
    place.neighbours = [place.a.resident, place.b.resident] + [
        await make_person(place.community.id, ["RESIDENT"], room=place.a.room, resident_role="TENANT")
        for _ in range(8)]
    place.author = await make_person(place.community.id, ["RESIDENT"], room=place.b.room, resident_role="TENANT")
    place.moderator2 = await make_person(place.community.id, ["COMMITTEE_STAFF"])
    return place


def note_of(place, text: str = "楼下那家店卖假货，大家别去") -> uuid.UUID:
    return write_note(place.community.id, place.author.id, text)


async def report(api, person, note_id, reason="ABUSE", note="", kind="TEST_NOTE") -> dict:
    await api.sign_in(person.handle)
    response = await api.op("ContentReport", kind=kind, targetId=str(note_id), reason=reason, note=note)
    return response["data"]["contentReport"]


async def item_of(note_id) -> ModeratedItem | None:
    return await ModeratedItem.filter(target_id=note_id).first()


async def inbox_titles(person) -> list[str]:
    return await InboxMessage.filter(person_id=person.id).order_by("id").values_list("title", flat=True)


async def queue(console, place, state=None) -> list[dict]:
    response = await console.op("ModerationQueue", communityId=str(place.community.id), state=state, first=50)
    return response["data"]["moderationQueue"]["nodes"]


async def test_two_reports_do_not_hide_and_the_third_distinct_verified_reporter_does(api, console, place):
    note_id = note_of(place)
    assert (await report(api, place.neighbours[0], note_id, reason="FRAUD")) == {"ok": True, "errors": []}
    assert (await report(api, place.neighbours[1], note_id, reason="SPAM"))["ok"]
    assert not NOTES[note_id].hidden
    item = await item_of(note_id)
    assert (item.state, item.reports) == ("REPORTED", 2)

    NOTES[note_id].text = "（作者改过的内容）"  # the original stays as it was at the first report
    assert (await report(api, place.neighbours[2], note_id, reason="OTHER", note="冒充物业收钱"))["ok"]
    assert NOTES[note_id].hidden and NOTES[note_id].flips == 1
    assert "您发布的内容因被举报已隐藏，正在审核" in await inbox_titles(place.author)
    told = await InboxMessage.filter(person_id=place.author.id).order_by("-id").first()
    assert told.body == "「楼下那家店卖假货，大家别去」可在“我的被隐藏内容”中查看或申诉"

    await console.sign_in(place.committee.handle)
    [row] = [r for r in await queue(console, place, "HIDDEN") if r["id"] == str(item.id)]
    assert (row["original"], row["reports"], row["authorName"]) == ("楼下那家店卖假货，大家别去", 3,
                                                                     place.author.display_name)
    detail = (await console.op("ModerationItem", id=row["id"]))["data"]["moderationItem"]
    assert sorted((r["reason"], r["count"]) for r in detail["reportsByReason"]) == [
        ("FRAUD", 1), ("OTHER", 1), ("SPAM", 1)]
    assert "冒充物业收钱" in [r["note"] for r in detail["reports"]]
    assert [(e["action"], e["actorName"]) for e in detail["log"]] == [("AUTO_HIDE", None)]


async def test_concurrent_reports_at_the_threshold_hide_exactly_once(place):
    note_id = note_of(place)

    async def one(person):
        return await service.report(Actor(person_id=person.id), kind="TEST_NOTE", target_id=note_id,
                                    reason=Reason.SPAM)

    results = await asyncio.gather(*(one(p) for p in place.neighbours), return_exceptions=True)
    assert sum(not isinstance(r, Exception) for r in results) == service.AUTO_HIDE_REPORTERS
    assert {r.message for r in results if isinstance(r, DomainError)} == {"该内容已被隐藏，正在处理"}
    assert NOTES[note_id].flips == 1
    item = await item_of(note_id)
    assert (item.state, item.reports) == ("HIDDEN", 3)
    assert await ModerationReport.filter(item_id=item.id).count() == 3
    assert await ModerationLogEntry.filter(item_id=item.id, action="AUTO_HIDE").count() == 1


async def test_moderator_removes_author_appeals_and_another_moderator_restores(api, console, place):
    note_id = note_of(place, "三楼的张某某欠钱不还，电话 13800000000")
    assert (await report(api, place.neighbours[0], note_id, reason="PRIVACY"))["ok"]
    item = await item_of(note_id)

    await console.sign_in(place.committee.handle)
    hidden = (await console.op("ModerationDecide", id=str(item.id), decision="HIDE", reason="涉及他人隐私，先隐藏"))
    assert hidden["data"]["moderationDecide"]["item"]["state"] == "HIDDEN" and NOTES[note_id].hidden
    removed = (await console.op("ModerationDecide", id=str(item.id), decision="REMOVE", reason="公开他人电话"))
    assert removed["data"]["moderationDecide"]["errors"] == []
    assert "您发布的内容经审核已删除" in await inbox_titles(place.author)

    await api.sign_in(place.author.handle)
    mine = (await api.op("MyModeratedContent", first=10))["data"]["myModeratedContent"]["nodes"]
    assert [(m["id"], m["state"], m["appeal"]) for m in mine] == [(str(item.id), "REMOVED", None)]
    appealed = (await api.op("ModerationAppeal", itemId=str(item.id), text="电话是我自己的，不是别人的"))
    appeal = appealed["data"]["moderationAppeal"]["appeal"]
    assert appeal["state"] == "PENDING"
    twice = (await api.op("ModerationAppeal", itemId=str(item.id), text="再申诉一次试试看"))
    assert twice["data"]["moderationAppeal"]["errors"][0]["message"] == "每条内容只能申诉一次"
    assert await ModerationAppeal.filter(item_id=item.id).count() == 1

    # The moderator who removed it may not rule on the appeal; another one does.
    same = (await console.op("ModerationAppealDecide", id=appeal["id"], decision="RESTORE", reason="核实无误"))
    assert same["data"]["moderationAppealDecide"]["errors"][0]["message"] == "申诉须由作出处理决定以外的审核员裁定"
    await console.sign_in(place.moderator2.handle)
    ruled = (await console.op("ModerationAppealDecide", id=appeal["id"], decision="RESTORE", reason="核实是本人电话"))
    assert ruled["data"]["moderationAppealDecide"]["appeal"]["state"] == "RESTORED"
    assert not NOTES[note_id].hidden
    assert "您发布的内容经审核已恢复显示" in await inbox_titles(place.author)

    log = (await console.op("ModerationLog", communityId=str(place.community.id), first=50))["data"]["moderationLog"]
    mine_log = [(e["action"], e["actorName"], e["reason"]) for e in log["nodes"] if e["itemId"] == str(item.id)]
    assert mine_log == [
        ("APPEAL_RESTORE", place.moderator2.display_name, "核实是本人电话"),
        ("APPEAL", place.author.display_name, "电话是我自己的，不是别人的"),
        ("REMOVE", place.committee.display_name, "公开他人电话"),
        ("HIDE", place.committee.display_name, "涉及他人隐私，先隐藏"),
    ]
    actions = await AuditEntry.filter(target_id=str(item.id)).order_by("id").values_list("action", flat=True)
    assert actions == ["moderation.report", "moderation.hide", "moderation.remove", "moderation.appeal",
                       "moderation.appeal_decide"]


async def test_an_appeal_kept_leaves_the_content_removed_and_tells_the_author(api, console, place):
    note_id = note_of(place)
    for person in place.neighbours[:3]:
        await report(api, person, note_id)
    item = await item_of(note_id)
    await api.sign_in(place.author.handle)
    appeal = (await api.op("ModerationAppeal", itemId=str(item.id), text="我说的是事实"))["data"]
    await console.sign_in(place.committee.handle)  # nobody decided yet: any moderator may rule
    kept = (await console.op("ModerationAppealDecide", id=appeal["moderationAppeal"]["appeal"]["id"],
                             decision="KEEP", reason="内容含辱骂"))["data"]["moderationAppealDecide"]
    assert kept["appeal"]["state"] == "KEPT"
    assert ((await item_of(note_id)).state, NOTES[note_id].hidden) == ("REMOVED", True)
    assert "您的申诉未通过，内容维持隐藏" in await inbox_titles(place.author)


@pytest.mark.parametrize("who, kind, target, reason, note, message", [
    ("neighbour", "TEST_NOTE", "note", "OTHER", " ", "选择“其他”时请说明举报理由"),
    ("neighbour", "SHOUT", "note", "SPAM", "", "不支持举报该类内容"),
    ("neighbour", "TEST_NOTE", "unknown", "SPAM", "", "找不到该内容"),
    ("author", "TEST_NOTE", "note", "SPAM", "", "不能举报自己发布的内容"),
    ("unverified", "TEST_NOTE", "note", "SPAM", "", "只有本社区已认证住址的居民才能举报"),
    ("outsider", "TEST_NOTE", "note", "SPAM", "", "找不到该内容"),
])
async def test_a_bad_report_is_refused_in_chinese_and_nothing_is_written(api, place, other_community, who, kind,
                                                                         target, reason, note, message):
    note_id = note_of(place)
    person = {"neighbour": place.neighbours[0], "author": place.author,
              "unverified": await build_person(place.community.id, ["RESIDENT"]),
              "outsider": await build_person(other_community[0].id, ["RESIDENT"], room=other_community[1])}[who]
    answer = await report(api, person, note_id if target == "note" else uuid.uuid4(), reason=reason, note=note,
                          kind=kind)
    assert (answer["ok"], answer["errors"][0]["message"]) == (False, message)
    assert await item_of(note_id) is None


async def test_reporting_twice_is_refused_and_counts_once(api, place):
    note_id = note_of(place)
    await report(api, place.neighbours[0], note_id)
    again = await report(api, place.neighbours[0], note_id, reason="SPAM")
    assert again["errors"][0]["message"] == "您已经举报过该内容"
    assert (await item_of(note_id)).reports == 1
    assert await ModerationReport.filter(item__target_id=note_id).count() == 1


async def test_staff_of_another_community_cannot_decide_and_nothing_changes(api, console, place, make_person):
    note_id = note_of(place)
    await report(api, place.neighbours[0], note_id)
    item = await item_of(note_id)
    stranger = await make_person((await build_neighbourhood(make_person)).community.id, ["COMMITTEE_STAFF"])
    await console.sign_in(stranger.handle)
    refused = (await console.op("ModerationDecide", id=str(item.id), decision="REMOVE", reason="越权删除"))
    assert refused["data"]["moderationDecide"]["errors"][0]["message"] == "找不到该内容"
    assert (await console.op("ModerationItem", id=str(item.id)))["data"]["moderationItem"] is None
    assert ((await item_of(note_id)).state, NOTES[note_id].flips) == ("REPORTED", 0)
    assert not await ModerationLogEntry.filter(item_id=item.id).exists()


async def test_a_decision_without_a_reason_or_on_the_wrong_state_is_refused(api, console, place):
    note_id = note_of(place)
    await report(api, place.neighbours[0], note_id)
    item = await item_of(note_id)
    await console.sign_in(place.committee.handle)
    no_reason = (await console.op("ModerationDecide", id=str(item.id), decision="HIDE", reason=" "))
    assert no_reason["data"]["moderationDecide"]["errors"][0]["field"] == "reason"
    await console.op("ModerationDecide", id=str(item.id), decision="RESTORE", reason="内容没有问题")
    again = (await console.op("ModerationDecide", id=str(item.id), decision="RESTORE", reason="再恢复一次"))
    assert again["data"]["moderationDecide"]["errors"][0]["message"] == "已恢复的内容不能恢复"
    assert await ModerationLogEntry.filter(item_id=item.id).count() == 1
    # A restored item stays up when more people report it: a moderator has looked at it.
    for person in place.neighbours[1:4]:
        assert (await report(api, person, note_id))["ok"]
    assert ((await item_of(note_id)).state, NOTES[note_id].hidden) == ("RESTORED", False)


async def test_appealing_content_that_is_not_hidden_or_not_mine_is_refused(api, place):
    note_id = note_of(place)
    await report(api, place.neighbours[0], note_id)
    item = await item_of(note_id)
    await api.sign_in(place.author.handle)
    early = (await api.op("ModerationAppeal", itemId=str(item.id), text="我没有违规啊"))["data"]["moderationAppeal"]
    assert early["errors"][0]["message"] == "该内容未被隐藏，无需申诉"
    await api.sign_in(place.neighbours[1].handle)
    other = (await api.op("ModerationAppeal", itemId=str(item.id), text="替别人申诉一下"))["data"]["moderationAppeal"]
    assert other["errors"][0]["message"] == "找不到该内容"
    assert not await ModerationAppeal.filter(item_id=item.id).exists()


# --- Topics and comments of the 议事厅, registered by backend/moderation/wiring.py ---------------

async def topic_seen_by(api, person, topic_id: str) -> dict | None:
    await api.sign_in(person.handle)
    return (await api.op("Topic", id=topic_id))["data"]["topic"]


async def test_three_verified_residents_hide_a_topic_until_a_moderator_restores_it(api, console, place):
    await api.sign_in(place.author.handle)
    proposed = await api.op("TopicPropose", communityId=str(place.community.id), input={
        "title": "物业费账目不公开", "body": "物业经理贪污，大家别交物业费！"})
    topic = proposed["data"]["topicPropose"]["topic"]
    reader = place.neighbours[5]

    unverified = await build_person(place.community.id, ["RESIDENT"])
    refused = await report(api, unverified, topic["id"], kind="TOPIC")
    assert refused["errors"][0]["message"] == "只有本社区已认证住址的居民才能举报"
    for person in place.neighbours[:2]:
        assert (await report(api, person, topic["id"], kind="TOPIC", reason="FRAUD"))["ok"]
    assert (await topic_seen_by(api, reader, topic["id"]))["topic"]["hidden"] is False  # two do not hide it

    assert (await report(api, place.neighbours[2], topic["id"], kind="TOPIC", reason="ABUSE"))["ok"]
    assert await topic_seen_by(api, reader, topic["id"]) is None
    seen_by_author = await topic_seen_by(api, place.author, topic["id"])
    assert seen_by_author["topic"]["hidden"] is True
    commented = await api.op("TopicComment", id=topic["id"], body="我补充一下情况")
    assert commented["data"]["topicComment"]["errors"][0]["message"] == "该议题已被隐藏，暂不能评论"

    await console.sign_in(place.committee.handle)
    [row] = [r for r in await queue(console, place, "HIDDEN") if r["kind"] == "TOPIC"]
    assert row["original"] == "物业费账目不公开\n物业经理贪污，大家别交物业费！"
    decided = await console.op("ModerationDecide", id=row["id"], decision="RESTORE", reason="属于正常意见表达")
    assert decided["data"]["moderationDecide"]["item"]["state"] == "RESTORED"
    assert (await topic_seen_by(api, reader, topic["id"]))["topic"]["hidden"] is False
    log = (await console.op("ModerationItem", id=row["id"]))["data"]["moderationItem"]["log"]
    assert [(e["action"], e["actorName"]) for e in log] == [("AUTO_HIDE", None),
                                                            ("RESTORE", place.committee.display_name)]


async def test_a_hidden_comment_is_gone_for_other_residents_and_kept_for_its_author(api, place):
    await api.sign_in(place.neighbours[9].handle)
    proposed = await api.op("TopicPropose", communityId=str(place.community.id), input={
        "title": "增设快递柜", "body": "建议在3号楼下增设快递柜。"})
    topic_id = proposed["data"]["topicPropose"]["topic"]["id"]
    await api.sign_in(place.author.handle)
    comment = (await api.op("TopicComment", id=topic_id, body="加微信 wx123 买便宜快递柜"))["data"]["topicComment"]
    for person in place.neighbours[:3]:
        assert (await report(api, person, comment["comment"]["id"], kind="COMMENT", reason="SPAM"))["ok"]

    seen = await topic_seen_by(api, place.neighbours[5], topic_id)
    assert "加微信 wx123 买便宜快递柜" not in str(seen["comments"])
    mine = await topic_seen_by(api, place.author, topic_id)
    assert [(c["body"], c["hidden"]) for c in mine["comments"]] == [("加微信 wx123 买便宜快递柜", True)]
