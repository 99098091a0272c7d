"""Poll results through the API on PostgreSQL: the double majority explained step by step, motions and
questionnaires, who sees a result when, the Excel and PDF exports, and the result notice draft."""

import io

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from openpyxl import load_workbook
from pypdf import PdfReader

from backend.notices.models import Notice, NoticeRecipient, NoticeState
from backend.registry.models import Room
from backend.voting import spec
from backend.voting.merkle import MerkleTree, sign_tree_head
from backend.voting.models import BallotContent, Poll
from backend.voting.verify_log import ballot_leaf, describe_poll, export_log, poll_digest, verify_log
from tests.integration.voting_helpers import build_place, cast, open_poll, poll_input

POLLS_WITH_RESULTS = "query($c: ID!, $n: Int!) { polls(communityId: $c, first: $n) { nodes { result { outcome } } } }"


@pytest.fixture
async def place(app):
    """Six homes, one owner each; the first home is 200 m², the others 80 m² (600 m² in all), so a
    share of the area and a share of the owners differ."""
    place = await build_place(rooms=3, buildings=2)
    await Room.filter(id=place.rooms[0].id).update(area_dm2=20_000)
    return place


async def close(console, place, poll_id: str) -> dict:
    await console.sign_in(place.committee.handle)
    closed = await console.op("PollClose", id=poll_id)
    assert closed["data"]["pollClose"]["errors"] == [], closed
    return closed["data"]["pollClose"]["poll"]


async def publish(console, place, poll_id: str) -> dict:
    await console.sign_in(place.committee.handle)
    published = await console.op("PollPublish", id=poll_id)
    assert published["data"]["pollPublish"]["errors"] == [], published
    return published["data"]["pollPublish"]["poll"]


async def staff_view(console, place, poll_id: str) -> dict:
    await console.sign_in(place.committee.handle)
    return (await console.op("Poll", id=poll_id))["data"]["poll"]


async def resident_view(api, person, poll_id: str) -> dict:
    await api.sign_in(person.handle)
    return (await api.op("Poll", id=poll_id))["data"]["poll"]


async def assembly(console, api, place, votes: dict[int, str], **extra) -> tuple[str, dict]:
    """An owners' assembly on 是否更换电梯 (i1 同意, i2 反对), cast by the owners in `votes`, then closed:
    its id and its result as the staff see it."""
    poll = await open_poll(console, place, electorate="OWNERS_ASSEMBLY", **extra)
    for owner, choice in votes.items():
        assert (await cast(api, place.owners[owner], poll["id"], [choice]))["errors"] == []
    await close(console, place, poll["id"])
    return poll["id"], (await staff_view(console, place, poll["id"]))["result"]


# Owners 0–4 vote, owner 5 does not: 5 of 6 owners, 520 of 600 m² take part. 同意: owners 0–2 (360 m², 3 heads).
FIVE_VOTE = {0: "i1", 1: "i1", 2: "i1", 3: "i2", 4: "i2"}


async def test_an_ordinary_matter_passes_with_more_than_half_of_the_participating_area_and_owners(
        console, api, place):
    _, result = await assembly(console, api, place, FIVE_VOTE)
    assert result["outcome"] == "「同意」获得通过"
    assert (result["passed"], result["quorumMet"]) == (True, True)
    assert result["steps"][0] == {"text": "投票率：已投 5 / 名册 6 = 83.3%；面积 520.00㎡ / 600.00㎡ = 86.7%",
                                  "met": None}
    assert result["steps"][1:] == [
        {"text": "参与表决的专有部分面积 520.00㎡ / 总面积 600.00㎡ = 86.7%，达到 2/3", "met": True},
        {"text": "参与表决的业主 5 人 / 业主总人数 6 人 = 83.3%，达到 2/3", "met": True},
        {"text": "「同意」选择该项的专有部分面积 360.00㎡ / 参与表决的专有部分面积 520.00㎡ = 69.2%，超过 1/2",
         "met": True},
        {"text": "「同意」选择该项的业主 3 人 / 参与表决的业主 5 人 = 60.0%，超过 1/2", "met": True},
        {"text": "「反对」选择该项的专有部分面积 160.00㎡ / 参与表决的专有部分面积 520.00㎡ = 30.8%，未超过 1/2",
         "met": False},
        {"text": "「反对」选择该项的业主 2 人 / 参与表决的业主 5 人 = 40.0%，未超过 1/2", "met": False},
    ]
    assert result["options"] == [{"key": "i1", "label": "同意", "votes": 3, "areaDm2": 36_000},
                                 {"key": "i2", "label": "反对", "votes": 2, "areaDm2": 16_000}]


