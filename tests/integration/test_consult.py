"""Policy Q&A (政策咨询) through the API on PostgreSQL: ask, answer, publish to the FAQ, suggestions
that really match Chinese, edits kept in the audit log, a relative asking for an elder, bad input."""

from datetime import timedelta

import pytest

from backend.audit.models import AuditEntry
from backend.consult.models import Question
from backend.core.clock import clock
from backend.notify.models import InboxMessage
from backend.proxies.models import Proxy
from tests.integration.neighbourhood import build_neighbourhood

WATER = "停水通知什么时候恢复"
WATER_ANSWER = "管道抢修结束后恢复供水，预计今晚 8 点前"


@pytest.fixture
async def place(app, make_person):
    return await build_neighbourhood(make_person)


async def ask(api, place, text: str) -> dict:
    return (await api.op("QuestionAsk", communityId=str(place.community.id), text=text))["data"]["questionAsk"]


async def answered(api, console, place, text: str, answer: str, *, publish: bool = True) -> str:
    """A question of 乙's resident, answered (and published) by the committee."""
    await api.sign_in(place.b.resident.handle)
    question_id = (await ask(api, place, text))["question"]["id"]
    await console.sign_in(place.committee.handle)
    result = (await console.op("QuestionAnswer", id=question_id, answer=answer, publish=publish))["data"]
    assert result["questionAnswer"]["errors"] == []
    return question_id


async def suggested(api, place, text: str) -> list[str]:
    found = await api.op("QuestionSuggestions", communityId=str(place.community.id), text=text)
    return [s["text"] for s in found["data"]["questionSuggestions"]]


async def faq(api, place, search: str | None = None) -> list[str]:
    found = await api.op("Faq", communityId=str(place.community.id), search=search, first=20)
    return [e["text"] for e in found["data"]["faq"]["nodes"]]


async def test_a_typed_question_suggests_the_answered_one_like_it_and_an_unrelated_one_nothing(api, console, place):
    question_id = await answered(api, console, place, WATER, WATER_ANSWER)
    await api.sign_in(place.a.resident.handle)  # a neighbour, typing a question of their own
    assert await suggested(api, place, "什么时候恢复供水") == [WATER]
    assert await suggested(api, place, "请问什么时候恢复供水？") == [WATER]  # punctuation is no obstacle
    assert await suggested(api, place, "垃圾分类怎么投放") == []

    await answered(api, console, place, "小区垃圾分类的投放时间是几点", "每天早 7–9 点、晚 6–8 点")
    await api.sign_in(place.a.resident.handle)
    assert await suggested(api, place, "垃圾分类怎么投放") == ["小区垃圾分类的投放时间是几点"]
    assert await suggested(api, place, "什么时候恢复供水") == [WATER]
    assert await suggested(api, place, "供水") == []  # too short to compare
    assert await faq(api, place, "供水") == [WATER]  # found by a word of its answer
    assert await faq(api, place, "垃圾 投放") == ["小区垃圾分类的投放时间是几点"]
    entry = (await api.op("Faq", communityId=str(place.community.id), search="恢复", first=5))["data"]["faq"]
    assert [(e["id"], e["answer"]) for e in entry["nodes"]] == [(question_id, WATER_ANSWER)]

    await answered(api, console, place, "电梯停运什么时候恢复运行", "明天中午前")
    await api.sign_in(place.a.resident.handle)
    # 什么时候恢复 in both: the water question first, sharing 水 too.
    assert await suggested(api, place, "什么时候恢复供水") == [WATER, "电梯停运什么时候恢复运行"]


