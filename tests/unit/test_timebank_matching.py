"""The ranking of helpers' offers for a request, and the birth date of an ID number."""

from datetime import date, datetime
from uuid import uuid4
from zoneinfo import ZoneInfo

from backend.timebank.eligibility import age_on, birth_date
from backend.timebank.matching import Can, Want, covers, score

SHANGHAI = ZoneInfo("Asia/Shanghai")
ESTATE, BUILDING, OTHER_BUILDING = uuid4(), uuid4(), uuid4()
# Wednesday 3 December 2025, 09:00 in Shanghai, for 90 minutes.
WANT = Want(kind="CLINIC", skills=frozenset({"陪诊", "轮椅"}), starts_at=datetime(2025, 12, 3, 9, tzinfo=SHANGHAI),
            minutes=90, estate_id=ESTATE, building_id=BUILDING)


def can(skills=(), kinds=(), building=None, estate=None, windows=()) -> Can:
    return Can(skills=frozenset(skills), kinds=frozenset(kinds), estate_id=estate, building_id=building,
               availability=tuple(windows))


def test_shared_skills_outrank_availability_which_outranks_nearness_and_kind():
    offers = {
        "two skills": can(skills=["陪诊", "轮椅"]),
        "one skill": can(skills=["陪诊"]),
        "free then": can(windows=[(2, 8 * 60, 12 * 60)]),
        "same building": can(building=BUILDING, estate=ESTATE),
        "same estate": can(building=OTHER_BUILDING, estate=ESTATE),
        "that kind": can(kinds=["CLINIC"]),
        "nothing": can(skills=["修电脑"], kinds=["ERRAND"]),
    }
    ranked = sorted(offers, key=lambda name: -score(WANT, offers[name]).total)
    assert ranked == list(offers)
    assert score(WANT, offers["one skill"]).shared_skills == ("陪诊",)
    assert score(WANT, offers["same estate"]).nearby and not score(WANT, offers["nothing"]).nearby


def test_a_window_must_hold_the_whole_service_on_its_weekday():
    assert covers([(2, 9 * 60, 10 * 60 + 30)], WANT.starts_at, 90)
    assert not covers([(2, 9 * 60, 10 * 60)], WANT.starts_at, 90)  # ends too early
    assert not covers([(3, 0, 24 * 60)], WANT.starts_at, 90)  # Thursday
    late = datetime(2025, 12, 3, 23, 30, tzinfo=SHANGHAI)
    assert not covers([(2, 0, 24 * 60)], late, 60)  # past midnight


def test_the_birth_date_is_digits_seven_to_fourteen_of_an_eighteen_digit_id_number():
    assert birth_date("11010519500315002x") == date(1950, 3, 15)
    assert birth_date("110105195002300011") is None  # no 30 February
    assert birth_date("11010550031500") is None  # the old 15-digit form holds no century
    assert birth_date(None) is None
    assert age_on(date(1950, 3, 15), date(2015, 3, 14)) == 64
    assert age_on(date(1950, 3, 15), date(2015, 3, 15)) == 65