async def test_the_result_is_the_recount_of_a_log_built_from_the_same_ballot_rows(console, api, place):
    """What anyone re-counting the published log finds (verify_log over leaves of the poll_ballot rows)."""
    poll_id, result = await assembly(console, api, place, FIVE_VOTE)
    poll = await Poll.get(id=poll_id)
    rows = await BallotContent.filter(poll_id=poll_id).order_by("tracker_hash")
    leaves = [ballot_leaf(r.tracker_hash, spec.ballot_of(poll, r.answer, r.area_dm2).choices, r.area_dm2)
              for r in rows]
    description = describe_poll(spec.poll_spec(poll), spec.electorate_summary(poll))
    key, tree = Ed25519PrivateKey.generate(), MerkleTree(leaves)
    head = sign_tree_head(tree.head(poll_id, poll_digest(description), 1_790_000_000_000), key)
    recount = verify_log(export_log(poll_id, spec.poll_spec(poll), spec.electorate_summary(poll), leaves, [head],
                                    key.public_key())).result
    assert [(o["votes"], o["areaDm2"]) for o in result["options"]] == [
        (c.ballots, c.area_dm2) for c in recount.options.values()]
    assert [d.passed for d in recount.decisions] == [True, False]
    assert [s["text"] for s in result["steps"][1:3]] == [s.text for s in recount.decisions[0].steps[:2]]


async def test_a_major_matter_with_the_same_votes_fails_at_three_quarters(console, api, place):
    _, result = await assembly(console, api, place, FIVE_VOTE, matter="MAJOR")
    assert (result["outcome"], result["passed"], result["quorumMet"]) == ("未通过：没有选项达到通过要求", False, True)
    failing = [s for s in result["steps"] if s["met"] is False and s["text"].startswith("「同意」")]
    assert failing == [
        {"text": "「同意」选择该项的专有部分面积 360.00㎡ / 参与表决的专有部分面积 520.00㎡ = 69.2%，未达到 3/4",
         "met": False},
        {"text": "「同意」选择该项的业主 3 人 / 参与表决的业主 5 人 = 60.0%，未达到 3/4", "met": False},
    ]


async def test_without_two_thirds_taking_part_nothing_passes_however_they_voted(console, api, place):
    _, result = await assembly(console, api, place, {1: "i1", 2: "i1", 3: "i1"})  # 3 of 6 owners, 240 of 600 m²
    assert result["outcome"] == "未通过：参与表决的面积和人数未达到要求（未达到 2/3）"
    assert (result["passed"], result["quorumMet"]) == (False, False)
    assert result["steps"][1:3] == [
        {"text": "参与表决的专有部分面积 240.00㎡ / 总面积 600.00㎡ = 40.0%，未达到 2/3", "met": False},
        {"text": "参与表决的业主 3 人 / 业主总人数 6 人 = 50.0%，未达到 2/3", "met": False},
    ]


async def test_an_owners_assembly_with_thresholds_below_the_civil_code_is_refused(console, place):
    half = {"numerator": 1, "denominator": 2, "strict": False}
    loose = {k: half for k in ("participationArea", "participationHeadcount", "passArea", "passHeadcount")}
    await console.sign_in(place.committee.handle)
    response = await console.op("PollCreate", communityId=str(place.community.id), input=poll_input(
        place, electorate="OWNERS_ASSEMBLY", thresholds=loose))
    message = response["data"]["pollCreate"]["errors"][0]["message"]
    assert message == "业主大会的表决门槛不能低于民法典第二百七十八条的规定"
    assert (await console.op("Polls", communityId=str(place.community.id), first=5))["data"]["polls"]["nodes"] == []


async def test_a_live_motions_poll_decides_each_motion_by_households_while_it_runs(console, api, place):
    poll = await open_poll(console, place, kind="MOTIONS", results="LIVE",
                           items=[{"label": "增设电动车充电桩"}, {"label": "更换小区大门"}])
    votes = [("YES", "YES"), ("YES", "NO"), ("YES", "NO"), ("YES", "ABSTAIN"), ("NO", "NO")]
    for owner, (first, second) in zip(place.owners, votes, strict=False):
        await api.sign_in(owner.handle)
        cast_ = await api.op("BallotCast", pollId=poll["id"], ballot={"motions": [
            {"key": "i1", "answer": first}, {"key": "i2", "answer": second}]})
        assert cast_["data"]["ballotCast"]["errors"] == []
    result = (await resident_view(api, place.owners[5], poll["id"]))["result"]  # a NAMED live poll, still open
    assert result["outcome"] == "2 项议题：通过 「增设电动车充电桩」；未通过 「更换小区大门」"
    assert (result["passed"], result["quorumMet"]) == (False, True)
    charging, gate = result["motions"]
    assert (charging["yes"], charging["no"], charging["abstain"], charging["passed"]) == (4, 1, 0, True)
    assert (gate["yes"], gate["no"], gate["abstain"], gate["passed"]) == (1, 3, 1, False)
    assert [s["text"] for s in gate["steps"]] == [
        "参与投票的 5 户 / 总户数 6 户 = 83.3%，达到 2/3", "同意的 1 户 / 参与投票的 5 户 = 20.0%，未超过 1/2"]


