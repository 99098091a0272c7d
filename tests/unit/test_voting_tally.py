"""The tally against a small reference model, worked examples with their explanation, and bad input."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.core.errors import DomainError, ErrorCode
from backend.voting.tally import (
    AnswerKind,
    Ballot,
    Electorate,
    ElectorateKind,
    ElectorateSummary,
    Entry,
    Matter,
    Measure,
    PollKind,
    PollSpec,
    Question,
    Room,
    Stance,
    Threshold,
    Thresholds,
    owner_units,
    tally,
)

ASSEMBLY = ElectorateKind.OWNERS_ASSEMBLY


# ---- the reference model: raw titles in, integer cross-multiplication, no Fractions, no tally helpers ----

def reference(rooms, votes, kind, thresholds):
    """rooms: [(room id, area, owners)]; votes: {owners (frozenset): {item: yes?}}; thresholds: four
    (numerator, denominator, strict) in the order participation area, heads, passing area, heads."""
    holders = sorted({owners for _, _, owners in rooms}, key=sorted)
    area_of = {o: 0 for o in holders}
    for _, area, owners in rooms:
        area_of[owners] += area
    total_area, total_heads = sum(area_of.values()), len(holders)
    voted_area = sum(area_of[o] for o in votes)
    items = sorted({item for choice in votes.values() for item in choice}) or []
    out = {}
    for item in items:
        yes = [o for o, choice in votes.items() if choice.get(item)]
        numbers = [(voted_area, total_area), (len(votes), total_heads),
                   (sum(area_of[o] for o in yes), voted_area), (len(yes), len(votes))]
        met = []
        for (part, whole), (num, den, strict), is_area in zip(numbers, thresholds, [1, 0, 1, 0], strict=True):
            if is_area and kind is not ASSEMBLY:
                continue
            met.append(whole > 0 and (part * den > num * whole if strict else part * den >= num * whole))
        out[item] = (all(met), sum(area_of[o] for o in yes), len(yes))
    return {"heads": total_heads, "area": total_area, "voted": len(votes), "voted_area": voted_area,
            "items": out}


PEOPLE = [f"p{i}" for i in range(6)]
titles = st.lists(
    st.tuples(st.one_of(st.integers(1, 6), st.integers(1, 2_000_000)), st.frozensets(st.sampled_from(PEOPLE),
                                                                                      min_size=1, max_size=3)),
    min_size=1, max_size=10,
)


@st.composite
def thresholds_for(draw, kind, matter):
    if draw(st.booleans()):
        return None
    law = Thresholds.civil_code(matter).pairs()

    def one(floor):
        if kind is ASSEMBLY:  # from the statutory floor up to 100 %
            fraction = floor.fraction + (1 - floor.fraction) * Fraction(draw(st.integers(0, 4)), 4)
            strict = draw(st.booleans()) if fraction > floor.fraction else floor.strict or draw(st.booleans())
        else:
            fraction = Fraction(draw(st.integers(0, 6)), draw(st.integers(1, 6)))
            fraction = min(fraction, Fraction(1))
            strict = draw(st.booleans())
        return Threshold(fraction, strict and fraction < 1)

    return Thresholds(*(one(floor) for _, floor in law))


@st.composite
def polls(draw):
    kind = draw(st.sampled_from(ElectorateKind))
    matter = draw(st.sampled_from(Matter))
    motions = draw(st.booleans())
    raw = draw(titles)
    rooms = [(f"r{i}", area, owners) for i, (area, owners) in enumerate(raw)]
    if kind is not ASSEMBLY:  # a person or household is an entry of its own, with no area
        rooms = [(room, 0, frozenset({room})) for room, _, _ in rooms]
    items = ("a", "b", "c")
    spec = PollSpec(PollKind.MOTIONS if motions else PollKind.MULTIPLE, kind,
                    options=() if motions else items, motions=items if motions else (),
                    min_choices=0, max_choices=3, matter=matter, thresholds=draw(thresholds_for(kind, matter)))
    holders = sorted({owners for _, _, owners in rooms}, key=sorted)
    voting = [o for o in holders if draw(st.booleans())]
    stances = {o: {i: draw(st.sampled_from(Stance)) for i in items} for o in voting}
    return spec, rooms, stances, draw(st.lists(st.booleans(), min_size=len(voting), max_size=len(voting)))


@settings(max_examples=300, deadline=None)
@given(polls())
def test_the_tally_agrees_with_the_reference_model(poll):
    spec, rooms, stances, anonymous = poll
    assembly = spec.electorate is ASSEMBLY
    if assembly:
        entries = owner_units((Room(r, area), owners) for r, area, owners in rooms)
    else:
        entries = tuple(Entry(r) for r, _, _ in rooms)
    by_owners = {e.owners or frozenset({e.entry_id}): e for e in entries}
    ballots = []
    for (owners, choice), hide in zip(stances.items(), anonymous, strict=True):
        entry = by_owners[owners]
        yes = frozenset(i for i, s in choice.items() if s is Stance.YES)
        choices = choice if spec.kind is PollKind.MOTIONS else yes
        if hide:
            ballots.append(Ballot(choices, area_dm2=entry.area_dm2 if assembly else None))
        else:
            ballots.append(Ballot(choices, entry_id=entry.entry_id))
    result = tally(spec, Electorate(entries), ballots)

    thresholds = spec.decision_thresholds()
    four = [(t.fraction.numerator, t.fraction.denominator, t.strict) for _, t in thresholds.pairs()] if thresholds \
        else [(0, 1, False)] * 4
    votes = {o: {i: s is Stance.YES for i, s in choice.items()} for o, choice in stances.items()}
    expected = reference(rooms, votes, spec.electorate, four)
    assert (result.turnout.electorate, result.turnout.ballots) == (expected["heads"], expected["voted"])
    assert (result.turnout.total_area_dm2, result.turnout.area_dm2) == (
        (expected["area"], expected["voted_area"]) if assembly else (0, 0))
    counts = {m: c[Stance.YES] for m, c in result.motions.items()} if spec.kind is PollKind.MOTIONS \
        else result.options
    for item, (_, yes_area, yes_heads) in expected["items"].items():
        assert (counts[item].ballots, counts[item].area_dm2) == (yes_heads, yes_area if assembly else 0)
    if thresholds is None:
        assert result.decisions == ()
    else:
        assert {d.item: d.passed for d in result.decisions} == {
            i: expected["items"].get(i, (False,))[0] for i in ("a", "b", "c")}
    if spec.kind is PollKind.MOTIONS:
        for counted in result.motions.values():
            assert sum(c.ballots for c in counted.values()) == len(ballots)


# ---- worked examples: the explanation the console shows ----

def assembly_of_three():
    """12,000 ㎡: A owns 5,000 ㎡; B and C co-own 3,950 ㎡ (one owner); D owns two rooms, 3,050 ㎡ in all."""
    return Electorate(owner_units([
        (Room("1-101", 500_000), ["A"]),
        (Room("1-102", 395_000), ["C", "B"]),
        (Room("1-201", 200_000), ["D"]),
        (Room("1-202", 105_000), ["D"]),
    ]))


def test_a_major_matter_explained_step_by_step():
    spec = PollSpec(PollKind.MOTIONS, ASSEMBLY, motions=("使用维修资金",), matter=Matter.MAJOR)
    result = tally(spec, assembly_of_three(), [Ballot({"使用维修资金": Stance.YES}, "A"),
                                               Ballot({"使用维修资金": Stance.NO}, "B+C")])
    [decision] = result.decisions
    assert [s.text for s in decision.steps] == [
        "参与表决的专有部分面积 8,950.00㎡ / 总面积 12,000.00㎡ = 74.6%，达到 2/3",
        "参与表决的业主 2 人 / 业主总人数 3 人 = 66.7%，达到 2/3",
        "同意的专有部分面积 5,000.00㎡ / 参与表决的专有部分面积 8,950.00㎡ = 55.9%，未达到 3/4",
        "同意的业主 1 人 / 参与表决的业主 2 人 = 50.0%，未达到 3/4",
    ]
    assert decision.text == "「使用维修资金」未通过：同意未达到要求"
    assert [(s.measure, s.part, s.whole, s.ratio, s.met) for s in decision.steps] == [
        (Measure.PARTICIPATION_AREA, 895_000, 1_200_000, Fraction(179, 240), True),
        (Measure.PARTICIPATION_HEADS, 2, 3, Fraction(2, 3), True),  # exactly 2/3 is enough: 以上 includes it
        (Measure.PASSING_AREA, 500_000, 895_000, Fraction(100, 179), False),
        (Measure.PASSING_HEADS, 1, 2, Fraction(1, 2), False),
    ]


def test_an_ordinary_matter_needs_more_than_half_and_exactly_half_is_not_enough():
    spec = PollSpec(PollKind.MOTIONS, ASSEMBLY, motions=("选聘物业",))
    everyone = [Ballot({"选聘物业": Stance.YES}, "A"), Ballot({"选聘物业": Stance.ABSTAIN}, "B+C"),
                Ballot({"选聘物业": Stance.YES}, "D")]
    [passed] = tally(spec, assembly_of_three(), everyone).decisions
    assert passed.passed and passed.text == "「选聘物业」通过"
    assert passed.steps[3].text == "同意的业主 2 人 / 参与表决的业主 3 人 = 66.7%，超过 1/2"
    [tied] = tally(spec, assembly_of_three(), everyone[:2]).decisions
    assert not tied.passed
    assert tied.steps[3].text == "同意的业主 1 人 / 参与表决的业主 2 人 = 50.0%，未超过 1/2"


def test_without_quorum_nothing_passes_even_if_every_voter_agrees():
    spec = PollSpec(PollKind.MOTIONS, ASSEMBLY, motions=("m",))
    [decision] = tally(spec, assembly_of_three(), [Ballot({"m": Stance.YES}, "A")]).decisions
    assert not decision.passed and decision.text == "「m」未通过：参与表决未达到要求"
    assert decision.steps[1].text == "参与表决的业主 1 人 / 业主总人数 3 人 = 33.3%，未达到 2/3"


def test_the_counting_rule_for_co_owners_and_several_rooms():
    """A alone owns room 1 and co-owns room 2 with B: two owner units, {A} and {A, B}, never merged."""
    units = owner_units([(Room("1", 100), ["A"]), (Room("2", 200), ["A", "B"]), (Room("3", 300), ["C"]),
                         (Room("4", 400), ["C"]), (Room("5", 500), ["E", "D"]), (Room("6", 600), ["D", "E"])])
    assert [(e.entry_id, [r.room_id for r in e.rooms], e.area_dm2) for e in units] == [
        ("A", ["1"], 100), ("A+B", ["2"], 200), ("C", ["3", "4"], 700), ("D+E", ["5", "6"], 1100)]
    assert Electorate(units).summary() == ElectorateSummary(entries=4, area_dm2=2100)


def test_households_are_counted_by_head_only():
    spec = PollSpec(PollKind.SINGLE, ElectorateKind.HOUSEHOLD, options=("东门", "西门"),
                    thresholds=Thresholds.civil_code(Matter.ORDINARY))
    electorate = Electorate(tuple(Entry(f"h{i}") for i in range(4)))
    result = tally(spec, electorate, [Ballot(frozenset({"东门"}), f"h{i}") for i in range(2)]
                   + [Ballot(frozenset({"西门"}), "h3")])
    east, west = result.decisions
    assert [s.text for s in east.steps] == ["参与投票的 3 户 / 总户数 4 户 = 75.0%，达到 2/3",
                                           "选择该项的 2 户 / 参与投票的 3 户 = 66.7%，超过 1/2"]
    assert east.passed and not west.passed
    assert result.options["东门"].ballots == 2 and result.turnout.ratio == Fraction(3, 4)


def test_a_person_poll_without_thresholds_only_counts():
    spec = PollSpec(PollKind.MULTIPLE, ElectorateKind.PERSON, options=("a", "b", "c"), min_choices=1, max_choices=2)
    result = tally(spec, ElectorateSummary(entries=10), [Ballot(frozenset({"a", "b"})), Ballot(frozenset({"b"}))])
    assert {o: c.ballots for o, c in result.options.items()} == {"a": 1, "b": 2, "c": 0}
    assert result.decisions == () and result.turnout.ratio == Fraction(1, 5)


def test_a_questionnaire_summarises_numbers_and_counts_texts():
    spec = PollSpec(PollKind.QUESTIONNAIRE, ElectorateKind.HOUSEHOLD,
                    questions=(Question("车辆数", AnswerKind.NUMBER), Question("建议", AnswerKind.TEXT)))
    result = tally(spec, ElectorateSummary(entries=5), [Ballot({"车辆数": 2, "建议": "加装电梯"}),
                                                         Ballot({"车辆数": 1}), Ballot({})])
    cars = result.questions["车辆数"]
    assert (cars.answered, cars.total, cars.minimum, cars.maximum, cars.mean) == (2, 3, 1, 2, Fraction(3, 2))
    assert result.questions["建议"].answered == 1 and result.turnout.ballots == 3


def test_anonymous_assembly_ballots_count_by_their_own_area():
    spec = PollSpec(PollKind.MOTIONS, ASSEMBLY, motions=("m",))
    named = tally(spec, assembly_of_three(), [Ballot({"m": Stance.YES}, "A"), Ballot({"m": Stance.NO}, "D")])
    secret = tally(spec, assembly_of_three().summary(), [Ballot({"m": Stance.YES}, area_dm2=500_000),
                                                         Ballot({"m": Stance.NO}, area_dm2=305_000)])
    assert named == secret


# ---- bad input: a DomainError with a Chinese message ----

def refused(message_part):
    return pytest.raises(DomainError, match=message_part)


@pytest.mark.parametrize(("make", "message"), [
    (lambda: Threshold(Fraction(101, 100)), "表决门槛须在 0 到 100% 之间"),
    (lambda: Threshold(Fraction(-1, 2)), "表决门槛须在 0 到 100% 之间"),
    (lambda: Threshold(Fraction(1), strict=True), "永远无法达到"),
    (lambda: PollSpec(PollKind.SINGLE, ElectorateKind.PERSON), "投票至少需要一个选项"),
    (lambda: PollSpec(PollKind.MOTIONS, ASSEMBLY), "表决至少需要一项议题"),
    (lambda: PollSpec(PollKind.QUESTIONNAIRE, ElectorateKind.PERSON), "问卷至少需要一个问题"),
    (lambda: PollSpec(PollKind.SINGLE, ElectorateKind.PERSON, options=("a", "a")), "不能重复"),
    (lambda: PollSpec(PollKind.MULTIPLE, ElectorateKind.PERSON, options=("a", "b"), max_choices=3), "可选项数"),
    (lambda: PollSpec(PollKind.MULTIPLE, ElectorateKind.PERSON, options=("a",), min_choices=0, max_choices=0),
     "最多可选项数至少为 1"),
    (lambda: PollSpec(PollKind.MOTIONS, ASSEMBLY, motions=("m",), matter=Matter.MAJOR,
                      thresholds=Thresholds.civil_code(Matter.ORDINARY)), "不能低于民法典第二百七十八条"),
    (lambda: owner_units([(Room("1", 100), [])]), "房屋「1」没有登记业主"),
    (lambda: owner_units([(Room("1", 100), ["A"]), (Room("1", 100), ["B"])]), "房屋「1」重复出现"),
])
def test_a_bad_poll_is_refused(make, message):
    with refused(message) as error:
        make()
    assert error.value.code is ErrorCode.INVALID_INPUT


SINGLE = PollSpec(PollKind.SINGLE, ElectorateKind.PERSON, options=("a", "b"))
MULTI = PollSpec(PollKind.MULTIPLE, ElectorateKind.PERSON, options=("a", "b", "c"), min_choices=2, max_choices=2)
MOTIONS = PollSpec(PollKind.MOTIONS, ASSEMBLY, motions=("m", "n"))
QUIZ = PollSpec(PollKind.QUESTIONNAIRE, ElectorateKind.PERSON, questions=(Question("n", AnswerKind.NUMBER),))
PEOPLE_3 = Electorate((Entry("x"), Entry("y"), Entry("z")))


@pytest.mark.parametrize(("spec", "electorate", "ballots", "message"), [
    (SINGLE, PEOPLE_3, [Ballot(frozenset({"a", "b"}), "x")], "单选投票须且只能选择一项"),
    (SINGLE, PEOPLE_3, [Ballot(frozenset(), "x")], "单选投票须且只能选择一项"),
    (SINGLE, PEOPLE_3, [Ballot(frozenset({"z"}), "x")], "选项「z」不在本次投票中"),
    (MULTI, PEOPLE_3, [Ballot(frozenset({"a"}), "x")], "须选择 2 到 2 项，实际选了 1 项"),
    (MULTI, PEOPLE_3, [Ballot(frozenset({"a", "b", "c"}), "x")], "须选择 2 到 2 项，实际选了 3 项"),
    (MOTIONS, assembly_of_three(), [Ballot({"m": Stance.YES}, "A")], "请对议题「n」作出选择"),
    (MOTIONS, assembly_of_three(), [Ballot({"m": Stance.YES, "n": Stance.NO, "o": Stance.NO}, "A")],
     "议题「o」不在本次表决中"),
    (MOTIONS, assembly_of_three(), [Ballot({"m": "YES", "n": Stance.NO}, "A")], "只能选择同意、反对或弃权"),
    (QUIZ, PEOPLE_3, [Ballot({"n": "两辆"}, "x")], "问题「n」须填写整数"),
    (SINGLE, PEOPLE_3, [Ballot(frozenset({"a"}), "w")], "「w」不在本次投票的名册中"),
    (SINGLE, PEOPLE_3, [Ballot(frozenset({"a"}), "x"), Ballot(frozenset({"b"}), "x")], "「x」投了不止一张票"),
    (SINGLE, ElectorateSummary(1), [Ballot(frozenset({"a"})), Ballot(frozenset({"b"}))], "多于名册的 1 个投票单位"),
    (SINGLE, Electorate(()), [], "选民名册为空"),
    (MOTIONS, assembly_of_three().summary(), [Ballot({"m": Stance.YES, "n": Stance.NO})], "须带有其专有部分面积"),
    (MOTIONS, ElectorateSummary(3, 1000), [Ballot({"m": Stance.YES, "n": Stance.NO}, area_dm2=1001)],
     "面积合计超过了名册的总面积"),
    (MOTIONS, Electorate((Entry("A", (Room("1", 100),), frozenset("A")), Entry("A2", (Room("2", 100),),
                                                                               frozenset("A")))), [],
     "同一业主（或同一组共有人）在名册中出现多次"),
    (MOTIONS, Electorate((Entry("A", (Room("1", 0),), frozenset("A")),)), [], "专有部分面积须大于 0"),
])
def test_a_bad_ballot_or_electorate_is_refused(spec, electorate, ballots, message):
    with refused(message) as error:
        tally(spec, electorate, ballots)
    assert error.value.code is ErrorCode.INVALID_INPUT
