"""诉求统计 equal a fixture computed by hand: seven cases of a community taken through the service on the
injectable clock (accepted late and on time, a wait for the resident that must not count, a reopening,
a closed case that is never resolved, one still waiting past its deadline), read through `caseStats`,
the Excel export and the 工作台's case panel. A grid worker counts their grids' cases only."""

import io
from datetime import date, datetime, time, timedelta

import pytest
from openpyxl import load_workbook

from backend.cases import service
from backend.cases.models import CaseState
from backend.cases.service import SHANGHAI
from backend.core.actor import Actor
from backend.core.clock import clock
from backend.registry.models import Role
from tests.integration.case_helpers import categories, committee_actor, raise_for
from tests.integration.neighbourhood import build_neighbourhood

# The columns of the export's tables, in the order of backend/cases/stats_export.py, as GraphQL names them.
FIELDS = ["name", "cases", "overdueNow", "acceptCounted", "acceptMet", "acceptRate", "medianAcceptMinutes",
          "resolveCounted", "resolveMet", "resolveRate", "medianResolveMinutes", "rated", "meanRating", "ratings",
          "confirmed", "reopened", "reopenRate"]
NONE = {"medianAcceptMinutes": None, "resolveCounted": 0, "resolveMet": 0, "resolveRate": None,
        "medianResolveMinutes": None, "rated": 0, "meanRating": None, "ratings": [0, 0, 0, 0, 0], "confirmed": 0,
        "reopened": 0, "reopenRate": None}


def row(name: str, **figures) -> dict:
    return {"name": name, **NONE, **figures}


def cells(expected: dict) -> tuple:
    """The export's row of the same figures: the star counts spread over five cells."""
    values = []
    for f in FIELDS:
        values += expected[f] if f == "ratings" else [expected[f]]
    return tuple(values)


@pytest.fixture
async def place(make_person):
    place = await build_neighbourhood(make_person)
    for person, name in ((place.committee, "周主任"), (place.a.worker, "李网格"), (place.b.worker, "王网格")):
        person.display_name = name
        await person.save()
    place.categories = await categories(place.committee.id, place.community.id)
    return place


def staff(person, community_id, role=Role.GRID_WORKER) -> Actor:
    return Actor(person_id=person.id, roles={community_id: frozenset({role})})


async def build_fixture(place) -> tuple[date, date]:
    """The period [4th, 7th) of next month. Hours are after T0, the 4th at 01:00 (Beijing time); the
    figures are read at 50 h. Categories: 报修 accept 4 h / resolve 24 h (grid workers), 物业服务 8 h / 72 h,
    其他 24 h / 168 h. a.* live in grid 甲, b.* in grid 乙."""
    c = place.community.id
    committee = committee_actor(place.committee.id, c)
    worker_a, worker_b = staff(place.a.worker, c), staff(place.b.worker, c)
    resident_a, resident_b = Actor(person_id=place.a.resident.id), Actor(person_id=place.b.resident.id)
    repair, property_, other = (place.categories[n] for n in ("报修", "物业服务", "其他"))

    today = clock.now().astimezone(SHANGHAI).date()
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    clock.advance(datetime.combine(first, time(1), SHANGHAI) - clock.now())
    # Raised on the 1st: outside the period (this month's on the panel), never accepted.
    await raise_for(place.a.resident.id, c, repair, room_id=place.a.room.id, text="去年的旧诉求")
    t0 = datetime.combine(first + timedelta(days=3), time(1), SHANGHAI)

    def at(hours: float) -> None:
        clock.advance(t0 + timedelta(hours=hours) - clock.now())

    at(0)
    c1 = await raise_for(place.b.resident.id, c, repair, room_id=place.b.room.id, text="C1 水管漏水")
    c2 = await raise_for(place.a.resident.id, c, repair, room_id=place.a.room.id, text="C2 门禁坏了")
    c3 = await raise_for(place.b.resident.id, c, repair, room_id=place.b.room.id, text="C3 墙面渗水")
    c4 = await raise_for(place.a.resident.id, c, property_, room_id=place.a.room.id, text="C4 电梯异响")
    await raise_for(place.b.resident.id, c, other, room_id=place.b.room.id, text="C5 邻里噪音")  # never accepted
    c6 = await raise_for(place.a.resident.id, c, other, room_id=place.a.room.id, text="C6 路灯不亮")
    c7 = await raise_for(place.b.resident.id, c, repair, room_id=place.b.room.id, text="C7 楼道灯坏了")
    rate = service.Confirmation

    at(1)
    await service.accept_case(worker_b, case_id=c1.id)  # C1 accepted at 1 h: on time
    await service.ask_resident(worker_b, case_id=c3.id, question="请问渗水在哪个房间？")  # C3 waits from 1 h
    at(2)
    await service.accept_case(committee, case_id=c4.id)  # C4 at 2 h: on time (8 h)
    await service.accept_case(worker_b, case_id=c7.id)  # C7 at 2 h: on time, never resolved
    at(3)
    await service.refer_case(committee, case_id=c6.id, to="供电公司", note="路灯归供电公司")  # C6 at 3 h: on time
    at(5)
    await service.close_case(committee, case_id=c4.id, outcome=CaseState.CLOSED_NOT_FIXED, note="需业委会决议")
    at(6)
    await service.accept_case(worker_a, case_id=c2.id)  # C2 at 6 h: late (4 h)
    at(10)
    await service.resolve_case(worker_b, case_id=c1.id, note="已更换水管")  # C1 resolved at 10 h
    await service.confirm(resident_b, case_id=c1.id, confirmation=rate(service.Outcome.RESOLVED, 5))
    at(11)
    await service.answer(resident_b, case_id=c3.id, body="卫生间")  # C3 waited 1–11 h
    at(12)
    await service.accept_case(worker_b, case_id=c3.id)  # C3 at 12 h, 2 h of its clock: on time
    at(13)
    await service.ask_resident(worker_b, case_id=c3.id, question="明天上午家里有人吗？")  # C3 waits from 13 h
    at(20)
    await service.resolve_case(worker_a, case_id=c2.id, note="已修好门禁")  # C2 resolved at 20 h
    await service.confirm(resident_a, case_id=c2.id, confirmation=rate(service.Outcome.PARTLY, 2, reason="还会失灵"))
    at(23)
    await service.answer(resident_b, case_id=c3.id, body="有人")  # C3 waited 13–23 h
    at(30)
    await service.resolve_case(worker_a, case_id=c2.id, note="已更换门禁主板")  # C2 again, by its new 20+24 = 44 h
    await service.confirm(resident_a, case_id=c2.id, confirmation=rate(service.Outcome.RESOLVED, 4))
    at(40)
    await service.resolve_case(worker_b, case_id=c3.id, note="已处理渗水")  # C3 at 40 h, by its 24+20 = 44 h
    at(50)
    return first + timedelta(days=3), first + timedelta(days=6)