async def test_suggestions_are_the_best_five_of_the_published_questions_of_the_community(api, console, place,
                                                                                         other_community,
                                                                                         make_person):
    for n in range(6):
        await answered(api, console, place, f"第{n}期停水通知什么时候恢复", "以通知为准")
    await answered(api, console, place, WATER, WATER_ANSWER)  # the closest: it says the least else
    await answered(api, console, place, "停水什么时候恢复呢", "未公开的答复", publish=False)
    elsewhere, _ = other_community
    outsider = await make_person(elsewhere.id, ["RESIDENT"])
    await api.sign_in(outsider.handle)
    await api.op("QuestionAsk", communityId=str(elsewhere.id), text=WATER)

    await api.sign_in(place.a.resident.handle)
    found = await suggested(api, place, "停水通知什么时候恢复")
    assert len(found) == 5 and found[0] == WATER
    assert "停水什么时候恢复呢" not in found  # answered, not published


async def test_unpublishing_takes_a_question_out_of_the_faq_and_the_suggestions(api, console, place):
    question_id = await answered(api, console, place, WATER, WATER_ANSWER)
    unpublished = (await console.op("QuestionUnpublish", id=question_id))["data"]["questionUnpublish"]
    assert unpublished["errors"] == [] and unpublished["question"]["published"] is False
    await api.sign_in(place.a.resident.handle)
    assert await suggested(api, place, "什么时候恢复供水") == []
    assert await faq(api, place) == []
    again = (await console.op("QuestionUnpublish", id=question_id))["data"]["questionUnpublish"]
    assert again["errors"][0]["message"] == "该咨询未公开，无需撤回"
    republished = await console.op("QuestionAnswer", id=question_id, answer=WATER_ANSWER, publish=True)
    assert republished["data"]["questionAnswer"]["question"]["published"] is True
    assert await suggested(api, place, "什么时候恢复供水") == [WATER]


async def test_the_asker_is_told_of_the_answer_and_reads_it_in_my_questions(api, console, place):
    await api.sign_in(place.b.resident.handle)
    asked = await ask(api, place, WATER)
    assert asked["errors"] == [] and asked["question"]["state"] == "OPEN"
    desk = (await console.sign_in(place.committee.handle), await console.op(
        "Questions", communityId=str(place.community.id), state="OPEN", first=10))[1]["data"]["questions"]
    assert [(q["text"], q["askerName"]) for q in desk["nodes"]] == [(WATER, place.b.resident.display_name)]
    assert desk["totalCount"] == 1

    await console.op("QuestionAnswer", id=asked["question"]["id"], answer=WATER_ANSWER, publish=False)
    told = await InboxMessage.get(person_id=place.b.resident.id, kind="question")
    assert told.title == "您的咨询已有答复" and WATER in told.body and WATER_ANSWER in told.body
    mine = (await api.op("MyQuestions", first=10))["data"]["myQuestions"]["nodes"]
    assert [(q["state"], q["answer"], q["published"]) for q in mine] == [("ANSWERED", WATER_ANSWER, False)]
    assert (await console.op("Questions", communityId=str(place.community.id), state="OPEN",
                             first=10))["data"]["questions"]["nodes"] == []


async def test_answering_again_edits_the_answer_and_the_audit_log_keeps_the_old_one(api, console, place):
    question_id = await answered(api, console, place, WATER, "预计明天恢复", publish=False)
    edited = (await console.op("QuestionAnswer", id=question_id, answer=WATER_ANSWER, publish=True))["data"]
    assert edited["questionAnswer"]["question"]["answer"] == WATER_ANSWER
    same = (await console.op("QuestionAnswer", id=question_id, answer=WATER_ANSWER, publish=True))["data"]
    assert same["questionAnswer"]["errors"][0]["message"] == "答复内容与公开状态都没有变化"

    entries = await AuditEntry.filter(target_id=question_id, action="question.answer").order_by("id")
    assert [(e.before, e.after) for e in entries] == [
        (None, {"answer": "预计明天恢复", "published": False}),
        ({"answer": "预计明天恢复", "published": False}, {"answer": WATER_ANSWER, "published": True})]
    titles = await InboxMessage.filter(person_id=place.b.resident.id).values_list("title", flat=True)
    assert sorted(titles) == ["您的咨询已有答复", "您的咨询答复已更新"]