async def test_a_questionnaire_counts_answers_and_shows_them_to_residents_once_published(console, api, place):
    poll = await open_poll(console, place, kind="QUESTIONNAIRE", items=[
        {"label": "您家有几辆电动车", "type": "NUMBER"}, {"label": "对充电桩位置的建议", "type": "TEXT"}])
    for owner, (bikes, idea) in zip(place.owners, [(1, "北门"), (2, "地下车库"), (0, "北门")], strict=False):
        await api.sign_in(owner.handle)
        answered = await api.op("BallotCast", pollId=poll["id"], ballot={"answers": [
            {"key": "i1", "number": bikes}, {"key": "i2", "text": idea}]})
        assert answered["data"]["ballotCast"]["errors"] == []
    await close(console, place, poll["id"])
    assert (await resident_view(api, place.owners[0], poll["id"]))["result"] is None  # closed, not yet published
    await publish(console, place, poll["id"])
    result = (await resident_view(api, place.owners[0], poll["id"]))["result"]
    assert (result["outcome"], result["passed"], result["quorumMet"]) == ("共收回 3 份（投票率 50.0%）", None, None)
    bikes, ideas = result["questions"]
    assert (bikes["label"], bikes["answers"], bikes["average"], bikes["texts"]) == ("您家有几辆电动车", 3, 1.0, [])
    assert (ideas["answers"], ideas["average"], ideas["texts"]) == (3, None, ["北门", "北门", "地下车库"])


@pytest.mark.parametrize("mode", [{"results": "AFTER_CLOSE"}, {"results": "LIVE", "secrecy": "SECRET"}])
async def test_an_after_close_or_secret_result_is_null_until_close_for_staff_and_residents(console, api, place, mode):
    poll = await open_poll(console, place, **mode)
    for owner in place.owners[:3]:
        assert (await cast(api, owner, poll["id"], ["i1"]))["errors"] == []
    assert (await staff_view(console, place, poll["id"]))["result"] is None
    assert (await resident_view(api, place.owners[0], poll["id"]))["result"] is None
    listed = (await api.op("PollsForMe", first=10))["data"]["pollsForMe"]["nodes"]
    assert [p["id"] for p in listed] == [poll["id"]]
    await console.sign_in(place.committee.handle)
    console_list = await console.query(POLLS_WITH_RESULTS, c=str(place.community.id), n=10)
    assert [p["result"] for p in console_list["data"]["polls"]["nodes"]] == [None]

    closed = await close(console, place, poll["id"])
    assert closed["result"]["options"][0]["votes"] == 3  # staff: once closed
    assert (await resident_view(api, place.owners[0], poll["id"]))["result"] is None
    await publish(console, place, poll["id"])
    assert (await resident_view(api, place.owners[0], poll["id"]))["result"]["options"][0]["votes"] == 3


async def test_a_hidden_live_tally_is_shown_to_the_staff_only_while_open(console, api, place):
    """A resident who watched a hidden poll's count move would learn a neighbour's vote."""
    poll = await open_poll(console, place, results="LIVE", secrecy="HIDDEN")
    assert (await cast(api, place.owners[0], poll["id"], ["i2"]))["errors"] == []
    assert (await staff_view(console, place, poll["id"]))["result"]["options"][1]["votes"] == 1
    assert (await resident_view(api, place.owners[1], poll["id"]))["result"] is None


async def download(client, path: str):
    return await client.http.get(path, headers={"authorization": f"Bearer {client.token}"})