# By hand (minutes of the clock; C3's waits, 1–11 h and 13–23 h, do not count):
#   accept: C1 60 met, C2 360 late, C3 12h-10h = 120 met, C4 120 met, C5 still 待受理 at 50 h > 24 h: missed,
#           C6 180 met (referred straight away), C7 120 met           -> 5 of 7; median of 60,120,120,120,180,360 = 120
#   resolve: C1 600 met, C2 1800 met (last round), C3 40h-20h = 1200 met, C4 closed: missed, C7 open past 24 h:
#            missed; C5 (within 168 h) and C6 (referred) not counted  -> 3 of 5; median of 600,1200,1800 = 1200
#   ratings 5 (C1), 2 and 4 (C2): mean 11/3 = 3.67; reopened C2 of the confirmed C1, C2 = 0.5
#   overdue now: C5 (accept) and C7 (resolve)
TOTAL = row("全部", cases=7, overdueNow=2, acceptCounted=7, acceptMet=5, acceptRate=0.7143, medianAcceptMinutes=120,
            resolveCounted=5, resolveMet=3, resolveRate=0.6, medianResolveMinutes=1200, rated=3, meanRating=3.67,
            ratings=[0, 1, 0, 1, 1], confirmed=2, reopened=1, reopenRate=0.5)
