"""The 议事厅 through the API: proposals become agenda items at their N-th supporting household (also
under a race of 50 supports), comments with one level of replies, hidden topics and comments, the
official response, a linked poll whose result shows where the voting module shows it, closing; bad
input changes nothing."""

import asyncio

import pytest

from backend.audit.models import AuditEntry
from backend.core.actor import Actor
from backend.core.db import transaction
from backend.core.errors import DomainError
from backend.deliberation import moderated, service
from backend.deliberation.models import Topic, TopicComment, TopicEvent, TopicSupport
from backend.notify.models import InboxMessage
from tests.integration.conftest import build_community, build_person
from tests.integration.voting_helpers import open_poll

ERRORS = "errors { code field message }"


async def build_hall(rooms: int = 4):
    """A community of `rooms` homes, each with a verified resident, and a committee member."""
    place = await build_community(rooms=rooms)
    place.committee = await build_person(place.community.id, ["COMMITTEE_STAFF"])
    place.residents = [await build_person(place.community.id, ["RESIDENT"], room=room) for room in place.rooms]
    return place


@pytest.fixture
async def hall(app):
    return await build_hall()


async def set_needed(console, hall, n: int) -> None:
    await console.sign_in(hall.committee.handle)
    updated = await console.op("DeliberationSettingsUpdate", communityId=str(hall.community.id), supportersNeeded=n)
    assert updated["data"]["deliberationSettingsUpdate"]["errors"] == []


async def propose(api, person, hall, title="小区增设电动车充电桩") -> dict:
    await api.sign_in(person.handle)
    made = await api.op("TopicPropose", communityId=str(hall.community.id),
                        input={"title": title, "body": "楼下电动车太多，飞线充电很危险，建议增设充电桩。"})
    return made["data"]["topicPropose"]


async def support(api, person, topic_id: str) -> dict:
    await api.sign_in(person.handle)
    return (await api.op("TopicSupport", id=topic_id))["data"]["topicSupport"]


async def titles(person) -> list[str]:
    return await InboxMessage.filter(person_id=person.id).order_by("id").values_list("title", flat=True)


async def test_a_proposal_becomes_an_agenda_item_at_its_nth_supporting_household_and_not_before(api, console, hall):
    await set_needed(console, hall, 3)
    proposer, second, third, fourth = hall.residents
    made = await propose(api, proposer, hall)
    assert made["errors"] == []
    topic = made["topic"]
    assert (topic["state"], topic["supporters"], topic["supportersNeeded"], topic["proposed"]) == \
        ("PROPOSED", 1, 3, True)

    supported = await support(api, second, topic["id"])
    assert (supported["topic"]["state"], supported["topic"]["supporters"]) == ("PROPOSED", 2)
    # One support per household: the proposer's household has counted already, a supporter's too.
    family = await build_person(hall.community.id, ["RESIDENT"], room=hall.rooms[0], resident_role="CO_RESIDENT")
    assert (await support(api, family, topic["id"]))["errors"][0]["message"] == "这是您家发起的提议，已计为一户附议"
    spouse = await build_person(hall.community.id, ["RESIDENT"], room=hall.rooms[1], resident_role="CO_RESIDENT")
    assert (await support(api, spouse, topic["id"]))["errors"][0]["message"] == "您家已附议过该提议（每户一次）"
    assert await TopicSupport.filter(topic_id=topic["id"]).count() == 2

    agenda = await support(api, third, topic["id"])
    assert (agenda["topic"]["state"], agenda["topic"]["supporters"]) == ("AGENDA", 3)
    assert agenda["topic"]["agendaAt"] is not None
    late = await support(api, fourth, topic["id"])
    assert late["errors"][0]["message"] == "该议题已列入议程，无需再附议"
    assert "居民提议「小区增设电动车充电桩」已获得 3 户附议，列入议程" in await titles(proposer)
    assert "居民提议「小区增设电动车充电桩」已获得 3 户附议，列入议程" in await titles(hall.committee)

    await api.sign_in(second.handle)
    seen = (await api.op("Topic", id=topic["id"]))["data"]["topic"]
    assert seen["supportedByMyHousehold"] is True and seen["topic"]["state"] == "AGENDA"


