"""What a resident wrote outside cases as personal data — policy questions, the 议事厅, reports and
appeals: their data export holds it, and erasing them wipes it, while what the community keeps (the
FAQ, an agenda item's title and its count of supporters, the record of removed content) stays."""

import json
import uuid

from backend.consult import service as consult
from backend.consult.models import Question
from backend.core.actor import Actor
from backend.core.text import ERASED_TEXT
from backend.deliberation import service as deliberation
from backend.deliberation.models import Topic, TopicComment
from backend.moderation import service as moderation
from backend.moderation.models import ModeratedItem, ModerationAppeal, ModerationReport, Reason
from tests.integration import case_helpers, moderation_helpers


async def _what_i_wrote(make_community, make_person) -> dict:
    """I ask two questions (one answered into the FAQ), propose a topic and comment on it, report a
    neighbour's note with a note of my own, and appeal the hiding of my own note."""
    place = await make_community(rooms=2)
    me = await make_person(place.community.id, ["RESIDENT"], room=place.rooms[0],
                           phone=f"186{uuid.uuid4().int % 10**8:08d}")
    neighbour = await make_person(place.community.id, ["RESIDENT"], room=place.rooms[1])
    committee_person = await make_person(place.community.id, ["COMMITTEE_STAFF"])
    committee = case_helpers.committee_actor(committee_person.id, place.community.id)
    mine = Actor(person_id=me.id)
    private = await consult.ask(mine, community_id=place.community.id, text="我家老人能申请助餐补贴吗")
    public = await consult.ask(mine, community_id=place.community.id, text="停水通知什么时候恢复")
    await consult.answer_question(committee, question_id=public.id, answer="今晚恢复供水", publish=True)
    topic = await deliberation.propose(mine, community_id=place.community.id, draft=deliberation.TopicDraft(
        title="增设充电桩", body="我住三楼，电动车没处充电"))
    comment = await deliberation.comment(mine, topic_id=topic.id, body="周末我可以帮忙统计")
    their_note = moderation_helpers.write_note(place.community.id, neighbour.id, "卖假货的广告")
    await moderation.report(mine, kind=moderation_helpers.KIND, target_id=their_note, reason=Reason.OTHER,
                            note="他在群里也发过")
    my_note = moderation_helpers.write_note(place.community.id, me.id, "楼下餐馆卫生差")
    item = await moderation_helpers.reported(my_note, [neighbour])
    await moderation.decide(committee, item_id=item.id, decision=moderation.Decision.HIDE, reason="待核实")
    await moderation.appeal(mine, item_id=item.id, text="我说的是实话，请恢复")
    return {"me": me, "private": private.id, "public": public.id, "topic": topic.id, "comment": comment.id,
            "item": item.id}


async def test_my_data_export_holds_my_questions_topics_comments_reports_and_appeals(api, make_community,
                                                                                     make_person):
    wrote = await _what_i_wrote(make_community, make_person)
    await api.sign_in(wrote["me"].handle)
    data = (await api.query("{ myDataExport }"))["data"]["myDataExport"]
    exported = data if isinstance(data, dict) else json.loads(data)
    assert [(q["text"], q["answer"], q["inFaq"]) for q in exported["questions"]] == [
        ("我家老人能申请助餐补贴吗", None, False), ("停水通知什么时候恢复", "今晚恢复供水", True)]
    assert [(t["title"], t["body"]) for t in exported["topics"]] == [("增设充电桩", "我住三楼，电动车没处充电")]
    assert [c["body"] for c in exported["topicComments"]] == ["周末我可以帮忙统计"]
    assert exported["topicsSupported"] == [str(wrote["topic"])]  # my household supports my own proposal
    assert [(r["reason"], r["note"]) for r in exported["reports"]] == [("OTHER", "他在群里也发过")]
    assert [a["text"] for a in exported["appeals"]] == ["我说的是实话，请恢复"]


async def test_erasing_me_wipes_what_i_wrote_and_keeps_what_the_community_keeps(api, make_community, make_person):
    wrote = await _what_i_wrote(make_community, make_person)
    await api.sign_in(wrote["me"].handle)
    code = (await api.op("PrivacyEraseCodeRequest"))["data"]["privacyEraseCodeRequest"]["code"]
    assert (await api.op("PrivacyEraseMe", code=code))["data"]["privacyEraseMe"] == {"ok": True, "errors": []}

    assert (await Question.get(id=wrote["private"])).text == ERASED_TEXT
    assert (await Question.get(id=wrote["public"])).text == "停水通知什么时候恢复"  # the FAQ's, never who asked
    topic = await Topic.get(id=wrote["topic"])
    assert (topic.title, topic.body, topic.supporters) == ("增设充电桩", ERASED_TEXT, 1)
    assert (await TopicComment.get(id=wrote["comment"])).body == ERASED_TEXT
    assert [r.note for r in await ModerationReport.filter(reporter_id=wrote["me"].id)] == [ERASED_TEXT]
    assert (await ModerationAppeal.get(item_id=wrote["item"])).text == ERASED_TEXT
    assert (await ModeratedItem.get(id=wrote["item"])).original == ERASED_TEXT  # hidden, never removed