BY_CATEGORY = [
    # C1, C2, C3, C7: accept 3 of 4 (C2 late), median of 60,120,120,360 = 120; resolve 3 of 4 (C7 overdue)
    row("报修", cases=4, overdueNow=1, acceptCounted=4, acceptMet=3, acceptRate=0.75, medianAcceptMinutes=120,
        resolveCounted=4, resolveMet=3, resolveRate=0.75, medianResolveMinutes=1200, rated=3, meanRating=3.67,
        ratings=[0, 1, 0, 1, 1], confirmed=2, reopened=1, reopenRate=0.5),
    # C4: accepted at 2 h, then closed without a fix: resolve 0 of 1
    row("物业服务", cases=1, overdueNow=0, acceptCounted=1, acceptMet=1, acceptRate=1.0, medianAcceptMinutes=120,
        resolveCounted=1, resolveMet=0, resolveRate=0.0),
    # C5 (missed), C6 (180 min, met); neither counts for resolving
    row("其他", cases=2, overdueNow=1, acceptCounted=2, acceptMet=1, acceptRate=0.5, medianAcceptMinutes=180),
]
BY_HANDLER = [
    row("周主任", cases=1, overdueNow=0, acceptCounted=1, acceptMet=1, acceptRate=1.0, medianAcceptMinutes=120,
        resolveCounted=1, resolveMet=0, resolveRate=0.0),  # C4
    row("李网格", cases=1, overdueNow=0, acceptCounted=1, acceptMet=0, acceptRate=0.0, medianAcceptMinutes=360,
        resolveCounted=1, resolveMet=1, resolveRate=1.0, medianResolveMinutes=1800, rated=2, meanRating=3.0,
        ratings=[0, 1, 0, 1, 0], confirmed=1, reopened=1, reopenRate=1.0),  # C2
    # C1, C3, C7: accept 60,120,120; resolve 2 of 3, median of 600,1200 = 900
    row("王网格", cases=3, overdueNow=1, acceptCounted=3, acceptMet=3, acceptRate=1.0, medianAcceptMinutes=120,
        resolveCounted=3, resolveMet=2, resolveRate=0.6667, medianResolveMinutes=900, rated=1, meanRating=5.0,
        ratings=[0, 0, 0, 0, 1], confirmed=1, reopened=0, reopenRate=0.0),
    # C5, C6
    row("未指派", cases=2, overdueNow=1, acceptCounted=2, acceptMet=1, acceptRate=0.5, medianAcceptMinutes=180),
]
BY_STATE = {"SUBMITTED": 1, "ACCEPTED": 1, "IN_PROGRESS": 0, "RESOLVED": 3, "CLOSED_NOT_FIXED": 1,
            "NOT_RESPONSIBLE": 0, "DUPLICATE": 0, "REFERRED": 1}


def without_ids(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "id"} for r in rows]


async def stats_of(console, handle: str, place, start: date, end: date) -> dict:
    await console.sign_in(handle)
    answer = await console.op("CaseStats", communityId=str(place.community.id),
                              **{"from": start.isoformat(), "to": end.isoformat()})
    assert "errors" not in answer, answer
    return answer["data"]["caseStats"]


async def download(console, place, start: str, end: str):
    return await console.http.get("/exports/cases/stats.xlsx", params={
        "communityId": str(place.community.id), "from": start, "to": end},
        headers={"authorization": f"Bearer {console.token}"})


async def test_the_stats_equal_the_hand_computed_fixture_in_graphql_and_in_excel(console, place):
    start, end = await build_fixture(place)
    stats = await stats_of(console, place.committee.handle, place, start, end)
    assert (stats["from"], stats["to"]) == (start.isoformat(), end.isoformat())
    assert without_ids([stats["total"]]) == [TOTAL]
    assert without_ids(stats["byCategory"]) == BY_CATEGORY
    assert without_ids(stats["byHandler"]) == BY_HANDLER
    assert {s["state"]: s["count"] for s in stats["byState"]} == BY_STATE
    assert [d["day"] for d in stats["byDay"]] == [(start + timedelta(days=n)).isoformat() for n in range(3)]
    assert sum(d["raised"] for d in stats["byDay"]) == 7  # all raised at 01:00 of the 4th
    assert stats["byDay"][0]["raised"] == 7

    response = await download(console, place, start.isoformat(), end.isoformat())
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    sheets = {s.title: [tuple(r) for r in s.iter_rows(values_only=True)] for s in book.worksheets}
    last = (end - timedelta(days=1)).isoformat()
    whole = sheets["总览"]
    assert whole[0][0] == f"诉求统计：{start.isoformat()} 至 {last}（按提出日期，北京时间）"
    assert whole[2][:2] == ("名称", "诉求数") and whole[3] == cells(TOTAL)
    assert ("已关闭（未解决）", 1) in [r[:2] for r in whole] and ("待受理", 1) in [r[:2] for r in whole]
    assert sheets["按分类"][1:] == [cells(r) for r in BY_CATEGORY]
    assert sheets["按处理人"][1:] == [cells(r) for r in BY_HANDLER]
    assert sheets["按日"][1] == (start.isoformat(), 7)


async def test_a_grid_worker_counts_the_cases_of_their_grids_only(console, place):
    start, end = await build_fixture(place)
    # Grid 乙: C1, C3, C5, C7 — accept missed by C5 only; resolve C1, C3 met, C7 missed; C5 not counted.
    total = (await stats_of(console, place.b.worker.handle, place, start, end))["total"]
    assert {k: total[k] for k in ("cases", "overdueNow", "acceptCounted", "acceptMet", "resolveCounted",
                                  "resolveMet", "rated", "meanRating")} == {
        "cases": 4, "overdueNow": 2, "acceptCounted": 4, "acceptMet": 3, "resolveCounted": 3, "resolveMet": 2,
        "rated": 1, "meanRating": 5.0}
    response = await download(console, place, start.isoformat(), end.isoformat())
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert list(book["总览"].iter_rows(values_only=True))[3][:2] == ("全部", 4)