async def test_fifty_concurrent_supports_around_the_threshold_count_exactly_n_households_and_flip_once(app):
    needed = 30
    hall = await build_hall(rooms=46)
    committee = Actor(person_id=hall.committee.id, roles={hall.community.id: frozenset({"COMMITTEE_STAFF"})})
    await service.update_settings(committee, community_id=hall.community.id, supporters_needed=needed)
    proposer, others = hall.residents[0], hall.residents[1:]
    topic = await service.propose(Actor(person_id=proposer.id), community_id=hall.community.id,
                                  draft=service.TopicDraft(title="增设充电桩", body="建议在北门增设电动车充电桩"))
    # 45 households at once, and 5 second members of households also supporting (duplicates).
    family = [await build_person(hall.community.id, ["RESIDENT"], room=hall.rooms[n], resident_role="CO_RESIDENT")
              for n in range(1, 6)]
    people = others + family
    assert len(people) == 50
    answers = await asyncio.gather(*(service.support(Actor(person_id=p.id), topic_id=topic.id) for p in people),
                                   return_exceptions=True)

    supported = [a for a in answers if isinstance(a, Topic)]
    refused = [a for a in answers if not isinstance(a, Topic)]
    assert all(isinstance(a, DomainError) for a in refused), refused
    assert len(supported) == needed - 1  # the proposer's household is the first
    assert {a.message for a in refused} <= {"该议题已列入议程，无需再附议", "您家已附议过该提议（每户一次）"}
    # Each support saw its own count; the N-th alone flipped it.
    assert sorted(a.supporters for a in supported) == list(range(2, needed + 1))
    assert [a.supporters for a in supported if a.state == "AGENDA"] == [needed]
    stored = await Topic.get(id=topic.id)
    assert (stored.state, stored.supporters) == ("AGENDA", needed)
    households = await TopicSupport.filter(topic_id=topic.id).values_list("household_id", flat=True)
    assert len(households) == len(set(households)) == needed
    assert await TopicEvent.filter(topic_id=topic.id, to_state="AGENDA").count() == 1
    agenda = f"居民提议「增设充电桩」已获得 {needed} 户附议，列入议程"
    assert [t for t in await titles(proposer) if "列入议程" in t] == [agenda]


async def test_proposing_without_a_verified_home_is_refused_and_writes_nothing(api, hall):
    visitor = await build_person(hall.community.id, ["RESIDENT"])  # a member, no verified home
    refused = await propose(api, visitor, hall)
    assert refused["topic"] is None
    assert refused["errors"] == [{"code": "FORBIDDEN", "field": None,
                                  "message": "只有已认证住址的居民才能发起提议，请先认证住址"}]
    short = await propose(api, hall.residents[0], hall, title="")
    assert short["errors"][0]["field"] == "title"
    assert await Topic.filter(community_id=hall.community.id).count() == 0


async def test_comments_have_one_level_of_replies_and_an_empty_one_is_refused(api, console, hall):
    await console.sign_in(hall.committee.handle)
    opened = (await console.op("TopicOpen", communityId=str(hall.community.id),
                               input={"title": "北门停车管理", "body": "北门早晚高峰拥堵，请大家讨论停车管理办法。"}))
    topic = opened["data"]["topicOpen"]["topic"]
    assert (topic["state"], topic["proposed"]) == ("AGENDA", False)
    a, b = hall.residents[:2]
    await api.sign_in(a.handle)
    first = (await api.op("TopicComment", id=topic["id"], body="建议错峰停车"))["data"]["topicComment"]
    assert first["errors"] == []
    await api.sign_in(b.handle)
    reply = (await api.op("TopicComment", id=topic["id"], body="同意", parentId=first["comment"]["id"]))
    reply = reply["data"]["topicComment"]["comment"]
    again = (await api.op("TopicComment", id=topic["id"], body="回复楼上", parentId=reply["id"]))
    assert again["data"]["topicComment"]["comment"]["parentId"] == first["comment"]["id"]  # one level
    assert "有人回复了您在「北门停车管理」下的评论" in await titles(a)

    empty = (await api.op("TopicComment", id=topic["id"], body="   "))["data"]["topicComment"]
    assert empty["comment"] is None
    assert empty["errors"] == [{"code": "INVALID_INPUT", "field": "body", "message": "请填写评论内容（1–500 个字）"}]
    assert await TopicComment.filter(topic_id=topic["id"]).count() == 3
    shown = (await api.op("Topic", id=topic["id"]))["data"]["topic"]["comments"]
    assert [(c["body"], c["parentId"] is None) for c in shown] == [("建议错峰停车", True), ("同意", False),
                                                                  ("回复楼上", False)]