async def test_the_result_exports_to_excel_and_pdf_with_the_title_the_counts_and_the_verdict(console, api, place):
    poll_id, _ = await assembly(console, api, place, FIVE_VOTE)
    workbook = await download(console, f"/exports/polls/{poll_id}/result.xlsx")
    assert workbook.status_code == 200
    assert workbook.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(workbook.content), read_only=True).worksheets[0]
    rows = [tuple(c for c in row if c is not None) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ("投票结果：是否更换电梯",) and ("结论", "「同意」获得通过") in rows
    assert ("同意", 3, "360.00㎡") in rows and ("反对", 2, "160.00㎡") in rows
    assert ("参与表决的业主 5 人 / 业主总人数 6 人 = 83.3%，达到 2/3", "达到") in rows

    pdf = await download(console, f"/exports/polls/{poll_id}/result.pdf")
    assert (pdf.status_code, pdf.headers["content-type"]) == (200, "application/pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    flat = text.replace("\n", "").replace(" ", "")
    for expected in ("投票结果：是否更换电梯", "结论：「同意」获得通过", "同意3360.00㎡", "反对2160.00㎡",
                     "参与表决的业主5人/业主总人数6人=83.3%，达到2/3"):
        assert expected in flat, (expected, text)


async def test_an_export_before_the_result_may_be_seen_or_of_another_communitys_poll_is_refused(console, api, place):
    poll = await open_poll(console, place)
    assert (await cast(api, place.owners[0], poll["id"], ["i1"]))["errors"] == []
    for ending in ("xlsx", "pdf"):
        refused = await download(console, f"/exports/polls/{poll['id']}/result.{ending}")
        assert refused.status_code == 403
        assert refused.json()["errors"][0]["message"].startswith("该投票的结果尚未公开")
    await close(console, place, poll["id"])
    elsewhere = await build_place(rooms=1, buildings=1)
    await console.sign_in(elsewhere.committee.handle)
    for ending in ("xlsx", "pdf"):
        hidden = await download(console, f"/exports/polls/{poll['id']}/result.{ending}")
        assert (hidden.status_code, hidden.json()["errors"][0]["message"]) == (404, "找不到该投票")
    await api.sign_in(place.owners[0].handle)  # a voter: the exports are the committee's
    assert (await download(api, f"/exports/polls/{poll['id']}/result.xlsx")).status_code == 404


async def test_the_result_notice_is_drafted_to_the_polls_scope_holding_the_result(console, api, place):
    building = place.buildings[0]
    poll = await open_poll(console, place, scope={"kind": "BUILDING", "ids": [str(building.id)]})
    too_early = await console.op("PollResultNoticeDraft", id=poll["id"])
    assert too_early["data"]["pollResultNoticeDraft"]["errors"][0]["message"] == "投票截止后才能起草结果公告"
    assert not await Notice.filter(community_id=place.community.id).exists()

    for owner in place.owners[:3]:  # building 1's three homes
        assert (await cast(api, owner, poll["id"], ["i1"]))["errors"] == []
    await close(console, place, poll["id"])
    drafted = (await console.op("PollResultNoticeDraft", id=poll["id"]))["data"]["pollResultNoticeDraft"]
    assert drafted["errors"] == []
    notice = drafted["notice"]
    assert (notice["title"], notice["state"], notice["category"]) == ("投票结果公告：是否更换电梯", "DRAFT", "社区公告")
    assert notice["audience"] == [{"kind": "BUILDING", "ids": [str(building.id)]}]
    assert "「同意」获得通过" in notice["bodyHtml"] and "<td>同意</td><td>3</td>" in notice["bodyHtml"]
    stored = await Notice.get(id=notice["id"])
    assert stored.state is NoticeState.DRAFT and not await NoticeRecipient.filter(notice_id=stored.id).exists()


async def test_a_list_of_polls_loads_the_ballots_of_all_their_results_in_one_statement(console, api, place,
                                                                                   sql_statements):
    for choice in ("i1", "i2", "i1"):
        poll = await open_poll(console, place, results="LIVE")
        assert (await cast(api, place.owners[0], poll["id"], [choice]))["errors"] == []
    await console.sign_in(place.committee.handle)
    await console.query("{ viewer { id } }")  # the caller's roles cached, as on every request but the first
    counts = []
    for first in (1, 3):
        with sql_statements() as statements:
            listed = await console.query(POLLS_WITH_RESULTS, c=str(place.community.id), n=first)
        assert [p["result"]["outcome"] != "" for p in listed["data"]["polls"]["nodes"]] == [True] * first
        counts.append(len(statements))
    assert counts[0] == counts[1] == 2, counts  # the polls, then every listed poll's ballots


async def test_a_decimal_number_answer_is_refused_so_every_ballot_stays_countable(console, api, place):
    poll = await open_poll(console, place, kind="QUESTIONNAIRE", items=[{"label": "每月电费（元）", "type": "NUMBER"}])
    await api.sign_in(place.owners[0].handle)
    refused = await api.op("BallotCast", pollId=poll["id"], ballot={"answers": [{"key": "i1", "number": 2.5}]})
    assert refused["data"]["ballotCast"]["errors"][0]["message"] == "「每月电费（元）」须填写整数"
    assert not await BallotContent.filter(poll_id=poll["id"]).exists()