WORKBENCH = "query($c: ID!) { workbench(communityId: $c) { cases { open overdueNow month { cases acceptRate " \
            "resolveRate meanRating rated } } } }"


async def test_the_workbench_panel_counts_open_and_overdue_cases_and_this_months_figures(console, api, place):
    await build_fixture(place)
    await console.sign_in(place.committee.handle)
    panel = (await console.query(WORKBENCH, c=str(place.community.id)))["data"]["workbench"]["cases"]
    # Open: C5, C7 and the 1st's case, all three past their deadline. This month adds the 1st's case to the
    # seven: accept 5 of 8 = 0.625, resolve 3 of 6 (the 1st's open past its 24 h) = 0.5.
    assert panel == {"open": 3, "overdueNow": 3,
                     "month": {"cases": 8, "acceptRate": 0.625, "resolveRate": 0.5, "meanRating": 3.67, "rated": 3}}

    await api.sign_in(place.a.resident.handle)
    answer = await api.query(WORKBENCH, c=str(place.community.id))
    assert answer["data"] is None and answer["errors"][0]["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(("start", "end", "message"), [
    ("2026-03-10", "2026-03-10", "结束日期须晚于开始日期"),
    ("2026-03-10", "2026-03-01", "结束日期须晚于开始日期"),
    ("2025-01-01", "2026-03-01", "统计期间最长 366 天，请缩短后再试"),
])
async def test_a_period_that_is_empty_backwards_or_too_long_is_refused_in_chinese(console, place, start, end,
                                                                                  message):
    await console.sign_in(place.committee.handle)
    answer = await console.op("CaseStats", communityId=str(place.community.id), **{"from": start, "to": end})
    assert answer["data"] is None and answer["errors"][0]["message"] == message
    response = await download(console, place, start, end)
    assert (response.status_code, response.json()["errors"][0]["message"]) == (400, message)


async def test_the_export_refuses_a_malformed_date_a_resident_and_another_communitys_staff(console, place,
                                                                                          other_community, make_person):
    elsewhere = await make_person(other_community[0].id, ["COMMITTEE_STAFF"])
    await console.sign_in(place.committee.handle)
    response = await download(console, place, "3月1日", "2026-03-10")
    assert (response.status_code, response.json()["errors"][0]["message"]) == (400, "日期格式应为 YYYY-MM-DD")
    for handle in (place.a.resident.handle, elsewhere.handle):
        await console.sign_in(handle)
        response = await download(console, place, "2026-03-01", "2026-03-10")
        assert (response.status_code, response.json()["errors"][0]["message"]) == (404, "找不到该社区")


async def test_a_case_waiting_for_its_resident_is_overdue_only_if_it_was_before_the_wait(console, place):
    """The board's rule (service.is_overdue): the clock stops while the case waits for the resident, so
    a wait that began past the deadline leaves it overdue and one that began within it does not; the
    panel (in SQL) and the statistics (per case) agree."""
    c = place.community.id
    worker = staff(place.b.worker, c)
    start = clock.now()
    late = await raise_for(place.b.resident.id, c, place.categories["报修"], room_id=place.b.room.id, text="迟了才问")
    clock.advance(timedelta(hours=3))
    in_time = await raise_for(place.b.resident.id, c, place.categories["报修"], room_id=place.b.room.id,
                              text="及时询问")
    await service.ask_resident(worker, case_id=in_time.id, question="请补充照片")  # 3 h: within its 4 h
    clock.advance(start + timedelta(hours=5) - clock.now())
    await service.ask_resident(worker, case_id=late.id, question="请补充照片")  # 5 h: past its 4 h
    clock.advance(timedelta(hours=20))  # both waiting, long past their 4 h

    await console.sign_in(place.committee.handle)
    panel = (await console.query(WORKBENCH, c=str(c)))["data"]["workbench"]["cases"]
    assert (panel["open"], panel["overdueNow"]) == (2, 1)
    today = clock.now().astimezone(SHANGHAI).date()
    total = (await stats_of(console, place.committee.handle, place, today - timedelta(days=3),
                            today + timedelta(days=1)))["total"]
    # Neither was accepted; only the late one counts as an accept missed, the other waits on its clock.
    assert {k: total[k] for k in ("cases", "overdueNow", "acceptCounted", "acceptMet")} == {
        "cases": 2, "overdueNow": 1, "acceptCounted": 1, "acceptMet": 0}