async def test_moderation_hides_a_topic_and_a_comment_from_everyone_but_its_author_and_staff(api, console, hall):
    author, other = hall.residents[:2]
    topic = (await propose(api, author, hall, title="取消地面停车"))["topic"]
    await api.sign_in(other.handle)
    comment = (await api.op("TopicComment", id=topic["id"], body="不同意"))["data"]["topicComment"]["comment"]
    assert await moderated.target("TOPIC", topic["id"]) == (hall.community.id, author.id,
                                                            "取消地面停车\n楼下电动车太多，飞线充电很危险，建议增设充电桩。")
    assert await moderated.target("COMMENT", comment["id"]) == (hall.community.id, other.id, "不同意")

    async with transaction() as tx:
        await moderated.set_hidden(tx, "COMMENT", comment["id"], True)
    await api.sign_in(author.handle)
    assert (await api.op("Topic", id=topic["id"]))["data"]["topic"]["comments"] == []
    await api.sign_in(other.handle)
    assert [c["hidden"] for c in (await api.op("Topic", id=topic["id"]))["data"]["topic"]["comments"]] == [True]

    async with transaction() as tx:
        await moderated.set_hidden(tx, "TOPIC", topic["id"], True)
    assert (await api.op("Topic", id=topic["id"]))["data"]["topic"] is None
    listed = await api.op("Topics", communityId=str(hall.community.id), first=20)
    assert listed["data"]["topics"]["nodes"] == []
    refused = (await api.op("TopicComment", id=topic["id"], body="还有人吗"))["data"]["topicComment"]
    assert refused["errors"][0]["code"] == "NOT_FOUND"
    assert (await api.op("TopicSupport", id=topic["id"]))["data"]["topicSupport"]["errors"][0]["code"] == "NOT_FOUND"

    await api.sign_in(author.handle)
    mine = (await api.op("Topic", id=topic["id"]))["data"]["topic"]
    assert mine["topic"]["hidden"] is True
    refused = (await api.op("TopicComment", id=topic["id"], body="补充说明"))["data"]["topicComment"]
    assert refused["errors"] == [{"code": "INVALID_INPUT", "field": None, "message": "该议题已被隐藏，暂不能评论"}]
    assert await TopicComment.filter(topic_id=topic["id"]).count() == 1

    await console.sign_in(hall.committee.handle)
    staff = await console.op("Topics", communityId=str(hall.community.id), first=20)
    assert [t["hidden"] for t in staff["data"]["topics"]["nodes"]] == [True]

    async with transaction() as tx:
        await moderated.set_hidden(tx, "TOPIC", topic["id"], False)
    await api.sign_in(other.handle)
    assert (await api.op("Topic", id=topic["id"]))["data"]["topic"]["topic"]["hidden"] is False