async def test_a_relative_asks_for_an_elder_with_the_case_scope_and_not_without(api, place, make_person):
    relatives = {}
    for scope in ("VOTE", "CASE"):
        relatives[scope] = await make_person(place.community.id, ["RESIDENT"], room=place.b.room)
        await Proxy.create(community=place.community, principal=place.b.resident, agent=relatives[scope],
                           scopes=[scope], evidence="同户子女", valid_until=clock.now() + timedelta(days=30),
                           granted_by=place.b.resident)
    api.http.headers["x-acting-for"] = str(place.b.resident.id)
    await api.sign_in(relatives["VOTE"].handle)
    assert (await ask(api, place, WATER))["errors"][0]["message"] == "代办授权不包含此事项"
    assert not await Question.filter(community_id=place.community.id).exists()

    await api.sign_in(relatives["CASE"].handle)
    asked = await ask(api, place, WATER)
    question = await Question.get(id=asked["question"]["id"])
    assert (question.asker_id, question.asked_by_id) == (place.b.resident.id, relatives["CASE"].id)
    assert [q["text"] for q in (await api.op("MyQuestions", first=10))["data"]["myQuestions"]["nodes"]] == [WATER]
    audited = await AuditEntry.get(target_id=str(question.id))
    assert audited.acting_for_id == place.b.resident.id


async def test_bad_input_gets_a_chinese_error_and_writes_nothing(api, console, place, other_community, make_person):
    await api.sign_in(place.b.resident.handle)
    for text, message in (("", "请填写咨询内容"), ("   ", "请填写咨询内容"), ("停水", "咨询内容须为 5–200 个字"),
                          ("问" * 201, "咨询内容须为 5–200 个字")):
        errors = (await ask(api, place, text))["errors"]
        assert [(e["code"], e["field"], e["message"]) for e in errors] == [("INVALID_INPUT", "text", message)]
    elsewhere, _ = other_community
    assert (await api.op("QuestionAsk", communityId=str(elsewhere.id), text=WATER))["data"]["questionAsk"][
        "errors"][0]["message"] == "找不到该社区"
    assert not await Question.filter(asker_id=place.b.resident.id).exists()

    question_id = (await ask(api, place, WATER))["question"]["id"]
    outsider = await make_person(elsewhere.id, ["COMMITTEE_STAFF"])
    await console.sign_in(outsider.handle)
    foreign = (await console.op("QuestionAnswer", id=question_id, answer=WATER_ANSWER, publish=True))["data"]
    assert foreign["questionAnswer"]["errors"][0]["message"] == "找不到该咨询"
    await console.sign_in(place.a.worker.handle)  # a grid worker does not answer policy questions
    refused = (await console.op("QuestionAnswer", id=question_id, answer=WATER_ANSWER, publish=True))["data"]
    assert refused["questionAnswer"]["errors"][0]["message"] == "您没有此项操作的权限"
    await console.sign_in(place.committee.handle)
    for answer, message in (("", "请填写答复内容"), ("好", "答复内容须为 2–2000 个字"),
                            ("答" * 2001, "答复内容须为 2–2000 个字")):
        errors = (await console.op("QuestionAnswer", id=question_id, answer=answer, publish=True))["data"][
            "questionAnswer"]["errors"]
        assert [(e["field"], e["message"]) for e in errors] == [("answer", message)]
    question = await Question.get(id=question_id)
    assert (question.state, question.answer, question.published_at) == ("OPEN", None, None)
    assert not await InboxMessage.filter(person_id=place.b.resident.id, kind="question").exists()
    await api.sign_in(place.a.resident.handle)
    assert await suggested(api, place, "") == []
    outsider_resident = await make_person(elsewhere.id, ["RESIDENT"])
    await api.sign_in(outsider_resident.handle)
    nothing = await api.op("QuestionSuggestions", communityId=str(place.community.id), text="什么时候恢复供水")
    assert nothing["errors"][0]["message"] == "找不到该社区"