async def test_a_linked_poll_shows_its_result_on_the_topic_only_where_the_voting_module_does(api, console, hall):
    await console.sign_in(hall.committee.handle)
    topic = (await console.op("TopicOpen", communityId=str(hall.community.id), input={
        "title": "是否更换电梯", "body": "电梯已使用二十年，请大家讨论是否更换。"}))["data"]["topicOpen"]["topic"]
    elsewhere = await build_hall(rooms=1)
    foreign = await open_poll(console, elsewhere)
    await console.sign_in(hall.committee.handle)
    refused = (await console.op("TopicLinkPoll", id=topic["id"], pollId=foreign["id"]))["data"]["topicLinkPoll"]
    assert refused["errors"] == [{"code": "NOT_FOUND", "field": "pollId", "message": "找不到本社区的该投票"}]
    assert (await Topic.get(id=topic["id"])).poll_id is None

    poll = await open_poll(console, hall)  # AFTER_CLOSE: nobody reads a partial tally
    linked = (await console.op("TopicLinkPoll", id=topic["id"], pollId=poll["id"]))["data"]["topicLinkPoll"]
    assert linked["topic"]["pollId"] == poll["id"]
    voter = hall.residents[0]
    await api.sign_in(voter.handle)
    assert (await api.op("BallotCast", pollId=poll["id"], ballot={"choices": ["i1"]}))["data"]["ballotCast"][
        "errors"] == []
    open_view = (await api.op("Topic", id=topic["id"]))["data"]["topic"]["poll"]
    assert (open_view["state"], open_view["result"]) == ("OPEN", None)
    assert (await console.op("Topic", id=topic["id"]))["data"]["topic"]["poll"]["result"] is None

    await console.op("PollClose", id=poll["id"])
    staff_view = (await console.op("Topic", id=topic["id"]))["data"]["topic"]["poll"]
    assert staff_view["result"]["options"][0]["votes"] == 1  # staff check the count before 公示
    assert (await api.op("Topic", id=topic["id"]))["data"]["topic"]["poll"]["result"] is None
    await console.op("PollPublish", id=poll["id"])
    shown = (await api.op("Topic", id=topic["id"]))["data"]["topic"]["poll"]["result"]
    in_voting = (await api.op("Poll", id=poll["id"]))["data"]["poll"]["result"]
    assert shown["outcome"] == in_voting["outcome"]
    assert [(o["label"], o["votes"]) for o in shown["options"]] == [("同意", 1), ("反对", 0)]


async def test_the_official_response_reaches_proposer_and_supporters_and_closing_ends_comments(api, console, hall):
    proposer, supporter = hall.residents[:2]
    topic = (await propose(api, proposer, hall))["topic"]
    await support(api, supporter, topic["id"])
    await console.sign_in(hall.committee.handle)
    empty = (await console.op("TopicRespond", id=topic["id"], body=" "))["data"]["topicRespond"]
    assert empty["errors"][0]["message"] == "请填写官方回应（2–2000 个字）"
    responded = (await console.op("TopicRespond", id=topic["id"], body="居委会已联系物业，下月施工。"))
    assert responded["data"]["topicRespond"]["topic"]["response"] == "居委会已联系物业，下月施工。"
    for person in (proposer, supporter):
        assert "议题「小区增设电动车充电桩」有了官方回应" in await titles(person)

    closed = (await console.op("TopicClose", id=topic["id"]))["data"]["topicClose"]
    assert closed["topic"]["state"] == "CLOSED" and closed["topic"]["closedAt"] is not None
    again = (await console.op("TopicClose", id=topic["id"]))["data"]["topicClose"]
    assert again["errors"][0]["message"] == "已结束的议题不能结束"
    await api.sign_in(supporter.handle)
    late = (await api.op("TopicComment", id=topic["id"], body="谢谢"))["data"]["topicComment"]
    assert late["errors"][0]["message"] == "该议题已结束，不能再评论"
    seen = (await api.op("Topic", id=topic["id"]))["data"]["topic"]["topic"]
    assert (seen["state"], seen["response"]) == ("CLOSED", "居委会已联系物业，下月施工。")


async def test_a_relative_supports_with_the_deliberation_scope_and_the_audit_log_says_so(api, hall):
    from datetime import timedelta

    from backend.core.clock import clock
    from backend.proxies.models import Proxy

    topic = (await propose(api, hall.residents[0], hall))["topic"]
    elder, relative = hall.residents[1], await build_person(hall.community.id, ["RESIDENT"])
    await Proxy.create(community=hall.community, principal=elder, agent=relative, scopes=["DELIBERATION"],
                       evidence="同户家庭成员", valid_until=clock.now() + timedelta(days=30), granted_by=elder)
    token = (await api.sign_in(relative.handle))["accessToken"]
    response = await api.http.post("/graphql", headers={"authorization": f"Bearer {token}",
                                                        "x-acting-for": str(elder.id)}, json={
        "query": f"mutation($id: ID!) {{ topicSupport(id: $id) {{ topic {{ supporters }} {ERRORS} }} }}",
        "variables": {"id": topic["id"]}})
    assert response.json()["data"]["topicSupport"] == {"topic": {"supporters": 2}, "errors": []}
    support_row = await TopicSupport.get(topic_id=topic["id"], person_id=elder.id)
    assert support_row.household_id == hall.households[1].id
    assert await AuditEntry.filter(action="topic.support", target_id=topic["id"]).count() == 1
